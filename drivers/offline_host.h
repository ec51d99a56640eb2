// The hooks of an offline engine (text backend, `mdc test`, convert): everything runs inline, in
// event order. Print() and Print(string=...) write to a stream (stderr when stdout carries
// events) in mididings' format (print_format.h); System('command') starts the command without waiting; Sanitize's notices go to stderr
// unless `silent`. Python callables need the Python layer, which plugs in its own hooks.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "print_format.h"
#include "shell_command.h"

namespace mdc::drivers {

class OfflineHost {
public:
    OfflineHost(const engine::Program& program, std::FILE* print_to, bool silent, PrintStyle style);
    engine::Hooks hooks();

    std::vector<std::string> python_needed;  // callables that no Python layer ran (reported once each)

private:
    const engine::Program& program_;
    std::FILE* out_;
    bool silent_;
    PrintStyle style_;
    ShellCommands commands_;

    static bool enqueue(void* self, const engine::Deferred& work);
    static void notice(void* self, std::string_view message);
    void system(const std::string& command);
};

}  // namespace mdc::drivers
