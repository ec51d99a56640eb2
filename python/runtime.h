// The embedded CPython of one mdc process, started only when a program uses Python. It installs
// mdc's `mididings` package, puts the patch's folders first on sys.path, resolves each callable of
// a program once (lambda source compiled with the mididings names; `module.name` imported) and
// runs Process, Call, System(f) and Print(string=f) inline for the offline backends. At check time
// it answers the compiler's syntax questions (syntax.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "drivers/offline_host.h"
#include "engine/engine.h"
#include "engine/program.h"
#include "lang/diag.h"
#include "lang/python_syntax.h"
#include "lang/patch.h"

namespace mdc::python {

class Bound;
struct Ref;  // an owned PyObject* (runtime_state.h)

struct StartOptions {};

// What a program's callables see: its folders (first on sys.path, in this order; modules stay
// imported for the process, so `mdc test` over several files shares module names) and config.
struct BindOptions {
    std::vector<std::string> paths;
    Config config;                 // data_offset, port names
    bool output_event = true;      // false: output_event() raises (convert has no place for it)
    bool fresh_modules = false;    // re-import the modules from `paths` (--watch after an edit)
    // The patch's imports (CheckedPatch::python_names), given to its lambdas.
    std::vector<std::pair<std::string, std::string>> names;
};

class Runtime {
public:
    // Starts the interpreter (one per process). On failure returns null and sets `error`.
    static std::unique_ptr<Runtime> start(const StartOptions& options, std::string& error);
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    // Resolves every callable of `program`; an unresolved one is an error at its span in `diags`
    // (then null is returned). The Bound object must not outlive this Runtime.
    std::unique_ptr<Bound> bind(const engine::Program& program, const SourceSet& sources, const BindOptions& options, DiagSink& diags);

    // Python's sys.stdout goes to stderr (where stdout carries events), or back to stdout.
    void print_to_stderr(bool yes);

    // Check time (syntax.cpp): CPython's parser on a lambda's source and on a module's source.
    // Nothing is executed.
    std::optional<PythonSyntaxError> expression_error(std::string_view source);
    std::variant<PythonModuleNames, PythonSyntaxError> module_names(std::string_view source, const std::string& filename);

    struct State;

private:
    explicit Runtime(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

// One program's callables, ready to run; the engine functions of `mididings.engine` act on the
// attached engine. An exception prints its traceback with the unit's patch position and counts.
class Bound final : public drivers::PythonCalls {
public:
    Bound(Runtime::State& state, const engine::Program& program, const SourceSet& sources, BindOptions options);
    ~Bound() override;

    // The engine that `switch_scene` and friends act on while this program runs (null: none).
    void attach(engine::Engine* engine);
    // Live backends (alsa, jack): engine functions called on other threads than the engine's
    // (the worker's Call, System, Print) reach the engine through `inbox`; a scene switch from a
    // Process call, on the engine's thread, acts directly as offline. output_event() always goes
    // through `inbox` and leaves with the engine's next cycle.
    void go_live(engine::EngineInbox* inbox) { inbox_ = inbox; }
    // Events given to output_event() since the last call, each sent through engine.output().
    template <typename Emit>
    void flush_output(Emit&& emit) {
        if (!engine_) return;
        std::vector<OwnedEvent> pending;
        pending.swap(output_);
        for (OwnedEvent& o : pending) {
            o.event.sysex = o.sysex.empty() ? nullptr : o.sysex.data();
            emit(engine_->output(o.event));
        }
    }
    uint64_t exceptions() const { return exceptions_; }

    bool process(int32_t instr, const engine::Event& in, engine::EventSink& out) override;
    bool call(int32_t instr, const engine::Event& ev) override;
    bool text(int32_t instr, const engine::Event& ev, std::string& out) override;
    bool osc_values(int32_t instr, const engine::Event& ev, std::vector<drivers::OscValue>& out) override;

    // Used by the _mdc module.
    struct OwnedEvent {
        engine::Event event;
        std::vector<uint8_t> sysex;
    };
    engine::Engine* engine() const { return engine_; }
    const BindOptions& options() const { return options_; }
    bool output_event(OwnedEvent e);                       // false: the engine's inbox is full
    bool request_switch(int32_t scene, int32_t subscene);  // raw numbers; scene -1: the current one

private:
    friend class Runtime;
    Runtime::State& state_;
    const engine::Program& program_;
    const SourceSet& sources_;
    BindOptions options_;
    std::vector<void*> callables_;  // PyObject*, one per instruction (null where none)
    std::vector<void*> args_, kwargs_;  // Process(f, *args, **kwargs): a tuple and a dict (or null)
    std::vector<bool> no_event_;    // Call(f) with a function of no arguments (mididings calls it so)
    engine::Engine* engine_ = nullptr;
    engine::EngineInbox* inbox_ = nullptr;  // live
    bool in_process_ = false;               // inside a Process call (the engine's thread)
    std::vector<OwnedEvent> output_;
    // Process's scratch, kept between calls: what the function returned, as events and bytes.
    std::vector<Ref> items_;
    std::vector<engine::Event> events_;
    void* spare_event_ = nullptr;  // PyObject*: the MidiEvent made last (event_object)
    std::vector<std::vector<uint8_t>> sysex_;
    uint64_t exceptions_ = 0;

    // A MidiEvent (PyObject*) for `ev`; `written` (Slots entries) gets what each slot was given
    // when it is a cached small int (else null): Process reads back only the slots changed.
    void* event_object(const engine::Event& ev, void** written = nullptr);
    void* invoke(int32_t instr, void* event);          // f(event, *args, **kwargs), a new reference or null
    bool failed(int32_t instr, const char* unit);      // prints the traceback; returns false
    std::string where(int32_t instr) const;
};

}  // namespace mdc::python
