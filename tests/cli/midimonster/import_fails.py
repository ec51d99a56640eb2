import midimonster

raise RuntimeError("import fails on purpose")


def f(value):
    pass
