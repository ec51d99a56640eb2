// MIDI messages as bytes <-> engine events, for the live drivers (JACK and ALSA raw MIDI deliver
// one complete message at a time, status byte first). A note-on with velocity 0 arrives as a
// note-off, as in mididings. Realtime-safe: no allocation, SysEx bytes are not copied.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/event.h"

namespace mdc::drivers {

// One complete message to an event (port and frame left as they are). False for what is not one
// complete message: a missing or undefined status byte (F4, F5, F9, FD), a data byte above 7F, or
// the wrong length. For SysEx (F0 ... F7) `out.sysex` points into `bytes`.
bool decode_midi(const uint8_t* bytes, size_t size, engine::Event& out);

// The bytes of an event (at most 3, or the SysEx as it is); 0 when `capacity` is too small or the
// event has no MIDI form (DUMMY). Values are expected sanitized.
size_t encode_midi(const engine::Event& e, uint8_t* out, size_t capacity);

}  // namespace mdc::drivers
