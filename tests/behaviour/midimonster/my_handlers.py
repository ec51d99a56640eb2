import midimonster

def in1(value):
    midimonster.output("out1", 1 - value)
