// Runs a Standard MIDI File through an engine (`mdc convert`, process_file): the tracks merge by
// (time, track, position in track); each event goes to the patch with port = track and frame =
// tick; what comes out goes to the track of its port, at the time of its input event, in order
// (a port with no track gets a new track). Meta events stay in their track at their time, not run
// through the patch, as in mididings. The initial scene's init patch runs at time 0, the current
// scene's exit patch at the end of the file. An event the patch left unchanged is written as it was
// read (a note-on with velocity 0, running status, SysEx packets and escapes); End-of-Track goes
// at each track's end or after its last event.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace mdc::drivers {

struct SmfConvertOptions {
    int data_offset = 1;  // how ports are numbered in messages
    std::vector<engine::Event> initial_output;  // sent at tick 0 after the init patch (MIDIMonster's load-time outputs), no SysEx
};

struct SmfConversion {
    std::vector<uint8_t> bytes;         // the output file; empty after an error
    std::string error;                  // the input is not a readable MIDI file, or the output cannot be one
    std::vector<std::string> warnings;  // what was skipped, and format changes
    uint64_t events_in = 0;             // events read (meta events and End-of-Track included)
    uint64_t events_out = 0;            // events written (idem)
    uint32_t tracks_out = 0;
};

// `engine` must be fresh (not started): the conversion starts it and runs its exit patch.
SmfConversion convert_smf(std::span<const uint8_t> input, engine::Engine& engine, const SmfConvertOptions& options = {});

}  // namespace mdc::drivers
