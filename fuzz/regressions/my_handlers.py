"""Handlers for midimonster_mapping.mdp, written for MIDIMonster's python backend.

Every handler takes one float 0.0..1.0 (a CC value / 127, a note velocity / 127, a 14-bit
pitch bend / 16383, ...) and answers with midimonster.output(channel, value). Channel names are
this instance's channels; the mapping lines in the patch decide where they go.
The same module runs unchanged under MIDIMonster.
"""
import math

import midimonster

# ---- set up at load time -------------------------------------------------------------------
# Outputs made while the module loads are sent once when the instance starts:
# pitch bend range of the synth (RPN 0) = 12 semitones, i.e. MSB 12, LSB 0 of a 14-bit value.
midimonster.output("bend_range", (12 * 128) / 16383)

_muted = False
_sound = 0          # program number currently selected on the synth (0-based)
_lfo_phase = 0.0


# ---- handlers ------------------------------------------------------------------------------
def in1(value):
    """Keyboard volume fader (CC 7) drives the synth's pan, inverted."""
    midimonster.output("out1", 1 - value)


def strip(value):
    """Default handler for strip1..strip4 (the surface's faders).

    midimonster.current() says which strip moved ("strip3"); the fader value goes to the matching
    sound parameter and lights the LED ring above the fader.
    """
    n = midimonster.current()[len("strip"):]
    midimonster.output("param" + n, value)
    midimonster.output("led" + n, value)


def fader(value):
    """Master fader: synth volume, unless muted."""
    if not _muted:
        midimonster.output("volume", value)


def mute(value):
    """Mute button (a note): toggles on press, ignores the release (value 0)."""
    global _muted
    if value == 0:
        return
    _muted = not _muted
    restore = midimonster.inputvalue("my_handlers.fader")   # where the master fader stands
    midimonster.output("volume", 0.0 if _muted else (restore or 0.0))
    midimonster.output("mute_led", 1.0 if _muted else 0.0)


def hold(value):
    """Hold button: a latching sustain pedal."""
    if value == 0:
        return
    down = (midimonster.outputvalue("sustain") or 0.0) < 0.5
    midimonster.output("sustain", 1.0 if down else 0.0)
    midimonster.output("hold_led", 1.0 if down else 0.0)


def next_sound(value):
    """Step to the next of 8 sounds on the synth (program change)."""
    global _sound
    if value == 0:
        return
    _sound = (_sound + 1) % 8
    midimonster.output("program", _sound / 127)


def bend(value):
    """Pitch bend either way opens the filter (0.5 is the centre)."""
    midimonster.output("cutoff", min(1.0, abs(value - 0.5) * 2))


def pressure(value):
    """Channel aftertouch adds vibrato (mod wheel on the synth)."""
    midimonster.output("vibrato", value * 0.8)


# ---- a slow LFO on the synth's pan of part 2, every 50 ms ------------------------------------
def _lfo_tick():
    global _lfo_phase
    _lfo_phase = (_lfo_phase + 0.05 * 2 * math.pi / 4.0) % (2 * math.pi)   # 4 second period
    midimonster.output("lfo", 0.5 + 0.4 * math.sin(_lfo_phase))


midimonster.interval(_lfo_tick, 50)
