// EngineInbox (see inbox.h).
#include "inbox.h"

#include <algorithm>
#include <cstring>

namespace mdc::engine {

EngineInbox::EngineInbox(uint32_t messages, uint32_t sysex_bytes)
    : message_capacity_(std::max(messages, 1u)), messages_(message_capacity_), sysex_(sysex_bytes) {}

bool EngineInbox::post(const InboxMessage& m) {
    const uint32_t size = m.kind == InboxMessage::Kind::Switch ? 0 : m.event.sysex_size;
    std::lock_guard lock(posters_);
    // Only the engine takes from the queues while we hold the lock, so the free room can only
    // grow between this check and the enqueues: they cannot fail half-way.
    if (messages_.size_approx() >= message_capacity_ || !sysex_.has_room(size)) {
        refused_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    sysex_.write(m.event.sysex, size);
    InboxMessage copy = m;
    copy.event.sysex = nullptr;  // the poster's bytes are not ours to keep
    messages_.try_enqueue(copy);  // published after its bytes
    return true;
}

bool EngineInbox::take(InboxMessage& out) {
    if (!messages_.try_dequeue(out)) return false;
    out.event.sysex = sysex_.read(out.kind == InboxMessage::Kind::Switch ? 0 : out.event.sysex_size);
    return true;
}

}  // namespace mdc::engine
