// What is sounding: note-ons and sustain pedals a driver has sent and not yet released, so that a
// stop (Ctrl-C, SIGTERM, a server going away) can send the note-offs and pedal-ups that leave no
// note hanging. Fixed size, realtime-safe: observing an output event is a few bit operations.
#pragma once

#include <bitset>
#include <cstdint>
#include <vector>

#include "engine/event.h"
#include "engine/event_types.h"

namespace mdc::drivers {

class HeldNotes {
public:
    explicit HeldNotes(uint32_t ports) : notes_(ports), pedals_(ports) {}

    // Every event that leaves, in order.
    void observe(const engine::Event& e) {
        if (e.port < 0 || static_cast<size_t>(e.port) >= notes_.size() || e.channel < 0 || e.channel > 15) return;
        auto p = static_cast<size_t>(e.port);
        const size_t note = static_cast<size_t>(e.channel) * 128 + static_cast<size_t>(e.data1 & 0x7F);
        if (e.type == engine::NOTEON) notes_[p].set(note);
        else if (e.type == engine::NOTEOFF) notes_[p].reset(note);
        else if (e.type == engine::CTRL && e.data1 == 64) pedals_[p].set(static_cast<size_t>(e.channel), e.data2 >= 64);
    }

    // The events that release everything held (note-offs, then pedal-ups), and forget it.
    template <typename Emit>
    void release(Emit&& emit) {
        for (size_t p = 0; p < notes_.size(); ++p) {
            for (size_t n = 0; n < 16 * 128; ++n)
                if (notes_[p].test(n)) emit(make(engine::NOTEOFF, p, n / 128, n % 128, 0));
            for (size_t c = 0; c < 16; ++c)
                if (pedals_[p].test(c)) emit(make(engine::CTRL, p, c, 64, 0));
            notes_[p].reset();
            pedals_[p].reset();
        }
    }

    bool any() const {
        for (size_t p = 0; p < notes_.size(); ++p)
            if (notes_[p].any() || pedals_[p].any()) return true;
        return false;
    }

private:
    static engine::Event make(uint32_t type, size_t port, size_t channel, size_t d1, int d2) {
        engine::Event e;
        e.type = type;
        e.port = static_cast<int32_t>(port);
        e.channel = static_cast<int32_t>(channel);
        e.data1 = static_cast<int32_t>(d1);
        e.data2 = d2;
        return e;
    }
    std::vector<std::bitset<16 * 128>> notes_;
    std::vector<std::bitset<16>> pedals_;
};

}  // namespace mdc::drivers
