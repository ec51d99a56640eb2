// What Print() writes: mididings' own line for an event ("[ 1,  1] Note On:   60 100  (c3)"), so
// that a mididings user reads the same text, with the unit's name in a column as wide as the
// longest Print name of the patch and port names where Print(portnames='in'|'out') asks for them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/event.h"
#include "engine/program.h"

namespace mdc::drivers {

struct PrintStyle {
    int data_offset = 1;
    int octave_offset = 2;
    std::vector<std::string> in_ports, out_ports;  // port names, "" where unnamed
    int name_width = -1;      // the longest Print name in the patch, -1 when none has a name
    int portname_width = -1;  // the longest port name when some Print shows port names, else -1
};

// The widths come from every Print instruction of `p`.
PrintStyle print_style(const engine::Program& p, int data_offset, int octave_offset, std::vector<std::string> in_ports,
                       std::vector<std::string> out_ports);

// One Print line (no newline). `name` may be empty; `portnames` is 0 (numbers), 1 (in), 2 (out).
std::string format_print(const PrintStyle& style, const engine::Event& e, std::string_view name, int portnames);

// The event part alone, as mididings' MidiEvent.to_string.
std::string format_event_line(const PrintStyle& style, const engine::Event& e, int portnames);

}  // namespace mdc::drivers
