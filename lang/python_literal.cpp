// Values as Python literal source (see python_literal.h).
#include "python_literal.h"

#include <cmath>

#include <fmt/format.h>

namespace mdc {

namespace {

std::string quoted(const std::string& s, bool bytes) {
    std::string out = bytes ? "b'" : "'";
    for (unsigned char ch : s) {
        if (ch == '\'' || ch == '\\') out += '\\', out += static_cast<char>(ch);
        else if (ch >= 0x20 && ch < 0x7f) out += static_cast<char>(ch);
        else if (!bytes && ch >= 0x80) out += static_cast<char>(ch);  // UTF-8 passes through
        else out += fmt::format("\\x{:02x}", ch);
    }
    return out + "'";
}

bool literal(const Value& v, std::string& out, const Value*& bad) {
    switch (v.kind) {
    case Value::Kind::None: out += "None"; return true;
    case Value::Kind::Bool: out += v.flag ? "True" : "False"; return true;
    case Value::Kind::Int: case Value::Kind::NoDataOffset: case Value::Kind::TypeMask: case Value::Kind::EventRef:
        out += std::to_string(v.i);
        return true;
    case Value::Kind::Float:
        if (std::isnan(v.f)) out += "float('nan')";
        else if (std::isinf(v.f)) out += v.f > 0 ? "float('inf')" : "float('-inf')";
        else out += fmt::format("{}", v.f), out += std::isfinite(v.f) && v.f == std::floor(v.f) && std::fabs(v.f) < 1e16 ? ".0" : "";
        return true;
    case Value::Kind::Str: out += quoted(v.s, false); return true;
    case Value::Kind::Bytes: out += quoted(v.s, true); return true;
    case Value::Kind::Lambda: out += "(" + v.s + ")"; return true;
    case Value::Kind::Range: out += fmt::format("range({}, {}, {})", v.i, v.i2, v.i3); return true;
    case Value::Kind::List: case Value::Kind::Tuple: case Value::Kind::Set: {
        const auto& xs = v.elements();
        if (v.kind == Value::Kind::Set && xs.empty()) { out += "set()"; return true; }
        out += v.kind == Value::Kind::List ? "[" : v.kind == Value::Kind::Tuple ? "(" : "{";
        for (size_t i = 0; i < xs.size(); ++i) {
            if (i) out += ", ";
            if (!literal(xs[i], out, bad)) return false;
        }
        if (v.kind == Value::Kind::Tuple && xs.size() == 1) out += ",";
        out += v.kind == Value::Kind::List ? "]" : v.kind == Value::Kind::Tuple ? ")" : "}";
        return true;
    }
    case Value::Kind::Dict: {
        out += "{";
        for (size_t i = 0; i < v.entries->size(); ++i) {
            if (i) out += ", ";
            if (!literal((*v.entries)[i].first, out, bad)) return false;
            out += ": ";
            if (!literal((*v.entries)[i].second, out, bad)) return false;
        }
        out += "}";
        return true;
    }
    default: bad = &v; return false;
    }
}

}  // namespace

std::optional<std::string> python_literal(const Value& v, const Value*& bad) {
    std::string out;
    if (!literal(v, out, bad)) return std::nullopt;
    return out;
}

std::optional<std::string> python_call_arguments(std::string_view unit, const Value& args, const Value& kwargs, Span at, DiagSink& diags) {
    if (args.elements().empty() && kwargs.entries->empty()) return std::string();
    const Value* bad = nullptr;
    auto a = python_literal(args, bad);
    auto k = a ? python_literal(kwargs, bad) : std::nullopt;
    if (!k) {
        diags.error(bad && bad->span.valid() ? bad->span : at, fmt::format("{} cannot pass {} to Python", unit, what_is(*bad)))
            .note("the extra arguments of Process and Call are numbers, strings, bytes, None, booleans, event types, lambdas, "
                  "and lists, tuples, sets and dicts of them");
        return std::nullopt;
    }
    return "(" + *a + ", " + *k + ")";
}

}  // namespace mdc
