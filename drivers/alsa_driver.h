// The ALSA sequencer driver: a client with the configured name and ports, connected by pattern
// (mididings' four forms of a port's address, see port_patterns.h) at start and whenever a port
// or client appears or is renamed (the System announce port), and one input thread, woken by
// poll(), that runs the engine on each event as it arrives (a note-on with velocity 0 comes in
// as a note-off) and writes the output directly (unqueued) to the subscribers of our output
// ports, waiting for receivers that have no room (alsa_output.h). SysEx of any length comes in
// and goes out in pieces, put back together per port (sysex_assembler.h). Ctrl-C/SIGTERM
// (through `should_stop`) stops the thread, which first releases held notes and pedals through
// the ports. Invalid input, input the kernel lost and output dropped are counted and reported by
// the LiveHost; --trace records go through it too.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "live_driver.h"

namespace mdc::drivers {

struct AlsaPortInfo {
    int client = 0, port = 0;
    std::string client_name, port_name;
    bool source = false;       // others can read from it (connect it to a patch's in_ports)
    bool destination = false;  // others can write to it (connect a patch's out_ports to it)
};

class AlsaDriver final : public LiveDriver {
public:
    // Opens the sequencer and makes the client and its ports. Null with `error` when there is no
    // sequencer or the configuration cannot be used (a bad pattern, a port ALSA refuses).
    static std::unique_ptr<AlsaDriver> open(const LiveConfig& config, std::string& error);
    ~AlsaDriver() override;
    AlsaDriver(const AlsaDriver&) = delete;
    AlsaDriver& operator=(const AlsaDriver&) = delete;

    int run(EngineSwap& engines, engine::EngineInbox& inbox, LiveHost& host, const std::function<bool()>& should_stop) override;
    std::string describe() const override;

    // The ports of the sequencer that other clients can connect to (for `mdc ports`); empty with
    // `error` when there is no sequencer.
    static std::vector<AlsaPortInfo> list_ports(std::string& error);

    struct State;  // the sequencer handle and the input thread's state (alsa_driver.cpp)

private:
    explicit AlsaDriver(std::unique_ptr<State> s);
    std::unique_ptr<State> s_;
};

}  // namespace mdc::drivers
