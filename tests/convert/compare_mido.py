#!/usr/bin/python3
# Compares MIDI files as mido (python3-mido, an independent reader) sees them: the header (format,
# division, track count) and, per track, every message (type, channel, data, meta events) with its
# absolute time. Each input IN is compared with OUTDIR/basename(IN). With --transpose N every
# note-on, note-off and poly aftertouch of the input must come out N semitones higher (dropped
# when that leaves 0..127, as Sanitize does) and everything else unchanged.
#   usage: /usr/bin/python3 compare_mido.py [--transpose N] OUTDIR IN...
# Prints one line per difference (at most 5 per file) and exits 1 if any file differs.
import os
import sys

import mido

NOTE_TYPES = ('note_on', 'note_off', 'polytouch')


def timeline(midi):
    tracks = []
    for track in midi.tracks:
        now, events = 0, []
        for msg in track:
            now += msg.time
            events.append((now, msg.copy(time=0)))
        tracks.append(events)
    return tracks


def expected(tracks, offset):
    if not offset:
        return tracks
    out = []
    for events in tracks:
        kept = []
        for now, msg in events:
            if msg.type in NOTE_TYPES:
                note = msg.note + offset
                if not 0 <= note <= 127:
                    continue
                msg = msg.copy(note=note)
            kept.append((now, msg))
        out.append(kept)
    return out


def compare(path_in, path_out, offset):
    try:
        a, b = mido.MidiFile(path_in), mido.MidiFile(path_out)
    except Exception as e:  # noqa: BLE001 - any reader failure is a difference
        return ['mido cannot read it: {}'.format(e)]
    problems = []
    if (a.type, a.ticks_per_beat, len(a.tracks)) != (b.type, b.ticks_per_beat, len(b.tracks)):
        problems.append('header: format {} division {} tracks {} became format {} division {} tracks {}'.format(
            a.type, a.ticks_per_beat, len(a.tracks), b.type, b.ticks_per_beat, len(b.tracks)))
        return problems
    want, got = expected(timeline(a), offset), timeline(b)
    for n, (w, g) in enumerate(zip(want, got), 1):
        if w == g:
            continue
        for i in range(max(len(w), len(g))):
            we = w[i] if i < len(w) else None
            ge = g[i] if i < len(g) else None
            if we != ge:
                problems.append('track {} event {}: expected {} got {}'.format(n, i + 1, we, ge))
                break
    return problems


def main(argv):
    offset = 0
    if len(argv) > 1 and argv[1] == '--transpose':
        offset = int(argv[2])
        argv = argv[:1] + argv[3:]
    if len(argv) < 3:
        sys.stderr.write('usage: compare_mido.py [--transpose N] OUTDIR IN...\n')
        return 64
    outdir, inputs = argv[1], argv[2:]
    bad = 0
    for path in inputs:
        problems = compare(path, os.path.join(outdir, os.path.basename(path)), offset)
        if problems:
            bad += 1
            for p in problems[:5]:
                print('{}: {}'.format(path, p))
    what = 'transposed by {}'.format(offset) if offset else 'unchanged'
    print('{} of {} files {} as mido reads them'.format(len(inputs) - bad, len(inputs), what))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
