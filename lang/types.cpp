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
}  // namespace

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

namespace {

const Value* arg(const Patch& p, std::string_view name) {
    const Overload& ov = p.unit->overloads[static_cast<size_t>(p.overload)];
    for (size_t i = 0; i < ov.params.size(); ++i)
        if (ov.params[i].name == name) return &p.args[i];
    return nullptr;
}

}  // namespace

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
    if (p.unit->family == UnitFamily::Filter) return filter_pass(p, in);
    EventSet out = in;
    if (n == "Port") {
        out.ports = port_bit(p.args[0].i);
    } else if (n == "Channel") {
        out.channels = static_cast<uint16_t>(1u << p.args[0].i);
    } else if (n == "Output") {
        // None: the first port or channel (mididings.md 2.8); joined with what comes in, to stay sound.
        out.ports = p.args[0].is(Value::Kind::None) ? out.ports | 1u : port_bit(p.args[0].i);
        out.channels = p.args[1].is(Value::Kind::None) ? static_cast<uint16_t>(out.channels | 1u) : static_cast<uint16_t>(1u << p.args[1].i);
    } else if (n == "Transpose") {
        // Notes are not clamped between units: a note pushed outside 0..127 may come back. The
        // range can only say 0..127, so one that leaves it widens to everything.
        int64_t off = p.args[0].i * (p.overload == 1 ? 12 : 1);
        int64_t lo = out.note_lo + off, hi = out.note_hi + off;
        if (lo < 0 || hi > 128) out.note_lo = 0, out.note_hi = 128;
        else out.note_lo = static_cast<uint8_t>(lo), out.note_hi = static_cast<uint8_t>(hi);
    } else if (n == "Key") {
        out.note_lo = static_cast<uint8_t>(p.args[0].i);
        out.note_hi = static_cast<uint8_t>(p.args[0].i + 1);
    } else if (p.unit->family == UnitFamily::Generator) {
        uint32_t t = sem.makes ? sem.makes : static_cast<uint32_t>(p.args[0].i);
        out.types = t;
        // Port and channel: a number, the event's own (EVENT_PORT / EVENT_CHANNEL: system and
        // DUMMY events carry channel 0), or another field of the event (anything).
        auto field_of = [](const Value* v) { return v && v->is(Value::Kind::EventRef) ? static_cast<EventField>(v->i) : EventField{}; };
        const Value* port = arg(p, "port");
        if (port && port->is(Value::Kind::Int)) out.ports = port_bit(port->i);
        else if (port && field_of(port) != EventField::Port) out.ports = ~0ull;
        const Value* ch = arg(p, "channel");
        if (ch && ch->is(Value::Kind::Int)) out.channels = static_cast<uint16_t>(1u << ch->i);
        else if (ch && field_of(ch) != EventField::Channel) out.channels = 0xFFFF;
        else if (in.types & (SYSTEM | DUMMY)) out.channels |= 1u;
        const Value* note = arg(p, "note");
        if (!note) note = arg(p, "data1");
        if (note && note->is(Value::Kind::Int) && note->i >= 0 && note->i < 128)
            out.note_lo = static_cast<uint8_t>(note->i), out.note_hi = static_cast<uint8_t>(note->i + 1);
        else
            out.note_lo = 0, out.note_hi = 128;
    } else if (n == "Process") {
        out.types = ANY & ~DUMMY;  // Python may return anything
        out.ports = ~0ull, out.channels = 0xFFFF, out.note_lo = 0, out.note_hi = 128;
    } else if (n == "Panic") {
        // bypass=True sends directly and consumes the event; otherwise CC123 and CC64 on every
        // channel of every output port come out of the patch.
        if (p.args[0].flag) return {};
        out.types = CTRL, out.ports = ~0ull, out.channels = 0xFFFF;
    } else if (n == "CtrlToSysEx") {
        out.types = in.types | SYSEX;  // CtrlFilter(ctrl) % Process(...): other events pass
    } else if (n == "LatchNotes" || n == "MakeMonophonic" || n == "LimitPolyphony" || n == "VoiceFilter" ||
               n == "PedalToNoteoff") {
        if (in.types & NOTEON) out.types |= NOTEOFF;  // released, stolen or retriggered notes
        if (n == "MakeMonophonic" && (in.types & NOTEOFF)) out.types |= NOTEON;  // a held note retriggered
        if (n == "PedalToNoteoff" && (in.types & CTRL)) out.types |= NOTEOFF;    // pedal-up releases notes
    }
    return out;
}

}  // namespace mdc::ir
