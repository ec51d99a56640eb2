// Which scene got a note-on or a sustain pedal-down, so that the matching note-off or pedal-up goes
// to the same scene after a switch (mididings.md 1.5 step 1). A fixed-capacity open-addressing
// table (linear probing, backward-shift deletion): no allocation after construction.
#pragma once

#include <cstdint>
#include <vector>

namespace mdc::engine {

class NoteRoutes {
public:
    explicit NoteRoutes(uint32_t capacity_pow2 = 4096) : keys_(capacity_pow2, empty), values_(capacity_pow2, 0) {}

    // Remembers `slot` under `key` unless the key is already there. False when the table is full.
    bool remember(uint64_t key, int32_t slot) {
        uint32_t mask = static_cast<uint32_t>(keys_.size() - 1);
        uint32_t i = hash(key) & mask;
        for (uint32_t n = 0; n <= mask; ++n, i = (i + 1) & mask) {
            if (keys_[i] == key) return true;
            if (keys_[i] == empty) {
                if (size_ + 1 > (mask + 1) * 3 / 4) return false;
                keys_[i] = key;
                values_[i] = slot;
                ++size_;
                return true;
            }
        }
        return false;
    }

    // The slot remembered under `key` (and forgets it), or -1.
    int32_t take(uint64_t key) {
        uint32_t mask = static_cast<uint32_t>(keys_.size() - 1);
        uint32_t i = hash(key) & mask;
        for (uint32_t n = 0; n <= mask; ++n, i = (i + 1) & mask) {
            if (keys_[i] == empty) return -1;
            if (keys_[i] == key) {
                int32_t slot = values_[i];
                erase_at(i);
                return slot;
            }
        }
        return -1;
    }

    void clear() {
        std::fill(keys_.begin(), keys_.end(), empty);
        size_ = 0;
    }
    uint32_t size() const { return size_; }

    static uint64_t note_key(int32_t port, int32_t channel, int32_t note) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(port)) << 32) | (static_cast<uint64_t>(channel & 0xFFF) << 8) |
               static_cast<uint64_t>(note & 0xFF);
    }
    static uint64_t pedal_key(int32_t port, int32_t channel) { return note_key(port, channel, 0) | (1ull << 20); }

private:
    static constexpr uint64_t empty = ~0ull;
    std::vector<uint64_t> keys_;
    std::vector<int32_t> values_;
    uint32_t size_ = 0;

    static uint32_t hash(uint64_t k) {
        k ^= k >> 33;
        k *= 0xff51afd7ed558ccdull;
        k ^= k >> 33;
        return static_cast<uint32_t>(k);
    }
    void erase_at(uint32_t i) {
        uint32_t mask = static_cast<uint32_t>(keys_.size() - 1);
        uint32_t j = i;
        for (;;) {
            j = (j + 1) & mask;
            if (keys_[j] == empty) break;
            uint32_t home = hash(keys_[j]) & mask;
            // Move j back into the hole at i when its home is not within (i, j].
            bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!between) {
                keys_[i] = keys_[j];
                values_[i] = values_[j];
                i = j;
            }
        }
        keys_[i] = empty;
        --size_;
    }
};

}  // namespace mdc::engine
