// What a running patch asks of `mdc run` besides MIDI: to quit or restart (Quit(), Restart(),
// OSC /quit and /restart), OSC messages to send (SendOSC), and who wants to hear of scene changes
// (OSCInterface's notifications, MemorizeScene's file). The engine's side only flags and queues:
// request() is one atomic operation, safe on the realtime thread; the hosts call
// scene_changed() and send_osc() off it (the live worker, or inline offline); the main loop acts
// (it polls requested(); the offline loop also sleeps on wake_fd(), which other threads signal).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/event.h"
#include "engine/program.h"
#include "osc_out.h"

namespace mdc::drivers {

class SceneListener {
public:
    virtual ~SceneListener() = default;
    virtual void scene_changed(int32_t scene, int32_t subscene) = 0;  // raw numbers
};

class RunControl {
public:
    enum class Action : uint8_t { None, Quit, Restart };

    explicit RunControl(int data_offset);
    ~RunControl();
    RunControl(const RunControl&) = delete;
    RunControl& operator=(const RunControl&) = delete;

    // Any thread, realtime-safe (no wake-up: see wake()). The first request wins.
    void request(Action a);
    Action requested() const { return action_.load(std::memory_order_acquire); }
    // Wakes the offline loop (readable on wake_fd()) after a request or an inbox post from another
    // thread. Not for the realtime thread.
    void wake();
    int wake_fd() const { return wake_fd_; }
    void clear_wake();

    // Before the run starts; listeners must outlive the run.
    void add_listener(SceneListener* l) { listeners_.push_back(l); }
    // Off the realtime path.
    void scene_changed(int32_t scene, int32_t subscene);
    bool send_osc(const engine::Program& program, int32_t instr, const engine::Event& e, const std::vector<OscValue>* python) {
        return osc_.send_instr(program, instr, e, data_offset_, python);
    }

private:
    std::atomic<Action> action_{Action::None};
    int wake_fd_ = -1;
    int data_offset_;
    std::vector<SceneListener*> listeners_;
    OscOut osc_;
};

}  // namespace mdc::drivers
