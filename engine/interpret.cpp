// The interpreter: one dispatch over the flat program. Each instruction processes a range of
// events [begin, top) at the top of the engine's buffer in place, as mididings' modules process
// their range: a chain runs each child on the whole range in turn; a fork runs, for each input
// event in order, each branch in order on a copy, and removes duplicates per input event.
// Instructions that turn one event into at most one (filters, modifiers, generators and chains of
// them: "single-event" instructions, found when the engine is built) run per event instead, all
// their steps on one event in registers, which gives the same result with far less traffic.
#include <bit>
#include <cstring>

#include "engine.h"
#include "filter_test.h"
#include "floating_split.h"
#include "modifier.h"
#include "single_event.h"
#include "unit_ops.h"
#include "voice_filter.h"

namespace mdc::engine {

namespace {

template <typename F>
void each(Event* buf, uint32_t begin, uint32_t top, F f) {
    for (uint32_t i = begin; i < top; ++i) f(buf[i]);
}

}  // namespace

void Engine::run(int32_t index, uint32_t begin) {
    if (top_ == begin) return;
    const Instr& in = program_.code[static_cast<size_t>(index)];
    Event* buf = buffer_.data();
    if (in.op == OpCode::Pass) return;
    if (single_.covers(index)) {
        uint32_t out = begin;
        for (uint32_t i = begin; i < top_; ++i) {
            Event e = buf[i];
            if (single_.run(index, e)) buf[out++] = e;
        }
        top_ = out;
        return;
    }
    switch (in.op) {
    case OpCode::Chain: run_chain(in, begin, 0); return;
    case OpCode::Fork: case OpCode::Dispatch: case OpCode::FloatingKeySplit: run_fork(in, begin); return;
    case OpCode::Sanitize: sanitize(begin); return;
    case OpCode::SceneSwitch:
        each(buf, begin, top_, [&](const Event& e) {
            int32_t n = (in.flags & 1) ? field_value(e, in.a) : in.a;
            if (in.flags & 2) n += current_scene();
            request_switch(n, -1);
        });
        top_ = begin;
        return;
    case OpCode::SubSceneSwitch:
        each(buf, begin, top_, [&](const Event& e) {
            int32_t n = (in.flags & 1) ? field_value(e, in.a) : in.a;
            if (in.flags & 2) {
                n += current_subscene();
                if (in.flags & 4) {
                    int32_t count = subscene_count(current_scene());
                    if (count == 0) return;  // no scene active: nothing to wrap around (mididings crashes)
                    n %= count;
                    if (n < 0) n += count;
                }
            }
            request_switch(-1, n);
        });
        top_ = begin;
        return;
    case OpCode::Process: run_process(index, begin); return;
    case OpCode::CtrlToSysEx: run_ctrl_to_sysex(in, begin); return;
    case OpCode::SuppressPC: run_suppress_pc(in, begin); return;
    case OpCode::VoiceFilter: run_voice_filter(in, begin); return;
    case OpCode::LimitPolyphony: run_limit_polyphony(in, begin); return;
    case OpCode::MakeMonophonic: run_make_monophonic(in, begin); return;
    case OpCode::PedalToNoteoff: run_pedal_to_noteoff(in, begin); return;
    case OpCode::LatchNotes: run_latch_notes(in, begin); return;
    case OpCode::Panic: run_panic(in, begin); return;
    case OpCode::Call: run_deferred(index, begin, (in.flags & 1) ? Deferred::Kind::CallThread : Deferred::Kind::Call, true); return;
    case OpCode::System: run_deferred(index, begin, Deferred::Kind::System, true); return;
    case OpCode::Print: run_deferred(index, begin, Deferred::Kind::Print, false); return;
    case OpCode::PrintString: run_deferred(index, begin, Deferred::Kind::PrintString, false); return;
    case OpCode::SendOsc: run_deferred(index, begin, Deferred::Kind::SendOsc, true); return;
    case OpCode::Quit: run_deferred(index, begin, Deferred::Kind::Quit, true); return;
    case OpCode::Restart: run_deferred(index, begin, Deferred::Kind::Restart, true); return;
    default: return;  // single-event instructions ran above
    }
}

void Engine::run_chain(const Instr& in, uint32_t begin, int32_t from) {
    const uint32_t* link = program_.links.data() + in.a;
    for (int32_t k = from; k < in.b && top_ != begin; ++k) run(static_cast<int32_t>(link[k]), begin);
}

void Engine::run_fork(const Instr& in, uint32_t begin) {
    Event* buf = buffer_.data();
    uint32_t* hash = hashes_.data();  // event_hash of each output of the current input event
    const uint32_t inputs_end = top_;
    // One input (the usual case inside branches): its outputs take its place directly. Otherwise
    // the inputs stay where they are, outputs are built above them and moved down at the end.
    const bool in_place = inputs_end == begin + 1;
    if (in_place) top_ = begin;
    const uint32_t* link = program_.links.data() + in.a;
    const bool dedup = in.flags & FORK_DEDUP;
    const uint64_t all = in.b >= 64 ? ~0ull : (1ull << in.b) - 1;
    for (uint32_t i = begin; i < inputs_end; ++i) {
        const Event src = buf[i];
        const uint32_t slot = SingleEventCode::type_slot(src.type);  // for every branch of this event
        const uint32_t event_out = top_;
        auto duplicate = [&](const Event& e, uint32_t h, uint32_t from, uint32_t to) {
            for (uint32_t j = from; j < to; ++j)
                if (hash[j] == h && same_event(buf[j], e)) return true;
            return false;
        };
        // Runs branch k on the input; false when the buffer is full.
        auto branch = [&](int32_t k) __attribute__((always_inline)) {
            const auto index = static_cast<int32_t>(link[k]);
            if (single_.covers(index)) {
                Event e = src;
                if (!single_.run(index, e, slot)) return true;
                const uint32_t h = dedup ? event_hash(e) : 0;
                if (dedup && duplicate(e, h, event_out, top_)) return true;
                if (!push(e)) return false;
                hash[top_ - 1] = h;
                return true;
            }
            if (const int32_t fork = single_.fan_fork(index); fork >= 0) {
                // A fork of single-event branches (after single-event steps): each branch's event
                // is checked against the inner fork's earlier outputs, then against this fork's.
                Event e = src;
                if (!single_.run(index, e, slot)) return true;
                const Instr& f = program_.code[static_cast<size_t>(fork)];
                const uint32_t inner_slot = e.type == src.type ? slot : SingleEventCode::type_slot(e.type);
                const bool inner_dedup = f.flags & FORK_DEDUP;
                const uint32_t* inner_link = program_.links.data() + f.a;
                const uint32_t inner_out = top_;
                uint64_t chosen = f.op == OpCode::Dispatch ? program_.masks[static_cast<size_t>(f.c) + dispatch_index(f, e)]
                                                           : (f.b >= 64 ? ~0ull : (1ull << f.b) - 1);
                for (; chosen; chosen &= chosen - 1) {
                    Event x = e;
                    if (!single_.run(static_cast<int32_t>(inner_link[std::countr_zero(chosen)]), x, inner_slot)) continue;
                    const uint32_t h = dedup || inner_dedup ? event_hash(x) : 0;
                    if ((inner_dedup && duplicate(x, h, inner_out, top_)) || (dedup && duplicate(x, h, event_out, inner_out))) continue;
                    if (!push(x)) return false;
                    hash[top_ - 1] = h;
                }
                return true;
            }
            // A chain that starts with a filter is tested before the event is copied into it.
            const Instr& b = program_.code[static_cast<size_t>(index)];
            int32_t skip = 0;  // children of the chain already done
            if (b.op == OpCode::Chain) {
                const Instr& first = program_.code[program_.links[static_cast<size_t>(b.a)]];
                if (is_filter(first.op)) {
                    if (!filter_passes(program_, first, src)) return true;
                    skip = 1;
                }
            }
            const uint32_t start = top_;
            if (!push(src)) return false;
            if (skip == 0) run(index, start);
            else run_chain(b, start, skip);
            if (dedup) {
                uint32_t out = start;
                for (uint32_t j = start; j < top_; ++j) {
                    const uint32_t h = event_hash(buf[j]);
                    if (duplicate(buf[j], h, event_out, start)) continue;
                    if (out != j) buf[out] = buf[j];
                    hash[out++] = h;
                }
                top_ = out;
            }
            return true;
        };
        const uint64_t chosen = in.op == OpCode::Dispatch ? program_.masks[static_cast<size_t>(in.c) + dispatch_index(in, src)]
                              : in.op == OpCode::FloatingKeySplit ? floating_choice(in, src) : all;
        bool room = true;
        for (uint64_t rest = chosen; rest && room; rest &= rest - 1) room = branch(std::countr_zero(rest));
        for (int32_t k = 64; k < in.b && room; ++k) room = branch(k);  // plain forks of more than 64 branches
        if (!room) break;
    }
    if (!in_place) replace_inputs(begin, inputs_end);
}

// The outputs built above the inputs [begin, inputs_end) take the inputs' place.
void Engine::replace_inputs(uint32_t begin, uint32_t inputs_end) {
    uint32_t produced = top_ - inputs_end;
    Event* buf = buffer_.data();
    if (produced <= 4) {  // the usual case: a call to memmove costs more than the copy
        for (uint32_t j = 0; j < produced; ++j) buf[begin + j] = buf[inputs_end + j];
    } else {
        std::memmove(buf + begin, buf + inputs_end, produced * sizeof(Event));
    }
    top_ = begin + produced;
}

void Engine::run_process(int32_t index, uint32_t begin) {
    const uint32_t inputs_end = top_;
    EventSink sink(*this);
    for (uint32_t i = begin; i < inputs_end; ++i)
        if (!hooks_.process || !hooks_.process(hooks_.context, index, buffer_[i], sink)) ++stats_.hook_failures;
    replace_inputs(begin, inputs_end);
}

// CtrlToSysEx: the matching controllers become SysEx built in the arena; other events pass.
void Engine::run_ctrl_to_sysex(const Instr& in, uint32_t begin) {
    Event* buf = buffer_.data();
    uint32_t out = begin;
    for (uint32_t i = begin; i < top_; ++i) {
        Event e = buf[i];
        if (e.type == CTRL && e.data1 == in.a) {
            const auto size = static_cast<uint32_t>(in.d);
            uint8_t* bytes = arena_alloc(size);
            if (!bytes) continue;  // counted: the arena is full
            ctrl_to_sysex(bytes, program_.bytes.data() + in.c, size, static_cast<uint32_t>(in.b), e.data2, in.e);
            e.type = SYSEX;
            e.channel = e.data1 = e.data2 = 0;
            e.sysex = bytes;
            e.sysex_size = size;
        }
        buf[out++] = e;
    }
    top_ = out;
}

// SuppressPC: a program change equal to the last one on its port and channel is dropped. Ports
// beyond Program::state_ports are not remembered: their program changes all pass.
void Engine::run_suppress_pc(const Instr& in, uint32_t begin) {
    Event* buf = buffer_.data();
    uint32_t out = begin;
    for (uint32_t i = begin; i < top_; ++i) {
        const Event& e = buf[i];
        if (e.type == PROGRAM && e.port >= 0 && e.port < Program::state_ports && e.channel >= 0 && e.channel < 16) {
            int32_t& last = state_[static_cast<size_t>(in.a + e.port * 16 + e.channel)];
            if (last == e.data2) continue;
            last = e.data2;
        }
        buf[out++] = buf[i];
    }
    top_ = out;
}

// VoiceFilter: each note event becomes what the voice of its port and channel plays (none, a
// note-off, a note-on, or both); other events pass. Notes outside 0..127 and ports beyond those the
// compiler sized the state for pass untouched.
void Engine::run_voice_filter(const Instr& in, uint32_t begin) {
    const uint32_t inputs_end = top_;
    const voice_filter::Params p{in.b, join64(in.c, in.d), (in.flags & 1) != 0};
    for (uint32_t i = begin; i < inputs_end; ++i) {
        const Event e = buffer_[i];
        if (!(e.type & (NOTEON | NOTEOFF)) || e.data1 < 0 || e.data1 > 127 || e.port < 0 || e.port >= in.e || e.channel < 0 || e.channel > 15) {
            push(e);
            continue;
        }
        Event out[2];
        int32_t* block = state_.data() + in.a + static_cast<size_t>(e.port * 16 + e.channel) * voice_filter::block_slots;
        const int n = voice_filter::run(block, p, e, now_ns(e.frame), out);
        for (int k = 0; k < n; ++k) push(out[k]);
    }
    replace_inputs(begin, inputs_end);
}

// FloatingKeySplit: the branches an event takes (bit 0 lower, bit 1 upper), after the analysis.
uint64_t Engine::floating_choice(const Instr& in, const Event& e) {
    const int32_t* q = program_.ints.data() + in.d;
    const floating_split::Params p{q[0], q[1], q[2], q[3], join64(q[4], q[5]), in.e};
    return floating_split::choose(state_.data() + in.c, p, e, now_ns(e.frame));
}

void Engine::run_deferred(int32_t index, uint32_t begin, Deferred::Kind kind, bool consume) {
    for (uint32_t i = begin; i < top_; ++i) {
        Deferred work{kind, index, buffer_[i]};
        if (!hooks_.enqueue || !hooks_.enqueue(hooks_.context, work)) ++stats_.hook_failures;
    }
    if (consume) top_ = begin;
}

}  // namespace mdc::engine
