// MIDIMonster's midi backend as mapping lines use it (midimonster.md 2.2-2.3): a MIDI channel
// (`PORT.chN.ccM`, `.noteM`, `.pitch`, ...) carries one value 0..1. Input: 7-bit values /127,
// 14-bit /16383, a note-off is 0.0, RPN/NRPN values come from the CC 101/100 (99/98), 6, 38 state
// machine. Output: truncation to 7 or 14 bits, value 0 on a note is a note-on with velocity 0,
// RPN/NRPN as the full CC sequence with the null-parameter reset. Realtime-safe.
#pragma once

#include <cstdint>

#include "engine/event.h"
#include "lang/patch.h"

namespace mdc::drivers {

using MidiWhat = MappingEndpoint::What;

struct MidiChannel {
    int32_t port = 0, channel = 0;  // raw, 0-based
    MidiWhat what = MidiWhat::Cc;
    int32_t number = 0;              // controller, note or RPN/NRPN parameter (0 for channel-wide types)
};

// One channel's value as an ordered key (for lookups): port, channel, type, number.
inline uint64_t channel_key(const MidiChannel& c) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(c.port)) << 32) | (static_cast<uint64_t>(c.channel & 15) << 24) |
           (static_cast<uint64_t>(c.what) << 16) | static_cast<uint64_t>(c.number & 0xFFFF);
}

// The most events one value becomes (an RPN: 101, 100, 6, 38, 101=127, 100=127).
inline constexpr int max_value_events = 6;

// The MIDI events that carry `value` (clamped to 0..1) on `c`, at `frame`; returns how many.
int value_to_events(const MidiChannel& c, double value, uint64_t frame, engine::Event out[max_value_events]);

// The RPN/NRPN parameter state of one MIDI channel (midimonster.md 2.3).
struct EpnState {
    uint16_t parameter = 0;
    uint16_t value = 0;
    uint8_t flags = 0;  // nrpn, parameter MSB seen, parameter LSB seen, value MSB seen
};

// Feeds a controller to the state machine; true when it completes a 14-bit RPN/NRPN value
// (CC 38 after CC 6 with a selected parameter): `out` then names the channel and `value` is 0..1.
bool epn_feed(EpnState& s, int32_t controller, int32_t data, MidiChannel& out, double& value);

// The value a channel-message input event carries on its simple channel (`out`); false for an
// event no MIDIMonster channel names (system messages).
bool event_value(const engine::Event& e, MidiChannel& out, double& value);

}  // namespace mdc::drivers
