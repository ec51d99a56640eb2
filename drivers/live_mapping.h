// Mapping lines on a live backend: the engine's tap runs on the engine thread (the JACK process
// callback in jack-rt), so it only converts and copies: MIDI-to-MIDI lines push their events into
// the engine's output; values for Python handlers go into a fixed-capacity lock-free queue to the
// handlers' worker thread (python/live_handlers.h), which is woken through an eventfd at most once
// per time it went to sleep. A full queue drops the value and counts it; nothing here blocks,
// locks or allocates after construction.
#pragma once

#include <atomic>
#include <cstdint>

#include "engine/engine.h"
#include "engine/spsc_queue.h"
#include "mapping_table.h"

namespace mdc::drivers {

struct HandlerValue {
    int32_t instance = 0, channel = 0;
    double value = 0.0;
};

class LiveMapping {
public:
    LiveMapping(const MappingTable& table, uint32_t in_ports, uint32_t capacity = 4096);
    ~LiveMapping();
    LiveMapping(const LiveMapping&) = delete;
    LiveMapping& operator=(const LiveMapping&) = delete;

    // The engine's tap (Hooks::tap with this object as its context).
    static void tap(void* self, const engine::Event& in, engine::EventSink& out);

    // The worker's side: the next value; the eventfd to wait on; say "about to sleep" first, then
    // look at the queue once more before waiting.
    bool take(HandlerValue& v) { return queue_.try_dequeue(v); }
    bool empty() const { return queue_.peek() == nullptr; }
    int wake_fd() const { return wake_fd_; }
    void going_to_sleep() { sleeping_.store(true, std::memory_order_seq_cst); }
    void woke() { sleeping_.store(false, std::memory_order_relaxed); }
    void wake();  // any thread: wakes the worker (stop, tests)
    uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    const MappingTable& table() const { return input_.table(); }

private:
    MappingInput input_;
    moodycamel::ReaderWriterQueue<HandlerValue> queue_;
    int wake_fd_ = -1;
    std::atomic<bool> sleeping_{false};
    std::atomic<uint64_t> dropped_{0};
};

}  // namespace mdc::drivers
