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

LiveHandlers::LiveHandlers(engine::EngineInbox& inbox) : inbox_(inbox), out_(std::make_unique<InboxOutput>(*this)) {}

LiveHandlers::~LiveHandlers() = default;

void LiveHandlers::add(const engine::Program* program, std::unique_ptr<Handlers> handlers) {
    std::lock_guard lock(mutex_);
    added_.push_back({program, std::move(handlers), std::this_thread::get_id()});
}

std::vector<std::unique_ptr<Handlers>> LiveHandlers::take_finished() {
    std::vector<std::unique_ptr<Handlers>> mine;
    std::lock_guard lock(mutex_);
    auto take = [&](std::vector<Generation>& from) {
        std::erase_if(from, [&](Generation& g) {
            if (g.loader != std::this_thread::get_id()) return false;
            mine.push_back(std::move(g.handlers));
            return true;
        });
    };
    take(finished_);
    if (stopped_) take(added_);  // added after the worker stopped: never started
    return mine;
}

void LiveHandlers::retire(const engine::Program* program) {
    std::lock_guard lock(mutex_);
    retired_.push_back(program);
}

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
    adopt();
}

// Takes over what other threads handed in: new generations start (their load-time output), and
// retirements wait for the next run_due (the queue drained once more in between).
void LiveHandlers::adopt() {
    std::vector<Generation> added;
    {
        std::lock_guard lock(mutex_);
        added.swap(added_);
        retiring_.insert(retiring_.end(), retired_.begin(), retired_.end());
        retired_.clear();
    }
    for (Generation& g : added) {
        g.handlers->attach_worker();
        g.handlers->advance(now_ns(), *out_);
        g.handlers->start(0, *out_);
        running_.push_back(std::move(g));
    }
}

void LiveHandlers::deliver(const engine::Program* from, const drivers::HandlerValue& v) {
    auto find = [&] { return std::find_if(running_.begin(), running_.end(), [&](const Generation& g) { return g.program == from; }); };
    auto it = find();
    if (it == running_.end()) {
        adopt();
        it = find();
    }
    if (it == running_.end()) {
        ++orphans_;  // cannot happen: a program's handlers are added before its engine runs
        return;
    }
    it->handlers->advance(now_ns(), *out_);  // timestamp()'s clock, and intervals that came due first
    it->handlers->deliver(v.instance, v.channel, v.value, 0, *out_);
}

void LiveHandlers::run_due() {
    std::vector<const engine::Program*> ending;
    ending.swap(retiring_);  // requested before the queue was last drained
    adopt();
    for (const engine::Program* p : ending) {
        auto it = std::find_if(running_.begin(), running_.end(), [&](const Generation& g) { return g.program == p; });
        if (it == running_.end()) continue;
        end(*it);
        running_.erase(it);
    }
    for (Generation& g : running_) {
        g.handlers->advance(now_ns(), *out_);
        g.handlers->poll_sockets(0, *out_);
    }
    report();
}

int LiveHandlers::sleep_ms(int at_most) {
    int ms = at_most;
    const uint64_t now = now_ns();
    for (const Generation& g : running_) {
        if (auto due = g.handlers->next_due()) ms = std::min<int>(ms, *due <= now ? 0 : static_cast<int>((*due - now + 999'999) / 1'000'000));
        if (g.handlers->has_sockets()) ms = std::min(ms, 10);
    }
    if (!retiring_.empty()) ms = std::min(ms, 10);
    return ms;
}

// A generation's end on the worker: its cleanup handlers and the worker's thread states; its
// loader frees the rest.
void LiveHandlers::end(Generation& g) {
    g.handlers->detach_worker();
    std::lock_guard lock(mutex_);
    finished_.push_back(std::move(g));
}

void LiveHandlers::stop() {
    adopt();  // what was added last still ends properly
    for (Generation& g : running_) end(g);
    running_.clear();
    {
        std::lock_guard lock(mutex_);
        stopped_ = true;
    }
    report();
    PyEval_RestoreThread(static_cast<PyThreadState*>(main_saved_));
    PyGILState_Release(static_cast<PyGILState_STATE>(main_thread_state_));
}

void LiveHandlers::report() {
    if (refused_ != reported_refused_) {
        fmt::print(stderr, "mdc: warning: {} events from Python handlers found the engine's inbox full and were dropped (total {})\n",
                   refused_ - reported_refused_, refused_);
        reported_refused_ = refused_;
    }
    if (orphans_ != reported_orphans_) {
        fmt::print(stderr, "mdc: internal error: {} values came for Python handlers that were not loaded\n", orphans_ - reported_orphans_);
        reported_orphans_ = orphans_;
    }
}

}  // namespace mdc::python
