// The handlers' worker thread (see live_handlers.h).
#include "live_handlers.h"

#include <poll.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

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

LiveHandlers::LiveHandlers(Handlers& handlers, drivers::LiveMapping& mapping, engine::EngineInbox& inbox)
    : handlers_(handlers), mapping_(mapping), inbox_(inbox) {}

LiveHandlers::~LiveHandlers() { stop(); }

void LiveHandlers::start() {
    stopping_ = false;
    worker_ = std::thread([this] { run(); });
}

void LiveHandlers::stop() {
    if (!worker_.joinable()) return;
    stopping_ = true;
    mapping_.wake();
    worker_.join();
}

void LiveHandlers::report() {
    const uint64_t dropped = mapping_.dropped();
    if (dropped != reported_dropped_) {
        fmt::print(stderr, "mdc: warning: {} values for Python handlers found the handlers' queue full and were dropped (total {})\n",
                   dropped - reported_dropped_, dropped);
        reported_dropped_ = dropped;
    }
    if (refused_ != reported_refused_) {
        fmt::print(stderr, "mdc: warning: {} events from Python handlers found the engine's inbox full and were dropped (total {})\n",
                   refused_ - reported_refused_, refused_);
        reported_refused_ = refused_;
    }
}

void LiveHandlers::run() {
    pthread_setname_np(pthread_self(), "mdc-handlers");  // shows in ps/top, and lets tests see where handlers run
    using clock = std::chrono::steady_clock;
    const clock::time_point t0 = clock::now();
    auto now_ns = [&] { return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - t0).count()); };
    InboxOutput out(*this);
    handlers_.attach_worker();
    handlers_.start(0, out);
    drivers::HandlerValue v;
    while (!stopping_.load()) {
        int timeout_ms = 200;  // reports at least five times a second
        if (auto due = handlers_.next_due()) {
            const uint64_t now = now_ns();
            timeout_ms = std::min<int>(timeout_ms, *due <= now ? 0 : static_cast<int>((*due - now + 999'999) / 1'000'000));
        }
        if (handlers_.has_sockets()) timeout_ms = std::min(timeout_ms, 10);
        mapping_.going_to_sleep();
        if (mapping_.empty() && timeout_ms > 0) {
            pollfd p{mapping_.wake_fd(), POLLIN, 0};
            if (::poll(&p, 1, timeout_ms) > 0) {
                uint64_t count;
                [[maybe_unused]] ssize_t n = read(mapping_.wake_fd(), &count, sizeof count);
            }
        }
        mapping_.woke();
        handlers_.advance(now_ns(), out);  // the intervals due, and timestamp()'s clock
        while (mapping_.take(v)) handlers_.deliver(v.instance, v.channel, v.value, 0, out);
        handlers_.poll_sockets(0, out);
        report();
    }
    handlers_.detach_worker();  // runs the cleanup handlers first; values still queued are not run (nothing would send their output)
    report();
}

}  // namespace mdc::python
