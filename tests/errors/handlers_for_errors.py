# Python helpers for the error tests (module and handler names that exist).
import midimonster


def octave_up(ev):
    ev.note += 12
    return ev


def fader(value):
    midimonster.output("out1", 1 - value)


def velocity_scale(ev, factor=0.5):
    ev.velocity = int(ev.velocity * factor)
    return ev


if True:
    def conditional_handler(ev):  # defined under an if at top level: still a module name
        return ev
