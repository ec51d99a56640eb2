// The filter instructions' test on one event, and how ~ (invert) and - (negate) use it
// (mididings.md 2.4): for the types a filter applies to, the test decides (inverted by ~); other
// types pass iff the filter passes other types; - negates the whole result.
#pragma once

#include <bit>

#include "event.h"
#include "program.h"
#include "unit_ops.h"

namespace mdc::engine {

inline constexpr uint8_t FILTER_PASS_OTHER = 4;

[[gnu::always_inline]] inline bool filter_test(const Program& p, const Instr& in, const Event& e) {
    switch (in.op) {
    case OpCode::TypeFilter: return (e.type & static_cast<uint32_t>(in.a)) != 0;
    case OpCode::PortFilter: return p.in_int_set(in.c, e.port);
    case OpCode::ChannelFilter: return e.channel >= 0 && e.channel < 16 && ((static_cast<uint32_t>(in.a) >> e.channel) & 1u);
    case OpCode::KeyRangeFilter: return in_open_range(e.data1, in.a, in.b);
    case OpCode::KeySetFilter: return p.in_int_set(in.c, e.data1);
    case OpCode::VelocityFilter: case OpCode::CtrlValueFilter: return in_open_range(e.data2, in.a, in.b);
    case OpCode::CtrlFilter: return p.in_int_set(in.c, e.data1);
    case OpCode::ProgramFilter: return p.in_int_set(in.c, e.data2);
    case OpCode::SysExFilter: {
        uint32_t n = static_cast<uint32_t>(in.d);
        if (in.sub ? e.sysex_size != n : e.sysex_size < n) return false;
        const uint8_t* pattern = p.bytes.data() + in.c;
        for (uint32_t i = 0; i < n; ++i)
            if (e.sysex[i] != pattern[i]) return false;
        return true;
    }
    default: return true;
    }
}

[[gnu::always_inline]] inline bool filter_passes(const Program& p, const Instr& in, const Event& e) {
    bool r = (e.type & in.applies) ? filter_test(p, in, e) != ((in.flags & FILTER_INVERT) != 0) : (in.flags & FILTER_PASS_OTHER) != 0;
    return r != ((in.flags & FILTER_NEGATE) != 0);
}

inline bool is_filter(OpCode op) { return op >= OpCode::TypeFilter && op <= OpCode::SysExFilter; }

// A Dispatch's key value for an event, as an index into its table (see DispatchKey): the value
// itself, or domain (negative), domain + 1 (too large), domain + 2 (a type it does not apply to).
inline uint32_t dispatch_index(const Instr& in, const Event& e) {
    auto key = static_cast<DispatchKey>(in.sub);
    auto domain = static_cast<uint32_t>(dispatch_domain(key));
    if (!(e.type & in.applies)) return domain + 2;
    int32_t v = 0;
    switch (key) {
    case DispatchKey::Type: return static_cast<uint32_t>(std::countr_zero(e.type)) & 31u;
    case DispatchKey::Port: v = e.port; break;
    case DispatchKey::Channel: v = e.channel; break;
    case DispatchKey::Note: case DispatchKey::Ctrl: v = e.data1; break;
    case DispatchKey::Velocity: case DispatchKey::CtrlValue: case DispatchKey::Program: v = e.data2; break;
    }
    if (v < 0) return domain;
    if (static_cast<uint32_t>(v) >= domain) return domain + 1;
    return static_cast<uint32_t>(v);
}

}  // namespace mdc::engine
