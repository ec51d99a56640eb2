# Functions for the CLI tests of Python (run_cli_tests.sh): one that works, one that raises.
from mididings import *


def octave_up(ev):
    ev.note += 12
    return ev


def raises(ev):
    if ev.note == 61:
        raise ValueError("note 61 raises on purpose")
    return ev


def shout(ev):
    print("python print on note %d" % ev.note)
    return ev


def bad_events(ev):
    """Note 61: an event never filled in; note 62: a note that is not a number; others pass."""
    if ev.note == 61:
        return MidiEvent.__new__(MidiEvent)
    if ev.note == 62:
        ev.data1 = "sixty-two"
    return ev
