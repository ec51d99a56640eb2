// MIDIMonster handlers on a live backend (PRODUCT.md section 3): one FIFO worker thread runs every
// handler, interval and managed-socket callback, never the engine's or JACK's thread. Values come
// from the engine's tap through drivers::LiveMapping's queue; MIDI the handlers output enters the
// engine through the EngineInbox (Sanitize, then out in a later cycle). Intervals run on the
// worker's clock (milliseconds since start; missed periods are not replayed, as in MIDIMonster);
// managed sockets are polled at least every 10 ms. Drops (a full queue, a full inbox) are
// reported by the worker.
#pragma once

#include <atomic>
#include <thread>

#include "drivers/live_mapping.h"
#include "engine/inbox.h"
#include "handlers.h"

namespace mdc::python {

class LiveHandlers {
public:
    LiveHandlers(Handlers& handlers, drivers::LiveMapping& mapping, engine::EngineInbox& inbox);
    ~LiveHandlers();
    LiveHandlers(const LiveHandlers&) = delete;
    LiveHandlers& operator=(const LiveHandlers&) = delete;

    // Starts the worker (the thread that loaded the handlers must have released the GIL:
    // python::GilReleased); stop() runs the cleanup handlers on the worker and joins it.
    void start();
    void stop();

private:
    class InboxOutput;
    Handlers& handlers_;
    drivers::LiveMapping& mapping_;
    engine::EngineInbox& inbox_;
    std::thread worker_;
    std::atomic<bool> stopping_{false};
    uint64_t refused_ = 0, reported_dropped_ = 0, reported_refused_ = 0;

    void run();
    void report();
};

}  // namespace mdc::python
