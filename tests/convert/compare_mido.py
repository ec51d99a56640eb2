#!/usr/bin/python3
# Compares MIDI files as mido (python3-mido, an independent reader) sees them: the header (format,
# division, track count) and, per track, every message (type, channel, data, meta events) with its
# absolute time. Each input IN is compared with DIR/basename(IN) for every --check DIR N: with
# N = 0 the events must be the same; otherwise every note-on, note-off and poly aftertouch must be
# N semitones higher (dropped when that leaves 0..127, as Sanitize does) and all else unchanged.
# Each input is read once. With --skip-unreadable, inputs mido itself cannot read are listed and
# left out (it cannot judge them); without it they count as differences.
#   usage: /usr/bin/python3 compare_mido.py [--skip-unreadable] --check DIR N [--check DIR N]... IN...
# Prints one line per difference (at most 5 per file and check) and exits 1 if any file differs.
import os
import sys

import mido

def timeline(midi):
    """Per track: (absolute time, the message as mido encodes it) for every message."""
    tracks = []
    for track in midi.tracks:
        now, events = 0, []
        for msg in track:
            now += msg.time
            events.append((now, tuple(msg.bytes())))
        tracks.append(events)
    return tracks


def expected(tracks, offset):
    if not offset:
        return tracks
    out = []
    for events in tracks:
        kept = []
        for now, data in events:
            if data[0] < 0xF0 and (data[0] & 0xF0) in (0x80, 0x90, 0xA0):  # note-off, note-on, poly aftertouch
                note = data[1] + offset
                if not 0 <= note <= 127:
                    continue
                data = (data[0], note) + data[2:]
            kept.append((now, data))
        out.append(kept)
    return out


def show(event):
    if event is None:
        return 'nothing'
    now, data = event
    try:
        msg = mido.Message.from_bytes(list(data)) if data[0] != 0xFF else 'meta ' + ' '.join('%02X' % b for b in data)
    except Exception:  # noqa: BLE001 - bytes mido cannot build a message from
        msg = ' '.join('%02X' % b for b in data)
    return 'at {}: {}'.format(now, msg)


def compare(a, events, path_out, offset):
    try:
        b = mido.MidiFile(path_out)
    except Exception as e:  # noqa: BLE001 - any reader failure is a difference
        return ['mido cannot read the output {}: {}'.format(path_out, e)]
    if (a.type, a.ticks_per_beat, len(a.tracks)) != (b.type, b.ticks_per_beat, len(b.tracks)):
        return ['{}: header: format {} division {} tracks {} became format {} division {} tracks {}'.format(
            path_out, a.type, a.ticks_per_beat, len(a.tracks), b.type, b.ticks_per_beat, len(b.tracks))]
    problems = []
    want, got = expected(events, offset), timeline(b)
    for n, (w, g) in enumerate(zip(want, got), 1):
        if w == g:
            continue
        for i in range(max(len(w), len(g))):
            we = w[i] if i < len(w) else None
            ge = g[i] if i < len(g) else None
            if we != ge:
                problems.append('{}: track {} event {}: expected {}, got {}'.format(path_out, n, i + 1, show(we), show(ge)))
                break
    return problems


def main(argv):
    args, checks, skip = argv[1:], [], False
    while args and args[0].startswith('--'):
        if args[0] == '--skip-unreadable':
            skip, args = True, args[1:]
        elif args[0] == '--check' and len(args) >= 3:
            checks.append((args[1], int(args[2])))
            args = args[3:]
        else:
            break
    if not checks or not args:
        sys.stderr.write('usage: compare_mido.py [--skip-unreadable] --check DIR N [--check DIR N]... IN...\n')
        return 64
    bad = skipped = 0
    for path in args:
        try:
            a = mido.MidiFile(path)
        except Exception as e:  # noqa: BLE001
            if skip:
                skipped += 1
                print('left out (mido cannot read it: {}): {}'.format(e, path))
                continue
            a = None
            problems = ['mido cannot read the input: {}'.format(e)]
        if a is not None:
            events = timeline(a)
            problems = []
            for outdir, offset in checks:
                problems += compare(a, events, os.path.join(outdir, os.path.basename(path)), offset)[:5]
        if problems:
            bad += 1
            for p in problems:
                print('{}: {}'.format(path, p))
    checked = len(args) - skipped
    what = ' and '.join('transposed by {}'.format(n) if n else 'unchanged' for _, n in checks)
    print('{} of {} files {} as mido reads them{}'.format(checked - bad, checked, what,
                                                           ' ({} left out)'.format(skipped) if skipped else ''))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
