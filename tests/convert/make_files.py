#!/usr/bin/python3
# Writes the MIDI files the convert tests use, byte by byte (no MIDI library, so every oddity is
# exactly what is meant):
#   OUTDIR/valid/NAME.mid      legal files (and legal oddities) that convert must copy exactly;
#   OUTDIR/expected/NAME.mid   the output where it is not the input itself (a chunk skipped,
#                              End-of-Track added, ...);
#   OUTDIR/malformed/NAME.mid  files convert must refuse with the error pinned in malformed.expected.
# The same files seed the SMF fuzzer (scripts/fuzz.sh --target smf_fuzzer).
#   usage: make_files.py OUTDIR
import os
import struct
import sys


def vlq(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.append(0x80 | (n & 0x7F))
        n >>= 7
    return bytes(reversed(out))


def chunk(kind, body):
    return kind + struct.pack('>I', len(body)) + body


def header(fmt, tracks, division, length=6, extra=b''):
    return b'MThd' + struct.pack('>IHHH', length, fmt, tracks, division) + extra


def track(*events, end=True, end_delta=0):
    body = b''.join(events)
    if end:
        body += vlq(end_delta) + b'\xff\x2f\x00'
    return chunk(b'MTrk', body)


def ev(delta, *data):
    return vlq(delta) + bytes(data)


def meta(delta, kind, data):
    return vlq(delta) + bytes([0xFF, kind]) + vlq(len(data)) + data


def sysex(delta, payload, start=0xF0):
    return vlq(delta) + bytes([start]) + vlq(len(payload)) + payload


def smf(fmt, division, *tracks, extra_tracks=0):
    return header(fmt, len(tracks) - extra_tracks, division) + b''.join(tracks)


TEMPO = meta(0, 0x51, b'\x07\xa1\x20')
TIME_SIG = meta(0, 0x58, b'\x04\x02\x18\x08')
KEY_SIG = meta(0, 0x59, b'\x00\x00')


def valid_files():
    f = {}
    # Format 0 with running status and note-ons of velocity 0 as note-offs.
    f['format0_running_status'] = smf(0, 96, track(
        TEMPO, TIME_SIG, KEY_SIG, meta(0, 0x03, b'Piano'),
        ev(0, 0xC0, 5), ev(0, 0x90, 60, 100), ev(0, 64, 90), ev(0, 67, 80),
        ev(96, 60, 0), ev(0, 64, 0), ev(0, 67, 0),
        ev(0, 0xB0, 7, 100), ev(10, 10, 64), ev(0, 0x90, 72, 1), ev(48, 0x80, 72, 64), ev(0, 72, 0)))
    # SMPTE divisions: 25 frames of 40 ticks, 29.97 (drop) frames of 80 ticks.
    f['smpte_25'] = smf(1, 0xE728, track(TEMPO), track(ev(0, 0x91, 50, 90), ev(1000, 0x81, 50, 0)))
    f['smpte_29'] = smf(0, 0xE350, track(ev(0, 0x90, 50, 90), ev(4000, 50, 0)))
    # SysEx of 300 bytes and of 64 KiB (F0 ... F7), between notes.
    f['sysex_300'] = smf(0, 96, track(ev(0, 0x90, 60, 100), sysex(10, bytes(i % 128 for i in range(298)) + b'\xf7'), ev(10, 0x80, 60, 0)))
    f['sysex_64k'] = smf(1, 480, track(TEMPO), track(sysex(0, bytes((i * 7) % 128 for i in range(65534)) + b'\xf7'),
                                                      ev(5, 0x90, 61, 100), ev(5, 61, 0)))
    # Every channel message, with the edges of their values.
    f['channel_messages'] = smf(0, 120, track(
        ev(0, 0x80, 0, 0), ev(0, 0x9F, 127, 127), ev(1, 0xA3, 64, 1), ev(1, 0xB4, 121, 0), ev(1, 0xC5, 127),
        ev(1, 0xD6, 0), ev(1, 0xE7, 0, 0), ev(1, 0xE7, 127, 127), ev(1, 0x00, 0x40), ev(1, 0xEF, 0, 64)))
    # Many tracks: 300 of them, each with a note on its own channel.
    many = [track(TEMPO, meta(0, 0x03, b'conductor'))]
    for t in range(299):
        many.append(track(meta(0, 0x03, 'track {}'.format(t).encode()), ev(t, 0x90 | (t % 16), t % 128, 1 + t % 127),
                          ev(7, 0x80 | (t % 16), t % 128, 0)))
    f['many_tracks'] = smf(1, 96, *many)
    # Format 2 (independent patterns), and a file with a track holding only End-of-Track.
    f['format2'] = smf(2, 96, track(ev(0, 0x90, 60, 1), ev(5, 60, 0)), track(ev(3, 0x90, 62, 1), ev(5, 62, 0)), track())
    # End-of-Track long after the last event: the track's length is kept.
    f['late_end_of_track'] = smf(1, 96, track(ev(0, 0x90, 60, 1), ev(5, 60, 0), end_delta=5000), track(end_delta=7))
    # Meta events over 128 bytes (libsmf misreads those): text, lyrics, sequencer-specific, 70000 bytes.
    f['long_meta'] = smf(1, 96, track(meta(0, 0x01, b'a' * 129), meta(0, 0x05, b'b' * 200), meta(3, 0x7F, bytes(range(128)) * 8),
                                      meta(0, 0x01, b'c' * 70000), ev(0, 0x90, 60, 1), ev(1, 60, 0)))
    # Legal oddities.
    f['sysex_escape'] = smf(0, 96, track(  # a SysEx in an F7 escape, and system messages in escapes
        sysex(0, b'\xf0\x7e\x7f\x09\x01\xf7', start=0xF7), sysex(1, b'\xf3\x05', start=0xF7), sysex(1, b'\xf8', start=0xF7),
        sysex(1, b'\xf2\x10\x20', start=0xF7), sysex(1, b'\xf6', start=0xF7), sysex(0, b'\xf1\x31', start=0xF7), ev(1, 0x90, 60, 9)))
    f['sysex_packets'] = smf(1, 96, track(  # one SysEx in three packets (Casio style), a meta between
        sysex(0, b'\x43\x12\x00', start=0xF0), sysex(200, b'\x43\x12\x00\x43\x12\x00', start=0xF7), meta(0, 0x06, b'mark'),
        sysex(100, b'\x43\x12\x00\xf7', start=0xF7), ev(0, 0x90, 60, 1)), track(ev(50, 0x90, 64, 1), ev(300, 64, 0)))
    f['running_status_after_sysex'] = smf(0, 96, track(ev(0, 0x90, 60, 100), sysex(0, b'\x7e\x7f\x09\x01\xf7'), ev(10, 60, 0), ev(0, 62, 5)))
    f['running_status_after_meta'] = smf(0, 96, track(ev(0, 0xB0, 7, 100), meta(0, 0x06, b'verse'), ev(10, 10, 20), TEMPO, ev(0, 11, 30)))
    f['unterminated_sysex'] = smf(0, 96, track(sysex(0, b'\x7e\x7f\x09'), ev(1, 0x90, 60, 1)))
    f['empty_file_no_tracks'] = smf(1, 96)
    return f


def changed_files():
    """Legal files whose output differs from the input: (input, expected output)."""
    f = {}
    note_track = track(ev(0, 0x90, 60, 1), ev(5, 60, 0))
    f['unknown_chunk'] = (header(1, 1, 96) + chunk(b'XFIH', b'hello') + note_track, smf(1, 96, note_track))
    f['extra_track_chunk'] = (header(0, 1, 96) + note_track + note_track, smf(0, 96, note_track))
    f['trailing_bytes'] = (smf(0, 96, note_track) + b'\x00\x00\x00', smf(0, 96, note_track))
    f['header_extra_bytes'] = (header(0, 1, 96, length=8, extra=b'\x00\x00') + note_track, smf(0, 96, note_track))
    f['data_after_end_of_track'] = (smf(0, 96, chunk(b'MTrk', ev(0, 0x90, 60, 1) + ev(5, 60, 0) + b'\x00\xff\x2f\x00' + ev(0, 0x90, 1, 1))),
                                    smf(0, 96, note_track))
    f['no_end_of_track'] = (smf(1, 96, track(ev(0, 0x90, 60, 1), ev(5, 60, 0), end=False), track(ev(0, 0x91, 61, 1))),
                            smf(1, 96, note_track, track(ev(0, 0x91, 61, 1))))
    f['format0_two_tracks'] = (smf(0, 96, note_track, note_track), smf(1, 96, note_track, note_track))
    return f


def malformed_files():
    f = {}
    note = ev(0, 0x90, 60, 1)
    f['empty'] = b''
    f['text'] = b'Hello, this is a text file, not a MIDI file.\n'
    f['truncated_header'] = b'MThd\x00\x00\x00\x06\x00\x01'
    f['short_header'] = header(0, 1, 96, length=2)[:10] + b'\x00\x60' + track(note)
    f['header_past_end'] = header(0, 1, 96, length=1000)
    f['unknown_format'] = header(3, 1, 96) + track(note)
    f['fewer_tracks'] = header(1, 3, 96) + track(note) + track(note)
    f['truncated_chunk_header'] = header(1, 2, 96) + track(note) + b'MTrk\x00\x00'
    f['track_past_end'] = header(0, 1, 96) + b'MTrk' + struct.pack('>I', 1000) + note
    f['bad_chunk_length'] = header(0, 1, 96) + b'MTrk' + struct.pack('>I', 3) + ev(0, 0x90, 60, 1) + b'\x00\xff\x2f\x00'
    f['unknown_chunk_past_end'] = header(0, 1, 96) + b'XFIH' + struct.pack('>I', 99) + b'abc'
    f['no_running_status'] = smf(0, 96, track(ev(0, 60, 100)))
    f['bad_running_status'] = smf(0, 96, track(sysex(0, b'\x7e\x7f\x09\x01\xf7'), ev(0, 60, 100)))
    f['missing_data_byte'] = smf(0, 96, track(ev(0, 0x90, 60) + b'\x80\x3c\x00'))
    f['truncated_sysex'] = smf(0, 96, chunk(b'MTrk', ev(0, 0xF0) + vlq(300) + bytes(20)))
    f['truncated_sysex_packet'] = smf(0, 96, chunk(b'MTrk', sysex(0, b'\x43\x12') + ev(1, 0xF7) + vlq(50) + b'\x01\x02'))
    f['truncated_meta'] = smf(0, 96, chunk(b'MTrk', ev(0, 0xFF, 0x03, 50) + b'Piano'))
    f['meta_without_type'] = smf(0, 96, chunk(b'MTrk', ev(0, 0xFF)))
    f['delta_too_long'] = smf(0, 96, chunk(b'MTrk', b'\xff\xff\xff\xff\x7f\x90\x3c\x01'))
    f['truncated_delta'] = smf(0, 96, chunk(b'MTrk', note + b'\x81'))
    f['delta_without_event'] = smf(0, 96, chunk(b'MTrk', note + b'\x05'))
    f['truncated_event'] = smf(0, 96, chunk(b'MTrk', ev(0, 0xE0, 0)))
    f['system_status_in_track'] = smf(0, 96, track(note, ev(0, 0xF8)))
    f['riff_midi'] = b'RIFF' + struct.pack('<I', 30) + b'RMIDdata' + smf(0, 96, track(note))
    return f


def main(argv):
    if len(argv) != 2:
        sys.stderr.write('usage: make_files.py OUTDIR\n')
        return 64
    out = argv[1]
    for sub in ('valid', 'expected', 'malformed'):
        os.makedirs(os.path.join(out, sub), exist_ok=True)

    def write(sub, name, data):
        with open(os.path.join(out, sub, name + '.mid'), 'wb') as fh:
            fh.write(data)

    for name, data in valid_files().items():
        write('valid', name, data)
    for name, (data, expected) in changed_files().items():
        write('valid', name, data)
        write('expected', name, expected)
    for name, data in malformed_files().items():
        write('malformed', name, data)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
