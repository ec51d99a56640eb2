// Compile-time values: what the evaluator computes from expressions. Numbers, strings and
// containers behave as in Python; patches, scenes, events, macros and Python references are the
// patch language's own values. Values are immutable and cheap to copy (shared payloads).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "source.h"

namespace mdc {

struct Patch;
struct UnitInfo;
struct SceneValue;
struct EventValue;
struct MacroValue;
struct PythonInstance;

struct Value {
    enum class Kind : uint8_t {
        Error,      // evaluation failed (already reported): propagates without new messages
        None,
        Bool,
        Int,
        Float,
        Str,
        Bytes,
        TypeMask,   // NOTE, CTRL|PROGRAM, ~NOTE ...
        EventRef,   // EVENT_PORT ... (i = engine::EventField)
        List,
        Tuple,
        Dict,
        Set,
        Range,      // range(start, stop, step), kept lazy
        Patch,      // a unit or a combination of units
        Scene,      // Scene(...) or SceneGroup(...)
        Event,      // NoteOnEvent(...) ... for test(...) and the text format
        Unit,       // a unit or builtin function, not yet called (name in s, info in unit)
        Macro,      // a def patch macro
        Lambda,     // Python lambda source
        PyRef,      // a name in an imported Python module (module in s, name in s2)
        Module,     // an imported module: mididings namespaces or a Python module (name in s)
        Instance,   // python("...") MIDIMonster instance
        NoDataOffset,  // a gm constant: an int exempt from data_offset (value in i)
    };

    Kind kind = Kind::None;
    Span span;
    bool flag = false;  // Bool value; Lambda/PyRef: used positionally
    int64_t i = 0;      // Int, TypeMask, EventRef, Range start
    int64_t i2 = 0, i3 = 0;  // Range stop and step
    double f = 0;
    std::string s, s2;
    std::shared_ptr<const std::vector<Value>> items;                      // List, Tuple, Set
    std::shared_ptr<const std::vector<std::pair<Value, Value>>> entries;  // Dict, in insertion order
    std::shared_ptr<const Patch> patch;
    std::shared_ptr<const SceneValue> scene;
    std::shared_ptr<const EventValue> event;
    std::shared_ptr<const MacroValue> macro;
    std::shared_ptr<const PythonInstance> instance;
    const UnitInfo* unit = nullptr;
    uint64_t weight = 1;  // 1 + the weight of every element, nested ones included (saturating)

    static Value error(Span s = {}) { return make(Kind::Error, s); }
    static Value none(Span s = {}) { return make(Kind::None, s); }
    static Value boolean(bool b, Span s = {}) { Value v = make(Kind::Bool, s); v.flag = b; return v; }
    static Value integer(int64_t n, Span s = {}) { Value v = make(Kind::Int, s); v.i = n; return v; }
    static Value real(double d, Span s = {}) { Value v = make(Kind::Float, s); v.f = d; return v; }
    static Value str(std::string t, Span s = {}) { Value v = make(Kind::Str, s); v.s = std::move(t); return v; }
    static Value bytes(std::string t, Span s = {}) { Value v = make(Kind::Bytes, s); v.s = std::move(t); return v; }
    static Value mask(uint32_t m, Span s = {}) { Value v = make(Kind::TypeMask, s); v.i = m; return v; }
    static Value list(std::vector<Value> xs, Span s = {}, Kind k = Kind::List) {
        Value v = make(k, s);
        for (const Value& x : xs) v.weight = saturating_add(v.weight, x.weight);
        v.items = std::make_shared<const std::vector<Value>>(std::move(xs));
        return v;
    }
    static Value tuple(std::vector<Value> xs, Span s = {}) { return list(std::move(xs), s, Kind::Tuple); }
    static Value dict(std::vector<std::pair<Value, Value>> es, Span s = {}) {
        Value v = make(Kind::Dict, s);
        for (const auto& [k, x] : es) v.weight = saturating_add(v.weight, saturating_add(k.weight, x.weight));
        v.entries = std::make_shared<const std::vector<std::pair<Value, Value>>>(std::move(es));
        return v;
    }
    static uint64_t saturating_add(uint64_t a, uint64_t b) { return a + b < a ? ~0ull : a + b; }
    static Value make(Kind k, Span s) {
        Value v;
        v.kind = k;
        v.span = s;
        return v;
    }

    bool is(Kind k) const { return kind == k; }
    bool is_error() const { return kind == Kind::Error; }
    bool is_number() const { return kind == Kind::Int || kind == Kind::Float || kind == Kind::Bool; }
    bool is_int() const { return kind == Kind::Int || kind == Kind::Bool; }
    bool is_sequence() const { return kind == Kind::List || kind == Kind::Tuple; }
    double as_double() const { return kind == Kind::Float ? f : kind == Kind::Bool ? (flag ? 1 : 0) : static_cast<double>(i); }
    int64_t as_int() const { return kind == Kind::Bool ? (flag ? 1 : 0) : i; }
    const std::vector<Value>& elements() const { return *items; }
};

// The Python name of a value's type, for messages ("expected a note, got 'list'").
std::string type_name(const Value& v);
// A short source-like rendering of a value, for messages and dumps.
std::string describe(const Value& v);
// "a list", "a patch", or the value itself for strings and numbers: for messages.
std::string what_is(const Value& v);
// Python equality (used for dict keys, `in`, `==`).
bool values_equal(const Value& a, const Value& b);
// Python truthiness.
bool truthy(const Value& v);

}  // namespace mdc
