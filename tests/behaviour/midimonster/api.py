"""The midimonster module's API as api.mdp tests it. Values go out as CCs (value * 127)."""
import midimonster

# Load time: current() is None, output() values are sent at start, in channel order.
assert midimonster.current() is None
midimonster.output("loaded", 0.5)
midimonster.output("clamped", 7.0)   # clamped to 1.0

_ticks = 0


def prev(value):
    """Outputs the value before this one (inputvalue of its own channel is the previous value)."""
    midimonster.output("previous", midimonster.inputvalue("api.prev"))


def named(value):
    """Outputs 1.0 when current() is this channel's name, else 0.0; and outputvalue()."""
    midimonster.output("is_current", 1.0 if midimonster.current() == "api.named" else 0.0)
    midimonster.output("last_out", midimonster.outputvalue("is_current"))


def fallback(value):
    """The default handler: current() is the dot-less channel name ("d1", "d2")."""
    midimonster.output("o" + midimonster.current(), value)


def read_other(value):
    """inputvalue() of another channel: the last value it received; None for an unknown one."""
    other = midimonster.inputvalue("api.prev")
    midimonster.output("other", other if midimonster.inputvalue("no such channel") is None else 0.0)


def count_channels(value):
    midimonster.output("count", len(midimonster.channels()) / 127)


def tick():
    """Every 100 ms of the virtual clock: timestamp() in tenths of a second, as a CC."""
    global _ticks
    _ticks += 1
    assert midimonster.current() is None
    midimonster.output("tick", midimonster.timestamp() / 100 / 127)


def start_ticks(value):
    midimonster.interval(tick, 100 if value > 0 else 0)


def raises(value):
    if value > 0.5:
        raise ValueError("a value above 0.5")
    midimonster.output("survived", value)


def returns(value):
    return 12345     # the return value is ignored
