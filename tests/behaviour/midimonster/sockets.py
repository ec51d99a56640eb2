"""manage(fn, socket) and cleanup_handler(fn) as sockets.mdp tests them."""
import socket
import sys

import midimonster

_mine, _theirs = socket.socketpair()
_mine.setblocking(False)


def readable(sock):
    """Called when the managed socket has data: one value per byte."""
    for b in sock.recv(64):
        midimonster.output("byte", b / 127)
    assert midimonster.current() is None


def send(value):
    """Writes a byte to the other end; the managed callback sees it before the next event."""
    _theirs.send(bytes([int(value * 127)]))


def stop(value):
    midimonster.manage(None, _mine)


def bye():
    print("cleanup: last byte value %.3f" % midimonster.outputvalue("byte"), file=sys.stderr)
    midimonster.output("byte", 0.0)   # not routed: the instance is closing


midimonster.manage(readable, _mine)
assert midimonster.cleanup_handler(bye) is None
assert midimonster.cleanup_handler(bye) is bye
_theirs.send(b"\x05")   # before start: served before the first event
