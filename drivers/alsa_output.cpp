// Output of the ALSA driver (see alsa_output.h).
#include "alsa_output.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <time.h>

#include <chrono>

namespace mdc::drivers {

namespace {

// The kernel's `struct snd_seq_client_pool` and SNDRV_SEQ_IOCTL_GET_CLIENT_POOL
// (<sound/asequencer.h>, whose types clash with libasound's): a stable part of the kernel's ABI.
struct KernelClientPool {
    int client, output_pool, input_pool, output_room, output_free, input_free;
    char reserved[64];
};
constexpr unsigned long get_client_pool = _IOWR('S', 0x4b, KernelClientPool);

constexpr auto give_up_after = std::chrono::seconds(1);  // a receiver that makes no room this long

void pause_briefly() {
    const timespec pause{0, 200'000};
    nanosleep(&pause, nullptr);
}

}  // namespace

AlsaOutput::AlsaOutput(snd_seq_t* seq, std::vector<int> ports, LiveCounters& counters)
    : seq_(seq), own_client_(snd_seq_client_id(seq)), ports_(std::move(ports)), counters_(counters), subscribers_(ports_.size()) {
    for (auto& s : subscribers_) s.reserve(256);
    credit_.fill(unknown);
    if (snd_seq_type(seq) == SND_SEQ_TYPE_HW) {
        pollfd pfd{};
        if (snd_seq_poll_descriptors(seq, &pfd, 1, POLLOUT) == 1) fd_ = pfd.fd;
    }
}

uint32_t AlsaOutput::cells(const snd_seq_event_t& ev) {
    if (!snd_seq_ev_is_variable(&ev)) return 1;
    return 1 + (ev.data.ext.len + sizeof(snd_seq_event_t) - 1) / sizeof(snd_seq_event_t);
}

void AlsaOutput::learn_subscribers() {
    snd_seq_query_subscribe_t* q;
    snd_seq_query_subscribe_alloca(&q);
    for (size_t i = 0; i < ports_.size(); ++i) {
        std::vector<uint8_t>& subs = subscribers_[i];
        subs.clear();
        const snd_seq_addr_t root{static_cast<unsigned char>(own_client_), static_cast<unsigned char>(ports_[i])};
        snd_seq_query_subscribe_set_root(q, &root);
        snd_seq_query_subscribe_set_type(q, SND_SEQ_QUERY_SUBS_READ);
        for (int index = 0;; ++index) {
            snd_seq_query_subscribe_set_index(q, index);
            if (snd_seq_query_port_subscribers(seq_, q) < 0) break;
            const uint8_t client = snd_seq_query_subscribe_get_addr(q)->client;
            bool seen = false;
            for (uint8_t c : subs) seen |= c == client;
            if (!seen && subs.size() < subs.capacity()) subs.push_back(client);
        }
    }
    credit_.fill(unknown);  // client numbers may belong to new clients now
    subscribers_known_ = true;
}

int32_t AlsaOutput::room_of(int client) {
    if (fd_ < 0) return unlimited;
    KernelClientPool pool{};
    pool.client = client;
    if (ioctl(fd_, get_client_pool, &pool) < 0) return -2;
    if (pool.input_pool == 0) return unlimited;  // a kernel client: no queue to overrun
    return pool.input_free;
}

bool AlsaOutput::make_room(int client, uint32_t cells) {
    flush();  // what we buffered counts against its room: let it arrive first
    auto deadline = std::chrono::steady_clock::now() + give_up_after;
    int32_t last = -1;
    for (;;) {
        const int32_t room = room_of(client);
        if (room == -2 || room >= static_cast<int32_t>(cells)) {
            credit_[static_cast<size_t>(client)] = room == -2 ? unlimited : room;  // gone: its subscription goes too
            return true;
        }
        if (room > last) deadline = std::chrono::steady_clock::now() + give_up_after;  // it is reading
        last = room;
        if (std::chrono::steady_clock::now() >= deadline) {
            credit_[static_cast<size_t>(client)] = unknown;
            return false;
        }
        pause_briefly();
    }
}

void AlsaOutput::send(size_t index, snd_seq_event_t& ev) {
    if (index >= ports_.size()) return;
    if (!subscribers_known_) learn_subscribers();
    const uint32_t need = cells(ev);
    for (uint8_t c : subscribers_[index]) {
        int32_t& credit = credit_[c];
        if (credit != unlimited && credit < static_cast<int32_t>(need) && !make_room(c, need)) {
            counters_.dropped_output.fetch_add(1, std::memory_order_relaxed);
            return;
        }
    }
    for (uint8_t c : subscribers_[index])
        if (credit_[c] != unlimited) credit_[c] -= static_cast<int32_t>(need);
    snd_seq_ev_set_source(&ev, ports_[index]);
    snd_seq_ev_set_subs(&ev);
    snd_seq_ev_set_direct(&ev);
    buffer(ev);
}

void AlsaOutput::buffer(snd_seq_event_t& ev) {
    int rc = snd_seq_event_output_buffer(seq_, &ev);
    if (rc == -EAGAIN) {  // the buffer is full: empty it, then this fits
        flush();
        rc = snd_seq_event_output_buffer(seq_, &ev);
    }
    if (rc < 0) counters_.dropped_output.fetch_add(1, std::memory_order_relaxed);
}

void AlsaOutput::flush() {
    // With room made above, the kernel refuses an event (EAGAIN, ENOMEM) only for a receiver
    // that others send to as well, or a kernel client that is busy: try again for a while.
    auto deadline = std::chrono::steady_clock::now() + give_up_after;
    for (;;) {
        const int rc = snd_seq_drain_output(seq_);
        if (rc == 0) return;
        if (rc > 0) deadline = std::chrono::steady_clock::now() + give_up_after;  // some went
        if (rc > 0 || rc == -EAGAIN || rc == -ENOMEM) {
            if (std::chrono::steady_clock::now() < deadline) {
                pause_briefly();
                continue;
            }
            // Nothing went for a second: drop what waits.
            while (snd_seq_extract_output(seq_, nullptr) == 0) counters_.dropped_output.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        // This event cannot be delivered (a receiver that went away): drop it, go on.
        if (snd_seq_extract_output(seq_, nullptr) < 0) return;
        counters_.dropped_output.fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace mdc::drivers
