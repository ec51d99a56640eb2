// The engine: runs an engine::Program on each input event, with mididings' flow (mididings.md
// 1.4-1.6): note-off and pedal routing to the scene that got the note-on, the control patch, then
// pre >> scene >> post >> Sanitize, mapping taps, and scene switches after the event. Everything is
// allocated up front: processing an event allocates nothing, takes no lock and throws nothing.
// Not thread-safe: one thread drives an engine; other threads talk to it through an EngineInbox
// (inbox.h) that the driving thread drains.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "clock.h"
#include "event.h"
#include "hooks.h"
#include "inbox.h"
#include "note_routes.h"
#include "program.h"
#include "single_event.h"

namespace mdc::engine {

struct EngineOptions {
    uint32_t max_events = 8192;        // events one input event may produce in all (the buffer)
    uint32_t sysex_arena = 1u << 20;   // bytes for SysEx made while processing (Process results)
    uint32_t note_routes = 4096;       // notes and pedals held across scene switches
    bool bound_out_ports = true;       // Sanitize drops ports >= out_ports (live, text, test)
    Clock clock;                       // what Event::frame means in time (default: nanoseconds)
};

struct EngineStats {
    uint64_t input = 0, output = 0;
    uint64_t overflow = 0;          // events lost because the buffer was full
    uint64_t sysex_overflow = 0;    // SysEx that did not fit the arena
    uint64_t sanitized = 0;         // events Sanitize dropped
    uint64_t hook_failures = 0;     // Process calls that failed, Call/System/Print that found no room
    uint64_t untracked_notes = 0;   // note-ons whose scene could not be remembered (table full)
};

class Engine;

// Where hooks put events: into the engine's buffer, SysEx copied into its arena.
class EventSink {
public:
    bool push(const Event& e);

private:
    friend class Engine;
    explicit EventSink(Engine& e) : engine_(e) {}
    Engine& engine_;
};

class Engine {
public:
    Engine(const Program& program, Hooks hooks = {}, EngineOptions options = {});
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    // Activates the initial scene: its init patch's output (through post and Sanitize).
    std::span<const Event> start();
    // One input event: everything it produces, in order.
    std::span<const Event> process(const Event& in);
    // The end of the input (convert's end of file): the current scene's exit patch, at `frame`.
    std::span<const Event> finish(uint64_t frame);
    // A switch requested from outside the patch (Python, OSC): takes effect now.
    std::span<const Event> switch_scene(int32_t scene, int32_t subscene = -1, uint64_t frame = 0);
    // An event sent straight out (mididings' output_event): through Sanitize only.
    std::span<const Event> output(const Event& e);

    // Runs what other threads posted to `inbox` (at most `max` messages), each at `frame`: inputs
    // through the patch, outputs through Sanitize, switches. `emit(std::span<const Event>)` gets
    // each message's events. Realtime-safe. Returns how many messages ran.
    template <typename Emit>
    uint32_t drain(EngineInbox& inbox, uint64_t frame, Emit&& emit, uint32_t max = UINT32_MAX) {
        InboxMessage m;
        uint32_t n = 0;
        while (n < max && inbox.take(m)) {
            ++n;
            emit(run_message(m, frame));
        }
        return n;
    }
    std::span<const Event> run_message(InboxMessage& m, uint64_t frame);

    int32_t current_scene() const;     // raw number, -1 before start
    bool has_scene(int32_t scene, int32_t subscene) const { return find_slot(scene, subscene) >= 0; }
    int32_t current_subscene() const;
    // The same, for other threads (Python's current_scene() on a worker): a copy the engine
    // publishes with one relaxed atomic store when it switches.
    int32_t published_scene() const { return scene_of(published_slot_.load(std::memory_order_relaxed)).first; }
    int32_t published_subscene() const { return scene_of(published_slot_.load(std::memory_order_relaxed)).second; }
    const EngineStats& stats() const { return stats_; }
    // The clock (convert sets the file's tempo map before start; not realtime-safe).
    void set_clock(Clock clock) { options_.clock = std::move(clock); last_frame_ = ~0ull; }
    // The time of the event being processed (the last one given to the engine), in seconds.
    double time() const { return static_cast<double>(options_.clock.ns(now_frame_)) * 1e-9; }
    // The clock at `frame`, in nanoseconds (the last answer is kept: events of one input share it).
    int64_t now_ns(uint64_t frame) {
        if (frame != last_frame_) {
            last_frame_ = frame;
            last_ns_ = options_.clock.ns(frame);
        }
        return last_ns_;
    }
    const Program& program() const { return program_; }

    // Used by the units (SceneSwitch, SubSceneSwitch) while an event is processed.
    void request_switch(int32_t scene, int32_t subscene);

private:
    friend class EventSink;
    const Program& program_;
    Hooks hooks_;
    EngineOptions options_;
    std::vector<Event> buffer_;
    uint32_t capacity_ = 0;         // buffer_.size()
    std::vector<uint32_t> hashes_;  // beside buffer_: forks' duplicate removal
    uint32_t top_ = 0;
    std::vector<uint8_t> arena_;
    uint32_t arena_used_ = 0;
    SingleEventCode single_;
    std::vector<int32_t> state_;  // the units' state (Program::state_size slots)
    std::vector<Event> bypass_;   // events sent straight out while processing (Panic), ahead of the rest
    uint32_t bypass_top_ = 0;
    NoteRoutes routes_;
    bool track_routes_ = false;
    int32_t current_ = -1;  // scene slot
    std::atomic<int32_t> published_slot_{-1};  // current_, for other threads
    std::pair<int32_t, int32_t> scene_of(int32_t slot) const {
        if (slot < 0) return {-1, -1};
        const SceneSlot& s = program_.scenes[static_cast<size_t>(slot)];
        return {s.number, s.subscene};
    }
    int32_t pending_scene_ = -1, pending_subscene_ = -1;
    uint64_t now_frame_ = 0;           // the frame of the input being processed
    uint64_t last_frame_ = ~0ull;      // now_ns's last question and answer
    int64_t last_ns_ = 0;
    EngineStats stats_;

    void begin_cycle();
    bool push(const Event& e) {
        if (top_ == capacity_) [[unlikely]] {
            ++stats_.overflow;
            return false;
        }
        buffer_[top_++] = e;
        return true;
    }
    const uint8_t* keep_sysex(const uint8_t* data, uint32_t size);
    uint8_t* arena_alloc(uint32_t size);  // room for SysEx made while processing; null (counted) when full
    int32_t slot_for(const Event& in);
    int32_t find_slot(int32_t scene, int32_t subscene) const;
    int32_t subscene_count(int32_t scene) const;
    void run_scene_switch(uint64_t frame);
    void run_switch_patch(int32_t root, uint64_t frame);
    void sanitize(uint32_t begin);

    // The interpreter (interpret.cpp): processes the events [begin, top_) in place.
    void run(int32_t instr, uint32_t begin);
    void run_chain(const Instr& in, uint32_t begin, int32_t from);
    void run_fork(const Instr& in, uint32_t begin);
    void replace_inputs(uint32_t begin, uint32_t inputs_end);
    void run_process(int32_t index, uint32_t begin);
    void run_deferred(int32_t index, uint32_t begin, Deferred::Kind kind, bool consume);
    void run_ctrl_to_sysex(const Instr& in, uint32_t begin);
    void run_suppress_pc(const Instr& in, uint32_t begin);
    void run_voice_filter(const Instr& in, uint32_t begin);
    uint64_t floating_choice(const Instr& in, const Event& e);
    // The note-tracking units of mididings.extra and Panic (note_units.cpp).
    template <typename F>
    void expand(uint32_t begin, F f);
    template <typename Takes, typename F>
    void expand_with_state(const Instr& in, uint32_t begin, int32_t stride, Takes takes, F f);
    void run_limit_polyphony(const Instr& in, uint32_t begin);
    void run_make_monophonic(const Instr& in, uint32_t begin);
    void run_pedal_to_noteoff(const Instr& in, uint32_t begin);
    void run_latch_notes(const Instr& in, uint32_t begin);
    void run_panic(const Instr& in, uint32_t begin);
    void emit_bypass();
};

// Sanitize's rules for one event (mididings.md 1.6 and PRODUCT.md's deviations): false means drop
// (with the reason in `why`); values that may be clamped are clamped.
bool sanitize_event(Event& e, uint32_t out_ports, bool bound_out_ports, const char** why);

}  // namespace mdc::engine
