// Sanitize (mididings.md 1.6) with mdc's deviations (PRODUCT.md section 2): everything that leaves
// is valid MIDI. Out-of-range numbers that identify something (port, channel, note, controller,
// program) drop the event; values (velocity, controller value, pitch bend, channel pressure) are
// clamped; what mididings lets through unchecked (poly aftertouch, system common data) is dropped
// when out of range.
#include <algorithm>

#include "engine.h"

namespace mdc::engine {

namespace {
bool in7(int32_t v) { return v >= 0 && v <= 127; }
int32_t clamp7(int32_t v) { return std::clamp(v, 0, 127); }
}  // namespace

bool sanitize_event(Event& e, uint32_t out_ports, bool bound_out_ports, const char** why) {
    auto drop = [&](const char* reason) {
        *why = reason;
        return false;
    };
    if (e.port < 0 || (bound_out_ports && static_cast<uint32_t>(e.port) >= out_ports)) return drop("invalid output port, event discarded");
    if (e.channel < 0 || e.channel > 15) return drop("invalid channel, event discarded");
    switch (e.type) {
    case NOTEON: case NOTEOFF:
        if (!in7(e.data1)) return drop("invalid note number, event discarded");
        e.data2 = clamp7(e.data2);
        return true;
    case CTRL:
        if (!in7(e.data1)) return drop("invalid controller number, event discarded");
        e.data2 = clamp7(e.data2);
        return true;
    case PITCHBEND: e.data2 = std::clamp(e.data2, -8192, 8191); return true;
    case AFTERTOUCH: e.data2 = clamp7(e.data2); return true;
    case POLY_AFTERTOUCH:  // mdc checks what mididings lets through: note and value, both dropped when out of range
        if (!in7(e.data1)) return drop("invalid note number, event discarded");
        if (!in7(e.data2)) return drop("invalid poly aftertouch value, event discarded");
        return true;
    case PROGRAM:
        if (!in7(e.data2)) return drop("invalid program number, event discarded");
        return true;
    case SYSEX:
        if (e.sysex_size < 2 || e.sysex[0] != 0xF0 || e.sysex[e.sysex_size - 1] != 0xF7) return drop("invalid sysex, event discarded");
        return true;
    case SYSCM_QFRAME: case SYSCM_SONGSEL:
        if (!in7(e.data1)) return drop("invalid system common data, event discarded");
        return true;
    case SYSCM_SONGPOS:
        if (!in7(e.data1) || !in7(e.data2)) return drop("invalid song position, event discarded");
        return true;
    case SYSCM_TUNEREQ: case SYSRT_CLOCK: case SYSRT_START: case SYSRT_CONTINUE: case SYSRT_STOP: case SYSRT_SENSING:
    case SYSRT_RESET:
        return true;
    case DUMMY: *why = nullptr; return false;  // the scene-switch trigger never leaves, silently
    default: return drop("invalid event type, event discarded");
    }
}

void Engine::sanitize(uint32_t begin) {
    uint32_t out = begin;
    // Negative ports become large as unsigned: one comparison checks both ends.
    const uint32_t port_bound = options_.bound_out_ports ? program_.out_ports : 0x80000000u;
    for (uint32_t i = begin; i < top_; ++i) {
        Event& e = buffer_[i];
        const char* why = nullptr;
        // Most events are notes and controllers that are valid as they are.
        const bool valid = (e.type & (NOTEON | NOTEOFF | CTRL)) && static_cast<uint32_t>(e.port) < port_bound &&
                           static_cast<uint32_t>(e.channel) < 16 && static_cast<uint32_t>(e.data1) < 128 && static_cast<uint32_t>(e.data2) < 128;
        if (valid || sanitize_event(e, program_.out_ports, options_.bound_out_ports, &why)) {
            if (out != i) buffer_[out] = e;
            ++out;
        } else if (why) {
            ++stats_.sanitized;
            if (hooks_.notice) hooks_.notice(hooks_.context, why);
        }
    }
    top_ = out;
}

}  // namespace mdc::engine
