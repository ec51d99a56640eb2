# The timed input and the expected output of clock.mdp (VoiceFilter and FloatingKeySplit, whose
# results depend on time), shared by clock_exactness.py; clock.mdp's test(...) holds the same.
# Times are chosen to be exact in ticks of a file with division 480, 120 bpm until 1.0 s (tick
# 960), then 240 bpm: a tick is 1/960 s, then 1/1920 s.
SEND = [
    (0.0, 'NoteOnEvent(1, 1, 60, 90)'),
    (0.05, 'NoteOnEvent(1, 1, 64, 91)'),
    (0.0625, 'NoteOffEvent(1, 1, 64, 0)'),
    (0.5, 'NoteOffEvent(1, 1, 60, 0)'),
    (1.0, 'NoteOnEvent(1, 1, 62, 92)'),
    (1.05, 'NoteOnEvent(1, 1, 65, 93)'),
    (1.075, 'NoteOffEvent(1, 1, 65, 0)'),
    (1.1, 'NoteOnEvent(1, 2, 50, 94)'),
    (1.2, 'NoteOffEvent(1, 2, 50, 0)'),
    (1.5, 'NoteOffEvent(1, 1, 62, 0)'),
    (2.1, 'NoteOnEvent(1, 2, 62, 95)'),
    (2.2, 'NoteOffEvent(1, 2, 62, 0)'),
    (3.5, 'NoteOnEvent(1, 2, 62, 96)'),
    (3.6, 'NoteOffEvent(1, 2, 62, 0)'),
]
# (time of the input event, output event)
EXPECT = [
    (0.0, 'NoteOnEvent(1, 1, 60, 90)'),
    (0.05, 'NoteOffEvent(1, 1, 60, 0)'), (0.05, 'NoteOnEvent(1, 1, 64, 91)'),
    (0.0625, 'NoteOffEvent(1, 1, 64, 0)'), (0.0625, 'NoteOnEvent(1, 1, 60, 90)'),  # within time=0.1 of 60's note-on
    (0.5, 'NoteOffEvent(1, 1, 60, 0)'),
    (1.0, 'NoteOnEvent(1, 1, 62, 92)'),
    (1.05, 'NoteOffEvent(1, 1, 62, 0)'), (1.05, 'NoteOnEvent(1, 1, 65, 93)'),
    (1.075, 'NoteOffEvent(1, 1, 65, 0)'), (1.075, 'NoteOnEvent(1, 1, 62, 92)'),  # 0.075 s: only at the new tempo
    (1.1, 'NoteOnEvent(1, 11, 50, 94)'),
    (1.2, 'NoteOffEvent(1, 11, 50, 0)'),
    (1.5, 'NoteOffEvent(1, 1, 62, 0)'),
    (2.1, 'NoteOnEvent(1, 11, 62, 95)'),  # 50, released 0.9 s ago, still holds the split point up
    (2.2, 'NoteOffEvent(1, 11, 62, 0)'),
    (3.5, 'NoteOnEvent(1, 12, 62, 96)'),  # past hold_time: the split point is back at 60
    (3.6, 'NoteOffEvent(1, 12, 62, 0)'),
]
