// MIDIMonster python-backend instances (PRODUCT.md sections 1-2, midimonster.md section 3): each
// `python(...)` instance is its own CPython sub-interpreter with its own `midimonster` module,
// modules imported from the patch's folder, handlers called with one float per value. What a
// handler outputs is routed by the mapping lines: to MIDI (converted) or to other handlers, in
// order, breadth first, and at most `max_hops` handler-to-handler steps deep (a feedback loop is
// cut there and reported). An exception prints its traceback with the handler's name and the
// mapping line, is counted, and the instance goes on.
//
// Sub-interpreters (as MIDIMonster): each instance has its own sys.modules, so two instances
// loading the same module, or helper modules they import, never share state, and the
// `midimonster` module knows its instance from its module state. All share the one GIL (the
// legacy mode), which is safe with extension modules that allow sub-interpreters.
//
// Threads: offline everything runs on the thread that holds the GIL (`Handlers::load`'s). Live,
// one worker thread calls `attach_worker()` and then owns all calls until `detach_worker()` (see
// live_handlers.h). The thread that loaded them destroys them (an interpreter ends on the thread
// it began on).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/mapping_table.h"
#include "drivers/offline_host.h"
#include "engine/event.h"
#include "lang/diag.h"
#include "lang/patch.h"
#include "runtime.h"

namespace mdc::python {

// Where the MIDI events that handlers make go.
class HandlerOutput {
public:
    virtual ~HandlerOutput() = default;
    virtual void emit(const engine::Event& e) = 0;
};

struct HandlerOptions {
    std::vector<std::string> paths;  // put first on each instance's sys.path
    bool print_to_stderr = false;    // sys.stdout -> sys.stderr (the text backend's stdout carries events)
    bool virtual_clock = true;       // offline: intervals fire at their exact times; live: at most once per wake-up
    uint32_t max_hops = 20;          // handler-to-handler steps one value may take (MIDIMonster's intended swap limit)
};

struct HandlerStats {
    uint64_t calls = 0;       // handler calls
    uint64_t exceptions = 0;  // handlers, intervals, socket and cleanup callbacks that raised
    uint64_t cut_loops = 0;   // values dropped at the hop limit
    uint64_t unknown = 0;     // output() to a channel the instance does not have (after start)
};

class Handlers final : public drivers::HandlerCalls {
public:
    struct Instance;

    // Creates the instances of `patch`, imports their modules and resolves the handlers the
    // mapping lines name. An import failure or an unresolved handler is an error at its span in
    // `diags`; then null is returned. Needs the started Runtime (the GIL held by this thread).
    static std::unique_ptr<Handlers> load(Runtime& runtime, const CheckedPatch& patch, const drivers::MappingTable& table, const SourceSet& sources,
                                          HandlerOptions options, DiagSink& diags);
    ~Handlers() override;  // runs the cleanup handlers (when not yet run) and ends the interpreters
    Handlers(const Handlers&) = delete;
    Handlers& operator=(const Handlers&) = delete;

    // Sends the values output() set while the modules loaded (once).
    void start(uint64_t frame, HandlerOutput& out);
    // A value for a handler channel (a mapping line's target); runs it and what it outputs.
    void deliver(int32_t instance, int32_t channel, double value, uint64_t frame, HandlerOutput& out);
    // The drivers' view (the engine's tap, offline): the same, MIDI going to `sink`.
    void deliver(int32_t instance, int32_t channel, double value, const engine::Event& cause, engine::EventSink& sink) override;
    // Moves the clock to `now_ns` (virtual offline, since start live) and runs the intervals due by
    // then; `frame` stamps what they output (offline: the time in the driver's unit).
    void advance(uint64_t now_ns, HandlerOutput& out);
    // The next time an interval is due (ns), if any.
    std::optional<uint64_t> next_due() const;
    // Runs the callbacks of managed sockets that are readable, waiting at most `timeout_ms`.
    // Returns false when no socket is managed (nothing was waited for).
    bool poll_sockets(int timeout_ms, HandlerOutput& out);
    bool has_sockets() const;
    // Runs each instance's cleanup handler (once; its outputs are not routed).
    void cleanup();

    // Live: the calling thread gets its own thread state per instance and makes all later calls;
    // the thread that loaded must have released the GIL. detach_worker() before the thread ends.
    void attach_worker();
    void detach_worker();

    const HandlerStats& stats() const { return stats_; }
    const drivers::MappingTable& table() const { return table_; }

    // Used by the midimonster module (handlers.cpp).
    struct Api;

private:
    Handlers(Runtime& runtime, const drivers::MappingTable& table, const SourceSet& sources, HandlerOptions options);

    struct Pending {
        int32_t instance, channel;
        double value;
        uint32_t hops;
    };
    Runtime& runtime_;
    const drivers::MappingTable& table_;
    const SourceSet& sources_;
    HandlerOptions options_;
    std::vector<std::unique_ptr<Instance>> instances_;
    std::vector<Pending> queue_;   // values waiting for their handlers (FIFO from queue_head_)
    size_t queue_head_ = 0;
    bool draining_ = false;
    HandlerOutput* out_ = nullptr;  // during a call: where MIDI goes
    uint64_t frame_ = 0;           // during a call: the frame its MIDI gets
    uint64_t clock_ns_ = 0;
    uint32_t hops_ = 0;            // of the handler running now
    bool started_ = false, cleaned_ = false, worker_ = false;
    std::vector<bool> loop_reported_;  // per mapping line
    HandlerStats stats_;

    void route(Instance& inst, int32_t channel, double value);  // an output() value to its targets
    void drain();
    void call(Instance& inst, int32_t channel, double value);
    void report(Instance& inst, const std::string& what);  // prints the pending exception
    std::string line_location(int32_t line) const;
};

}  // namespace mdc::python
