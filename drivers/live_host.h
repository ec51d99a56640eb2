// The live side of the engine's hooks and of reporting: the realtime thread hands Print(),
// Print(string=...), System() and SendOSC work, scene changes, Sanitize's notices and --trace
// records to fixed-capacity
// lock-free queues and wakes one worker thread at most once per cycle; the worker prints, starts
// commands, and reports what the realtime side counted (drops, invalid input, overflows).
// Nothing here blocks, locks or allocates on the realtime side.
#pragma once

#include <semaphore.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "engine/spsc_queue.h"

#include "engine/engine.h"
#include "print_format.h"
#include "run_control.h"
#include "shell_command.h"

namespace mdc::drivers {

// What the realtime side counts; the worker reports increases.
struct LiveCounters {
    std::atomic<uint64_t> invalid_input{0};    // bytes that were not one MIDI message
    std::atomic<uint64_t> dropped_input{0};    // input that found its queue full (buffered mode)
    std::atomic<uint64_t> dropped_output{0};   // output the backend had no room for
    std::atomic<uint64_t> late_output{0};      // buffered mode: written a period later than due
    std::atomic<uint64_t> dropped_deferred{0}; // Print/System/trace work that found its queue full
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
    // work queued by an old program may still be waiting when it is replaced).
    engine::Hooks hooks(const engine::Program& program);
    LiveCounters& counters() { return counters_; }
    // Where Quit/Restart requests, SendOSC and scene changes go (before start(); none: ignored).
    void set_control(RunControl* control) { control_ = control; }

    // Realtime side.
    void trace_in(const engine::Event& e) { if (trace_) trace(false, e); }
    void trace_out(const engine::Event& e) { if (trace_) trace(true, e); }
    void end_cycle();  // wakes the worker when something was queued this cycle

    // Starts and stops the worker (stop drains what is queued first).
    void start();
    void stop();

private:
    static constexpr uint32_t inline_sysex = 256;
    struct Work {
        enum class Kind : uint8_t { Deferred, Notice, Trace, Scene } kind = Kind::Deferred;
        engine::Deferred::Kind deferred = engine::Deferred::Kind::Print;
        const engine::Program* program = nullptr;
        int32_t instr = 0;
        bool out = false;             // trace: an output event
        engine::Event event;          // sysex points nowhere; the bytes are below (Scene: data1, data2)
        uint32_t sysex_kept = 0;      // bytes kept of event.sysex_size
        uint8_t sysex[inline_sysex];
        const char* notice = nullptr;  // static text
    };

    void push(Work& w, const engine::Event* e);
    void trace(bool out, const engine::Event& e);
    void run_worker();
    void handle(Work& w);
    void report_counters();

    static bool enqueue(void* self, const engine::Deferred& work);
    static void notice(void* self, std::string_view message);
    static void scene_changed(void* self, int32_t scene, int32_t subscene);

    struct Context {  // what an engine's hooks point to
        LiveHost* host;
        const engine::Program* program;
    };
    std::deque<Context> contexts_;  // stable addresses
    PrintStyle style_;
    bool trace_, silent_;
    LiveCounters counters_;
    moodycamel::ReaderWriterQueue<Work> queue_;
    bool queued_this_cycle_ = false;
    sem_t wake_{};
    std::atomic<bool> stopping_{false};
    std::thread worker_;
    uint64_t reported_[6] = {};
    ShellCommands commands_;
    RunControl* control_ = nullptr;
};

}  // namespace mdc::drivers
