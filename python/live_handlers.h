// MIDIMonster handlers on a live backend (PRODUCT.md section 3): they run on the LiveHost's one
// worker thread, as its WorkerGuest, in FIFO order with Call, System and Print(string=f), never on
// the engine's or JACK's thread. Values come from the mapping tap through the worker's queue; MIDI
// the handlers output enters the engine through the EngineInbox (Sanitize, then out in a later
// cycle). Intervals run on the worker's clock (milliseconds since start; missed periods are not
// replayed, as in MIDIMonster); managed sockets are polled at least every 10 ms. Events that found
// the inbox full are reported.
#pragma once

#include <chrono>
#include <memory>

#include "drivers/worker_guest.h"
#include "engine/inbox.h"
#include "handlers.h"

namespace mdc::python {

class LiveHandlers final : public drivers::WorkerGuest {
public:
    // The thread that loaded `handlers` must have released the GIL (python::GilReleased) before
    // the worker starts.
    LiveHandlers(Handlers& handlers, engine::EngineInbox& inbox);
    ~LiveHandlers() override;
    LiveHandlers(const LiveHandlers&) = delete;
    LiveHandlers& operator=(const LiveHandlers&) = delete;

    // On the worker:
    void start() override;  // its Python thread states, then load-time output
    void deliver(const drivers::HandlerValue& v) override;
    void run_due() override;  // intervals due, managed sockets
    int sleep_ms(int at_most) override;
    void stop() override;  // the cleanup handlers, then the thread states go

private:
    class InboxOutput;
    Handlers& handlers_;
    engine::EngineInbox& inbox_;
    std::unique_ptr<InboxOutput> out_;
    std::chrono::steady_clock::time_point t0_;
    int main_thread_state_ = -1;  // PyGILState_STATE of the worker's main-interpreter thread state
    void* main_saved_ = nullptr;  // that thread state, while the worker does not hold the GIL
    uint64_t refused_ = 0, reported_refused_ = 0;

    uint64_t now_ns() const;
    void report();
};

}  // namespace mdc::python
