"""The default handler of conversions.mdp: each value goes out unchanged on "o_" + the channel it
came in on (current() names it: "p3", "n60")."""
import midimonster

def same(value):
    midimonster.output("o_" + midimonster.current(), value)
