// Single-event code: the instructions that turn one event into at most one event with no side
// effect (filters, modifiers, generators, Pass, Discard, and chains of only those), flattened when
// the engine is built into straight lists of copied instructions. Running one is a loop over its
// steps on one event held in registers: no recursion, no child lookup, no per-range bookkeeping.
// The result is the same as running the instructions one by one on a range of events, since each
// step keeps or drops each event on its own and never reorders.
// Each list is also specialised per event type: a filter whose result the type decides becomes
// nothing or a Discard, and a modifier that cannot change that type is left out (the type sets
// are unit_ops.h's, the very ones the modifiers test).
// A "fan" is one step further: a fork or dispatch whose branches are all single-event, possibly
// after a chain of single-event steps (`ChannelFilter(1) >> KeySplit(...)`). On one event it runs
// the steps, then each chosen branch on a copy: no buffer traffic beyond the outputs themselves.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "event.h"
#include "filter_test.h"
#include "modifier.h"
#include "program.h"
#include "unit_ops.h"

namespace mdc::engine {

class SingleEventCode {
public:
    explicit SingleEventCode(const Program& p);

    bool covers(int32_t instr) const { return info_[static_cast<size_t>(instr)].single; }
    // The fork or dispatch of a fan (-1: `instr` is not one).
    int32_t fan_fork(int32_t instr) const { return info_[static_cast<size_t>(instr)].fork; }

    // Which of an instruction's step lists fits events of `type`.
    static uint32_t type_slot(uint32_t type) {
        const auto bit = static_cast<uint32_t>(std::countr_zero(type));
        return bit < midi_types && type == 1u << bit ? bit : midi_types;
    }

    // Runs the single-event instruction `instr` on `e` (for a fan: the steps before its fork);
    // false when it drops the event. `slot` is type_slot(e.type), when the caller knows it.
    [[gnu::always_inline]] bool run(int32_t instr, Event& e) const { return run(instr, e, type_slot(e.type)); }
    [[gnu::always_inline]] bool run(int32_t instr, Event& e, uint32_t slot) const {
        const Range& r = ranges_[info_[static_cast<size_t>(instr)].ranges + slot];
        const Instr* step = steps_.data() + r.first;
        for (const Instr* end = step + r.count; step != end; ++step) {
            switch (step->op) {
            case OpCode::Discard: return false;
            case OpCode::VelocitySlope:
                velocity_slope(e, program_.ints.data() + step->a, program_.floats.data() + step->b, static_cast<uint32_t>(step->c),
                               static_cast<Transform>(step->sub));
                break;
            case OpCode::Generate: generate_event(program_, *step, e); break;
            default:
                if (is_filter(step->op)) {
                    if (!filter_passes(program_, *step, e)) return false;
                } else {
                    apply_modifier(*step, e);
                }
            }
        }
        return true;
    }

private:
    static constexpr uint32_t midi_types = 18;             // NOTEON .. SYSRT_RESET, one bit each
    static constexpr uint32_t type_slots = midi_types + 1;  // then everything else (unspecialised)
    struct Range {
        uint32_t first = 0, count = 0;
    };
    struct Info {
        bool single = false;
        int32_t fork = -1;    // a fan's fork or dispatch
        uint32_t ranges = 0;  // the first of type_slots ranges (for a fan: the steps before the fork)
    };
    // The steps for events of one type slot, from the unspecialised ones.
    void specialise(const std::vector<Instr>& generic, uint32_t slot);

    const Program& program_;
    std::vector<Info> info_;     // per instruction
    std::vector<Range> ranges_;  // type_slots per single-event instruction or fan
    std::vector<Instr> steps_;
};

}  // namespace mdc::engine
