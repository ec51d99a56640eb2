// Static event types: joining EventSets, describing them, and each unit's transfer rule (what
// leaves a unit given what reaches it), from the unit table's semantics and the unit's arguments.
#include <bit>

#include <fmt/format.h>

#include "engine/event_types.h"
#include "ir.h"
#include "types.h"
#include "units.h"

namespace mdc::ir {

using namespace engine;

EventSet EventSet::join(const EventSet& o) const {
    if (empty()) return o;
    if (o.empty()) return *this;
    EventSet r;
    r.types = types | o.types;
    r.channels = channels | o.channels;
    r.ports = ports | o.ports;
    r.note_lo = std::min(note_lo, o.note_lo);
    r.note_hi = std::max(note_hi, o.note_hi);
    return r;
}

std::string describe_types(uint32_t t) {
    if (t == 0) return "nothing";
    if ((t & ANY) == (ANY & ~DUMMY) || (t & ANY) == ANY) return "every event";
    uint32_t missing = (ANY & ~DUMMY) & ~t;
    if (std::popcount(missing) <= 3 && (t & ~DUMMY) != 0 && std::popcount(t & ~DUMMY) > 3) return "any but " + describe_types(missing);
    std::string out;
    for (const auto& n : event_type_names) {
        if (n.single || n.mask == 0 || n.mask == ANY || n.mask == SYSTEM) continue;
        if ((t & n.mask) == n.mask) {  // name the groups first: NOTE, SYSCM, SYSRT
            out += (out.empty() ? "" : "|") + std::string(n.name);
            t &= ~n.mask;
        }
    }
    for (const auto& n : event_type_names)
        if (n.single && (t & n.mask)) out += (out.empty() ? "" : "|") + std::string(n.name);
    return out;
}

std::string describe(const EventSet& s, int off) {
    if (s.empty()) return "no events";
    std::string types = describe_types(s.types);
    std::string out = types == "every event" ? "events of any type" : types.starts_with("any but") ? "events of " + types : types + " events";
    auto list = [&](uint64_t bits, int n) {
        std::string l;
        for (int i = 0; i < n; ++i)
            if (bits & (1ull << i)) l += (l.empty() ? "" : ",") + std::to_string(i + off);
        return l.empty() ? std::string("none") : l;
    };
    if (s.ports != ~0ull) out += (std::popcount(s.ports) == 1 ? " on port " : " on ports ") + list(s.ports, 63);
    if (s.channels != 0xFFFF && (s.types & ~SYSTEM))
        out += (std::popcount(s.channels) == 1 ? ", channel " : ", channels ") + list(s.channels, 16);
    if ((s.note_lo != 0 || s.note_hi != 128) && (s.types & (NOTE | POLY_AFTERTOUCH)))
        out += fmt::format(", notes {}..{}", s.note_lo, s.note_hi - 1);
    return out;
}

namespace {

uint64_t port_bit(int64_t p) { return p >= 63 ? (1ull << 63) : (1ull << p); }

uint64_t port_mask(const Value& list) {
    uint64_t m = 0;
    for (const Value& v : list.elements()) m |= port_bit(v.i);
    return m;
}

uint16_t channel_mask(const Value& list) {
    uint16_t m = 0;
    for (const Value& v : list.elements()) m |= static_cast<uint16_t>(1u << v.i);
    return m;
}

const Value* arg(const Patch& p, std::string_view name) {
    const Overload& ov = p.unit->overloads[static_cast<size_t>(p.overload)];
    for (size_t i = 0; i < ov.params.size(); ++i)
        if (ov.params[i].name == name) return &p.args[i];
    return nullptr;
}

// Narrows the note range of note events to [lo, hi) (0 as upper bound: no limit).
EventSet narrow_notes(EventSet s, int lo, int hi) {
    if (hi == 0) hi = 128;
    s.note_lo = static_cast<uint8_t>(std::max<int>(s.note_lo, lo));
    s.note_hi = static_cast<uint8_t>(std::min<int>(s.note_hi, hi));
    if (s.note_lo >= s.note_hi) {
        s.types &= ~(NOTE | POLY_AFTERTOUCH);
        s.note_lo = 0, s.note_hi = 128;
    }
    return s;
}

}  // namespace

// What a filter unit lets through (before ~ or -), given what reaches it.
EventSet filter_pass(const Patch& p, const EventSet& in) {
    const UnitSemantics& sem = p.unit->sem;
    EventSet applies = in, other = in;
    applies.types &= sem.acts_on;
    other.types &= ~sem.acts_on;
    if (!sem.passes_other) other.types = 0;
    std::string_view n = p.unit->name;
    if (n == "Filter") {
        applies.types &= static_cast<uint32_t>(p.args[0].i);
    } else if (n == "PortFilter") {
        applies.ports &= port_mask(p.args[0]);
        if (!applies.ports) applies.types = 0;
    } else if (n == "ChannelFilter") {
        applies.channels &= channel_mask(p.args[0]);
        if (!applies.channels) applies.types = 0;
    } else if (n == "KeyFilter" && p.overload <= 3) {
        int lo = 0, hi = 0;
        if (p.overload == 0) lo = static_cast<int>((*p.args[0].items)[0].i), hi = static_cast<int>((*p.args[0].items)[1].i);
        if (p.overload == 1) lo = static_cast<int>(p.args[0].i), hi = static_cast<int>(p.args[1].i);
        if (p.overload == 2) lo = static_cast<int>(p.args[0].i);
        if (p.overload == 3) hi = static_cast<int>(p.args[0].i);
        if (lo == 0 && hi == 0 && p.overload == 0) applies.types = 0;  // ':c-2' is the empty range
        else applies = narrow_notes(applies, lo, hi);
    }
    EventSet r = applies;
    r.types |= other.types;
    if (other.types) {  // other types keep their own ports and channels
        r.ports |= other.ports;
        r.channels |= other.channels;
    }
    return r;
}

EventSet transfer(const Patch& p, const EventSet& in) {
    if (in.empty()) return in;
    const UnitSemantics& sem = p.unit->sem;
    std::string_view n = p.unit->name;
    if (sem.consumes) return {};
    if (p.unit->family == UnitFamily::Filter || n == "KeyColorFilter") return filter_pass(p, in);
    EventSet out = in;
    if (n == "Port") {
        out.ports = port_bit(p.args[0].i);
    } else if (n == "Channel") {
        out.channels = static_cast<uint16_t>(1u << p.args[0].i);
    } else if (n == "Output") {
        if (!p.args[0].is(Value::Kind::None)) out.ports = port_bit(p.args[0].i);
        if (!p.args[1].is(Value::Kind::None)) out.channels = static_cast<uint16_t>(1u << p.args[1].i);
    } else if (n == "Transpose") {
        int off = static_cast<int>(p.args[0].i) * (p.overload == 1 ? 12 : 1);
        out.note_lo = static_cast<uint8_t>(std::clamp(out.note_lo + off, 0, 127));
        out.note_hi = static_cast<uint8_t>(std::clamp(out.note_hi + off, 1, 128));
    } else if (n == "Key") {
        out.note_lo = static_cast<uint8_t>(p.args[0].i);
        out.note_hi = static_cast<uint8_t>(p.args[0].i + 1);
    } else if (p.unit->family == UnitFamily::Generator) {
        uint32_t t = sem.makes ? sem.makes : static_cast<uint32_t>(p.args[0].i);
        out.types = t;
        if (const Value* port = arg(p, "port"); port && port->is(Value::Kind::Int)) out.ports = port_bit(port->i);
        if (const Value* ch = arg(p, "channel"); ch && ch->is(Value::Kind::Int)) out.channels = static_cast<uint16_t>(1u << ch->i);
        if (const Value* note = arg(p, "note"); note && note->is(Value::Kind::Int))
            out.note_lo = static_cast<uint8_t>(note->i), out.note_hi = static_cast<uint8_t>(note->i + 1);
        else if (t & (NOTE | POLY_AFTERTOUCH))
            out.note_lo = 0, out.note_hi = 128;
    } else if (n == "Process") {
        out.types = ANY & ~DUMMY;  // Python may return anything
        out.ports = ~0ull, out.channels = 0xFFFF, out.note_lo = 0, out.note_hi = 128;
    } else if (n == "Panic" || n == "CtrlToSysEx") {
        out.types = n == "Panic" ? CTRL : (in.types & ~CTRL) | SYSEX;
    } else if (n == "PedalToNoteoff") {
        out.types = in.types;  // the pedal is consumed, its note-offs come later
    }
    return out;
}

}  // namespace mdc::ir
