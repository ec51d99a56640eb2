// The hooks of an offline engine (text backend, `mdc test`, convert): everything runs inline, in
// event order. Print() and Print(string=...) write to a stream (stderr when stdout carries
// events) in mididings' format (print_format.h); System('command') starts the command without waiting; Sanitize's notices go to stderr
// unless `silent`. Python callables run through PythonCalls, which the Python layer (python/)
// implements, so this host stays free of CPython.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "mapping_table.h"
#include "osc_out.h"
#include "print_format.h"
#include "python_calls.h"
#include "run_control.h"
#include "shell_command.h"

namespace mdc::drivers {

// MIDIMonster handlers as mapping lines see them (python/handlers.h implements it): a value for a
// handler channel, run now; the MIDI its outputs make goes to `sink`.
class HandlerCalls {
public:
    virtual ~HandlerCalls() = default;
    virtual void deliver(int32_t instance, int32_t channel, double value, const engine::Event& cause, engine::EventSink& sink) = 0;
};

class OfflineHost {
public:
    OfflineHost(const engine::Program& program, std::FILE* print_to, bool silent, PrintStyle style);
    engine::Hooks hooks();
    void set_python(PythonCalls* python) { python_ = python; }  // before hooks(); none: Python calls fail
    // Mapping lines (before hooks()): MIDI to MIDI inline, values for handlers to `handlers`.
    void set_mapping(MappingInput* input, HandlerCalls* handlers) { mapping_ = input, handlers_ = handlers; }
    // `mdc run`: where Quit/Restart requests, SendOSC and scene changes go. None (`mdc test`,
    // convert): SendOSC, Quit and Restart only consume their events.
    void set_control(RunControl* control) { control_ = control; }

private:
    const engine::Program& program_;
    std::FILE* out_;
    bool silent_;
    PrintStyle style_;
    ShellCommands commands_;
    PythonCalls* python_ = nullptr;
    MappingInput* mapping_ = nullptr;
    HandlerCalls* handlers_ = nullptr;
    RunControl* control_ = nullptr;

    static bool process(void* self, int32_t instr, const engine::Event& in, engine::EventSink& out);
    static bool enqueue(void* self, const engine::Deferred& work);
    static void notice(void* self, std::string_view message);
    static void tap(void* self, const engine::Event& in, engine::EventSink& out);
    static void scene_changed(void* self, int32_t scene, int32_t subscene);
    bool send_osc(const engine::Deferred& work);
    void system(const std::string& command);
};

}  // namespace mdc::drivers
