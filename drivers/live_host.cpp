// The live hooks and the worker thread (see live_host.h).
#include "live_host.h"

#include <time.h>

#include <algorithm>
#include <cstring>
#include <iterator>

#include <fmt/format.h>

#include "text_events.h"

namespace mdc::drivers {

LiveHost::LiveHost(PrintStyle style, bool trace, bool silent) : style_(std::move(style)), trace_(trace), silent_(silent), queue_(4096) {
    sem_init(&wake_, 0, 0);
}

LiveHost::~LiveHost() {
    stop();
    sem_destroy(&wake_);
}

engine::Hooks LiveHost::hooks(const engine::Program& program) {
    contexts_.push_back({this, &program});
    engine::Hooks h;
    h.context = &contexts_.back();
    h.enqueue = &LiveHost::enqueue;
    h.notice = &LiveHost::notice;
    h.scene_changed = &LiveHost::scene_changed;
    return h;
}

void LiveHost::push(Work& w, const engine::Event* e) {
    if (e) {
        w.event = *e;
        w.event.sysex = nullptr;
        w.sysex_kept = std::min(e->sysex_size, inline_sysex);
        if (w.sysex_kept) std::memcpy(w.sysex, e->sysex, w.sysex_kept);
    }
    if (queue_.try_enqueue(w)) queued_this_cycle_ = true;
    else counters_.dropped_deferred.fetch_add(1, std::memory_order_relaxed);
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
    w.instr = d.instr;
    self.push(w, &d.event);
    return true;
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
}

void LiveHost::run_worker() {
    Work w;
    for (;;) {
        timespec until{};
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200'000'000;  // report counters at least five times a second
        if (until.tv_nsec >= 1'000'000'000) {
            until.tv_sec += 1;
            until.tv_nsec -= 1'000'000'000;
        }
        sem_timedwait(&wake_, &until);
        while (queue_.try_dequeue(w)) handle(w);
        report_counters();
        commands_.reap();
        if (stopping_.load()) {
            while (queue_.try_dequeue(w)) handle(w);
            report_counters();
            return;
        }
    }
}

void LiveHost::handle(Work& w) {
    w.event.sysex = w.sysex_kept ? w.sysex : nullptr;
    const bool cut = w.sysex_kept < w.event.sysex_size;
    if (cut) w.event.sysex_size = w.sysex_kept;
    const std::string more = cut ? fmt::format(" (SysEx cut to its first {} bytes for printing)", w.sysex_kept) : "";
    if (w.kind == Work::Kind::Notice) {
        fmt::print(stderr, "mdc: {}\n", w.notice);
        return;
    }
    if (w.kind == Work::Kind::Scene) {
        if (control_) control_->scene_changed(w.event.data1, w.event.data2);
        return;
    }
    if (w.kind == Work::Kind::Trace) {
        const std::vector<std::string>& names = w.out ? style_.out_ports : style_.in_ports;
        std::string port = w.event.port >= 0 && static_cast<size_t>(w.event.port) < names.size() && !names[static_cast<size_t>(w.event.port)].empty()
                               ? names[static_cast<size_t>(w.event.port)]
                               : fmt::format("{}_{}", w.out ? "out" : "in", w.event.port + style_.data_offset);
        fmt::print("{} {}: {}{}\n", w.out ? "out" : "in ", port, format_event(w.event, style_.data_offset), more);
        std::fflush(stdout);
        return;
    }
    const engine::Program& program = *w.program;
    const engine::Instr& in = program.code[static_cast<size_t>(w.instr)];
    using K = engine::Deferred::Kind;
    switch (w.deferred) {
    case K::Print: {
        std::string_view name = in.a >= 0 ? std::string_view(program.strings[static_cast<size_t>(in.a)]) : std::string_view();
        fmt::print("{}{}\n", format_print(style_, w.event, name, in.b), more);
        std::fflush(stdout);
        return;
    }
    case K::PrintString:
        if (in.flags & 1) return;  // a Python callable: the Python layer's work
        fmt::print("{}\n", program.strings[static_cast<size_t>(in.a)]);
        std::fflush(stdout);
        return;
    case K::System: {
        if (in.flags & 1) return;
        const std::string& command = program.strings[static_cast<size_t>(in.a)];
        if (!commands_.start(command)) fmt::print(stderr, "mdc: warning: System('{}') could not start the shell\n", command);
        return;
    }
    case K::SendOsc:
        if (control_ && in.e == 0) control_->send_osc(program, w.instr, w.event, nullptr);  // Python values: the Python layer's work
        return;
    case K::Call: case K::CallThread: case K::Quit: case K::Restart: return;
    }
}

void LiveHost::report_counters() {
    const std::atomic<uint64_t>* c[] = {&counters_.invalid_input, &counters_.dropped_input, &counters_.dropped_output, &counters_.late_output,
                                        &counters_.dropped_deferred, &counters_.input_overruns};
    static constexpr const char* what[] = {
        "input messages were not valid MIDI and were ignored",
        "input events found the engine's queue full and were dropped",
        "output events did not fit the backend's buffer and were dropped",
        "output events were written a period late (the engine thread fell behind)",
        "Print/System/trace records found their queue full and were dropped",
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
