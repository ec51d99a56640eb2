# Call, System and Print(string=f) functions for calls.mdp: Call records what it got, and a Process
# reports the record, which shows that Call ran inline and in event order.
from mididings import *

seen = []


def record(ev):
    seen.append(ev.note)


def record_no_arguments():
    seen.append(-1)


def report(ev):
    return [CtrlEvent(1, 1, i, n if n >= 0 else 127) for i, n in enumerate(seen)]


def clear(ev):
    del seen[:]
    return ev


def command(ev):
    seen.append(ev.note + 1)
    return 'true'


def text(ev):
    seen.append(ev.note + 2)
    return 'note %d' % ev.note


def not_a_command(ev):
    return 5
