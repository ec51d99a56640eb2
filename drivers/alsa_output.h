// Output of the ALSA driver: events written directly (unqueued) to the subscribers of our ports
// through libasound's output buffer, without overrunning a receiver. The kernel gives a
// receiving application a queue of fixed size (its input pool, counted in cells of 28 bytes);
// an event that finds it full is refused, and the receiver then loses everything queued for it
// (its next read reports an overrun and the kernel empties the queue). So before an event
// leaves, each receiving application must have room for it: any client may ask the kernel how
// much room another has, and output waits while there is none. A receiver that makes no room for
// a second gets its waiting event dropped (counted). Kernel clients (hardware ports, Midi
// Through) have no such queue. The per-event path asks the kernel only when the room last seen
// is used up, and allocates nothing.
#pragma once

#include <alsa/asoundlib.h>

#include <array>
#include <cstdint>
#include <vector>

#include "live_host.h"

namespace mdc::drivers {

class AlsaOutput {
public:
    AlsaOutput(snd_seq_t* seq, std::vector<int> ports, LiveCounters& counters);

    // Sends `ev` (type and data set) from our output port number `index` to its subscribers.
    void send(size_t index, snd_seq_event_t& ev);
    // Writes what is buffered. Called at the end of each wake-up of the input thread.
    void flush();
    // Someone connected to or disconnected from one of our ports: ask who listens again.
    void subscriptions_changed() { subscribers_known_ = false; }

    // Cells an event takes in a receiver's queue.
    static uint32_t cells(const snd_seq_event_t& ev);

private:
    static constexpr int32_t unlimited = INT32_MAX;
    static constexpr int32_t unknown = -1;

    void learn_subscribers();
    bool make_room(int client, uint32_t cells);  // false: no room came; drop the event
    int32_t room_of(int client);                 // free cells, `unlimited`, or -2 when it is gone
    void buffer(snd_seq_event_t& ev);

    snd_seq_t* seq_;
    int own_client_;
    int fd_ = -1;  // for asking about other clients' pools (libasound asks only about its own)
    std::vector<int> ports_;
    LiveCounters& counters_;
    std::vector<std::vector<uint8_t>> subscribers_;  // per port: the clients that read from it
    bool subscribers_known_ = false;
    std::array<int32_t, 256> credit_{};              // per client: cells we may send before asking
};

}  // namespace mdc::drivers
