# Process() functions for process_forms.mdp and process_offset0.mdp: each result form of
# mididings' Process, attributes with data_offset, and the event constructors.
from mididings import *
from mididings.event import MidiEvent
import mididings.engine


def drop(ev):
    return None


def same(ev):
    return ev


def octave_up(ev):
    ev.note += 12
    return ev


def as_list(ev):
    return [ev, NoteOnEvent(ev.port, ev.channel, ev.note + 7, ev.velocity)]


def as_tuple(ev):
    return (ev, CtrlEvent(ev.port, ev.channel, 7, ev.velocity))


def as_generator(ev):
    for i in range(3):
        yield MidiEvent(NOTEON, ev.port, ev.channel, ev.note + i, ev.velocity)


def empty_list(ev):
    return []


def fields(ev):
    # the user numbers of port and channel (data_offset applies), as a controller's number and value
    return CtrlEvent(ev.port, ev.channel, ev.port * 10 + ev.channel, ev.data1)


def program_plus_one(ev):
    ev.program = ev.program + 1
    return ev


def move(ev):
    ev.port = 2
    ev.channel = ev.channel + 1
    return ev


def raises(ev):
    raise ValueError("this function raises on purpose")


def wrong_attribute(ev):
    return CtrlEvent(ev.port, ev.channel, ev.ctrl, 0)


def attribute_error_text(ev):
    try:
        ev.ctrl
    except AttributeError as e:
        ok = str(e) == "MidiEvent type 'NOTEON' has no attribute 'ctrl'"
        return CtrlEvent(ev.port, ev.channel, 1, 1 if ok else 0)
    return None


def returns_int(ev):
    return 5


def list_with_junk(ev):
    return [ev, "not an event"]


def constants(ev):
    ok = (NOTEON, NOTEOFF, CTRL, PITCHBEND, AFTERTOUCH, POLY_AFTERTOUCH, PROGRAM, SYSEX) == (1, 2, 4, 8, 16, 32, 64, 128)
    ok = ok and ANY == (1 << 30) - 1 and NOTE == NOTEON | NOTEOFF and DUMMY == 1 << 29
    ok = ok and ev.type == NOTEON and ev.type & NOTE
    return CtrlEvent(1, 1, 2, 1 if ok else 0)


def pitchbend_value(ev):
    ev.value //= 2  # in place: the event given comes back with one slot changed
    return ev


def sysex_reverse_payload(ev):
    body = bytes(ev.sysex[1:-1])
    return SysExEvent(ev.port, bytes([0xF0]) + body[::-1] + bytes([0xF7]))


def poly(ev):
    return PolyAftertouchEvent(ev.port, ev.channel, ev.note, ev.value + 1)


def aftertouch(ev):
    return AftertouchEvent(ev.port, ev.channel, ev.value + 1)


def scene_info(ev):
    return CtrlEvent(ev.port, ev.channel, mididings.engine.current_scene(), len(mididings.engine.scenes()))


def go_scene_2(ev):
    mididings.engine.switch_scene(2)
    return None


def output_direct(ev):
    mididings.engine.output_event(CtrlEvent(1, 1, 99, 1))
    return ev


def ports(ev):
    return CtrlEvent(ev.port, ev.channel, len(mididings.engine.in_ports()), len(mididings.engine.out_ports()))


def scaled(ev, factor, offset=0):
    ev.velocity = ev.velocity * factor + offset
    return ev


def arguments_equal(ev, *args, **kwargs):
    # the extra arguments as extra_arguments.mdp writes them, compared with Python's own literals
    want_args = ("it's \\ \"q\"\n", 2.5, 3.0, -7, None, True, b'\x00A', [1, (2,), {'k': [3]}], NOTE | CTRL, {4, 5})
    want_kwargs = {'name': 'x', 'nested': {'a': (1, 2)}}
    return CtrlEvent(1, 1, 0, 1 if (args, kwargs) == (want_args, want_kwargs) else 0)


CONSTANT_NAMES = ('NOTEON NOTEOFF CTRL PITCHBEND AFTERTOUCH POLY_AFTERTOUCH PROGRAM SYSEX SYSCM_QFRAME SYSCM_SONGPOS '
                  'SYSCM_SONGSEL SYSCM_TUNEREQ SYSRT_CLOCK SYSRT_START SYSRT_CONTINUE SYSRT_STOP SYSRT_SENSING SYSRT_RESET '
                  'DUMMY NOTE SYSCM SYSRT SYSTEM NONE ANY').split()


def same_constants(ev, *values):
    # the patch language's constants (engine/event_types.h), passed as extra arguments, against
    # the mididings package's, in CONSTANT_NAMES order
    import mididings.constants as c
    ok = len(values) == len(CONSTANT_NAMES) and all(getattr(c, n) == v for n, v in zip(CONSTANT_NAMES, values))
    return CtrlEvent(1, 1, 3, 1 if ok else 0)
