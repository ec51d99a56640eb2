// Python-like behaviour of compile-time values: type names, rendering, equality, truthiness.
#include "value.h"

#include <fmt/format.h>

#include "engine/event_types.h"
#include "patch.h"
#include "units.h"

namespace mdc {

std::string type_name(const Value& v) {
    switch (v.kind) {
    case Value::Kind::Error: return "error";
    case Value::Kind::None: return "NoneType";
    case Value::Kind::Bool: return "bool";
    case Value::Kind::Int: return "int";
    case Value::Kind::Float: return "float";
    case Value::Kind::Str: return "str";
    case Value::Kind::Bytes: return "bytes";
    case Value::Kind::TypeMask: return "event type";
    case Value::Kind::EventRef: return "event attribute";
    case Value::Kind::List: return "list";
    case Value::Kind::Tuple: return "tuple";
    case Value::Kind::Dict: return "dict";
    case Value::Kind::Set: return "set";
    case Value::Kind::Range: return "range";
    case Value::Kind::Patch: return "patch";
    case Value::Kind::Scene: return v.scene && v.scene->group ? "SceneGroup" : "Scene";
    case Value::Kind::Event: return "MidiEvent";
    case Value::Kind::Unit: return "unit";
    case Value::Kind::Macro: return "patch macro";
    case Value::Kind::Lambda: return "lambda";
    case Value::Kind::PyRef: return "Python function";
    case Value::Kind::Module: return "module";
    case Value::Kind::Instance: return "python instance";
    case Value::Kind::NoDataOffset: return "int";
    }
    return "value";
}

namespace {
std::string mask_name(uint32_t m) {
    for (const auto& n : engine::event_type_names)
        if (n.mask == m) return std::string(n.name);
    std::string out;
    for (const auto& n : engine::event_type_names)
        if (n.single && (m & n.mask)) out += (out.empty() ? "" : "|") + std::string(n.name);
    return out.empty() ? "NONE" : out;
}
}  // namespace

std::string describe(const Value& v) {
    switch (v.kind) {
    case Value::Kind::None: return "None";
    case Value::Kind::Bool: return v.flag ? "True" : "False";
    case Value::Kind::Int: case Value::Kind::NoDataOffset: return std::to_string(v.i);
    case Value::Kind::Float: return fmt::format("{}", v.f);
    case Value::Kind::Str: return fmt::format("'{}'", v.s);
    case Value::Kind::Bytes: return fmt::format("b'{}'", v.s);
    case Value::Kind::TypeMask: return mask_name(static_cast<uint32_t>(v.i));
    case Value::Kind::EventRef:
        for (const auto& n : engine::event_field_names)
            if (static_cast<int64_t>(n.field) == v.i) return std::string(n.name);
        return "EVENT_?";
    case Value::Kind::List: case Value::Kind::Tuple: case Value::Kind::Set: {
        std::string out = v.kind == Value::Kind::List ? "[" : v.kind == Value::Kind::Tuple ? "(" : "{";
        for (size_t i = 0; i < v.items->size(); ++i) out += (i ? ", " : "") + describe((*v.items)[i]);
        if (v.kind == Value::Kind::Tuple && v.items->size() == 1) out += ",";
        return out + (v.kind == Value::Kind::List ? "]" : v.kind == Value::Kind::Tuple ? ")" : "}");
    }
    case Value::Kind::Dict: {
        std::string out = "{";
        for (size_t i = 0; i < v.entries->size(); ++i)
            out += (i ? ", " : "") + describe((*v.entries)[i].first) + ": " + describe((*v.entries)[i].second);
        return out + "}";
    }
    case Value::Kind::Range: return fmt::format("range({}, {}, {})", v.i, v.i2, v.i3);
    case Value::Kind::Unit: return v.unit ? std::string(v.unit->name) : v.s;
    case Value::Kind::Module: return "module " + v.s;
    case Value::Kind::PyRef: return v.s + "." + v.s2;
    default: return type_name(v);
    }
}

std::string what_is(const Value& v) {
    switch (v.kind) {
    case Value::Kind::Str: case Value::Kind::Int: case Value::Kind::Float: case Value::Kind::Bool:
    case Value::Kind::None: case Value::Kind::NoDataOffset:
        return describe(v);
    case Value::Kind::TypeMask: return "the event type " + describe(v);
    case Value::Kind::EventRef: return describe(v);
    case Value::Kind::Unit: return "the unit " + describe(v);
    default: {
        std::string t = type_name(v);
        bool vowel = !t.empty() && std::string_view("aeiouAEIOU").find(t[0]) != std::string_view::npos;
        return (vowel ? "an " : "a ") + t;
    }
    }
}

bool values_equal(const Value& a, const Value& b) {
    if (a.is_number() && b.is_number()) {
        if (a.kind == Value::Kind::Float || b.kind == Value::Kind::Float) return a.as_double() == b.as_double();
        return a.as_int() == b.as_int();
    }
    if (a.kind == Value::Kind::NoDataOffset || b.kind == Value::Kind::NoDataOffset) return a.i == b.i;
    if (a.kind != b.kind) return false;
    switch (a.kind) {
    case Value::Kind::None: return true;
    case Value::Kind::Str: case Value::Kind::Bytes: return a.s == b.s;
    case Value::Kind::TypeMask: case Value::Kind::EventRef: return a.i == b.i;
    case Value::Kind::List: case Value::Kind::Tuple: case Value::Kind::Set: {
        if (a.items->size() != b.items->size()) return false;
        for (size_t i = 0; i < a.items->size(); ++i)
            if (!values_equal((*a.items)[i], (*b.items)[i])) return false;
        return true;
    }
    case Value::Kind::Range: return a.i == b.i && a.i2 == b.i2 && a.i3 == b.i3;
    case Value::Kind::Patch: return a.patch == b.patch;
    case Value::Kind::Unit: return a.unit == b.unit && a.s == b.s;
    default: return false;
    }
}

bool truthy(const Value& v) {
    switch (v.kind) {
    case Value::Kind::None: return false;
    case Value::Kind::Bool: return v.flag;
    case Value::Kind::Int: case Value::Kind::TypeMask: case Value::Kind::NoDataOffset: return v.i != 0;
    case Value::Kind::Float: return v.f != 0;
    case Value::Kind::Str: case Value::Kind::Bytes: return !v.s.empty();
    case Value::Kind::List: case Value::Kind::Tuple: case Value::Kind::Set: return !v.items->empty();
    case Value::Kind::Dict: return !v.entries->empty();
    case Value::Kind::Range: return v.i3 > 0 ? v.i < v.i2 : v.i > v.i2;
    default: return true;
    }
}

bool Patch::is_filter() const {
    if (kind == Kind::Invert || kind == Kind::Negate) return true;
    return kind == Kind::Unit && unit && unit->family == UnitFamily::Filter;
}

uint64_t patch_weight(const Patch& p) {
    if (p.weight) return p.weight;
    uint64_t w = 1;
    for (const auto& c : p.children)
        if (c) w = Value::saturating_add(w, patch_weight(*c));
    p.weight = w;
    return w;
}

bool Patch::is_selector() const { return is_filter() || kind == Kind::And || kind == Kind::Or; }

}  // namespace mdc
