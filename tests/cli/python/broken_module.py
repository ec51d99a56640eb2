# A module that fails when imported: mdc run reports it at the patch's span and exits 65.
raise RuntimeError("broken on purpose")


def f(ev):
    return ev
