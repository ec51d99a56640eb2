// The clock of a Standard MIDI File (convert): ticks to real nanoseconds through the file's tempo
// map (Set Tempo meta events of every track, 120 bpm until the first), or the SMPTE rate of the
// header, so that units that measure time give the same results as with `@` times in text input.
#pragma once

#include <cstdint>
#include <span>

#include "engine/clock.h"
#include "smf.h"

namespace mdc::drivers {

engine::Clock smf_clock(const SmfFile& file, std::span<const uint8_t> bytes);

}  // namespace mdc::drivers
