// The live side of the engine's hooks and of reporting: the realtime thread hands Print(),
// Print(string=...), System(), Call() and SendOSC work, the mapping lines' values for Python
// handlers, scene changes, Sanitize's notices and --trace records to one fixed-capacity lock-free
// queue (SysEx bytes beside it) and wakes the one worker thread ("mdc-worker") at most once per
// cycle; the worker prints, starts commands, runs the Python calls and handlers in order
// (Call(thread=) each on a thread of its own; handlers through the WorkerGuest, which also runs
// their intervals and sockets), sends OSC, tells RunControl of scene changes, and reports what the
// realtime side counted (drops, invalid input, overflows). Mapping lines from MIDI to MIDI are
// converted on the realtime side. Process runs where the engine runs, through the PythonCalls
// given for its program (never in jack-rt, which refuses it). Nothing here blocks, locks or
// allocates on the realtime side.
#pragma once

#include <semaphore.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/spsc_queue.h"

#include "engine/engine.h"
#include "engine/sysex_chunks.h"
#include "mapping_table.h"
#include "print_format.h"
#include "python_calls.h"
#include "run_control.h"
#include "shell_command.h"
#include "worker_guest.h"

namespace mdc::drivers {

// What the realtime side counts; the worker reports increases.
struct LiveCounters {
    std::atomic<uint64_t> invalid_input{0};    // bytes that were not one MIDI message
    std::atomic<uint64_t> dropped_input{0};    // input that found its queue full (buffered mode)
    std::atomic<uint64_t> dropped_output{0};   // output the backend had no room for
    std::atomic<uint64_t> late_output{0};      // buffered mode: written a period later than due
    std::atomic<uint64_t> dropped_deferred{0}; // worker work (Call/Print/System, handler values, trace) that found its queue full
    std::atomic<uint64_t> input_overruns{0};   // ALSA: the kernel's input queue overflowed (events lost)
};

class LiveHost {
public:
    // `trace` names the ports for --trace lines (in names, out names); empty: no tracing.
    LiveHost(PrintStyle style, bool trace, bool silent);
    ~LiveHost();
    LiveHost(const LiveHost&) = delete;
    LiveHost& operator=(const LiveHost&) = delete;

    // The hooks for an engine running `program` (which must outlive this host: with hot reload,
    // work queued by an old program may still be waiting when it is replaced), with `python`
    // running its Python calls (null: a program without Python; must outlive the host too) and
    // `mapping` its mapping lines, tapped on the realtime side (null or empty: none; must outlive
    // the engine): MIDI targets straight into the engine's output, Python ones to the guest.
    engine::Hooks hooks(const engine::Program& program, PythonCalls* python = nullptr, const MappingTable* mapping = nullptr);
    LiveCounters& counters() { return counters_; }
    // What else runs on the worker (before start(); none: handler values are dropped).
    void set_guest(WorkerGuest* guest) { guest_ = guest; }
    // Where Quit/Restart requests, SendOSC and scene changes go (before start(); none: ignored).
    void set_control(RunControl* control) { control_ = control; }

    // Realtime side.
    void trace_in(const engine::Event& e) { if (trace_) trace(false, e); }
    void trace_out(const engine::Event& e) { if (trace_) trace(true, e); }
    void end_cycle();  // wakes the worker when something was queued this cycle

    // Starts and stops the worker (stop drains what is queued first, then waits for the threads of
    // Call(thread=...)).
    void start();
    void stop();

private:
    struct Work {
        enum class Kind : uint8_t { Deferred, Notice, Trace, Scene, Handler } kind = Kind::Deferred;
        engine::Deferred::Kind deferred = engine::Deferred::Kind::Print;
        const engine::Program* program = nullptr;
        PythonCalls* python = nullptr;
        int32_t instr = 0;
        bool out = false;              // trace: an output event
        engine::Event event;           // its SysEx bytes travel in sysex_ (Scene: data1, data2)
        const char* notice = nullptr;  // static text
        HandlerValue value;            // Handler
    };

    bool push(Work& w, const engine::Event* e);
    void trace(bool out, const engine::Event& e);
    void run_worker();
    void handle(Work& w);
    static bool calls_python(const Work& w);
    void call_on_own_thread(PythonCalls* python, int32_t instr, const engine::Event& e);
    void join_call_threads(bool all);
    void report_counters(bool at_once);

    static bool enqueue(void* self, const engine::Deferred& work);
    static bool process(void* self, int32_t instr, const engine::Event& in, engine::EventSink& out);
    static void notice(void* self, std::string_view message);
    static void tap(void* self, const engine::Event& in, engine::EventSink& out);
    static void scene_changed(void* self, int32_t scene, int32_t subscene);

    struct Context {  // what an engine's hooks point to
        LiveHost* host;
        const engine::Program* program;
        PythonCalls* python;
        std::optional<MappingInput> mapping;  // the realtime side's
    };
    struct CallThread {  // Call(thread=f): one thread per call, joined once done
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::deque<Context> contexts_;  // stable addresses
    PrintStyle style_;
    bool trace_, silent_;
    LiveCounters counters_;
    moodycamel::ReaderWriterQueue<Work> queue_;
    static constexpr uint32_t queue_capacity = 4096;
    engine::SysExChunks sysex_;
    bool queued_this_cycle_ = false;
    sem_t wake_{};
    std::atomic<bool> stopping_{false};
    std::thread worker_;
    uint64_t reported_[6] = {};
    std::chrono::steady_clock::time_point last_report_{};
    ShellCommands commands_;
    std::vector<CallThread> call_threads_;  // the worker's
    WorkerGuest* guest_ = nullptr;
    RunControl* control_ = nullptr;
};

}  // namespace mdc::drivers
