// Offline hooks: Print, System, SendOSC, Quit/Restart requests, scene changes and Sanitize's
// notices, inline (see offline_host.h).
#include "offline_host.h"

#include <fmt/format.h>


namespace mdc::drivers {

OfflineHost::OfflineHost(const engine::Program& program, std::FILE* print_to, bool silent, PrintStyle style)
    : program_(program), out_(print_to), silent_(silent), style_(std::move(style)) {}

engine::Hooks OfflineHost::hooks() {
    engine::Hooks h;
    h.context = this;
    h.process = &OfflineHost::process;
    h.enqueue = &OfflineHost::enqueue;
    h.notice = &OfflineHost::notice;
    if (mapping_) h.tap = &OfflineHost::tap;
    h.scene_changed = &OfflineHost::scene_changed;
    return h;
}

void OfflineHost::system(const std::string& command) {
    std::fflush(out_);
    if (!commands_.start(command)) fmt::print(stderr, "mdc: warning: System('{}') could not start the shell\n", command);
}

bool OfflineHost::process(void* self_ptr, int32_t instr, const engine::Event& in, engine::EventSink& out) {
    auto& self = *static_cast<OfflineHost*>(self_ptr);
    return self.python_ && self.python_->process(instr, in, out);
}

bool OfflineHost::enqueue(void* self_ptr, const engine::Deferred& work) {
    auto& self = *static_cast<OfflineHost*>(self_ptr);
    const engine::Instr& in = self.program_.code[static_cast<size_t>(work.instr)];
    using K = engine::Deferred::Kind;
    std::string text;
    auto python_text = [&]() { return self.python_ && self.python_->text(work.instr, work.event, text); };
    switch (work.kind) {
    case K::Print: {
        std::string_view name = in.a >= 0 ? std::string_view(self.program_.strings[static_cast<size_t>(in.a)]) : std::string_view();
        fmt::print(self.out_, "{}\n", format_print(self.style_, work.event, name, in.b));
        std::fflush(self.out_);
        return true;
    }
    case K::PrintString:
        if (in.flags & 1 && !python_text()) return false;
        fmt::print(self.out_, "{}\n", in.flags & 1 ? text : self.program_.strings[static_cast<size_t>(in.a)]);
        std::fflush(self.out_);
        return true;
    case K::System:
        if (in.flags & 1 && !python_text()) return false;
        self.system(in.flags & 1 ? text : self.program_.strings[static_cast<size_t>(in.a)]);
        return true;
    case K::Call: case K::CallThread: return self.python_ && self.python_->call(work.instr, work.event);
    case K::SendOsc: return self.send_osc(work);
    case K::Quit: case K::Restart:
        if (self.control_) self.control_->request(work.kind == K::Quit ? RunControl::Action::Quit : RunControl::Action::Restart);
        return true;
    }
    return false;
}

bool OfflineHost::send_osc(const engine::Deferred& work) {
    if (!control_) return true;
    const engine::Instr& in = program_.code[static_cast<size_t>(work.instr)];
    std::vector<OscValue> values;
    if (in.e > 0 && !(python_ && python_->osc_values(work.instr, work.event, values))) return false;
    return control_->send_osc(program_, work.instr, work.event, in.e > 0 ? &values : nullptr);
}

void OfflineHost::scene_changed(void* self_ptr, int32_t scene, int32_t subscene) {
    auto& self = *static_cast<OfflineHost*>(self_ptr);
    if (self.control_) self.control_->scene_changed(scene, subscene);
}

void OfflineHost::notice(void* self_ptr, std::string_view message) {
    auto& self = *static_cast<OfflineHost*>(self_ptr);
    if (!self.silent_) fmt::print(stderr, "mdc: {}\n", message);
}

}  // namespace mdc::drivers

namespace mdc::drivers {

void OfflineHost::tap(void* self_ptr, const engine::Event& in, engine::EventSink& out) {
    auto& self = *static_cast<OfflineHost*>(self_ptr);
    self.mapping_->route(in, [&](const MapTarget& t, double value) {
        if (t.python) {
            if (self.handlers_) self.handlers_->deliver(t.instance, t.channel, value, in, out);
            return;
        }
        engine::Event events[max_value_events];
        const int n = value_to_events(t.midi, value, in.frame, events);
        for (int i = 0; i < n; ++i) out.push(events[i]);
    });
}

}  // namespace mdc::drivers
