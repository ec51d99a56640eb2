"""Defines a handler and removes it again: mdc check reads `def gone`, mdc run does not find it."""
import midimonster


def gone(value):
    midimonster.output("out", value)


del gone
