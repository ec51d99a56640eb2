// Views over the engine's unit state slots (Program::state_size int32 slots, all -1 at start) for
// the note-tracking units of mididings.extra: an ordered list of held notes (mididings' Python
// lists) and a set of notes (its sets). A unit's state is one block per port and channel.
#pragma once

#include <cstdint>

#include "event.h"
#include "program.h"

namespace mdc::engine {

// The state block of port and channel of `e` in a unit whose blocks are `stride` slots from
// `base`, or null for a port the state does not cover (beyond Program::state_ports).
inline int32_t* state_block(int32_t* state, int32_t base, int32_t stride, const Event& e) {
    if (e.port < 0 || e.port >= Program::state_ports || e.channel < 0 || e.channel > 15) return nullptr;
    return state + base + (e.port * 16 + e.channel) * stride;
}

// A list of at most `capacity` values in 1 + capacity slots: the size (-1 at start: empty), then
// the values in order. When full, push_back forgets the oldest value.
class SlotList {
public:
    static constexpr int32_t slots(int32_t capacity) { return 1 + capacity; }
    SlotList(int32_t* s, int32_t capacity) : s_(s), capacity_(capacity) {}

    int32_t size() const { return s_[0] < 0 ? 0 : s_[0]; }
    bool empty() const { return size() == 0; }
    int32_t operator[](int32_t i) const { return s_[1 + i]; }
    int32_t back() const { return s_[size()]; }
    void clear() { s_[0] = 0; }
    int32_t find(int32_t v) const {
        for (int32_t i = 0, n = size(); i < n; ++i)
            if (s_[1 + i] == v) return i;
        return -1;
    }
    void erase(int32_t i) {
        const int32_t n = size();
        for (int32_t k = i; k + 1 < n; ++k) s_[1 + k] = s_[2 + k];
        s_[0] = n - 1;
    }
    void push_back(int32_t v) {
        if (size() == capacity_) erase(0);
        const int32_t n = size();
        s_[1 + n] = v;
        s_[0] = n + 1;
    }
    // Removes every value for which `drop(value)` holds, keeping the order of the others.
    template <typename Pred>
    void erase_if(Pred drop) {
        int32_t out = 0;
        for (int32_t i = 0, n = size(); i < n; ++i)
            if (!drop(s_[1 + i])) s_[1 + out++] = s_[1 + i];
        s_[0] = out;
    }

private:
    int32_t* s_;
    int32_t capacity_;
};

// A set of notes 0..127 in 4 slots, stored inverted (a clear bit is a member) so that the slots'
// start value -1 is the empty set.
class NoteSet {
public:
    static constexpr int32_t slots = 4;
    explicit NoteSet(int32_t* s) : s_(s) {}

    bool has(int32_t note) const { return in_range(note) && !(word(note) & bit(note)); }
    void add(int32_t note) {
        if (in_range(note)) s_[note >> 5] = static_cast<int32_t>(word(note) & ~bit(note));
    }
    void remove(int32_t note) {
        if (in_range(note)) s_[note >> 5] = static_cast<int32_t>(word(note) | bit(note));
    }
    void clear() {
        for (int32_t i = 0; i < slots; ++i) s_[i] = -1;
    }
    // Calls f(note) for each member, in ascending order.
    template <typename F>
    void each(F f) const {
        for (int32_t n = 0; n < 128; ++n)
            if (has(n)) f(n);
    }

private:
    int32_t* s_;
    static bool in_range(int32_t note) { return note >= 0 && note < 128; }
    uint32_t word(int32_t note) const { return static_cast<uint32_t>(s_[note >> 5]); }
    static uint32_t bit(int32_t note) { return 1u << (note & 31); }
};

// The state blocks of the note-tracking units (slots per port and channel; the compiler sizes the
// state with these, the engine reads it with them).
inline constexpr int32_t mono_capacity = 128;  // MakeMonophonic's (note, velocity) stack
inline constexpr int32_t limit_capacity(int32_t max_polyphony) { return max_polyphony < 256 ? max_polyphony : 256; }
inline constexpr int32_t latch_capacity(bool polyphonic) { return polyphonic ? 128 : 1; }
inline constexpr int32_t pedal_slots(bool sostenuto) { return sostenuto ? 1 + 2 * NoteSet::slots : 1 + NoteSet::slots; }

// A flag in one slot: -1 at start means false.
inline bool slot_flag(const int32_t* s) { return *s > 0; }
inline void set_slot_flag(int32_t* s, bool v) { *s = v ? 1 : 0; }

}  // namespace mdc::engine
