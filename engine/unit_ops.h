// What each unit does to one event, as pure functions: the single definition of every modifier
// formula and filter test. The engine calls them per event; the optimizer calls the same functions
// to fold units at compile time (never a second copy of a formula).
// The formulas are mididings' (mididings.md 2.4-2.6), including its float32 arithmetic.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "event.h"

namespace mdc::engine {

enum class Transform : uint8_t { Offset, Multiply, Fixed, Gamma, Curve };

// Velocity and CtrlCurve: mididings' apply_transform with a float32 parameter.
inline int apply_transform(int value, float param, Transform mode) {
    switch (mode) {
    case Transform::Offset: return value + static_cast<int>(param);
    case Transform::Multiply: return static_cast<int>(static_cast<float>(value) * param);
    case Transform::Fixed: return static_cast<int>(param);
    case Transform::Gamma:
        if (value <= 0) return value;
        return std::max(1, static_cast<int>(std::rint(std::pow(static_cast<float>(value) / 127.f, 1.f / param) * 127.f)));
    case Transform::Curve: {
        if (value <= 0) return 0;
        if (param == 0) return value;
        float p = -param;
        float a = std::exp(p * static_cast<float>(value) / 127.f) - 1;
        float b = std::exp(p) - 1;
        return std::max(1, static_cast<int>(127.f * a / b));
    }
    }
    return value;
}

// Maps [in_lo, in_hi] onto [out_lo, out_hi], clamping outside (float32 slope, truncation).
template <typename V>
inline V map_range(int arg, int in_lo, int in_hi, V out_lo, V out_hi) {
    if (arg <= in_lo) return out_lo;
    if (arg >= in_hi) return out_hi;
    float dx = static_cast<float>(in_hi - in_lo);
    float dy = static_cast<float>(out_hi - out_lo);
    return static_cast<V>((dy / dx) * static_cast<float>(arg - in_lo) + static_cast<float>(out_lo));
}

// A half-open range where a bound of 0 means "no bound" (mididings' filter ranges).
inline bool in_open_range(int v, int lo, int hi) { return (lo == 0 || v >= lo) && (hi == 0 || v < hi); }

// The event types each modifier can change; it passes every other type untouched. The functions
// below test exactly these sets, and the engine leaves a modifier out of a path where the event
// type rules it out (single_event.h).
inline constexpr uint32_t KEY_TYPES = NOTE | POLY_AFTERTOUCH;          // Transpose, Key
inline constexpr uint32_t CHANNEL_TYPES = ~(SYSTEM | DUMMY);           // Channel
inline constexpr uint32_t VELOCITY_TYPES = NOTEON;                     // Velocity, VelocityLimit, VelocitySlope
inline constexpr uint32_t CTRL_TYPES = CTRL;                           // CtrlMap, CtrlRange, CtrlCurve
inline constexpr uint32_t PITCHBEND_TYPES = PITCHBEND;                 // PitchbendRange

// The modifiers, on one event.
inline void transpose(Event& ev, int offset) {
    if (ev.type & KEY_TYPES) ev.data1 += offset;
}
inline void set_key(Event& ev, int note) {
    if (ev.type & KEY_TYPES) ev.data1 = note;
}
inline void set_channel(Event& ev, int channel) {
    if (ev.type & CHANNEL_TYPES) ev.channel = channel;
}
inline void velocity(Event& ev, float param, Transform mode) {
    if ((ev.type & VELOCITY_TYPES) && ev.data2 > 0) ev.data2 = apply_transform(ev.data2, param, mode);
}
// VelocityLimit(min, max): a note-on's velocity clamped to [min, max] (0: that side open);
// mididings builds it as Filter(NOTE) % VelocitySplit(...), which leaves velocity 0 alone.
inline void velocity_limit(Event& ev, int lo, int hi) {
    if (!(ev.type & VELOCITY_TYPES) || ev.data2 <= 0) return;
    if (lo && ev.data2 < lo) ev.data2 = lo;
    else if (hi && ev.data2 >= hi) ev.data2 = hi;
}
// VelocitySlope: the segment is the first whose upper note is >= the note (the last beyond).
inline void velocity_slope(Event& ev, const int32_t* notes, const float* params, uint32_t n, Transform mode) {
    if (!(ev.type & VELOCITY_TYPES) || ev.data2 <= 0) return;
    uint32_t i = 0;
    while (i < n - 2 && notes[i + 1] < ev.data1) ++i;
    ev.data2 = apply_transform(ev.data2, map_range<float>(ev.data1, notes[i], notes[i + 1], params[i], params[i + 1]), mode);
}
inline void ctrl_map(Event& ev, int in, int out) {
    if ((ev.type & CTRL_TYPES) && ev.data1 == in) ev.data1 = out;
}
inline void ctrl_range(Event& ev, int ctrl, int lo, int hi, int in_lo, int in_hi) {
    if ((ev.type & CTRL_TYPES) && ev.data1 == ctrl) ev.data2 = map_range<int>(ev.data2, in_lo, in_hi, lo, hi);
}
inline void ctrl_curve(Event& ev, int ctrl, float param, Transform mode) {
    if ((ev.type & CTRL_TYPES) && ev.data1 == ctrl) ev.data2 = apply_transform(ev.data2, param, mode);
}
inline void pitchbend_range(Event& ev, int lo, int hi, int in_lo, int in_hi) {
    if (!(ev.type & PITCHBEND_TYPES)) return;
    ev.data2 = ev.data2 >= 0 ? map_range<int>(ev.data2, 0, in_hi, 0, hi) : map_range<int>(ev.data2, in_lo, 0, lo, 0);
}

// CtrlToSysEx (mididings.extra): the SysEx template with a controller value at `index` and, from
// `checksum_start` (-1: none), a Roland checksum (128 - sum of bytes[start:-2]) % 128 in the byte
// before F7. `out` holds `size` bytes.
inline void ctrl_to_sysex(uint8_t* out, const uint8_t* tmpl, uint32_t size, uint32_t index, int value, int32_t checksum_start) {
    for (uint32_t i = 0; i < size; ++i) out[i] = tmpl[i];
    out[index] = static_cast<uint8_t>(std::clamp(value, 0, 127));
    if (checksum_start < 0) return;
    int sum = 0;
    for (uint32_t i = static_cast<uint32_t>(checksum_start); i + 2 < size; ++i) sum += out[i];
    out[size - 2] = static_cast<uint8_t>(((128 - sum) % 128 + 128) % 128);
}

}  // namespace mdc::engine
