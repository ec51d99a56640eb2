# mididings.extra's stateful units the way mididings runs them: Python objects per port and
# channel (PerChannel), called by Process() for every event. The benchmark runs
# bench/extra_python.mdp (these) beside bench/extra_native.mdp (mdc's native units) on the same
# stream. The algorithms follow mididings' polyphony.py, pedal_noteoff.py and latch.py.
from mididings import *
from mididings.event import NoteOffEvent


class _LimitPolyphony(object):
    def __init__(self, max_polyphony):
        self.max_polyphony = max_polyphony
        self.notes = []

    def __call__(self, ev):
        if ev.type == NOTEON:
            out = [ev]
            if len(self.notes) >= self.max_polyphony:
                oldest = self.notes.pop(0)
                out.insert(0, NoteOffEvent(ev.port, ev.channel, oldest, 0))
            self.notes.append(ev.note)
            return out
        if ev.type == NOTEOFF:
            if ev.note in self.notes:
                self.notes.remove(ev.note)
                return ev
            return None
        return ev


class _MakeMonophonic(object):
    def __init__(self):
        self.notes = []

    def __call__(self, ev):
        if ev.type == NOTEON:
            out = []
            if self.notes:
                out.append(NoteOffEvent(ev.port, ev.channel, self.notes[-1][0], 0))
            self.notes.append((ev.note, ev.velocity))
            out.append(ev)
            return out
        if ev.type == NOTEOFF:
            held = [n for n, v in self.notes]
            if ev.note not in held:
                return None
            last = self.notes[-1][0] == ev.note
            self.notes = [(n, v) for n, v in self.notes if n != ev.note]
            if last:
                out = [ev]
                if self.notes:
                    n, v = self.notes[-1]
                    out.append(NoteOnEvent(ev.port, ev.channel, n, v))
                return out
            return None
        return ev


class _PedalToNoteoff(object):
    def __init__(self, ctrl):
        self.ctrl = ctrl
        self.pedal = False
        self.sustained = set()

    def __call__(self, ev):
        if ev.type == CTRL and ev.ctrl == self.ctrl:
            down = ev.value >= 64
            if self.pedal and not down:
                out = [NoteOffEvent(ev.port, ev.channel, n, 0) for n in sorted(self.sustained)]
                self.sustained.clear()
                self.pedal = False
                return out
            self.pedal = down
            return None
        if ev.type == NOTEON and ev.note in self.sustained:
            self.sustained.discard(ev.note)
            return [NoteOffEvent(ev.port, ev.channel, ev.note, 0), ev]
        if ev.type == NOTEOFF and self.pedal:
            self.sustained.add(ev.note)
            return None
        return ev


# Factories for PerChannel (one object per port and channel).
def pedal_to_noteoff():
    return _PedalToNoteoff(64)


def limit_polyphony_4():
    return _LimitPolyphony(4)


def limit_polyphony_2():
    return _LimitPolyphony(2)


def make_monophonic():
    return _MakeMonophonic()
