# Factories for PerChannel (per_channel.mdp): each object counts the note-ons of its own port and
# channel and writes the count into the velocity, so the output shows which object saw the event.


class Counter(object):
    def __init__(self):
        self.count = 0

    def __call__(self, ev):
        self.count += 1
        ev.velocity = self.count
        return ev


def make_octaves():
    # a factory that is a plain function; its objects return the event and a copy an octave up
    def octaves(ev):
        up = ev.copy()
        up.note += 12
        return [ev, up]
    return octaves
