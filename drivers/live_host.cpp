// The live hooks and the worker thread (see live_host.h).
#include "live_host.h"

#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

#include "text_events.h"

namespace mdc::drivers {

LiveHost::LiveHost(PrintStyle style, bool trace, bool silent)
    : style_(std::move(style)), trace_(trace), silent_(silent), queue_(queue_capacity), sysex_(256 * 1024) {
    sem_init(&wake_, 0, 0);
}

LiveHost::~LiveHost() {
    stop();
    sem_destroy(&wake_);
}

engine::Hooks LiveHost::hooks(const engine::Program& program, PythonCalls* python, const MappingTable* mapping) {
    contexts_.push_back({this, &program, python, std::nullopt});
    // RPN/NRPN state for as many input ports as the engine keeps per-port state for.
    if (mapping && !mapping->empty()) contexts_.back().mapping.emplace(*mapping, static_cast<uint32_t>(engine::Program::state_ports));
    engine::Hooks h;
    h.context = &contexts_.back();
    h.enqueue = &LiveHost::enqueue;
    h.notice = &LiveHost::notice;
    h.scene_changed = &LiveHost::scene_changed;
    if (python) h.process = &LiveHost::process;
    if (contexts_.back().mapping) h.tap = &LiveHost::tap;
    return h;
}

// The mapping lines, on the realtime side: conversions and copies only.
void LiveHost::tap(void* context, const engine::Event& in, engine::EventSink& out) {
    auto& c = *static_cast<Context*>(context);
    LiveHost& self = *c.host;
    c.mapping->route(in, [&](const MapTarget& t, double value) {
        if (t.python) {
            Work w;
            w.kind = Work::Kind::Handler;
            w.program = c.program;
            w.value = {t.instance, t.channel, value};
            self.push(w, nullptr);
            return;
        }
        engine::Event events[max_value_events];
        const int n = value_to_events(t.midi, value, in.frame, events);
        for (int i = 0; i < n; ++i) out.push(events[i]);
    });
}

// The realtime side is the only producer: the room checked here can only grow until the enqueue.
bool LiveHost::push(Work& w, const engine::Event* e) {
    const uint32_t size = e && e->sysex ? e->sysex_size : 0;
    if (queue_.size_approx() >= queue_capacity || !sysex_.has_room(size)) {
        counters_.dropped_deferred.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    if (e) {
        w.event = *e;
        w.event.sysex = nullptr;
        w.event.sysex_size = size;
        sysex_.write(e->sysex, size);
    }
    queue_.try_enqueue(w);
    queued_this_cycle_ = true;
    return true;
}

bool LiveHost::enqueue(void* context, const engine::Deferred& d) {
    auto& c = *static_cast<Context*>(context);
    LiveHost& self = *c.host;
    if (d.kind == engine::Deferred::Kind::Quit || d.kind == engine::Deferred::Kind::Restart) {
        // One atomic operation; the main thread polls it and stops the driver.
        if (self.control_) self.control_->request(d.kind == engine::Deferred::Kind::Quit ? RunControl::Action::Quit : RunControl::Action::Restart);
        return true;
    }
    Work w;
    w.kind = Work::Kind::Deferred;
    w.deferred = d.kind;
    w.program = c.program;
    w.python = c.python;
    w.instr = d.instr;
    return self.push(w, &d.event);
}

// Process, on the engine's thread (alsa, jack; jack-rt refuses it before starting).
bool LiveHost::process(void* context, int32_t instr, const engine::Event& in, engine::EventSink& out) {
    auto& c = *static_cast<Context*>(context);
    return c.python->process(instr, in, out);
}

void LiveHost::notice(void* context, std::string_view message) {
    LiveHost& self = *static_cast<Context*>(context)->host;
    if (self.silent_) return;
    Work w;
    w.kind = Work::Kind::Notice;
    w.notice = message.data();  // the engine's notices are static, NUL-terminated text
    self.push(w, nullptr);
}

void LiveHost::scene_changed(void* context, int32_t scene, int32_t subscene) {
    LiveHost& self = *static_cast<Context*>(context)->host;
    if (!self.control_) return;
    Work w;
    w.kind = Work::Kind::Scene;
    w.event.data1 = scene;
    w.event.data2 = subscene;
    self.push(w, nullptr);
}

void LiveHost::trace(bool out, const engine::Event& e) {
    Work w;
    w.kind = Work::Kind::Trace;
    w.out = out;
    push(w, &e);
}

void LiveHost::end_cycle() {
    if (!queued_this_cycle_) return;
    queued_this_cycle_ = false;
    sem_post(&wake_);  // the one non-blocking wake-up of the cycle
}

void LiveHost::start() {
    stopping_ = false;
    worker_ = std::thread([this] { run_worker(); });
}

void LiveHost::stop() {
    if (!worker_.joinable()) return;
    stopping_ = true;
    sem_post(&wake_);
    worker_.join();
    join_call_threads(true);
}

void LiveHost::call_on_own_thread(PythonCalls* python, int32_t instr, const engine::Event& e) {
    join_call_threads(false);
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::vector<uint8_t> bytes(e.sysex, e.sysex + (e.sysex ? e.sysex_size : 0));
    call_threads_.push_back({std::thread([python, instr, event = e, bytes = std::move(bytes), done]() mutable {
                                 event.sysex = bytes.empty() ? nullptr : bytes.data();
                                 python->call(instr, event);
                                 done->store(true);
                             }),
                             done});
}

void LiveHost::join_call_threads(bool all) {
    std::erase_if(call_threads_, [all](CallThread& t) {
        if (!all && !t.done->load()) return false;
        t.thread.join();
        return true;
    });
}

void LiveHost::run_worker() {
    pthread_setname_np(pthread_self(), "mdc-worker");  // shows in ps/top, and lets tests see where Python runs
    if (guest_) guest_->start();
    Work w;
    for (;;) {
        const int sleep_ms = guest_ ? guest_->sleep_ms(200) : 200;  // report counters at least five times a second
        if (sleep_ms > 0) {
            timespec until{};
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += static_cast<long>(sleep_ms) * 1'000'000;
            until.tv_sec += until.tv_nsec / 1'000'000'000;
            until.tv_nsec %= 1'000'000'000;
            sem_timedwait(&wake_, &until);
        }
        while (!stopping_.load() && queue_.try_dequeue(w)) {
            handle(w);
            report_counters(false);  // a slow Python call must not hold reports back
        }
        if (guest_ && !stopping_.load()) guest_->run_due();
        report_counters(false);
        commands_.reap();
        if (stopping_.load()) {
            // What was queued still prints; Python calls are skipped (one may take long) and counted.
            uint64_t skipped = 0;
            while (queue_.try_dequeue(w)) {
                if (calls_python(w)) {
                    sysex_.read(w.event.sysex_size);
                    ++skipped;
                    continue;
                }
                handle(w);
            }
            if (skipped) fmt::print(stderr, "mdc: {} queued Python call{} not run at exit\n", skipped, skipped == 1 ? "" : "s");
            if (guest_) guest_->stop();
            report_counters(true);
            return;
        }
    }
}

bool LiveHost::calls_python(const Work& w) {
    using K = engine::Deferred::Kind;
    if (w.kind == Work::Kind::Handler) return true;
    if (w.kind != Work::Kind::Deferred) return false;
    if (w.deferred == K::Call || w.deferred == K::CallThread) return true;
    const engine::Instr& in = w.program->code[static_cast<size_t>(w.instr)];
    if (w.deferred == K::SendOsc) return in.e > 0;
    return (w.deferred == K::System || w.deferred == K::PrintString) && (in.flags & 1);
}

void LiveHost::handle(Work& w) {
    w.event.sysex = sysex_.read(w.event.sysex_size);
    if (w.kind == Work::Kind::Notice) {
        fmt::print(stderr, "mdc: {}\n", w.notice);
        return;
    }
    if (w.kind == Work::Kind::Scene) {
        if (control_) control_->scene_changed(w.event.data1, w.event.data2);
        return;
    }
    if (w.kind == Work::Kind::Handler) {
        if (guest_) guest_->deliver(w.program, w.value);
        return;
    }
    if (w.kind == Work::Kind::Trace) {
        const std::vector<std::string>& names = w.out ? style_.out_ports : style_.in_ports;
        std::string port = w.event.port >= 0 && static_cast<size_t>(w.event.port) < names.size() && !names[static_cast<size_t>(w.event.port)].empty()
                               ? names[static_cast<size_t>(w.event.port)]
                               : fmt::format("{}_{}", w.out ? "out" : "in", w.event.port + style_.data_offset);
        fmt::print("{} {}: {}\n", w.out ? "out" : "in ", port, format_event(w.event, style_.data_offset));
        std::fflush(stdout);
        return;
    }
    const engine::Program& program = *w.program;
    const engine::Instr& in = program.code[static_cast<size_t>(w.instr)];
    using K = engine::Deferred::Kind;
    switch (w.deferred) {
    case K::Print: {
        std::string_view name = in.a >= 0 ? std::string_view(program.strings[static_cast<size_t>(in.a)]) : std::string_view();
        fmt::print("{}\n", format_print(style_, w.event, name, in.b));
        std::fflush(stdout);
        return;
    }
    case K::PrintString: {
        std::string text;
        if (in.flags & 1 && !w.python->text(w.instr, w.event, text)) return;  // the error is printed
        fmt::print("{}\n", in.flags & 1 ? text : program.strings[static_cast<size_t>(in.a)]);
        std::fflush(stdout);
        return;
    }
    case K::System: {
        std::string text;
        if (in.flags & 1 && !w.python->text(w.instr, w.event, text)) return;
        const std::string& command = in.flags & 1 ? text : program.strings[static_cast<size_t>(in.a)];
        if (!commands_.start(command)) fmt::print(stderr, "mdc: warning: System('{}') could not start the shell\n", command);
        return;
    }
    case K::SendOsc: {
        if (!control_) return;
        std::vector<OscValue> values;  // what its Python functions of the event return
        if (in.e > 0 && !(w.python && w.python->osc_values(w.instr, w.event, values))) return;
        control_->send_osc(program, w.instr, w.event, in.e > 0 ? &values : nullptr);
        return;
    }
    case K::Call: w.python->call(w.instr, w.event); return;
    case K::CallThread: call_on_own_thread(w.python, w.instr, w.event); return;
    case K::Quit: case K::Restart: return;  // flagged on the realtime side
    }
}

// At most five times a second (a burst of drops is one line, not one per dropped call), and at
// the end whatever is left.
void LiveHost::report_counters(bool at_once) {
    const auto t = std::chrono::steady_clock::now();
    if (!at_once && t - last_report_ < std::chrono::milliseconds(200)) return;
    last_report_ = t;
    const std::atomic<uint64_t>* c[] = {&counters_.invalid_input, &counters_.dropped_input, &counters_.dropped_output, &counters_.late_output,
                                        &counters_.dropped_deferred, &counters_.input_overruns};
    static constexpr const char* what[] = {
        "input messages were not valid MIDI and were ignored",
        "input events found the engine's queue full and were dropped",
        "output events did not fit the backend's buffer and were dropped",
        "output events were written a period late (the engine thread fell behind)",
        "Call/Print/System calls, values for Python handlers or trace records found the worker's queue full and were dropped",
        "times the sequencer's input queue overflowed: input events were lost",
    };
    for (size_t i = 0; i < std::size(what); ++i) {
        uint64_t now = c[i]->load(std::memory_order_relaxed);
        if (now != reported_[i]) {
            fmt::print(stderr, "mdc: warning: {} {} (total {})\n", now - reported_[i], what[i], now);
            reported_[i] = now;
        }
    }
}

}  // namespace mdc::drivers
