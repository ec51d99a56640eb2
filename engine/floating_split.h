// FloatingKeySplit (mididings.extra.floating_split): a key split whose split point follows the
// hands. Each note event first updates one analysis for the whole unit (all ports and channels, as
// in mididings): notes released more than hold_time ago are forgotten; the lower reference is the
// highest note (held or recently released) of the lower region, but at least threshold_lower -
// margin_lower; the upper reference the lowest of the upper region, at most threshold_upper +
// margin_upper; the split point is their middle, confined to [threshold_lower, threshold_upper].
// A note-on below the split point joins the lower region, else the upper one. Then the event goes
// to the lower patch if its note is below the split point, else to the upper one; a note-off goes
// where its note-on went (remembered per port, channel and note), which mididings' split point
// guarantees too except in corner cases. Other events go to both patches.
#pragma once

#include <cstdint>

#include "event.h"
#include "event_types.h"
#include "state_slots.h"

namespace mdc::engine::floating_split {

// The state: [0] -1 until first used, [1] the split point, then per region (lower, upper) and note
// a status (0 absent, 1 held, 2 released) and its release time (two slots); then, per tracked port,
// channel and note, the region its note-on went to (-1: none).
inline constexpr int32_t regions_at = 2;
inline constexpr int32_t routes_at = regions_at + 2 * 128 * 3;
inline constexpr int32_t slots(int32_t ports) { return routes_at + ports * 16 * 128; }

struct Params {
    int32_t threshold_lower = 0, threshold_upper = 0, margin_lower = 12, margin_upper = 12;
    int64_t hold_ns = 0;
    int32_t ports = 0;  // ports whose note-ons are remembered
};

namespace detail {
inline int32_t* entry(int32_t* s, int region, int note) { return s + regions_at + (region * 128 + note) * 3; }
inline int floor_half(int v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); }
}  // namespace detail

// Which patches an event goes to: bit 0 the lower one, bit 1 the upper one. Updates the analysis.
inline uint64_t choose(int32_t* s, const Params& p, const Event& ev, int64_t now) {
    using namespace detail;
    if (!(ev.type & (NOTEON | NOTEOFF))) return 3;
    if (s[0] == -1) {
        for (int32_t i = 0; i < routes_at; ++i) s[i] = 0;
    }
    // Forget notes released more than hold_time ago.
    for (int region = 0; region < 2; ++region)
        for (int note = 0; note < 128; ++note) {
            int32_t* e = entry(s, region, note);
            if (e[0] == 2 && load64(e + 1) < now - p.hold_ns) e[0] = 0;
        }
    int lower = p.threshold_lower - p.margin_lower;
    for (int note = 127; note >= 0; --note)
        if (entry(s, 0, note)[0] != 0) {
            if (note > lower) lower = note;
            break;
        }
    int upper = p.threshold_upper + p.margin_upper;
    for (int note = 0; note < 128; ++note)
        if (entry(s, 1, note)[0] != 0) {
            if (note < upper) upper = note;
            break;
        }
    int threshold = floor_half(lower + upper + 1);
    if (threshold < p.threshold_lower) threshold = p.threshold_lower;
    if (threshold > p.threshold_upper) threshold = p.threshold_upper;
    s[1] = threshold;
    const int note = ev.data1;
    const bool known_note = note >= 0 && note < 128;
    if (known_note && ev.type == NOTEON) {
        entry(s, note < threshold ? 0 : 1, note)[0] = 1;
    } else if (known_note) {
        for (int region = 0; region < 2; ++region) {
            int32_t* e = entry(s, region, note);
            if (e[0] != 0) {
                e[0] = 2;
                store64(e + 1, now);
            }
        }
    }
    int region = note < threshold ? 0 : 1;
    if (known_note && ev.port >= 0 && ev.port < p.ports && ev.channel >= 0 && ev.channel < 16) {
        int32_t& route = s[routes_at + (ev.port * 16 + ev.channel) * 128 + note];
        if (ev.type == NOTEON) {
            route = region;
        } else if (route >= 0) {
            region = route;
            route = -1;
        }
    }
    return region == 0 ? 1 : 2;
}

}  // namespace mdc::engine::floating_split
