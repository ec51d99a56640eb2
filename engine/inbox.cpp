// EngineInbox (see inbox.h).
#include "inbox.h"

#include <algorithm>
#include <cstring>

namespace mdc::engine {

EngineInbox::EngineInbox(uint32_t messages, uint32_t sysex_bytes)
    : message_capacity_(std::max(messages, 1u)), chunk_capacity_(chunks_for(std::max(sysex_bytes, chunk_size))),
      messages_(message_capacity_), chunks_(chunk_capacity_), scratch_(chunk_capacity_ * chunk_size) {}

bool EngineInbox::post(const InboxMessage& m) {
    const uint32_t size = m.kind == InboxMessage::Kind::Switch ? 0 : m.event.sysex_size;
    const uint32_t chunks = chunks_for(size);
    std::lock_guard lock(posters_);
    // Only the engine takes from the queues while we hold the lock, so the free room can only
    // grow between this check and the enqueues: they cannot fail half-way.
    if (messages_.size_approx() >= message_capacity_ || chunks_.size_approx() + chunks > chunk_capacity_) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    for (uint32_t c = 0; c < chunks; ++c) {
        Chunk chunk{};
        std::memcpy(chunk.bytes, m.event.sysex + c * chunk_size, std::min(chunk_size, size - c * chunk_size));
        chunks_.try_enqueue(chunk);
    }
    InboxMessage copy = m;
    copy.event.sysex = nullptr;  // the poster's bytes are not ours to keep
    messages_.try_enqueue(copy);  // published after its bytes
    return true;
}

bool EngineInbox::take(InboxMessage& out) {
    if (!messages_.try_dequeue(out)) return false;
    const uint32_t size = out.kind == InboxMessage::Kind::Switch ? 0 : out.event.sysex_size;
    Chunk chunk;
    for (uint32_t c = 0; c < chunks_for(size); ++c) {
        chunks_.try_dequeue(chunk);  // always there: enqueued before the message
        std::memcpy(scratch_.data() + c * chunk_size, chunk.bytes, chunk_size);
    }
    if (size) out.event.sysex = scratch_.data();
    return true;
}

}  // namespace mdc::engine
