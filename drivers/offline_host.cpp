// Offline hooks: Print, System and Sanitize's notices, inline (see offline_host.h).
#include "offline_host.h"

#include <algorithm>

#include <fmt/format.h>


namespace mdc::drivers {

OfflineHost::OfflineHost(const engine::Program& program, std::FILE* print_to, bool silent, PrintStyle style)
    : program_(program), out_(print_to), silent_(silent), style_(std::move(style)) {}

engine::Hooks OfflineHost::hooks() {
    engine::Hooks h;
    h.context = this;
    h.enqueue = &OfflineHost::enqueue;
    h.notice = &OfflineHost::notice;
    return h;
}

void OfflineHost::system(const std::string& command) {
    std::fflush(out_);
    if (!commands_.start(command)) fmt::print(stderr, "mdc: warning: System('{}') could not start the shell\n", command);
}

bool OfflineHost::enqueue(void* self_ptr, const engine::Deferred& work) {
    auto& self = *static_cast<OfflineHost*>(self_ptr);
    const engine::Instr& in = self.program_.code[static_cast<size_t>(work.instr)];
    using K = engine::Deferred::Kind;
    auto needs_python = [&]() {
        const std::string& name = self.program_.strings[static_cast<size_t>(in.a)];
        if (std::find(self.python_needed.begin(), self.python_needed.end(), name) == self.python_needed.end())
            self.python_needed.push_back(name);
        return false;
    };
    switch (work.kind) {
    case K::Print: {
        std::string_view name = in.a >= 0 ? std::string_view(self.program_.strings[static_cast<size_t>(in.a)]) : std::string_view();
        fmt::print(self.out_, "{}\n", format_print(self.style_, work.event, name, in.b));
        std::fflush(self.out_);
        return true;
    }
    case K::PrintString:
        if (in.flags & 1) return needs_python();
        fmt::print(self.out_, "{}\n", self.program_.strings[static_cast<size_t>(in.a)]);
        std::fflush(self.out_);
        return true;
    case K::System:
        if (in.flags & 1) return needs_python();
        self.system(self.program_.strings[static_cast<size_t>(in.a)]);
        return true;
    case K::Call: case K::CallThread: return needs_python();
    }
    return false;
}

void OfflineHost::notice(void* self_ptr, std::string_view message) {
    auto& self = *static_cast<OfflineHost*>(self_ptr);
    if (!self.silent_) fmt::print(stderr, "mdc: {}\n", message);
}

}  // namespace mdc::drivers
