// The live tap of the mapping lines (see live_mapping.h).
#include "live_mapping.h"

#include <sys/eventfd.h>
#include <unistd.h>

namespace mdc::drivers {

LiveMapping::LiveMapping(const MappingTable& table, uint32_t in_ports, uint32_t capacity)
    : input_(table, in_ports), queue_(capacity), wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

LiveMapping::~LiveMapping() {
    if (wake_fd_ >= 0) close(wake_fd_);
}

void LiveMapping::wake() {
    const uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);  // non-blocking; a full counter already wakes
}

void LiveMapping::tap(void* self_ptr, const engine::Event& in, engine::EventSink& out) {
    auto& self = *static_cast<LiveMapping*>(self_ptr);
    bool queued = false;
    self.input_.route(in, [&](const MapTarget& t, double value) {
        if (t.python) {
            // try_enqueue never allocates: the queue's capacity is fixed
            if (self.queue_.try_enqueue(HandlerValue{t.instance, t.channel, value})) queued = true;
            else self.dropped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        engine::Event events[max_value_events];
        const int n = value_to_events(t.midi, value, in.frame, events);
        for (int i = 0; i < n; ++i) out.push(events[i]);
    });
    if (queued && self.sleeping_.exchange(false, std::memory_order_seq_cst)) self.wake();
}

}  // namespace mdc::drivers
