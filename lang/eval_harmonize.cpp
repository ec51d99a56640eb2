// Harmonize (mididings.extra, harmonizer.py) as mididings builds it: for each voice, one
// `KeyFilter(notes=[...]) >> Transpose(offset)` per offset, all under `Filter(NOTE) % [...]`, so
// the optimizer and the static types see plain filters and modifiers. The scale tables, modes,
// interval names and non_harmonic rules are mididings'; 'skip' drops the notes outside the scale
// (in mididings it raises a TypeError at construction).
#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "engine/event_types.h"
#include "evaluator.h"

namespace mdc {

namespace {

constexpr int major_scale[] = {0, 2, 4, 5, 7, 9, 11};
constexpr int harmonic_minor_scale[] = {0, 2, 3, 5, 7, 8, 11};
constexpr std::string_view modes[] = {"ionian", "dorian", "phrygian", "lydian", "mixolydian", "aeolian", "locrian"};
constexpr std::string_view interval_names[] = {"unison", "second", "third", "fourth", "fifth", "sixth", "seventh",
                                               "octave", "ninth", "tenth", "eleventh", "twelfth", "thirteenth"};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t floor_mod(int64_t a, int64_t b) { return a - floor_div(a, b) * b; }

// The scale shifted to its mode, starting at 0 (harmonizer.py's `s`).
std::vector<int> mode_scale(const Value& scale) {
    std::vector<int> base;
    size_t shift = 0;
    if (scale.is(Value::Kind::Str)) {
        const bool harmonic = scale.s == "minor_harmonic";
        if (harmonic) base.assign(std::begin(harmonic_minor_scale), std::end(harmonic_minor_scale));
        else base.assign(std::begin(major_scale), std::end(major_scale));
        if (scale.s == "minor") shift = 5;
        for (size_t m = 0; m < std::size(modes); ++m)
            if (modes[m] == scale.s) shift = m;
    } else {
        for (const Value& x : *scale.items) base.push_back(static_cast<int>(x.as_int()));
    }
    std::vector<int> s;
    for (size_t k = shift; k < base.size(); ++k) s.push_back(base[k] - base[shift]);
    for (size_t k = 0; k < shift; ++k) s.push_back(base[k] + 12 - base[shift]);
    return s;
}

// The transposition of each pitch class above the tonic (nullopt: dropped), as _Harmonizer.
std::array<std::optional<int64_t>, 12> pitch_class_offsets(const std::vector<int>& s, int64_t interval, std::string_view non_harmonic) {
    std::map<int, std::optional<int64_t>> lookup;
    const auto l = static_cast<int64_t>(s.size());
    for (int x : s) {
        const auto index = static_cast<int64_t>(std::find(s.begin(), s.end(), x) - s.begin());
        const int64_t i = index + interval;
        lookup[x] = s[static_cast<size_t>(floor_mod(i, l))] + floor_div(i, l) * 12 - x;
    }
    const bool above = non_harmonic == "above";
    for (int k = 0; k < 12; ++k) {
        const int x = above ? 11 - k : k;
        if (std::find(s.begin(), s.end(), x) != s.end()) continue;
        if (non_harmonic == "below") lookup[x] = lookup[x - 1];  // 0 is always in the scale
        else if (above) lookup[x] = lookup[(x + 1) % 12];
        else if (non_harmonic == "same") lookup[x] = 0;
        else lookup[x] = std::nullopt;  // skip
    }
    std::array<std::optional<int64_t>, 12> out;
    for (int x = 0; x < 12; ++x) out[static_cast<size_t>(x)] = lookup[x];
    return out;
}

}  // namespace

// args: tonic (pitch class), scale, interval(s), non_harmonic, as check_arg left them.
Value Evaluator::harmonize(const std::vector<Value>& args, Span span) {
    const int64_t tonic = args[0].i;
    const std::vector<int> s = mode_scale(args[1]);
    if (s.empty()) {
        diags_.error(args[1].span, "a scale needs at least one note").with_help("for example [0, 2, 4, 5, 7, 9, 11]");
        return Value::error(span);
    }
    std::vector<Value> intervals = args[2].is_sequence() ? *args[2].items : std::vector<Value>{args[2]};
    const UnitInfo& key_filter = *find_unit("KeyFilter");
    const UnitInfo& transpose = *find_unit("Transpose");
    constexpr int notes_overload = 4;  // KeyFilter(notes=...)
    std::vector<Value> branches;
    for (const Value& iv : intervals) {
        int64_t interval = iv.is(Value::Kind::Str)
                               ? std::find(std::begin(interval_names), std::end(interval_names), iv.s) - std::begin(interval_names)
                               : iv.as_int();
        const auto offsets = pitch_class_offsets(s, interval, args[3].s);
        // One group per offset, in ascending order of offsets, each with its keys in order.
        std::map<int64_t, std::vector<Value>> groups;
        for (int64_t key = 0; key < 128; ++key)
            if (const auto& off = offsets[static_cast<size_t>(floor_mod(key - tonic, 12))]) groups[*off].push_back(Value::integer(key, span));
        for (auto& [off, keys] : groups) {
            Value filter = build_unit_patch(key_filter, notes_overload, {Value::list(std::move(keys), span)}, span);
            Value shift = build_unit_patch(transpose, 0, {Value::integer(off, span)}, span);
            branches.push_back(chain(filter, shift, span));
        }
    }
    return select(Value::mask(engine::NOTE, span), Value::list(std::move(branches), span), span);
}

}  // namespace mdc
