// MIDIMonster handlers on a live backend (PRODUCT.md section 3): they run on the LiveHost's one
// worker thread, as its WorkerGuest, in FIFO order with Call, System and Print(string=f), never on
// the engine's or JACK's thread. Values come from the mapping tap through the worker's queue; MIDI
// the handlers output enters the engine through the EngineInbox (Sanitize, then out in a later
// cycle). Intervals run on the worker's clock (milliseconds since start; missed periods are not
// replayed, as in MIDIMonster); managed sockets are polled at least every 10 ms. Events that found
// the inbox full are reported.
//
// Hot reload: each loaded edit's instances are a generation of their own (fresh sub-interpreters,
// modules imported again), keyed by the program whose tap feeds them. add() and retire() come from
// the thread that loads edits; the worker adopts an added generation before its first value (its
// load-time output first), and ends a retired one (cleanup handlers) only after it has drained its
// queue once more, so every value the old engine queued reaches the old handlers. The thread that
// loaded a generation frees it (take_finished, with the GIL held): its interpreters end there.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "drivers/worker_guest.h"
#include "engine/inbox.h"
#include "handlers.h"

namespace mdc::python {

class LiveHandlers final : public drivers::WorkerGuest {
public:
    // Python must be started, and the GIL released by the thread that loads handlers
    // (python::GilReleased) before the worker starts.
    explicit LiveHandlers(engine::EngineInbox& inbox);
    ~LiveHandlers() override;
    LiveHandlers(const LiveHandlers&) = delete;
    LiveHandlers& operator=(const LiveHandlers&) = delete;

    // Any thread: the handlers of the patch running `program` (loaded there, the GIL then given
    // up); the end of that program's handlers, once its engine is retired.
    void add(const engine::Program* program, std::unique_ptr<Handlers> handlers);
    void retire(const engine::Program* program);
    // The generations this thread loaded that have ended (all of them once the worker stopped),
    // for this thread to free with the GIL held.
    std::vector<std::unique_ptr<Handlers>> take_finished();

    // On the worker:
    void start() override;  // its Python thread states, then the generations added so far
    void deliver(const engine::Program* from, const drivers::HandlerValue& v) override;
    void run_due() override;  // intervals due, managed sockets, adoption and retirement
    int sleep_ms(int at_most) override;
    void stop() override;  // every generation's cleanup handlers, interpreters, then the thread states

private:
    class InboxOutput;
    struct Generation {
        const engine::Program* program = nullptr;
        std::unique_ptr<Handlers> handlers;
        std::thread::id loader;
    };
    engine::EngineInbox& inbox_;
    std::unique_ptr<InboxOutput> out_;
    std::chrono::steady_clock::time_point t0_;
    int main_thread_state_ = -1;  // PyGILState_STATE of the worker's main-interpreter thread state
    void* main_saved_ = nullptr;  // that thread state, while the worker does not hold the GIL
    std::vector<Generation> running_;  // the worker's

    std::mutex mutex_;  // guards what other threads hand over
    std::vector<Generation> added_;
    std::vector<const engine::Program*> retired_;
    std::vector<Generation> finished_;
    bool stopped_ = false;

    std::vector<const engine::Program*> retiring_;  // the worker's: ended at the next run_due
    uint64_t refused_ = 0, reported_refused_ = 0, orphans_ = 0, reported_orphans_ = 0;

    uint64_t now_ns() const;
    void adopt();
    void end(Generation& g);
    void report();
};

}  // namespace mdc::python
