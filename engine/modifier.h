// One modifier instruction applied to one event: the interpreter runs it per event, and the
// optimizer runs the very same function to fold a modifier into a constant generator at compile time.
#pragma once

#include "program.h"
#include "unit_ops.h"

namespace mdc::engine {

// Returns false when `in` is not a single-event modifier (then `e` is untouched).
inline bool apply_modifier(const Instr& in, Event& e) {
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

}  // namespace mdc::engine
