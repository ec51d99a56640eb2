// Sending OSC messages through liblo: SendOSC's messages (its data decoded from the instruction:
// constants, EVENT_* fields of the event, values a Python function returned) and OSCInterface's
// notifications. Never on the realtime thread: the live worker or the offline loop calls it.
// Addresses are opened once per URL and kept.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "engine/event.h"
#include "engine/program.h"

namespace mdc::drivers {

// One OSC argument: its type tag and value ('s' 'S' 'b' in text, 'i' 'h' 'c' in i, 'f' 'd' in d).
struct OscValue {
    char tag = 'N';
    int64_t i = 0;
    double d = 0;
    std::string text;
};

class OscOut {
public:
    OscOut() = default;
    ~OscOut();
    OscOut(const OscOut&) = delete;
    OscOut& operator=(const OscOut&) = delete;

    // Sends `path` with `args` to `url` (osc.udp://host:port/). False (with `error`) when it failed.
    bool send(const std::string& url, const std::string& path, const std::vector<OscValue>& args, std::string& error);

    // SendOSC instruction `instr` of `program` for event `e` (user numbers: `data_offset` applies to
    // EVENT_PORT and EVENT_CHANNEL, as mididings' event attributes do); `python` holds what the
    // instruction's Python function returned (null: it has none). Failures are printed to stderr.
    bool send_instr(const engine::Program& program, int32_t instr, const engine::Event& e, int data_offset,
                    const std::vector<OscValue>* python);

private:
    std::map<std::string, void*> addresses_;  // lo_address per URL
};

}  // namespace mdc::drivers
