// The event the engine processes: one MIDI message with mididings' fields (raw, 0-based numbers).
// SysEx bytes are not owned: they point into the input, the program's constant pool or the
// engine's SysEx arena, so copying an event never allocates.
#pragma once

#include <cstdint>
#include <cstring>

#include "event_types.h"

namespace mdc::engine {

struct Event {
    uint32_t type = 0;
    int32_t port = 0;
    int32_t channel = 0;
    int32_t data1 = 0;  // note, controller, or system data 1
    int32_t data2 = 0;  // velocity, value, program, pitch bend (signed), or system data 2
    uint32_t sysex_size = 0;
    const uint8_t* sysex = nullptr;  // F0 ... F7 for SYSEX events
    uint64_t frame = 0;              // the driver's time stamp (frames, pulses or nanoseconds)
};

inline bool is_system(uint32_t type) { return (type & (SYSTEM | DUMMY)) != 0; }

// A note event on `like`'s port, channel and time (the units that end or retrigger notes).
inline Event note_event(const Event& like, uint32_t type, int32_t note, int32_t velocity) {
    Event e = like;
    e.type = type;
    e.data1 = note;
    e.data2 = velocity;
    e.sysex = nullptr;
    e.sysex_size = 0;
    return e;
}

// mididings' equality (used by fork duplicate removal): type, port and time, then only the fields
// the type uses; the channel is ignored for system events.
inline bool same_event(const Event& a, const Event& b) {
    if (a.type != b.type || a.port != b.port || a.frame != b.frame) return false;
    if (!is_system(a.type) && a.channel != b.channel) return false;
    switch (a.type) {
    case NOTEON: case NOTEOFF: case CTRL: case POLY_AFTERTOUCH: case SYSCM_SONGPOS: return a.data1 == b.data1 && a.data2 == b.data2;
    case PITCHBEND: case AFTERTOUCH: case PROGRAM: return a.data2 == b.data2;
    case SYSCM_QFRAME: case SYSCM_SONGSEL: return a.data1 == b.data1;
    case SYSEX: return a.sysex_size == b.sysex_size && (a.sysex_size == 0 || std::memcmp(a.sysex, b.sysex, a.sysex_size) == 0);
    default: return true;
    }
}

// A hash that events equal under same_event share (it reads only fields that same_event compares
// for every type), so that duplicate removal compares full events only when hashes match.
inline uint32_t event_hash(const Event& e) {
    uint32_t h = e.type * 0x9E3779B1u ^ static_cast<uint32_t>(e.port) * 0x85EBCA77u ^ static_cast<uint32_t>(e.frame);
    if (e.type & (NOTEON | NOTEOFF | CTRL | POLY_AFTERTOUCH))
        h ^= static_cast<uint32_t>(e.channel) * 0xC2B2AE3Du ^ static_cast<uint32_t>(e.data1) * 0x27D4EB2Fu ^ static_cast<uint32_t>(e.data2) * 0x165667B1u;
    return h;
}

}  // namespace mdc::engine
