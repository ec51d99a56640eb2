// EngineInbox: the way into a running engine from other threads (a Python worker, an OSC server,
// a driver's control thread): events to process as if they had arrived, events to send out as
// they are (mididings' output_event), and scene switches. Any number of threads may post; one
// thread, the engine's (the JACK process callback in jack-rt), drains. Posting serialises
// posters on a mutex and may wait for another poster, never for the engine; draining takes no
// lock, allocates nothing and never waits. Both queues have fixed capacity: a post that does not
// fit is refused and counted, never blocks. SysEx bytes travel in a second queue of chunks, copied
// in by the poster and out by the engine, so payloads of any length up to the byte capacity pass.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "engine/spsc_queue.h"

#include "event.h"
#include "sysex_chunks.h"

namespace mdc::engine {

struct InboxMessage {
    enum class Kind : uint8_t { Input, Output, Switch } kind = Kind::Input;
    Event event;                          // Input, Output: sysex points into the inbox's scratch
    int32_t scene = -1, subscene = -1;    // Switch: raw numbers, -1 keeps the current one
};

class EngineInbox {
public:
    explicit EngineInbox(uint32_t messages = 1024, uint32_t sysex_bytes = 64u * 1024);
    EngineInbox(const EngineInbox&) = delete;
    EngineInbox& operator=(const EngineInbox&) = delete;

    // Any thread. False (and counted) when the inbox is full; SysEx bytes are copied.
    bool post_input(const Event& e) { return post({InboxMessage::Kind::Input, e, -1, -1}); }
    bool post_output(const Event& e) { return post({InboxMessage::Kind::Output, e, -1, -1}); }
    bool post_switch(int32_t scene, int32_t subscene = -1) { return post({InboxMessage::Kind::Switch, {}, scene, subscene}); }

    // The engine's thread only: the next message, its SysEx bytes in the inbox's scratch (valid
    // until the next call). False when nothing is waiting.
    bool take(InboxMessage& out);

    uint64_t refused() const { return refused_.load(std::memory_order_relaxed); }

private:
    bool post(const InboxMessage& m);

    const uint32_t message_capacity_;
    std::mutex posters_;  // posters only: the queues below have one producer at a time
    moodycamel::ReaderWriterQueue<InboxMessage> messages_;
    SysExChunks sysex_;
    std::atomic<uint64_t> refused_{0};
};

}  // namespace mdc::engine
