"""Module state per instance: each python(...) instance imports its own copy of this module."""
import midimonster
import helper

count = 0


def bump(value):
    global count
    count += 1
    helper.calls.append(value)
    midimonster.output("count", count / 127)
    midimonster.output("helper", len(helper.calls) / 127)


def bounce(value):
    """Outputs on 'again', which a mapping line feeds back into this handler: a feedback loop."""
    global count
    midimonster.output("hop", count / 127)
    count += 1
    midimonster.output("again", value)


def forward(value):
    midimonster.output("to_b", value)
