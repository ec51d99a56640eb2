# Python helpers for the error tests (module and handler names that exist).
import midimonster


def octave_up(ev):
    ev.note += 12
    return ev


def fader(value):
    midimonster.output("out1", 1 - value)
