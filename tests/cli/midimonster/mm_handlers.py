"""Handlers for the MIDIMonster CLI tests."""
import midimonster


def invert(value):
    midimonster.output("out", 1 - value)


def picky(value):
    if value > 0.5:
        raise ValueError("too loud: %.3f" % value)
    midimonster.output("out", value)


def tick():
    midimonster.output("tick", midimonster.timestamp() / 1000)


midimonster.interval(tick, 250)
