# A module with a syntax error: mdc check reports it without running the module.
def octave_up(ev)
    ev.note += 12
    return ev
