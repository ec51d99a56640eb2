// Reads a Standard MIDI File (format 0, 1 or 2, any division) into an SmfFile (smf.h): every
// track, running status (also across meta and SysEx events, as most readers allow), SysEx in one
// packet, in F0 and F7 continuation packets and in F7 escapes, system messages in F7 escapes,
// meta events. Every byte read is bounds-checked; a file that cannot be read gets one error naming
// the track and byte offset; what is skipped (unknown chunks, chunks beyond the header's track
// count, bytes after End-of-Track) or cannot go through a patch gets a warning.
#pragma once

#include <cstdint>
#include <span>

#include "smf.h"

namespace mdc::drivers {

// The events keep offsets into `bytes`: keep them alive while the SmfFile is used for writing.
SmfFile read_smf(std::span<const uint8_t> bytes);

}  // namespace mdc::drivers
