// The opcode table's names, the constant pool helpers, and the program printer
// (`mdc dump --stage program`): one instruction per line in fixed columns, with its source location.
#include "program.h"

#include <fmt/format.h>

#include "event_types.h"
#include "state_slots.h"

namespace mdc::engine {

std::string_view opcode_name(OpCode op) {
    switch (op) {
#define MDC_OPCODE_NAME(name, text, operands) \
    case OpCode::name: return text;
        MDC_OPCODES(MDC_OPCODE_NAME)
#undef MDC_OPCODE_NAME
    }
    return "?";
}

std::string_view opcode_operands(OpCode op) {
    switch (op) {
#define MDC_OPCODE_OPERANDS(name, text, operands) \
    case OpCode::name: return operands;
        MDC_OPCODES(MDC_OPCODE_OPERANDS)
#undef MDC_OPCODE_OPERANDS
    }
    return "";
}

int32_t Program::add_int_set(const std::vector<int32_t>& values) {
    int32_t top = 0;
    for (int32_t v : values) top = std::max(top, v + 1);
    int32_t words = (top + 31) / 32;
    auto at = static_cast<int32_t>(ints.size());
    ints.push_back(words);
    ints.resize(ints.size() + static_cast<size_t>(words), 0);
    for (int32_t v : values)
        if (v >= 0) ints[static_cast<size_t>(at + 1 + v / 32)] |= static_cast<int32_t>(1u << (v % 32));
    return at;
}

namespace {

std::string type_names(uint32_t mask) {
    if (mask == ANY) return "ANY";
    std::string out;
    for (const EventTypeName& n : event_type_names) {
        if (!n.single || !(mask & n.mask)) continue;
        if (!out.empty()) out += '|';
        out += n.name;
    }
    return out.empty() ? "NONE" : out;
}

std::string int_set(const Program& p, int32_t set) {
    std::string out;
    int32_t words = p.ints[static_cast<size_t>(set)];
    for (int32_t v = 0; v < words * 32; ++v)
        if (p.in_int_set(set, v)) out += (out.empty() ? "" : ",") + std::to_string(v);
    return "{" + out + "}";
}

std::string range(int32_t lo, int32_t hi) {
    return fmt::format("{}..{}", lo == 0 ? std::string() : std::to_string(lo), hi == 0 ? std::string() : std::to_string(hi));
}

std::string bytes_hex(const Program& p, int32_t at, int32_t size) {
    std::string out;
    for (int32_t i = 0; i < size; ++i) out += fmt::format("{}{:02X}", i ? " " : "", p.bytes[static_cast<size_t>(at + i)]);
    return out;
}

std::string_view transform_name(uint8_t t) {
    static constexpr std::string_view names[] = {"offset", "multiply", "fixed", "gamma", "curve"};
    return t < 5 ? names[t] : "?";
}

std::string_view field_name(int32_t f) {
    static constexpr std::string_view names[] = {"?", "EVENT_PORT", "EVENT_CHANNEL", "EVENT_DATA1", "EVENT_DATA2"};
    return f >= 1 && f <= 4 ? names[f] : "?";
}

std::string children(const Program& p, const Instr& in) {
    std::string out;
    for (int32_t k = 0; k < in.b; ++k) out += fmt::format("{}@{}", k ? " " : "", p.links[static_cast<size_t>(in.a + k)]);
    return out;
}

std::string operands(const Program& p, const Instr& in) {
    auto ref = [&](int32_t v, int bit) { return (in.flags >> bit) & 1u ? std::string(field_name(v)) : std::to_string(v); };
    std::string filter_mode = (in.flags & FILTER_INVERT) ? "~" : "";
    if (in.flags & FILTER_NEGATE) filter_mode = "-" + filter_mode;
    std::string filter_tail = fmt::format("  applies {} other {}", type_names(in.applies), (in.flags & 4) ? "pass" : "drop");
    switch (in.op) {
    case OpCode::Chain: return children(p, in);
    case OpCode::Fork: return children(p, in) + ((in.flags & FORK_DEDUP) ? "  dedup" : "");
    case OpCode::Dispatch: {
        static constexpr std::string_view keys[] = {"type", "port", "channel", "note", "velocity", "ctrl", "ctrlvalue", "program"};
        return fmt::format("on {} table #{}  {}{}", keys[in.sub], in.c, children(p, in), (in.flags & FORK_DEDUP) ? "  dedup" : "");
    }
    case OpCode::Pass: case OpCode::Discard: case OpCode::Sanitize: return "";
    case OpCode::TypeFilter: return filter_mode + type_names(static_cast<uint32_t>(in.a)) + filter_tail;
    case OpCode::PortFilter: case OpCode::CtrlFilter: case OpCode::ProgramFilter: case OpCode::KeySetFilter:
        return filter_mode + int_set(p, in.c) + filter_tail;
    case OpCode::ChannelFilter: {
        std::vector<int32_t> chans;
        for (int c = 0; c < 16; ++c)
            if ((in.a >> c) & 1) chans.push_back(c);
        return filter_mode + fmt::format("{{{}}}", fmt::join(chans, ",")) + filter_tail;
    }
    case OpCode::KeyRangeFilter: case OpCode::VelocityFilter: case OpCode::CtrlValueFilter:
        return filter_mode + range(in.a, in.b) + filter_tail;
    case OpCode::SysExFilter: return filter_mode + fmt::format("'{}' {}", bytes_hex(p, in.c, in.d), in.sub ? "exact" : "prefix") + filter_tail;
    case OpCode::Port: case OpCode::Channel: case OpCode::Transpose: case OpCode::Key: return std::to_string(in.a);
    case OpCode::Velocity: return fmt::format("{} {}", transform_name(in.sub), in.f);
    case OpCode::VelocitySlope: {
        std::vector<std::string> pts;
        for (int32_t i = 0; i < in.c; ++i)
            pts.push_back(fmt::format("{}:{}", p.ints[static_cast<size_t>(in.a + i)], p.floats[static_cast<size_t>(in.b + i)]));
        return fmt::format("{} {}", transform_name(in.sub), fmt::join(pts, " "));
    }
    case OpCode::VelocityLimit: return range(in.a, in.b);
    case OpCode::CtrlMap: return fmt::format("{} -> {}", in.a, in.b);
    case OpCode::CtrlRange: return fmt::format("ctrl {}: {}..{} -> {}..{}", in.a, in.d, in.e, in.b, in.c);
    case OpCode::CtrlCurve: return fmt::format("ctrl {}: {} {}", in.a, transform_name(in.sub), in.f);
    case OpCode::PitchbendRange: return fmt::format("{}..{} -> {}..{}", in.c, in.d, in.a, in.b);
    case OpCode::SuppressPC: case OpCode::MakeMonophonic: return fmt::format("state #{}", in.a);
    case OpCode::LimitPolyphony: return fmt::format("state #{} max {}{}", in.a, in.b, (in.flags & 1) ? " remove oldest" : "");
    case OpCode::PedalToNoteoff: return fmt::format("state #{} ctrl {}{}", in.a, in.b, in.sub ? " sostenuto" : "");
    case OpCode::LatchNotes: return fmt::format("state #{}{}{}", in.a, (in.flags & 1) ? " polyphonic" : "", in.b >= 0 ? fmt::format(" reset {}", in.b) : std::string());
    case OpCode::Panic: return fmt::format("ports {}", in.a);
    case OpCode::CtrlToSysEx:
        return fmt::format("ctrl {} -> '{}' value at {}{}", in.a, bytes_hex(p, in.c, in.d), in.b,
                           in.e >= 0 ? fmt::format(", checksum from {}", in.e) : std::string());
    case OpCode::VoiceFilter:
        return fmt::format("voice {} time {}ns{} state #{} ports {}", in.b, join64(in.c, in.d), (in.flags & 1) ? " retrigger" : "", in.a, in.e);
    case OpCode::FloatingKeySplit: {
        const int32_t* q = p.ints.data() + in.d;
        return fmt::format("{}..{} margins {} {} hold {}ns state #{} ports {}  {}  dedup", q[0], q[1], q[2], q[3], join64(q[4], q[5]), in.c, in.e,
                           children(p, in));
    }
    case OpCode::Generate: {
        uint32_t type = 1u << in.sub;
        std::string t = type_names(type);
        if (type == SYSEX) return fmt::format("{} port={} '{}'", t, ref(in.a, 0), bytes_hex(p, in.c, in.d));
        return fmt::format("{} port={} channel={} data1={} data2={}", t, ref(in.a, 0), ref(in.b, 1), ref(in.c, 2), ref(in.d, 3));
    }
    case OpCode::SceneSwitch: case OpCode::SubSceneSwitch:
        return fmt::format("{}{}{}", (in.flags & 2) ? "offset " : "", (in.flags & 1) ? std::string(field_name(in.a)) : std::to_string(in.a),
                           (in.flags & 4) ? " wrap" : "");
    case OpCode::Process: case OpCode::Call: case OpCode::System: case OpCode::PrintString:
        return fmt::format("{}{}{}", p.strings[static_cast<size_t>(in.a)], (in.op == OpCode::Call && (in.flags & 1)) ? " (thread)" : "",
                           (in.op == OpCode::Process || in.op == OpCode::Call) && in.b > 0 ? " args=" + p.strings[static_cast<size_t>(in.b - 1)] : "");
    case OpCode::Restart: case OpCode::Quit: return "";
    case OpCode::SendOsc: {
        std::string out = fmt::format("{} {}", p.strings[static_cast<size_t>(in.a)], p.strings[static_cast<size_t>(in.b)]);
        for (int32_t k = 0; k < in.d; ++k) {
            const auto tag = static_cast<char>(p.ints[static_cast<size_t>(in.c + 2 * k)]);
            const int32_t v = p.ints[static_cast<size_t>(in.c + 2 * k + 1)];
            if (tag == 'e') out += fmt::format(" {}", field_name(v));
            else if (tag == 'p') out += fmt::format(" python[{}]", v);
            else if (v >= 0) out += fmt::format(" {}:{}", tag, p.strings[static_cast<size_t>(v)]);
            else out += fmt::format(" {}", tag);
        }
        if (in.e > 0) out += " python=" + p.strings[static_cast<size_t>(in.e - 1)];
        return out;
    }
    case OpCode::Print: {
        static constexpr std::string_view modes[] = {"", " portnames=in", " portnames=out"};
        return fmt::format("{}{}", in.a >= 0 ? "'" + p.strings[static_cast<size_t>(in.a)] + "'" : "", modes[in.b % 3]);
    }
    }
    return "";
}

}  // namespace

std::string print_program(const Program& p, const SourceLines* sources) {
    std::string out;
    out += fmt::format("# program: {} instructions ({} bytes), {} links, pool: {} ints, {} floats, {} bytes, {} tables, {} strings\n",
                       p.code.size(), p.code.size() * sizeof(Instr), p.links.size(), p.ints.size(), p.floats.size(), p.bytes.size(),
                       p.masks.size(), p.strings.size());
    auto root = [](int32_t r) { return r < 0 ? std::string("-") : fmt::format("@{}", r); };
    out += fmt::format("control {}  pre {}  post {}  out_ports {}\n", root(p.control), root(p.pre), root(p.post), p.out_ports);
    for (size_t i = 0; i < p.scenes.size(); ++i) {
        const SceneSlot& s = p.scenes[i];
        out += fmt::format("scene {}.{}{}{}  patch {}  init {}  exit {}{}\n", s.number + p.data_offset, s.subscene + p.data_offset,
                           s.name.empty() ? "" : " '", s.name.empty() ? "" : s.name + "'", root(s.patch), root(s.init), root(s.exit),
                           static_cast<int32_t>(i) == p.initial_slot ? "  (initial)" : "");
    }
    for (size_t i = 0; i < p.code.size(); ++i) {
        const Instr& in = p.code[i];
        std::string text = operands(p, in);
        std::string where = sources ? sources->location(p.spans[i]) : std::string();
        std::string line = fmt::format("{:>5}  {:<16} {}", i, opcode_name(in.op), text);
        if (!where.empty()) line = fmt::format("{:<64} ; {}", line, where);
        while (!line.empty() && line.back() == ' ') line.pop_back();
        out += line + '\n';
    }
    return out;
}

}  // namespace mdc::engine
