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
