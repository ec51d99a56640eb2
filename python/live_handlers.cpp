// The handlers as the worker's guest (see live_handlers.h).
#include "live_handlers.h"

#include <algorithm>

#include "runtime_state.h"

namespace mdc::python {

class LiveHandlers::InboxOutput final : public HandlerOutput {
public:
    explicit InboxOutput(LiveHandlers& owner) : owner_(owner) {}
    void emit(const engine::Event& e) override {
        if (!owner_.inbox_.post_output(e)) ++owner_.refused_;
    }

private:
    LiveHandlers& owner_;
};

LiveHandlers::LiveHandlers(Handlers& handlers, engine::EngineInbox& inbox)
    : handlers_(handlers), inbox_(inbox), out_(std::make_unique<InboxOutput>(*this)) {}

LiveHandlers::~LiveHandlers() = default;

uint64_t LiveHandlers::now_ns() const {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0_).count());
}

void LiveHandlers::start() {
    // The worker's main-interpreter thread state comes first and stays: CPython binds a thread's
    // PyGILState calls (Call, System, Print(string=f) through LiveCalls) to the first thread
    // state made on it, which must not be an instance's sub-interpreter.
    main_thread_state_ = static_cast<int>(PyGILState_Ensure());
    main_saved_ = PyEval_SaveThread();
    t0_ = std::chrono::steady_clock::now();
    handlers_.attach_worker();
    handlers_.start(0, *out_);
    report();
}

void LiveHandlers::deliver(const drivers::HandlerValue& v) {
    handlers_.advance(now_ns(), *out_);  // timestamp()'s clock, and intervals that came due first
    handlers_.deliver(v.instance, v.channel, v.value, 0, *out_);
}

void LiveHandlers::run_due() {
    handlers_.advance(now_ns(), *out_);
    handlers_.poll_sockets(0, *out_);
    report();
}

int LiveHandlers::sleep_ms(int at_most) {
    int ms = at_most;
    if (auto due = handlers_.next_due()) {
        const uint64_t now = now_ns();
        ms = std::min<int>(ms, *due <= now ? 0 : static_cast<int>((*due - now + 999'999) / 1'000'000));
    }
    if (handlers_.has_sockets()) ms = std::min(ms, 10);
    return ms;
}

void LiveHandlers::stop() {
    handlers_.detach_worker();  // runs the cleanup handlers first
    report();
    PyEval_RestoreThread(static_cast<PyThreadState*>(main_saved_));
    PyGILState_Release(static_cast<PyGILState_STATE>(main_thread_state_));
}

void LiveHandlers::report() {
    if (refused_ == reported_refused_) return;
    fmt::print(stderr, "mdc: warning: {} events from Python handlers found the engine's inbox full and were dropped (total {})\n",
               refused_ - reported_refused_, refused_);
    reported_refused_ = refused_;
}

}  // namespace mdc::python
