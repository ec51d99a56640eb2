# engine.time() for engine_time.mdp: the time of the event being processed, as a controller value
# in hundredths of a second.
import mididings.engine
from mididings.event import CtrlEvent


def hundredths(ev):
    return CtrlEvent(ev.port, ev.channel, 20, round(mididings.engine.time() * 100))
