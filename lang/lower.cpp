// Lowering the IR graph to engine::Program: each node becomes one or a few fixed-size
// instructions; splits become forks of filter chains (mididings' own definition, mididings.md
// 2.5) or, where the split-tables pass marked them, one Dispatch with a table per key value;
// Init/Exit units and Output's init messages gather into their scene's init and exit patches.
#include "lower.h"
#include "osc_args.h"
#include "python_literal.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "engine/clock.h"
#include "engine/event_types.h"
#include "engine/filter_test.h"
#include "engine/floating_split.h"
#include "engine/state_slots.h"
#include "engine/held_notes.h"
#include "engine/unit_ops.h"
#include "engine/voice_filter.h"
#include "fork_table.h"
#include "units.h"

namespace mdc {

using namespace engine;

namespace {

Transform transform_of(std::string_view param) {
    return param == "offset" ? Transform::Offset : param == "multiply" ? Transform::Multiply : param == "fixed" ? Transform::Fixed
         : param == "gamma" ? Transform::Gamma : Transform::Curve;
}

// A SysEx filter's pattern: the bytes as written (exact when they end with F7, else a prefix), or a
// manufacturer id, which matches the bytes after F0.
std::string sysex_pattern(const std::string& bytes, bool manufacturer) {
    if (manufacturer && (bytes.empty() || static_cast<uint8_t>(bytes[0]) != 0xF0)) return "\xF0" + bytes;
    return bytes.empty() ? std::string("\xF0") : bytes;
}

class Lowerer {
public:
    Lowerer(const ir::Graph& g, const CheckedPatch& c, DiagSink& d, const LowerOptions& o) : g_(g), checked_(c), diags_(d), options_(o) {}

    std::optional<Program> run();

private:
    const ir::Graph& g_;
    const CheckedPatch& checked_;
    DiagSink& diags_;
    const LowerOptions& options_;
    Program p_;
    bool failed_ = false;

    static SourceRef ref(Span s) { return {s.file, s.begin, s.end}; }
    int32_t emit(Instr in, Span s) { return p_.add(in, ref(s)); }
    int32_t links(const std::vector<int32_t>& xs) {
        auto at = static_cast<int32_t>(p_.links.size());
        for (int32_t x : xs) p_.links.push_back(static_cast<uint32_t>(x));
        return at;
    }
    int32_t group(OpCode op, const std::vector<int32_t>& xs, Span s, bool dedup = false) {
        if (op == OpCode::Chain && xs.size() == 1) return xs[0];
        if (xs.empty()) return emit({op == OpCode::Chain ? OpCode::Pass : OpCode::Discard}, s);
        Instr in{op};
        in.a = links(xs);
        in.b = static_cast<int32_t>(xs.size());
        in.flags = dedup ? FORK_DEDUP : 0;
        return emit(in, s);
    }
    int32_t string(std::string s) {
        p_.strings.push_back(std::move(s));
        return static_cast<int32_t>(p_.strings.size() - 1);
    }
    int32_t bytes(const std::string& b) {
        auto at = static_cast<int32_t>(p_.bytes.size());
        p_.bytes.insert(p_.bytes.end(), b.begin(), b.end());
        return at;
    }
    static std::vector<int32_t> ints(const Value& list) {
        std::vector<int32_t> out;
        for (const Value& v : list.elements()) out.push_back(static_cast<int32_t>(v.i));
        return out;
    }

    int32_t node(ir::NodeId id);
    int32_t unit(const ir::Node& n);
    int32_t send_osc(const std::vector<Value>& a, Span span);
    int32_t split(const ir::Node& n);
    int32_t dispatch(const ir::Node& n);
    int32_t dispatch(const DispatchTable& t, const std::vector<int32_t>& branches, Span s, bool dedup);
    Instr test(OpCode op, const Value& operand, const UnitSemantics& sem, uint8_t flags, bool manufacturer);
    Instr filter(const Patch& f, uint8_t flags);
    Instr split_filter(const Patch& split, const Value& key, bool invert);
    int32_t generator(const Patch& u, Span s);
    int32_t output_init(const Patch& u, Span s);
    int32_t panic(bool bypass, Span s);
    void gather_switch_patches(ir::NodeId id, std::vector<int32_t>& init, std::vector<int32_t>& exit);
    static int32_t bit_index(uint32_t single) { return std::countr_zero(single); }
    // `slots` int32 slots of unit state; returns the first.
    int32_t state(int32_t slots) {
        auto at = static_cast<int32_t>(p_.state_size);
        p_.state_size += static_cast<uint32_t>(slots);
        return at;
    }
    // The ports a unit's per-port state covers: those its input can come from, at most state_ports.
    static int32_t tracked_ports(const ir::EventSet& in) {
        if (in.empty()) return 0;
        return std::min<int32_t>(Program::state_ports, 64 - std::countl_zero(in.ports));
    }
    // VoiceFilter(voice, time, retrigger) as one instruction: 'highest' is voice -1, 'lowest' 0.
    Instr voice_filter_instr(const Value& voice, const Value& time, const Value& retrigger, int32_t ports) {
        Instr in{OpCode::VoiceFilter};
        in.b = voice.is(Value::Kind::Str) ? (voice.s == "lowest" ? 0 : -1) : static_cast<int32_t>(std::clamp<int64_t>(voice.as_int(), -1000, 1000));
        const int64_t ns = seconds_to_ns(std::clamp(time.as_double(), -1e9, 1e9));
        in.c = low32(ns);
        in.d = high32(ns);
        in.e = ports;
        in.flags = retrigger.as_int() ? 1 : 0;
        in.a = state(ports * 16 * voice_filter::block_slots);
        return in;
    }
    bool is_threshold_split(const Patch& p) const {
        return p.unit && p.overload == 0 && (p.unit->name == "KeySplit" || p.unit->name == "VelocitySplit" || p.unit->name == "CtrlValueSplit");
    }
};

// A filter instruction: `op` testing `operand` (a type mask, a list of numbers, a (lower, upper)
// range with 0 for an open side, or SysEx bytes), with the unit table's applies-to set and
// pass-other rule of `sem`, and ~ / - as flags.
Instr Lowerer::test(OpCode op, const Value& operand, const UnitSemantics& sem, uint8_t flags, bool manufacturer) {
    Instr in{op};
    in.applies = sem.acts_on;
    in.flags = static_cast<uint8_t>(flags | (sem.passes_other ? FILTER_PASS_OTHER : 0));
    switch (op) {
    case OpCode::TypeFilter: in.a = static_cast<int32_t>(operand.i); break;
    case OpCode::ChannelFilter:
        for (int32_t c : ints(operand)) in.a |= 1 << c;
        break;
    case OpCode::PortFilter: case OpCode::KeySetFilter: case OpCode::CtrlFilter: case OpCode::ProgramFilter:
        in.c = p_.add_int_set(ints(operand));
        break;
    case OpCode::KeyRangeFilter: case OpCode::VelocityFilter: case OpCode::CtrlValueFilter:
        in.a = static_cast<int32_t>(operand.elements()[0].i);
        in.b = static_cast<int32_t>(operand.elements()[1].i);
        break;
    case OpCode::SysExFilter: {
        std::string pattern = sysex_pattern(operand.s, manufacturer);
        in.c = bytes(pattern);
        in.d = static_cast<int32_t>(pattern.size());
        in.sub = !manufacturer && static_cast<uint8_t>(pattern.back()) == 0xF7;  // exact, else a prefix
        break;
    }
    default: break;
    }
    return in;
}

// A filter unit: its form decides the opcode and the operand.
Instr Lowerer::filter(const Patch& f, uint8_t flags) {
    std::string_view n = f.unit->name;
    const std::vector<Value>& a = f.args;
    auto range = [&](int64_t lo, int64_t hi) { return Value::tuple({Value::integer(lo), Value::integer(hi)}); };
    OpCode op = OpCode::TypeFilter;
    Value operand = a.empty() ? Value() : a[0];
    if (n == "PortFilter") op = OpCode::PortFilter;
    else if (n == "ChannelFilter") op = OpCode::ChannelFilter;
    else if (n == "CtrlFilter") op = OpCode::CtrlFilter;
    else if (n == "ProgramFilter") op = OpCode::ProgramFilter;
    else if (n == "SysExFilter") op = OpCode::SysExFilter;
    else if (n == "KeyFilter") {
        op = OpCode::KeyRangeFilter;
        switch (f.overload) {
        case 0:  // note_range: (0, 0) is mididings' empty note list
            if (a[0].elements()[0].i == 0 && a[0].elements()[1].i == 0) {
                op = OpCode::KeySetFilter;
                operand = Value::list({});
            }
            break;
        case 1: operand = range(a[0].i, a[1].i); break;
        case 2: operand = range(a[0].i, 0); break;
        case 3: operand = range(0, a[0].i); break;
        default: op = OpCode::KeySetFilter;  // notes=[...]
        }
    } else if (n == "VelocityFilter" || n == "CtrlValueFilter") {
        op = n == "VelocityFilter" ? OpCode::VelocityFilter : OpCode::CtrlValueFilter;
        switch (f.overload) {
        case 0: operand = range(a[0].i, a[0].i + 1); break;
        case 1: operand = range(a[0].i, 0); break;
        case 2: operand = range(0, a[0].i); break;
        default: operand = range(a[0].i, a[1].i);
        }
    }
    return test(op, operand, f.unit->sem, flags, n == "SysExFilter" && f.overload == 1);
}

// The filter that selects a split's branch for `key` (mididings.md 2.5: XFilter(key)); split keys
// are already normalised to the filter's operand (lists, ranges, masks, bytes).
Instr Lowerer::split_filter(const Patch& s, const Value& key, bool invert) {
    std::string_view n = s.unit->name;
    OpCode op = n == "Split" ? OpCode::TypeFilter : n == "PortSplit" ? OpCode::PortFilter : n == "ChannelSplit" ? OpCode::ChannelFilter
              : n == "KeySplit" ? OpCode::KeyRangeFilter : n == "VelocitySplit" ? OpCode::VelocityFilter
              : n == "CtrlValueSplit" ? OpCode::CtrlValueFilter : n == "CtrlSplit" ? OpCode::CtrlFilter
              : n == "ProgramSplit" ? OpCode::ProgramFilter : OpCode::SysExFilter;
    return test(op, key, s.unit->sem, invert ? FILTER_INVERT : 0, n == "SysExSplit" && s.overload == 1);
}

// A split as mididings defines it: Fork([XFilter(k1) >> A, ..., Chain(~XFilter(k1), ...) >> E]).
// The threshold form is {(0, t): lower, else: upper}.
int32_t Lowerer::split(const ir::Node& n) {
    const Patch& s = *n.patch;
    if (options_.dispatch_tables && n.table) return dispatch(n);
    bool threshold = is_threshold_split(s);
    size_t keyed = threshold ? 1 : s.keys.size();
    std::vector<int32_t> branches;
    for (size_t i = 0; i < n.children.size(); ++i) {
        std::vector<int32_t> chain;
        if (i < keyed) {
            chain.push_back(emit(split_filter(s, s.keys[i], false), s.span));
        } else {
            for (size_t k = 0; k < keyed; ++k) chain.push_back(emit(split_filter(s, s.keys[k], true), s.span));
        }
        chain.push_back(node(n.children[i]));
        branches.push_back(group(OpCode::Chain, chain, s.span));
    }
    return group(OpCode::Fork, branches, n.span, true);
}

// An event of a type the split applies to, with key value v (domain: negative, domain + 1: too large).
Event representative(DispatchKey key, int v, int domain) {
    int32_t value = v < domain ? v : v == domain ? -1 : 1000;
    uint32_t type = key == DispatchKey::Type ? (v < 32 ? 1u << v : 0u)
                  : key == DispatchKey::Ctrl || key == DispatchKey::CtrlValue ? CTRL : key == DispatchKey::Program ? PROGRAM : NOTEON;
    return key_event(key, type, value);
}

// A split as one table lookup: for each key value, the branches whose filter passes it.
int32_t Lowerer::dispatch(const ir::Node& n) {
    const Patch& s = *n.patch;
    std::string_view name = s.unit->name;
    DispatchKey key = name == "Split" ? DispatchKey::Type : name == "PortSplit" ? DispatchKey::Port : name == "ChannelSplit" ? DispatchKey::Channel
                    : name == "KeySplit" ? DispatchKey::Note : name == "VelocitySplit" ? DispatchKey::Velocity : name == "CtrlSplit" ? DispatchKey::Ctrl
                    : name == "CtrlValueSplit" ? DispatchKey::CtrlValue : DispatchKey::Program;
    bool threshold = is_threshold_split(s);
    size_t keyed = threshold ? 1 : s.keys.size();
    // The keys' tests, only to fill the table: their pool operands are dropped again below.
    const size_t ints_before = p_.ints.size(), bytes_before = p_.bytes.size();
    std::vector<Instr> tests;
    for (size_t k = 0; k < keyed; ++k) tests.push_back(split_filter(s, s.keys[k], false));
    const int domain = dispatch_domain(key);
    DispatchTable table{key, s.unit->sem.acts_on, {}};
    // Each table entry holds the branches that a representative event with that key value takes:
    // those whose filter passes it, and the else branch when none does. Events of types the split
    // does not apply to take every branch or none, by the split's pass-other rule.
    const uint64_t all = n.children.size() >= 64 ? ~0ull : (1ull << n.children.size()) - 1;
    const bool has_else = n.children.size() > keyed;
    for (int v = 0; v < domain + 3; ++v) {
        uint64_t mask = 0;
        Event e = representative(key, v, domain);
        if (v == domain + 2) {
            mask = s.unit->sem.passes_other ? all : 0;
        } else if (e.type != 0) {
            bool any = false;
            for (size_t k = 0; k < keyed; ++k)
                if (filter_test(p_, tests[k], e)) {
                    mask |= 1ull << k;
                    any = true;
                }
            if (has_else && !any) mask |= 1ull << keyed;
        }
        table.masks.push_back(mask);
    }
    p_.ints.resize(ints_before);
    p_.bytes.resize(bytes_before);
    std::vector<int32_t> branches;
    for (ir::NodeId c : n.children) branches.push_back(node(c));
    return dispatch(table, branches, n.span, true);
}

int32_t Lowerer::dispatch(const DispatchTable& t, const std::vector<int32_t>& branches, Span s, bool dedup) {
    Instr in{OpCode::Dispatch};
    in.sub = static_cast<uint8_t>(t.key);
    in.a = links(branches);
    in.b = static_cast<int32_t>(branches.size());
    in.c = static_cast<int32_t>(p_.masks.size());
    p_.masks.insert(p_.masks.end(), t.masks.begin(), t.masks.end());
    in.applies = t.applies;
    in.flags = dedup ? FORK_DEDUP : 0;
    return emit(in, s);
}

int32_t Lowerer::generator(const Patch& u, Span s) {
    std::string_view n = u.unit->name;
    Instr in{OpCode::Generate};
    const std::vector<Value>& a = u.args;
    auto set = [&](int slot, const Value& v) {
        int32_t* field[] = {&in.a, &in.b, &in.c, &in.d};
        if (v.is(Value::Kind::EventRef)) {
            *field[slot] = static_cast<int32_t>(v.i);
            in.flags |= static_cast<uint8_t>(1u << slot);
        } else if (v.is(Value::Kind::None)) {
            *field[slot] = slot == 0 ? static_cast<int32_t>(EventField::Port) : static_cast<int32_t>(EventField::Channel);
            in.flags |= static_cast<uint8_t>(1u << slot);
        } else {
            *field[slot] = static_cast<int32_t>(v.i);
        }
    };
    Value port = Value::make(Value::Kind::EventRef, s), channel = port;
    port.i = static_cast<int64_t>(EventField::Port);
    channel.i = static_cast<int64_t>(EventField::Channel);
    if (n == "Generator") {
        in.sub = static_cast<uint8_t>(bit_index(static_cast<uint32_t>(a[0].i)));
        set(0, a[1]);
        set(1, a[2]);
        set(2, a[3]);
        set(3, a[4]);
        return emit(in, s);
    }
    if (n == "SysEx") {
        in.sub = static_cast<uint8_t>(bit_index(SYSEX));
        const Value& bytes_v = u.overload == 0 ? a[0] : a[1];
        set(0, u.overload == 0 ? port : a[0]);
        in.c = bytes(bytes_v.s);
        in.d = static_cast<int32_t>(bytes_v.s.size());
        return emit(in, s);
    }
    size_t first = 0;
    if (u.overload == 1) {  // [port, channel,] values
        port = a[0];
        channel = a[1];
        first = 2;
    }
    set(0, port);
    set(1, channel);
    Value zero = Value::integer(0, s);
    auto arg = [&](size_t i) -> const Value& { return first + i < a.size() ? a[first + i] : zero; };
    uint32_t type = n == "NoteOn" ? NOTEON : n == "NoteOff" ? NOTEOFF : n == "Ctrl" ? CTRL : n == "Pitchbend" ? PITCHBEND
                  : n == "Aftertouch" ? AFTERTOUCH : n == "PolyAftertouch" ? POLY_AFTERTOUCH : PROGRAM;
    in.sub = static_cast<uint8_t>(bit_index(type));
    if (type == NOTEON || type == NOTEOFF || type == CTRL || type == POLY_AFTERTOUCH) {
        set(2, arg(0));
        set(3, arg(1));
    } else {
        set(2, zero);
        set(3, arg(0));
    }
    return emit(in, s);
}

// Output's init messages (mididings.md 2.8): bank select, program, volume, pan, expression, ctrls.
int32_t Lowerer::output_init(const Patch& u, Span s) {
    const std::vector<Value>& a = u.args;
    int32_t port = a[0].is(Value::Kind::None) ? 0 : static_cast<int32_t>(a[0].i);
    int32_t channel = a[1].is(Value::Kind::None) ? 0 : static_cast<int32_t>(a[1].i);
    std::vector<int32_t> msgs;
    auto msg = [&](uint32_t type, int32_t d1, int32_t d2) {
        Instr in{OpCode::Generate};
        in.sub = static_cast<uint8_t>(bit_index(type));
        in.a = port;
        in.b = channel;
        in.c = d1;
        in.d = d2;
        msgs.push_back(emit(in, s));
    };
    const Value& program = a[2];
    if (program.is(Value::Kind::Tuple)) {
        int32_t bank = static_cast<int32_t>(program.elements()[0].i);
        msg(CTRL, 0, bank / 128);
        msg(CTRL, 32, bank % 128);
        msg(PROGRAM, 0, static_cast<int32_t>(program.elements()[1].i));
    } else if (!program.is(Value::Kind::None)) {
        msg(PROGRAM, 0, static_cast<int32_t>(program.i));
    }
    if (!a[3].is(Value::Kind::None)) msg(CTRL, 7, static_cast<int32_t>(a[3].i));
    if (!a[4].is(Value::Kind::None)) msg(CTRL, 10, static_cast<int32_t>(a[4].i));
    if (!a[5].is(Value::Kind::None)) msg(CTRL, 11, static_cast<int32_t>(a[5].i));
    if (a[6].is(Value::Kind::Dict))
        for (const auto& [k, v] : *a[6].entries) msg(CTRL, static_cast<int32_t>(k.i), static_cast<int32_t>(v.i));
    if (msgs.empty()) return -1;
    return group(OpCode::Fork, msgs, s, true);
}

// Panic (mididings' panic.py): CC 123 then CC 64, value 0, on every channel of every output port.
// bypass=True sends them straight out (engine.output_event) and consumes the event; the patch form
// is mididings' Fork of Ctrl generators.
int32_t Lowerer::panic(bool bypass, Span s) {
    const auto ports = static_cast<int32_t>(checked_.config.out_ports.size());
    if (bypass) {
        p_.has_bypass = true;
        Instr in{OpCode::Panic};
        in.a = ports;
        return emit(in, s);
    }
    std::vector<int32_t> msgs;
    for (int32_t port = 0; port < ports; ++port)
        for (int32_t channel = 0; channel < 16; ++channel)
            for (int32_t ctrl : {123, 64}) {
                Instr in{OpCode::Generate};
                in.sub = static_cast<uint8_t>(bit_index(CTRL));
                in.a = port;
                in.b = channel;
                in.c = ctrl;
                msgs.push_back(emit(in, s));
            }
    return group(OpCode::Fork, msgs, s, true);
}

int32_t Lowerer::unit(const ir::Node& n) {
    const Patch& u = *n.patch;
    if (u.kind == Patch::Kind::And || u.kind == Patch::Kind::Or) {  // a selector used as a patch: its build()
        std::vector<int32_t> xs;
        for (ir::NodeId c : n.children) xs.push_back(node(c));
        return group(u.kind == Patch::Kind::And ? OpCode::Chain : OpCode::Fork, xs, n.span, true);
    }
    const UnitInfo& info = *u.unit;
    std::string_view name = info.name;
    const std::vector<Value>& a = u.args;
    Instr in;
    auto i32 = [&](size_t i) { return static_cast<int32_t>(a[i].i); };
    if (u.is_filter()) return emit(filter(u, 0), n.span);
    if (info.family == UnitFamily::Generator) return generator(u, n.span);
    if (name == "Pass") return emit({OpCode::Pass}, n.span);
    if (name == "Discard" || name == "Init" || name == "Exit") return emit({OpCode::Discard}, n.span);
    if (std::optional<Instr> m = lower_modifier(u)) return emit(*m, n.span);
    if (name == "Output") {  // in the patch: Port >> Channel (its init part runs at scene start)
        Instr port{OpCode::Port}, channel{OpCode::Channel};
        port.a = a[0].is(Value::Kind::None) ? 0 : i32(0);
        channel.a = a[1].is(Value::Kind::None) ? 0 : i32(1);
        return group(OpCode::Chain, {emit(port, n.span), emit(channel, n.span)}, n.span);
    }
    if (name == "Velocity" || name == "CtrlCurve") {  // (multiply, offset): two steps, multiply first
        const Overload& o = info.overloads[static_cast<size_t>(u.overload)];
        size_t first = name == "CtrlCurve" ? 1 : 0;
        std::vector<int32_t> steps;
        for (size_t i = first; i < o.params.size(); ++i) {
            Instr step{name == "Velocity" ? OpCode::Velocity : OpCode::CtrlCurve};
            step.sub = static_cast<uint8_t>(transform_of(o.params[i].name));
            step.f = static_cast<float>(a[i].as_double());
            if (name == "CtrlCurve") step.a = i32(0);
            steps.push_back(emit(step, n.span));
        }
        return group(OpCode::Chain, steps, n.span);
    }
    if (name == "VelocitySlope") {
        const Overload& o = info.overloads[static_cast<size_t>(u.overload)];
        std::vector<int32_t> notes = ints(a[0]);
        std::vector<int32_t> steps;
        for (size_t i = 1; i < o.params.size(); ++i) {
            Instr step{OpCode::VelocitySlope};
            step.sub = static_cast<uint8_t>(transform_of(o.params[i].name));
            step.a = static_cast<int32_t>(p_.ints.size());
            p_.ints.insert(p_.ints.end(), notes.begin(), notes.end());
            step.b = static_cast<int32_t>(p_.floats.size());
            for (const Value& v : a[i].elements()) p_.floats.push_back(static_cast<float>(v.as_double()));
            step.c = static_cast<int32_t>(notes.size());
            steps.push_back(emit(step, n.span));
        }
        return group(OpCode::Chain, steps, n.span);
    }
    if (name == "Sanitize") return emit({OpCode::Sanitize}, n.span);
    if (name == "SceneSwitch" || name == "SubSceneSwitch") {
        in.op = name == "SceneSwitch" ? OpCode::SceneSwitch : OpCode::SubSceneSwitch;
        in.a = i32(0);
        if (a[0].is(Value::Kind::EventRef)) in.flags |= 1;
        if (u.overload == 1) in.flags |= 2;
        if (u.overload == 1 && name == "SubSceneSwitch" && a[1].flag) in.flags |= 4;
        return emit(in, n.span);
    }
    // A callable as the Python runtime resolves it: lambda source, "module.name", or
    // "PerChannel:" and its factory (mididings.extra.per_channel.PerChannel(factory)).
    auto callable_text = [](auto& self, const Value& v) -> std::string {
        if (v.is(Value::Kind::PyRef) && v.s == "PerChannel" && v.s2.empty() && v.items && !v.items->empty())
            return "PerChannel:" + self(self, (*v.items)[0]);
        if (v.is(Value::Kind::Lambda)) return v.s;
        return v.s2.empty() ? v.s : v.s + "." + v.s2;
    };
    auto callable = [&](const Value& v) {
        p_.has_python = true;
        return string(callable_text(callable_text, v));
    };
    // Process(f, *args, **kwargs), Call(f, ...): the extra arguments as one Python literal,
    // "(args, kwargs)", in strings (b = its index + 1; 0: none).
    auto extra_arguments = [&]() -> int32_t {
        if (a.size() < 3) return 0;
        auto source = python_call_arguments(name, a[1], a[2], n.span, diags_);  // checked at evaluation already
        if (!source) failed_ = true;
        return source && !source->empty() ? string(*source) + 1 : 0;
    };
    if (name == "Process") {
        in.op = OpCode::Process;
        in.a = callable(a[0]);
        in.b = extra_arguments();
        return emit(in, n.span);
    }
    if (name == "Call") {
        in.op = OpCode::Call;
        in.a = callable(a[0]);
        in.flags = u.overload == 1 ? 1 : 0;
        in.b = extra_arguments();
        return emit(in, n.span);
    }
    if (name == "System") {
        in.op = OpCode::System;
        if (a[0].is(Value::Kind::Str)) in.a = string(a[0].s);
        else {
            in.a = callable(a[0]);
            in.flags = 1;
        }
        return emit(in, n.span);
    }
    if (name == "Print") {
        if (u.overload == 1) {
            in.op = OpCode::PrintString;
            if (a[0].is(Value::Kind::Str)) in.a = string(a[0].s);
            else {
                in.a = callable(a[0]);
                in.flags = 1;
            }
            return emit(in, n.span);
        }
        in.op = OpCode::Print;
        in.a = a[0].is(Value::Kind::Str) ? string(a[0].s) : -1;
        in.b = a[1].is(Value::Kind::Str) ? (a[1].s == "in" ? 1 : 2) : 0;
        return emit(in, n.span);
    }
    // State per port and channel: `stride` slots each, from the returned slot.
    auto state = [&](int32_t stride) {
        auto at = static_cast<int32_t>(p_.state_size);
        p_.state_size += static_cast<uint32_t>(Program::state_ports * 16 * stride);
        return at;
    };
    if (name == "SuppressPC") {
        in.op = OpCode::SuppressPC;
        in.a = state(1);
        return emit(in, n.span);
    }
    if (name == "LimitPolyphony") {  // max_polyphony >= 1, checked by the evaluator
        in.op = OpCode::LimitPolyphony;
        in.b = i32(0);
        in.a = state(SlotList::slots(limit_capacity(in.b)));
        in.flags = a[1].flag ? 1 : 0;
        return emit(in, n.span);
    }
    if (name == "MakeMonophonic") {
        in.op = OpCode::MakeMonophonic;
        in.a = state(SlotList::slots(mono_capacity));
        return emit(in, n.span);
    }
    if (name == "PedalToNoteoff") {
        in.op = OpCode::PedalToNoteoff;
        in.b = i32(0);
        in.sub = a[1].flag ? 1 : 0;
        in.a = state(pedal_slots(a[1].flag));
        return emit(in, n.span);
    }
    if (name == "LatchNotes") {
        in.op = OpCode::LatchNotes;
        in.flags = a[0].flag ? 1 : 0;
        in.b = a[1].is(Value::Kind::None) ? -1 : i32(1);
        in.a = state(SlotList::slots(latch_capacity(a[0].flag)));
        return emit(in, n.span);
    }
    if (name == "Panic") return panic(a[0].flag, n.span);
    if (name == "CtrlToSysEx") {  // indices checked and made non-negative by the evaluator
        in.op = OpCode::CtrlToSysEx;
        in.a = static_cast<int32_t>(a[0].i);
        in.b = static_cast<int32_t>(a[2].i);
        in.c = bytes(a[1].s);
        in.d = static_cast<int32_t>(a[1].s.size());
        in.e = a[3].is(Value::Kind::None) ? -1 : static_cast<int32_t>(a[3].i);
        return emit(in, n.span);
    }
    if (name == "VoiceFilter") return emit(voice_filter_instr(a[0], a[1], a[2], tracked_ports(n.in)), n.span);
    if (name == "FloatingKeySplit") {
        std::vector<int32_t> branches = {node(n.children[0]), node(n.children[1])};
        in.op = OpCode::FloatingKeySplit;
        in.a = links(branches);
        in.b = 2;
        in.e = tracked_ports(n.in);
        in.c = state(floating_split::slots(in.e));
        in.d = static_cast<int32_t>(p_.ints.size());
        const int64_t hold = seconds_to_ns(std::clamp(a[4].as_double(), -1e9, 1e9));
        auto margin = [&](size_t i) { return static_cast<int32_t>(std::clamp<int64_t>(a[i].as_int(), -100000, 100000)); };
        p_.ints.insert(p_.ints.end(), {i32(0), i32(1), margin(5), margin(6), low32(hold), high32(hold)});
        in.flags = FORK_DEDUP;
        return emit(in, n.span);
    }
    if (name == "Restart" || name == "Quit") return emit({name == "Restart" ? OpCode::Restart : OpCode::Quit}, n.span);
    if (name == "SendOSC") return send_osc(a, n.span);
    // Every unit of the table lowers above (tests/accept/all_forms.mdp compiles every form).
    diags_.error(n.span, fmt::format("internal error: mdc has no lowering for {}", name))
        .note("this is a bug in mdc; please report it with the patch");
    failed_ = true;
    return emit({OpCode::Pass}, n.span);
}

// SendOSC(target, path, *args): the URL and path as strings, the data as (tag, value) pairs in
// ints (constants' text in strings, -1: none; 'e': an EVENT_* field; 'p': the index into what the
// Python function in e returns). Python functions of the event become one lambda that returns all
// their values, so the Python layer binds one callable per instruction, as for Call.
int32_t Lowerer::send_osc(const std::vector<Value>& a, Span span) {
    Instr in{OpCode::SendOsc};
    auto url = osc_target_url(a[0], "SendOSC target", diags_);  // checked at evaluation already
    auto specs = osc_arguments(a[2], diags_);
    in.a = string(url.value_or(""));
    in.b = string(a[1].s);
    if (!url || !specs) {
        failed_ = true;
        return emit({OpCode::Discard}, span);
    }
    in.c = static_cast<int32_t>(p_.ints.size());
    in.d = static_cast<int32_t>(specs->size());
    std::vector<std::string> python;
    for (const OscArgSpec& s : *specs) {
        p_.ints.push_back(static_cast<int32_t>(s.tag));
        if (s.tag == 'e') p_.ints.push_back(s.field);
        else if (s.tag == 'p') {
            p_.ints.push_back(static_cast<int32_t>(python.size()));
            const Value& f = s.callable;
            python.push_back(f.is(Value::Kind::Lambda) ? fmt::format("({})(ev)", f.s)
                                                       : fmt::format("__import__('importlib').import_module('{}').{}(ev)", f.s, f.s2));
        } else if (s.tag == 'T' || s.tag == 'F' || s.tag == 'N' || s.tag == 'I') p_.ints.push_back(-1);
        else p_.ints.push_back(string(s.text));
    }
    if (!python.empty()) {
        p_.has_python = true;
        std::string all = "lambda ev: [";
        for (size_t i = 0; i < python.size(); ++i) all += (i ? ", " : "") + python[i];
        in.e = string(all + "]") + 1;
    }
    return emit(in, span);
}

int32_t Lowerer::node(ir::NodeId id) {
    const ir::Node& n = g_.nodes[id];
    switch (n.kind) {
    case ir::NodeKind::Chain: {
        std::vector<int32_t> xs;
        for (ir::NodeId c : n.children) xs.push_back(node(c));
        return group(OpCode::Chain, xs, n.span);
    }
    case ir::NodeKind::Fork: {
        std::vector<int32_t> xs;
        for (ir::NodeId c : n.children) xs.push_back(node(c));
        if (xs.empty()) return emit({OpCode::Discard}, n.span);  // [] consumes everything
        if (options_.dispatch_tables && n.table)
            if (std::optional<DispatchTable> t = fork_table(p_, xs)) return dispatch(*t, xs, n.span, n.patch->remove_duplicates);
        return group(OpCode::Fork, xs, n.span, n.patch->remove_duplicates);
    }
    case ir::NodeKind::Split: return split(n);
    case ir::NodeKind::Invert: case ir::NodeKind::Negate: {
        // ~F and -F of a filter (or of ~F / -F): flags on the filter instruction.
        uint8_t flags = n.kind == ir::NodeKind::Invert ? FILTER_INVERT : FILTER_NEGATE;
        ir::NodeId inner = n.children[0];
        while (g_.nodes[inner].kind == ir::NodeKind::Invert || g_.nodes[inner].kind == ir::NodeKind::Negate) {
            flags ^= g_.nodes[inner].kind == ir::NodeKind::Invert ? FILTER_INVERT : FILTER_NEGATE;
            inner = g_.nodes[inner].children[0];
        }
        const ir::Node& f = g_.nodes[inner];
        if (f.kind == ir::NodeKind::Unit && f.patch->is_filter())
            return emit(filter(*f.patch, flags), n.span);
        diags_.error(n.span, "only a filter can be inverted or negated");
        failed_ = true;
        return emit({OpCode::Pass}, n.span);
    }
    case ir::NodeKind::Unit: return unit(n);
    }
    return emit({OpCode::Pass}, n.span);
}

// Init(...) and Exit(...) bodies and Output's init messages found in a scene's patch.
void Lowerer::gather_switch_patches(ir::NodeId id, std::vector<int32_t>& init, std::vector<int32_t>& exit) {
    const ir::Node& n = g_.nodes[id];
    if (n.kind == ir::NodeKind::Unit && n.patch->unit) {
        std::string_view name = n.patch->unit->name;
        if ((name == "Init" || name == "Exit") && !n.children.empty()) {
            (name == "Init" ? init : exit).push_back(node(n.children[0]));
            return;
        }
        if (name == "Output") {
            if (int32_t i = output_init(*n.patch, n.span); i >= 0) init.push_back(i);
            return;
        }
    }
    for (ir::NodeId c : n.children) gather_switch_patches(c, init, exit);
}

std::optional<Program> Lowerer::run() {
    p_.out_ports = static_cast<uint32_t>(checked_.config.out_ports.size());
    p_.data_offset = checked_.config.data_offset;
    struct SlotParts {
        Span span;
        int32_t patch = -1;
        std::vector<int32_t> init, exit;  // the scene's own init/exit patch first, then gathered ones
    };
    std::map<std::pair<int32_t, int32_t>, SlotParts> slots;
    for (const ir::Root& r : g_.roots) {
        switch (r.role) {
        case ir::RootRole::Pre: p_.pre = node(r.node); break;
        case ir::RootRole::Post: p_.post = node(r.node); break;
        case ir::RootRole::Control: p_.control = node(r.node); break;
        case ir::RootRole::ProcessFile: case ir::RootRole::Scene: {
            SlotParts& s = slots[{r.role == ir::RootRole::ProcessFile ? 0 : r.scene, r.subscene}];
            s.patch = node(r.node);
            s.span = g_.nodes[r.node].span;
            std::vector<int32_t> init, exit;
            gather_switch_patches(r.node, init, exit);
            s.init.insert(s.init.end(), init.begin(), init.end());
            s.exit.insert(s.exit.end(), exit.begin(), exit.end());
            break;
        }
        case ir::RootRole::SceneSwitch: {
            SlotParts& s = slots[{r.scene, r.subscene}];
            auto& list = r.exit ? s.exit : s.init;
            list.insert(list.begin(), node(r.node));  // the scene's own patch comes first
            break;
        }
        }
    }
    for (auto& [key, parts] : slots) {
        SceneSlot slot;
        slot.number = key.first;
        slot.subscene = key.second;
        slot.patch = parts.patch;
        // Init and exit patches are lists in mididings: forks with duplicate removal.
        if (!parts.init.empty()) slot.init = group(OpCode::Fork, parts.init, parts.span, true);
        if (!parts.exit.empty()) slot.exit = group(OpCode::Fork, parts.exit, parts.span, true);
        if (checked_.run) {
            auto it = checked_.run->scenes.find(key.first);
            if (it != checked_.run->scenes.end()) {
                const SceneValue& sv = it->second;
                slot.name = sv.group && static_cast<size_t>(key.second) < sv.subscenes.size() ? sv.subscenes[static_cast<size_t>(key.second)].name : sv.name;
            }
        }
        p_.scenes.push_back(slot);
    }
    // The initial scene: config's initial_scene, else the lowest number (its first subscene).
    p_.initial_slot = 0;
    if (checked_.config.initial_scene) {
        auto [scene, sub] = *checked_.config.initial_scene;
        for (size_t i = 0; i < p_.scenes.size(); ++i)
            if (p_.scenes[i].number == scene && p_.scenes[i].subscene == std::max(sub, 0)) p_.initial_slot = static_cast<int32_t>(i);
    }
    if (failed_) return std::nullopt;
    return std::move(p_);
}

}  // namespace

std::optional<Instr> lower_modifier(const Patch& u) {
    if (u.kind != Patch::Kind::Unit || !u.unit) return std::nullopt;
    std::string_view name = u.unit->name;
    const std::vector<Value>& a = u.args;
    auto i32 = [&](size_t i) { return static_cast<int32_t>(a[i].i); };
    Instr in;
    if (name == "Port" || name == "Channel" || name == "Key" || name == "Transpose") {
        in.op = name == "Port" ? OpCode::Port : name == "Channel" ? OpCode::Channel : name == "Key" ? OpCode::Key : OpCode::Transpose;
        in.a = i32(0) * (name == "Transpose" && u.overload == 1 ? 12 : 1);
        return in;
    }
    if ((name == "Velocity" && u.overload != 5) || (name == "CtrlCurve" && u.overload != 4)) {
        size_t param = name == "CtrlCurve" ? 1 : 0;
        in.op = name == "Velocity" ? OpCode::Velocity : OpCode::CtrlCurve;
        in.sub = static_cast<uint8_t>(transform_of(u.unit->overloads[static_cast<size_t>(u.overload)].params[param].name));
        in.f = static_cast<float>(a[param].as_double());
        if (name == "CtrlCurve") in.a = i32(0);
        return in;
    }
    if (name == "VelocityLimit") {
        in.op = OpCode::VelocityLimit;
        switch (u.overload) {
        case 0: in.a = i32(0); in.b = i32(1); break;
        case 1: in.b = i32(0); break;
        default: in.a = i32(0);
        }
        return in;
    }
    if (name == "CtrlMap") {
        in.op = OpCode::CtrlMap;
        in.a = i32(0);
        in.b = i32(1);
        return in;
    }
    if (name == "CtrlRange") {
        in.op = OpCode::CtrlRange;
        in.a = i32(0);
        in.b = i32(1);
        in.c = i32(2);
        in.d = i32(3);
        in.e = i32(4);
        if (in.d > in.e) {  // mididings swaps both pairs
            std::swap(in.d, in.e);
            std::swap(in.b, in.c);
        }
        return in;
    }
    if (name == "PitchbendRange") {
        in.op = OpCode::PitchbendRange;
        if (u.overload == 0) {
            in.a = i32(0);
            in.b = i32(1);
            in.c = i32(2);
            in.d = i32(3);
        } else {
            double range = a[2].as_double();
            in.a = static_cast<int32_t>(a[0].as_double() / range * 8192);
            in.b = static_cast<int32_t>(a[1].as_double() / range * 8191);
            in.c = -8192;
            in.d = 8191;
        }
        return in;
    }
    return std::nullopt;
}

std::optional<Program> lower(const ir::Graph& g, const CheckedPatch& checked, DiagSink& diags, const LowerOptions& options) {
    return Lowerer(g, checked, diags, options).run();
}

}  // namespace mdc
