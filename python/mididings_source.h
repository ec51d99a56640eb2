// The Python source of the `mididings` package that mdc provides to user code (from mididings
// import *, mididings.event, mididings.engine, mididings.constants, mididings.util,
// mididings.extra.per_channel), installed into sys.modules at start (runtime.cpp), beside
// mididings.extra.gm (its names from lang/gm.h). Engine functions call the C module `_mdc`
// (engine_module.cpp). The type
// bits equal engine/event_types.h; tests/behaviour/python checks them against the patch language.
#pragma once

#include <string_view>

namespace mdc::python {

inline constexpr std::string_view constants_source = R"PY(
NOTEON = 1 << 0
NOTEOFF = 1 << 1
CTRL = 1 << 2
PITCHBEND = 1 << 3
AFTERTOUCH = 1 << 4
POLY_AFTERTOUCH = 1 << 5
PROGRAM = 1 << 6
SYSEX = 1 << 7
SYSCM_QFRAME = 1 << 8
SYSCM_SONGPOS = 1 << 9
SYSCM_SONGSEL = 1 << 10
SYSCM_TUNEREQ = 1 << 11
SYSRT_CLOCK = 1 << 12
SYSRT_START = 1 << 13
SYSRT_CONTINUE = 1 << 14
SYSRT_STOP = 1 << 15
SYSRT_SENSING = 1 << 16
SYSRT_RESET = 1 << 17
DUMMY = 1 << 29
NOTE = NOTEON | NOTEOFF
SYSCM = SYSCM_QFRAME | SYSCM_SONGPOS | SYSCM_SONGSEL | SYSCM_TUNEREQ
SYSRT = SYSRT_CLOCK | SYSRT_START | SYSRT_CONTINUE | SYSRT_STOP | SYSRT_SENSING | SYSRT_RESET
SYSTEM = SYSEX | SYSCM | SYSRT
NONE = 0
ANY = (1 << 30) - 1
EVENT_PORT = -1
EVENT_CHANNEL = -2
EVENT_DATA1 = EVENT_NOTE = EVENT_CTRL = -3
EVENT_DATA2 = EVENT_VELOCITY = EVENT_VALUE = EVENT_PROGRAM = -4

_NAMES = [(v, k) for k, v in sorted(globals().items()) if k.isupper() and not k.startswith('EVENT_')
          and isinstance(v, int) and v > 0 and (v & (v - 1)) == 0]
_TYPE_NAMES = dict(_NAMES)
)PY";

inline constexpr std::string_view util_source = R"PY(
import _mdc

class NoDataOffset(int):
    """A number that data_offset leaves alone (the gm program constants)."""
    def __repr__(self):
        return 'NoDataOffset(%d)' % int(self)

def offset(n):
    """A raw (0-based) number as the user writes it."""
    return n + _mdc.data_offset()

def actual(n):
    """A number as the user writes it, raw (0-based); NoDataOffset numbers stay as they are."""
    return int(n) if isinstance(n, NoDataOffset) else n - _mdc.data_offset()
)PY";

inline constexpr std::string_view event_source = R"PY(
import _mdc
from mididings.constants import *
from mididings.constants import _TYPE_NAMES
from mididings.util import actual as _actual

def _offset():
    return _mdc.data_offset()

def _sysex_bytes(sysex):
    if isinstance(sysex, str):
        parts = sysex.replace(',', ' ').split()
        if parts and all(len(p) <= 2 for p in parts):
            return bytes(int(p, 16) for p in parts)
        return sysex.encode('latin-1')
    return bytes(sysex)

def _property(types, field, name, offset=False):
    def getter(self):
        if types is not None and not self.type & types:
            self._no_attribute(name)
        v = getattr(self, field)
        return v + _offset() if offset else v
    def setter(self, value):
        if types is not None and not self.type & types:
            self._no_attribute(name)
        setattr(self, field, _actual(value) if offset else value)
    return property(getter, setter)

class MidiEvent(object):
    """A MIDI event as mididings' MidiEvent: port, channel and program use data_offset."""
    __slots__ = ('type', '_port', '_channel', 'data1', 'data2', '_sysex')

    def __init__(self, type, port=None, channel=None, data1=0, data2=0, sysex=None):
        if not isinstance(type, int) or type <= 0 or type & (type - 1):
            raise ValueError('MidiEvent needs one event type, not %r' % (type,))
        self.type = type
        self._port = 0 if port is None else _actual(port)
        self._channel = 0 if channel is None else _actual(channel)
        self.data1 = data1
        self.data2 = data2
        self._sysex = _sysex_bytes(sysex) if sysex is not None else b''

    def _no_attribute(self, name):
        raise AttributeError("MidiEvent type '%s' has no attribute '%s'" % (self._type_name(), name))

    def _type_name(self):
        return _TYPE_NAMES.get(self.type, 'NONE')

    port = _property(None, '_port', 'port', True)
    channel = _property(None, '_channel', 'channel', True)
    note = _property(NOTE | POLY_AFTERTOUCH, 'data1', 'note')
    velocity = _property(NOTE, 'data2', 'velocity')
    ctrl = _property(CTRL, 'data1', 'ctrl')
    param = _property(CTRL, 'data1', 'param')
    value = _property(CTRL | PITCHBEND | AFTERTOUCH | POLY_AFTERTOUCH, 'data2', 'value')
    program = _property(PROGRAM, 'data2', 'program', True)

    @property
    def sysex(self):
        if not self.type & SYSEX:
            self._no_attribute('sysex')
        return self._sysex

    @sysex.setter
    def sysex(self, value):
        if not self.type & SYSEX:
            self._no_attribute('sysex')
        self._sysex = _sysex_bytes(value)

    def __eq__(self, other):
        if not isinstance(other, MidiEvent):
            return NotImplemented
        return (self.type, self._port, self._channel, self.data1, self.data2, self._sysex) == \
               (other.type, other._port, other._channel, other.data1, other.data2, other._sysex)

    def __ne__(self, other):
        r = self.__eq__(other)
        return r if r is NotImplemented else not r

    __hash__ = None

    def __repr__(self):
        return 'MidiEvent(%s, %d, %d, %d, %d)' % (self._type_name(), self.port, self.channel, self.data1, self.data2)

    def copy(self):
        e = MidiEvent.__new__(MidiEvent)
        e.type, e._port, e._channel, e.data1, e.data2, e._sysex = \
            self.type, self._port, self._channel, self.data1, self.data2, self._sysex
        return e

def NoteOnEvent(port, channel, note, velocity):
    return MidiEvent(NOTEON, port, channel, note, velocity)

def NoteOffEvent(port, channel, note, velocity=0):
    return MidiEvent(NOTEOFF, port, channel, note, velocity)

def CtrlEvent(port, channel, ctrl, value):
    return MidiEvent(CTRL, port, channel, ctrl, value)

def PitchbendEvent(port, channel, value):
    return MidiEvent(PITCHBEND, port, channel, 0, value)

def AftertouchEvent(port, channel, value):
    return MidiEvent(AFTERTOUCH, port, channel, 0, value)

def PolyAftertouchEvent(port, channel, note, value):
    return MidiEvent(POLY_AFTERTOUCH, port, channel, note, value)

def ProgramEvent(port, channel, program):
    return MidiEvent(PROGRAM, port, channel, 0, _actual(program))

def SysExEvent(port, sysex):
    return MidiEvent(SYSEX, port, None, 0, 0, sysex)
)PY";

inline constexpr std::string_view engine_source = R"PY(
import _mdc

def switch_scene(scene, subscene=None):
    _mdc.switch_scene(scene, subscene)

def switch_subscene(subscene):
    _mdc.switch_subscene(subscene)

def current_scene():
    return _mdc.current_scene()

def current_subscene():
    return _mdc.current_subscene()

def scenes():
    return _mdc.scenes()

def output_event(ev):
    _mdc.output_event(ev)

def in_ports():
    return _mdc.in_ports()

def out_ports():
    return _mdc.out_ports()

def time():
    return _mdc.time()

def active():
    return True
)PY";

// mididings.extra.per_channel: Process(PerChannel(factory)) calls one object per port and channel,
// each made by factory() when the first event of its port and channel comes.
inline constexpr std::string_view per_channel_source = R"PY(
class PerChannel(object):
    def __init__(self, factory):
        self.factory = factory
        self._objects = {}

    def __call__(self, ev):
        key = (ev.port, ev.channel)
        if key not in self._objects:
            self._objects[key] = self.factory()
        return self._objects[key](ev)
)PY";

inline constexpr std::string_view package_source = R"PY(
from mididings.constants import *
from mididings.event import MidiEvent, NoteOnEvent, NoteOffEvent, CtrlEvent, PitchbendEvent, \
    AftertouchEvent, PolyAftertouchEvent, ProgramEvent, SysExEvent
from mididings import engine, event, constants, util
)PY";

}  // namespace mdc::python
