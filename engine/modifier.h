// Per-event units: one modifier or generator instruction applied to one event. The interpreter runs
// them per event, and the optimizer runs the very same functions to fold a modifier into a constant
// generator at compile time.
#pragma once

#include "program.h"
#include "unit_ops.h"

namespace mdc::engine {

inline bool is_modifier(OpCode op) {
    switch (op) {
    case OpCode::Port: case OpCode::Channel: case OpCode::Transpose: case OpCode::Key: case OpCode::Velocity:
    case OpCode::VelocityLimit: case OpCode::CtrlMap: case OpCode::CtrlRange: case OpCode::CtrlCurve: case OpCode::PitchbendRange:
        return true;
    default: return false;
    }
}

// The event types a single-event modifier can change (see unit_ops.h); all for Port.
inline uint32_t modifier_types(OpCode op) {
    switch (op) {
    case OpCode::Channel: return CHANNEL_TYPES;
    case OpCode::Transpose: case OpCode::Key: return KEY_TYPES;
    case OpCode::Velocity: case OpCode::VelocityLimit: case OpCode::VelocitySlope: return VELOCITY_TYPES;
    case OpCode::CtrlMap: case OpCode::CtrlRange: case OpCode::CtrlCurve: return CTRL_TYPES;
    case OpCode::PitchbendRange: return PITCHBEND_TYPES;
    default: return ~0u;
    }
}

// Returns false when `in` is not a single-event modifier (then `e` is untouched).
[[gnu::always_inline]] inline bool apply_modifier(const Instr& in, Event& e) {
    switch (in.op) {
    case OpCode::Port: e.port = in.a; return true;
    case OpCode::Channel: set_channel(e, in.a); return true;
    case OpCode::Transpose: transpose(e, in.a); return true;
    case OpCode::Key: set_key(e, in.a); return true;
    case OpCode::Velocity: velocity(e, in.f, static_cast<Transform>(in.sub)); return true;
    case OpCode::VelocityLimit: velocity_limit(e, in.a, in.b); return true;
    case OpCode::CtrlMap: ctrl_map(e, in.a, in.b); return true;
    case OpCode::CtrlRange: ctrl_range(e, in.a, in.b, in.c, in.d, in.e); return true;
    case OpCode::CtrlCurve: ctrl_curve(e, in.a, in.f, static_cast<Transform>(in.sub)); return true;
    case OpCode::PitchbendRange: pitchbend_range(e, in.a, in.b, in.c, in.d); return true;
    default: return false;
    }
}

inline int32_t field_value(const Event& e, int32_t field) {
    switch (static_cast<EventField>(field)) {
    case EventField::Port: return e.port;
    case EventField::Channel: return e.channel;
    case EventField::Data1: return e.data1;
    case EventField::Data2: return e.data2;
    }
    return 0;
}

// Generators: the incoming event is copied, then type and fields are set (mididings.md 2.7).
inline void generate_event(const Program& p, const Instr& in, Event& e) {
    Event src = e;
    auto value = [&](int32_t operand, int bit) { return (in.flags >> bit) & 1u ? field_value(src, operand) : operand; };
    e.type = 1u << in.sub;
    e.port = value(in.a, 0);
    if (e.type == SYSEX) {
        e.channel = 0;
        e.data1 = e.data2 = 0;
        e.sysex = p.bytes.data() + in.c;
        e.sysex_size = static_cast<uint32_t>(in.d);
        return;
    }
    e.channel = value(in.b, 1);
    e.data1 = value(in.c, 2);
    e.data2 = value(in.d, 3);
    e.sysex = nullptr;
    e.sysex_size = 0;
}

}  // namespace mdc::engine
