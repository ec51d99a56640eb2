// The JACK driver: a client with the configured MIDI ports, connected by pattern (now and when
// matching ports appear later), running the engine in one of two modes (PRODUCT.md section 3):
//   jack-rt  inside the process callback: each output is written at its input's frame offset in
//            the same period (no added latency);
//   jack     on an engine thread of its own: the callback moves input to a ring and writes what
//            the engine thread produced exactly one period later at the same offset.
// Inputs of one period from several ports are merged by frame, then port, then arrival order.
// Ctrl-C/SIGTERM (through `should_stop`) releases held notes and pedals before the client closes;
// the server going away ends the run with exit code 69.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine_swap.h"
#include "live_driver.h"

namespace mdc::drivers {

struct JackPortInfo {
    std::string name;
    bool input = false;  // a port others write to (a destination)
    std::vector<std::string> aliases;
};

class JackDriver final : public LiveDriver {
public:
    // Connects to the running JACK server (never starts one). Null with `error` when none answers
    // or the configuration cannot be used (a bad pattern, a port JACK refuses).
    static std::unique_ptr<JackDriver> open(const LiveConfig& config, std::string& error);
    ~JackDriver() override;
    JackDriver(const JackDriver&) = delete;
    JackDriver& operator=(const JackDriver&) = delete;

    // Runs the engine until `should_stop()` (polled every few milliseconds off the realtime
    // thread) returns true, or the server goes away. Returns 0, or 69 after server loss.
    // `engines` starts with the engine to run; hot reload offers new ones through it.
    int run(EngineSwap& engines, engine::EngineInbox& inbox, LiveHost& host, const std::function<bool()>& should_stop) override;
    std::string describe() const override;
    engine::Clock clock() const override;  // frames at the server's sample rate

    // The MIDI ports of the running server (for `mdc ports`); empty with `error` when none answers.
    static std::vector<JackPortInfo> list_ports(std::string& error);

    struct State;  // realtime and thread state (jack_driver.cpp)

private:
    explicit JackDriver(std::unique_ptr<State> s);
    std::unique_ptr<State> s_;
};

}  // namespace mdc::drivers
