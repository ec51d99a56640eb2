// MIDI event types as one-hot bits (mididings' numbering, so masks combine the same way), their
// names, and the EVENT_* attribute references used by generators and SceneSwitch. Shared by the
// compiler (constants, filters) and the engine (dispatch on type).
#pragma once

#include <cstdint>
#include <string_view>

namespace mdc::engine {

enum EventType : uint32_t {
    NOTEON = 1u << 0,
    NOTEOFF = 1u << 1,
    CTRL = 1u << 2,
    PITCHBEND = 1u << 3,
    AFTERTOUCH = 1u << 4,
    POLY_AFTERTOUCH = 1u << 5,
    PROGRAM = 1u << 6,
    SYSEX = 1u << 7,
    SYSCM_QFRAME = 1u << 8,
    SYSCM_SONGPOS = 1u << 9,
    SYSCM_SONGSEL = 1u << 10,
    SYSCM_TUNEREQ = 1u << 11,
    SYSRT_CLOCK = 1u << 12,
    SYSRT_START = 1u << 13,
    SYSRT_CONTINUE = 1u << 14,
    SYSRT_STOP = 1u << 15,
    SYSRT_SENSING = 1u << 16,
    SYSRT_RESET = 1u << 17,
    DUMMY = 1u << 29,
};

inline constexpr uint32_t NOTE = NOTEON | NOTEOFF;
inline constexpr uint32_t SYSCM = SYSCM_QFRAME | SYSCM_SONGPOS | SYSCM_SONGSEL | SYSCM_TUNEREQ;
inline constexpr uint32_t SYSRT = SYSRT_CLOCK | SYSRT_START | SYSRT_CONTINUE | SYSRT_STOP | SYSRT_SENSING | SYSRT_RESET;
inline constexpr uint32_t SYSTEM = SYSEX | SYSCM | SYSRT;
inline constexpr uint32_t NONE = 0;
inline constexpr uint32_t ANY = (1u << 30) - 1;  // includes DUMMY, as in mididings

struct EventTypeName {
    std::string_view name;
    uint32_t mask;
    bool single;  // one concrete type (usable where a generator needs one)
};

// Every named constant, single types first in bit order, then the combined masks.
inline constexpr EventTypeName event_type_names[] = {
    {"NOTEON", NOTEON, true},           {"NOTEOFF", NOTEOFF, true},
    {"CTRL", CTRL, true},               {"PITCHBEND", PITCHBEND, true},
    {"AFTERTOUCH", AFTERTOUCH, true},   {"POLY_AFTERTOUCH", POLY_AFTERTOUCH, true},
    {"PROGRAM", PROGRAM, true},         {"SYSEX", SYSEX, true},
    {"SYSCM_QFRAME", SYSCM_QFRAME, true}, {"SYSCM_SONGPOS", SYSCM_SONGPOS, true},
    {"SYSCM_SONGSEL", SYSCM_SONGSEL, true}, {"SYSCM_TUNEREQ", SYSCM_TUNEREQ, true},
    {"SYSRT_CLOCK", SYSRT_CLOCK, true}, {"SYSRT_START", SYSRT_START, true},
    {"SYSRT_CONTINUE", SYSRT_CONTINUE, true}, {"SYSRT_STOP", SYSRT_STOP, true},
    {"SYSRT_SENSING", SYSRT_SENSING, true}, {"SYSRT_RESET", SYSRT_RESET, true},
    {"DUMMY", DUMMY, true},
    {"NOTE", NOTE, false},              {"SYSCM", SYSCM, false},
    {"SYSRT", SYSRT, false},            {"SYSTEM", SYSTEM, false},
    {"NONE", NONE, false},              {"ANY", ANY, false},
};

// EVENT_* references: a generator or SceneSwitch parameter that copies a field of the incoming
// event. mididings encodes them as -1..-4; mdc keeps them apart from literal values.
enum class EventField : uint8_t { Port = 1, Channel = 2, Data1 = 3, Data2 = 4 };

struct EventFieldName {
    std::string_view name;
    EventField field;
};

inline constexpr EventFieldName event_field_names[] = {
    {"EVENT_PORT", EventField::Port},       {"EVENT_CHANNEL", EventField::Channel},
    {"EVENT_DATA1", EventField::Data1},     {"EVENT_NOTE", EventField::Data1},
    {"EVENT_CTRL", EventField::Data1},      {"EVENT_PARAM", EventField::Data1},
    {"EVENT_DATA2", EventField::Data2},     {"EVENT_VELOCITY", EventField::Data2},
    {"EVENT_VALUE", EventField::Data2},     {"EVENT_PROGRAM", EventField::Data2},
};

}  // namespace mdc::engine
