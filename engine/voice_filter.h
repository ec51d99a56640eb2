// VoiceFilter (mididings.extra.voices): of the notes held on one port and channel, only one voice
// sounds: the voice-th of them in ascending order (Python indexing: 0 lowest, -1 highest; a voice
// beyond the chord falls back to the highest, or for negative voices the lowest). When the voice's
// note changes, the old note gets a note-off and the new one a note-on, but a note that merely
// becomes the voice's note (not by being pressed) sounds only when it was pressed less than `time`
// ago or with retrigger; mididings' exact conditions are kept below. The state of one port and
// channel is a block of int32 slots; its first use clears it.
#pragma once

#include <bit>
#include <cstdint>

#include "event.h"
#include "event_types.h"
#include "state_slots.h"

namespace mdc::engine::voice_filter {

// The block: [0] the voice's note (-1: none), [1] diverted (-1: block never used), [2..5] the held
// notes as bits, then per note its velocity and the time of its note-on (two slots).
inline constexpr int32_t held_at = 2;
inline constexpr int32_t notes_at = 6;
inline constexpr int32_t block_slots = notes_at + 128 * 3;

struct Params {
    int32_t voice = -1;
    int64_t time_ns = 0;
    bool retrigger = false;
};

namespace detail {

inline bool held(const int32_t* b, int n) { return (static_cast<uint32_t>(b[held_at + n / 32]) >> (n % 32)) & 1u; }
inline int count(const int32_t* b) {
    int c = 0;
    for (int w = 0; w < 4; ++w) c += std::popcount(static_cast<uint32_t>(b[held_at + w]));
    return c;
}
inline int nth(const int32_t* b, int k) {  // the k-th held note, ascending
    for (int w = 0; w < 4; ++w) {
        uint32_t bits = static_cast<uint32_t>(b[held_at + w]);
        int c = std::popcount(bits);
        if (k < c) {
            for (; k > 0; --k) bits &= bits - 1;
            return w * 32 + std::countr_zero(bits);
        }
        k -= c;
    }
    return -1;
}
inline int32_t& velocity(int32_t* b, int n) { return b[notes_at + n * 3]; }
inline int32_t* time(int32_t* b, int n) { return b + notes_at + n * 3 + 1; }

}  // namespace detail

// One note event (NOTEON or NOTEOFF, note 0..127) at `now` ns: writes what the voice plays into
// out[0..1] and returns how many. A note-off of a note not held changes nothing and gives nothing
// (in mididings it raises KeyError in the Process, which drops the event).
inline int run(int32_t* b, const Params& p, const Event& ev, int64_t now, Event* out) {
    using namespace detail;
    if (b[1] == -1) {  // first use
        b[0] = -1;
        b[1] = 0;
        for (int w = 0; w < 4; ++w) b[held_at + w] = 0;
    }
    const int note = ev.data1;
    int32_t& word = b[held_at + note / 32];
    if (ev.type == NOTEON) {
        word = static_cast<int32_t>(static_cast<uint32_t>(word) | 1u << (note % 32));
        velocity(b, note) = ev.data2;
        store64(time(b, note), now);
    } else {
        if (!held(b, note)) return 0;
        word = static_cast<int32_t>(static_cast<uint32_t>(word) & ~(1u << (note % 32)));
    }
    // The voice's note now: sorted(notes)[voice], or the fallback (diverted).
    const int held_count = count(b);
    int n = -1;
    bool diverted = false;
    if (held_count > 0) {
        const int index = p.voice >= 0 ? p.voice : held_count + p.voice;
        if (index >= 0 && index < held_count) {
            n = nth(b, index);
        } else {
            n = nth(b, p.voice < 0 ? 0 : held_count - 1);
            diverted = true;
        }
    }
    const int current = b[0];
    const bool current_held = current >= 0 && held(b, current);
    const int64_t dt = current_held ? now - load64(time(b, current)) : 0;
    const bool change = n != current && (p.retrigger || p.voice == 0 || p.voice == -1 || !current_held ||
                                         (ev.type == NOTEON && dt < p.time_ns) || (b[1] == 1 && !diverted));
    if (!change) return 0;
    int k = 0;
    if (current >= 0) {
        out[k++] = note_event(ev, NOTEOFF, current, 0);
        b[0] = -1;
    }
    if (n >= 0 && (note == n || p.retrigger || now - load64(time(b, n)) < p.time_ns)) {
        out[k++] = note_event(ev, NOTEON, n, velocity(b, n));
        b[0] = n;
        b[1] = diverted ? 1 : 0;
    }
    return k;
}

}  // namespace mdc::engine::voice_filter
