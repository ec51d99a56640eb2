// What every live driver (JACK, ALSA sequencer) offers `mdc run`: a client configured from the
// patch's config() and the command line (client name, ports, connection patterns, start delay),
// and run(), which drives the engine until Ctrl-C/SIGTERM, releasing held notes and pedals first.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/inbox.h"
#include "engine_swap.h"
#include "live_host.h"
#include "port_patterns.h"

namespace mdc::drivers {

struct LiveConfig {
    std::string client_name = "mididings";
    std::vector<LivePort> in_ports, out_ports;
    bool realtime = false;     // jack-rt
    double start_delay = 0;    // seconds between connecting and starting the engine
    // Called on entering (true) and leaving (false) each realtime cycle (JACK's process callback):
    // how tests watch the realtime thread (allocations, locks). Null in mdc itself.
    void (*cycle_hook)(void* context, bool entering) = nullptr;
    void* cycle_hook_context = nullptr;
};

// Compiles the connection patterns of the configured ports; "" or the first error.
inline std::string make_live_port_plans(const LiveConfig& config, std::vector<PortPlan>& in, std::vector<PortPlan>& out) {
    std::string error = make_port_plans(config.in_ports, "input", in);
    return error.empty() ? make_port_plans(config.out_ports, "output", out) : error;
}

class LiveDriver {
public:
    virtual ~LiveDriver() = default;

    // Runs the engine until `should_stop()` (polled by the calling thread every few milliseconds)
    // returns true, or the backend goes away. Returns 0, or 69 when the backend failed or went away.
    // `engines` starts with the engine to run; hot reload (--watch) offers new ones through it.
    virtual int run(EngineSwap& engines, engine::EngineInbox& inbox, LiveHost& host, const std::function<bool()>& should_stop) = 0;

    // For the start-up line: "JACK client 'x' (jack-rt: in the process callback, 256 frames per period)".
    virtual std::string describe() const = 0;

    // What the frames of its events mean in time (EngineOptions::clock): nanoseconds unless told.
    virtual engine::Clock clock() const { return engine::Clock::nanoseconds(); }
};

}  // namespace mdc::drivers
