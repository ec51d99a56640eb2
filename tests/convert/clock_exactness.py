#!/usr/bin/python3
# Offline time is exact and the same on every path: clock.mdp (VoiceFilter and FloatingKeySplit)
# gets the timed input of clock_events.py through `mdc test` (its test(...)), `mdc run --backend
# text` with `@` times, and `mdc convert` of a format-0 MIDI file whose tempo doubles at 1.0 s;
# all three must give clock_events.EXPECT (convert: each output at its input's time, as mido reads
# the file with its tempo map). Without the tempo change the same ticks mean other times, and the
# converted output must differ: the check can fail.
#   usage: clock_exactness.py MDC TESTS_DIR
import os
import re
import subprocess
import sys
import tempfile

here = os.path.join(os.path.abspath(sys.argv[2]), 'convert')
sys.path.insert(0, here)
from clock_events import SEND, EXPECT  # noqa: E402
from make_files import ev, meta, smf, track  # noqa: E402

mdc = os.path.abspath(sys.argv[1])
patch = os.path.join(here, 'clock.mdp')
failures = 0


def fail(what, detail=''):
    global failures
    failures += 1
    print('FAIL', what)
    if detail:
        print(detail)


def ticks(seconds):
    """The tick of a time in the file with the tempo change."""
    if seconds <= 1.0:
        return round(seconds * 960)
    return 960 + round((seconds - 1.0) * 1920)


def midi_file(tempo_change):
    """A format-0 file of SEND: division 480, 120 bpm, and 240 bpm from tick 960 if tempo_change
    (without it, the same ticks stand for other times)."""
    items = [(0, meta(0, 0x51, bytes([0x07, 0xA1, 0x20]))[1:])]
    if tempo_change:
        items.append((960, meta(0, 0x51, bytes([0x03, 0xD0, 0x90]))[1:]))
    for t, text in SEND:
        m = re.match(r'(NoteOn|NoteOff)Event\(1, (\d+), (\d+), (\d+)\)', text)
        kind, channel, note, velocity = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
        status = (0x90 if kind == 'NoteOn' else 0x80) | (channel - 1)
        items.append((ticks(t), ev(0, status, note, velocity)[1:]))
    items.sort(key=lambda x: x[0])  # stable: the tempo change comes before events at its tick
    events, now = [], 0
    for tick, data in items:
        events.append(ev(tick - now) + data)
        now = tick
    return smf(0, 480, track(*events))


def read_converted(path):
    """(seconds, event text) of every channel message, as mido computes the times."""
    import mido
    out, now = [], 0.0
    for msg in mido.MidiFile(path):
        now += msg.time
        if msg.type in ('note_on', 'note_off'):
            name = 'NoteOnEvent' if msg.type == 'note_on' else 'NoteOffEvent'
            out.append((round(now, 9), f'{name}(1, {msg.channel + 1}, {msg.note}, {msg.velocity})'))
    return out


want_events = [e for _, e in EXPECT]
want_timed = [(round(t, 9), e) for t, e in EXPECT]

# mdc test: the patch's own test(...) holds the same events.
r = subprocess.run([mdc, 'test', patch], capture_output=True, text=True)
if r.returncode != 0:
    fail('mdc test clock.mdp', r.stdout + r.stderr)

# mdc run --backend text, with @ times.
text_in = ''.join(f'@{t} {e}\n' for t, e in SEND)
r = subprocess.run([mdc, 'run', '--backend', 'text', patch], input=text_in, capture_output=True, text=True)
got = r.stdout.splitlines()
if r.returncode != 0 or got != want_events:
    fail('mdc run --backend text', f'exit {r.returncode}\n' + '\n'.join(f'  {line}' for line in got) + r.stderr)

# mdc convert of a MIDI file with a tempo change, and the same ticks without it.
with tempfile.TemporaryDirectory() as work:
    results = {}
    for tempo_change in (True, False):
        src, dst = os.path.join(work, f'in{tempo_change}.mid'), os.path.join(work, f'out{tempo_change}.mid')
        with open(src, 'wb') as f:
            f.write(midi_file(tempo_change))
        r = subprocess.run([mdc, 'convert', '--patch', patch, src, dst], capture_output=True, text=True)
        if r.returncode != 0:
            fail(f'mdc convert (tempo change: {tempo_change}): exit {r.returncode}', r.stderr)
            continue
        results[tempo_change] = read_converted(dst)
    if True in results and results[True] != want_timed:
        fail('mdc convert of the file with a tempo change', '\n'.join(f'  {t:.9f} {e}' for t, e in results[True]))
    if False in results and [e for _, e in results[False]] == want_events:
        fail('mdc convert: the file without the tempo change gave the same output; the test cannot tell')

print('clock exactness:', 'ok' if failures == 0 else f'{failures} failures')
sys.exit(1 if failures else 0)
