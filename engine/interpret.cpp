// The interpreter: one dispatch over the flat program. Each instruction processes a range of
// events [begin, top) at the top of the engine's buffer in place, as mididings' modules process
// their range: a chain runs each child on the whole range in turn; a fork runs, for each input
// event in order, each branch in order on a copy, and removes duplicates per input event.
#include <cstring>

#include "engine.h"
#include "filter_test.h"
#include "modifier.h"
#include "unit_ops.h"

namespace mdc::engine {

namespace {

template <typename F>
void each(Event* buf, uint32_t begin, uint32_t top, F f) {
    for (uint32_t i = begin; i < top; ++i) f(buf[i]);
}

// Keeps the events for which `keep` holds, in order; returns the new top.
template <typename F>
uint32_t keep_if(Event* buf, uint32_t begin, uint32_t top, F keep) {
    uint32_t out = begin;
    for (uint32_t i = begin; i < top; ++i)
        if (keep(buf[i])) {
            if (out != i) buf[out] = buf[i];
            ++out;
        }
    return out;
}

int32_t field_value(const Event& e, int32_t field) {
    switch (static_cast<EventField>(field)) {
    case EventField::Port: return e.port;
    case EventField::Channel: return e.channel;
    case EventField::Data1: return e.data1;
    case EventField::Data2: return e.data2;
    }
    return 0;
}

// Generators: the incoming event is copied, then type and fields are set (mididings.md 2.7).
void generate(const Program& p, const Instr& in, Event& e) {
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

}  // namespace

void Engine::run(int32_t index, uint32_t begin) {
    if (top_ == begin) return;
    const Instr& in = program_.code[static_cast<size_t>(index)];
    Event* buf = buffer_.data();
    switch (in.op) {
    case OpCode::Chain: run_chain(in, begin, 0); return;
    case OpCode::Fork: case OpCode::Dispatch: run_fork(in, begin); return;
    case OpCode::Pass: return;
    case OpCode::Discard: top_ = begin; return;
    case OpCode::TypeFilter: case OpCode::PortFilter: case OpCode::ChannelFilter: case OpCode::KeyRangeFilter:
    case OpCode::KeySetFilter: case OpCode::VelocityFilter: case OpCode::CtrlFilter: case OpCode::CtrlValueFilter:
    case OpCode::ProgramFilter: case OpCode::SysExFilter:
        top_ = keep_if(buf, begin, top_, [&](const Event& e) { return filter_passes(program_, in, e); });
        return;
    case OpCode::Port: case OpCode::Channel: case OpCode::Transpose: case OpCode::Key: case OpCode::Velocity:
    case OpCode::VelocityLimit: case OpCode::CtrlMap: case OpCode::CtrlRange: case OpCode::CtrlCurve: case OpCode::PitchbendRange:
        each(buf, begin, top_, [&](Event& e) { apply_modifier(in, e); });
        return;
    case OpCode::VelocitySlope: {
        const int32_t* notes = program_.ints.data() + in.a;
        const float* params = program_.floats.data() + in.b;
        auto n = static_cast<uint32_t>(in.c);
        each(buf, begin, top_, [&](Event& e) { velocity_slope(e, notes, params, n, static_cast<Transform>(in.sub)); });
        return;
    }
    case OpCode::Generate: each(buf, begin, top_, [&](Event& e) { generate(program_, in, e); }); return;
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
    case OpCode::Call: run_deferred(index, begin, (in.flags & 1) ? Deferred::Kind::CallThread : Deferred::Kind::Call, true); return;
    case OpCode::System: run_deferred(index, begin, Deferred::Kind::System, true); return;
    case OpCode::Print: run_deferred(index, begin, Deferred::Kind::Print, false); return;
    case OpCode::PrintString: run_deferred(index, begin, Deferred::Kind::PrintString, false); return;
    }
}

void Engine::run_chain(const Instr& in, uint32_t begin, int32_t from) {
    const uint32_t* link = program_.links.data() + in.a;
    for (int32_t k = from; k < in.b && top_ != begin; ++k) run(static_cast<int32_t>(link[k]), begin);
}

void Engine::run_fork(const Instr& in, uint32_t begin) {
    Event* buf = buffer_.data();
    const uint32_t inputs_end = top_;
    const uint32_t* link = program_.links.data() + in.a;
    const bool dedup = in.flags & FORK_DEDUP;
    const bool dispatch = in.op == OpCode::Dispatch;
    // The inputs stay where they are; outputs are built above them and moved down at the end.
    for (uint32_t i = begin; i < inputs_end; ++i) {
        uint64_t branches = dispatch ? program_.masks[static_cast<size_t>(in.c) + dispatch_index(in, buf[i])]
                                     : (in.b >= 64 ? ~0ull : (1ull << in.b) - 1);
        const uint32_t event_out = top_;
        for (int32_t k = 0; k < in.b && branches; ++k) {
            if (k < 64) {
                if (!((branches >> k) & 1u)) continue;
            }
            // A branch that starts with a filter is tested before the event is copied into it:
            // most branches of a big fork reject most events.
            const auto branch = static_cast<int32_t>(link[k]);
            const Instr& b = program_.code[static_cast<size_t>(branch)];
            int32_t skip = 0;  // children of a chain already done
            if (is_filter(b.op)) {
                if (!filter_passes(program_, b, buf[i])) continue;
                skip = -1;  // the filter passed: the copy is the branch's output
            } else if (b.op == OpCode::Chain) {
                const Instr& first = program_.code[program_.links[static_cast<size_t>(b.a)]];
                if (is_filter(first.op)) {
                    if (!filter_passes(program_, first, buf[i])) continue;
                    skip = 1;
                }
            }
            const uint32_t start = top_;
            if (!push(buf[i])) break;
            if (skip == 0) run(branch, start);
            else if (skip > 0) run_chain(b, start, skip);
            if (dedup && start > event_out) {
                top_ = keep_if(buf, start, top_, [&](const Event& e) {
                    for (uint32_t j = event_out; j < start; ++j)
                        if (same_event(buf[j], e)) return false;
                    return true;
                });
            }
        }
    }
    replace_inputs(begin, inputs_end);
}

// The outputs built above the inputs [begin, inputs_end) take the inputs' place.
void Engine::replace_inputs(uint32_t begin, uint32_t inputs_end) {
    uint32_t produced = top_ - inputs_end;
    if (produced) std::memmove(buffer_.data() + begin, buffer_.data() + inputs_end, produced * sizeof(Event));
    top_ = begin + produced;
}

void Engine::run_process(int32_t index, uint32_t begin) {
    const uint32_t inputs_end = top_;
    EventSink sink(*this);
    for (uint32_t i = begin; i < inputs_end; ++i)
        if (!hooks_.process || !hooks_.process(hooks_.context, index, buffer_[i], sink)) ++stats_.hook_failures;
    replace_inputs(begin, inputs_end);
}

void Engine::run_deferred(int32_t index, uint32_t begin, Deferred::Kind kind, bool consume) {
    for (uint32_t i = begin; i < top_; ++i) {
        Deferred work{kind, index, buffer_[i]};
        if (!hooks_.enqueue || !hooks_.enqueue(hooks_.context, work)) ++stats_.hook_failures;
    }
    if (consume) top_ = begin;
}

}  // namespace mdc::engine
