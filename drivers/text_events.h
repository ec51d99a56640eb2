// The text event format (PRODUCT.md section 4): mididings' event constructors, one per line, in user
// numbering. Used by the text backend, `mdc test` (to show events) and anything that reads or
// writes events as text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event.h"

namespace mdc::drivers {

struct TextFormat {
    int data_offset = 1;
    int octave_offset = 2;
    std::vector<std::string> in_ports;  // names of the input ports ("" for unnamed); its size bounds ports
};

// `NoteOnEvent(1, 1, 60, 100)`: exactly this spelling, ", " between arguments.
std::string format_event(const engine::Event& e, int data_offset);

struct ParsedLine {
    bool empty = true;               // blank or comment only
    engine::Event event;             // its sysex points into `sysex`
    std::vector<uint8_t> sysex;
    std::optional<double> time;      // the @SECONDS prefix
    std::string error;               // non-empty: malformed; `column` says where (1-based)
    uint32_t column = 0;
};

// Parses one line. The returned event's SysEx pointer refers to the ParsedLine's own bytes.
ParsedLine parse_event_line(std::string_view line, const TextFormat& format);

}  // namespace mdc::drivers
