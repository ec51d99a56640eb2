// Reads a Standard MIDI File into engine events: every track, running status, SysEx (F0 and F7
// escapes), meta events kept apart. Events come out merged in time order (ties: track order, then
// file order); a note-on with velocity 0 becomes a note-off, as from a port.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "engine/event.h"

namespace mdc::drivers {

struct SmfEvent {
    uint32_t track = 0;
    uint64_t tick = 0;
    engine::Event event;  // port = track; frame = tick; SysEx bytes in SmfFile::sysex
};

struct SmfMeta {
    uint32_t track = 0;
    uint64_t tick = 0;
    std::vector<uint8_t> bytes;  // FF type length data, as in the file
};

struct SmfFile {
    uint16_t format = 0;
    uint16_t tracks = 0;
    uint16_t division = 0;
    std::vector<SmfEvent> events;
    std::vector<SmfMeta> meta;
    std::deque<std::vector<uint8_t>> sysex;  // stable storage for the events' SysEx bytes
    std::string error;                       // non-empty: the file is not a valid SMF (what and where)
};

SmfFile read_smf(const std::vector<uint8_t>& bytes);
SmfFile read_smf_file(const std::string& path);  // error says why the file could not be read

}  // namespace mdc::drivers
