// Unit calls: overload resolution as mididings does it (the first form whose positional count and
// keyword names fit), argument validation and normalisation per ArgKind (note names and ranges
// with octave_offset, ports, channels and programs with data_offset, SysEx data, splits), and the
// patch operators (chain, fork, selection, selectors, inverted and negated filters).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "osc_args.h"
#include "python_literal.h"
#include "engine/event_types.h"
#include "engine/note_names.h"
#include "evaluator.h"

namespace mdc {
namespace {

using K = ArgKind;

// After mididings' *args (add_varargs), the remaining parameters can only be given by keyword.
bool keyword_only(const Overload& ov, size_t index) { return ov.varargs && index > 0; }

std::string plural(size_t n, std::string_view word) { return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s"); }

bool is_hook_unit(std::string_view name) {
    return name == "AutoRestart" || name == "MemorizeScene" || name == "OSCInterface";
}

}  // namespace

Value Evaluator::patch_value(PatchPtr p) {
    if (!p) return Value::error();
    Value v = Value::make(Value::Kind::Patch, p->span);
    v.weight = patch_weight(*p);
    v.patch = std::move(p);
    return v;
}

// ---- overload resolution ------------------------------------------------------------------

std::optional<std::pair<int, std::vector<Value>>> Evaluator::bind_overload(const UnitInfo& unit, const Arguments& args) {
    for (size_t oi = 0; oi < unit.overloads.size(); ++oi) {
        const Overload& ov = unit.overloads[oi];
        std::vector<std::optional<Value>> bound(ov.params.size());
        std::vector<Value> extra_pos;
        std::vector<std::pair<Value, Value>> extra_kw;
        bool ok = true;
        size_t slot = 0;
        for (const Value& v : args.positional) {
            while (slot < ov.params.size() && keyword_only(ov, slot)) ++slot;
            if (slot < ov.params.size()) bound[slot++] = v;
            else if (ov.varargs || ov.var_keywords) extra_pos.push_back(v);
            else { ok = false; break; }
        }
        for (size_t k = 0; ok && k < args.keywords.size(); ++k) {
            const auto& [name, v] = args.keywords[k];
            auto it = std::find_if(ov.params.begin(), ov.params.end(), [&, &name = name](const ParamSpec& p) { return p.name == name; });
            if (it == ov.params.end()) {
                if (ov.var_keywords && !ov.positional_only_extras) { extra_kw.emplace_back(Value::str(name, args.keyword_spans[k]), v); continue; }
                ok = false;
                break;
            }
            size_t j = static_cast<size_t>(it - ov.params.begin());
            if (bound[j]) { ok = false; break; }
            bound[j] = v;
        }
        for (size_t j = 0; ok && j < ov.params.size(); ++j)
            if (!bound[j] && ov.params[j].def.kind == ParamDefault::Kind::Required) ok = false;
        if (!ok) continue;

        std::vector<Value> values;
        for (size_t j = 0; j < ov.params.size(); ++j) {
            if (bound[j]) { values.push_back(*bound[j]); continue; }
            const ParamDefault& d = ov.params[j].def;
            switch (d.kind) {
            case ParamDefault::Kind::None: values.push_back(Value::none(args.span)); break;
            case ParamDefault::Kind::Int: values.push_back(Value::integer(static_cast<int64_t>(d.number), args.span)); break;
            case ParamDefault::Kind::Float: values.push_back(Value::real(d.number, args.span)); break;
            case ParamDefault::Kind::Bool: values.push_back(Value::boolean(d.number != 0, args.span)); break;
            case ParamDefault::Kind::Str: values.push_back(Value::str(std::string(d.text), args.span)); break;
            case ParamDefault::Kind::EventField: {
                Value r = Value::make(Value::Kind::EventRef, args.span);
                r.i = static_cast<int64_t>(d.number);
                values.push_back(r);
                break;
            }
            case ParamDefault::Kind::EmptyDict: values.push_back(Value::dict({}, args.span)); break;
            case ParamDefault::Kind::EmptyList: values.push_back(Value::list({}, args.span)); break;
            case ParamDefault::Kind::IntList:
                values.push_back(Value::list({Value::integer(std::stoll(std::string(d.text)), args.span)}, args.span));
                break;
            case ParamDefault::Kind::Required: break;
            }
        }
        if (ov.varargs && !ov.var_keywords && !extra_pos.empty()) {
            // mididings' add_varargs: Filter(NOTE, CTRL) means Filter([NOTE, CTRL]).
            std::vector<Value> all = {values[0]};
            all.insert(all.end(), extra_pos.begin(), extra_pos.end());
            values[0] = Value::list(std::move(all), args.span);
        }
        if (ov.var_keywords) {
            values.push_back(Value::tuple(std::move(extra_pos), args.span));
            values.push_back(Value::dict(std::move(extra_kw), args.span));
        }
        return std::make_pair(static_cast<int>(oi), std::move(values));
    }
    return std::nullopt;
}

Value Evaluator::call_unit(const UnitInfo& unit, Arguments args) {
    Span span = args.span;
    units_built_ = true;
    if (!unit.refused.empty()) {
        diags_.error(span, fmt::format("{} is not supported by mdc", unit.name)).with_help(std::string(unit.refused));
        return Value::error(span);
    }
    for (const Value& v : args.positional)
        if (v.is_error()) return Value::error(span);
    for (const auto& [k, v] : args.keywords)
        if (v.is_error()) return Value::error(span);

    auto bound = bind_overload(unit, args);
    if (!bound) {
        // Explain why no form fits: an unknown keyword first, then counts.
        std::vector<std::string_view> all_names;
        for (const Overload& ov : unit.overloads)
            for (const ParamSpec& p : ov.params) all_names.push_back(p.name);
        bool any_var_kw = std::any_of(unit.overloads.begin(), unit.overloads.end(), [](const Overload& o) { return o.var_keywords && !o.positional_only_extras; });
        for (size_t k = 0; k < args.keywords.size() && !any_var_kw; ++k) {
            const std::string& name = args.keywords[k].first;
            if (std::find(all_names.begin(), all_names.end(), name) != all_names.end()) continue;
            auto& d = diags_.error(args.keyword_spans[k], fmt::format("{} has no keyword argument '{}'", unit.name, name));
            if (auto m = closest_match(name, all_names); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
            for (const Overload& ov : unit.overloads) d.note(fmt::format("{} takes {}", unit.name, ov.form));
            return Value::error(span);
        }
        std::string given = plural(args.positional.size(), "positional argument");
        if (!args.keywords.empty()) {
            given += " and keyword";
            given += args.keywords.size() == 1 ? " " : "s ";
            for (size_t k = 0; k < args.keywords.size(); ++k) given += (k ? ", '" : "'") + args.keywords[k].first + "'";
        }
        if (unit.overloads.size() == 1) {
            const Overload& ov = unit.overloads[0];
            size_t positional_max = 0;
            for (size_t j = 0; j < ov.params.size(); ++j)
                if (!keyword_only(ov, j)) ++positional_max;
            bool too_many = args.positional.size() > positional_max && !ov.varargs;
            auto& d = too_many && ov.params.empty()
                          ? diags_.error(span, fmt::format("{} takes no arguments", unit.name))
                      : too_many ? diags_.error(span, fmt::format("{} takes at most {}, but {} given", unit.name,
                                                                  plural(positional_max, "positional argument"),
                                                                  args.positional.size()))
                                 : diags_.error(span, fmt::format("{} cannot take {}", unit.name, given));
            for (size_t j = 0; j < ov.params.size(); ++j) {
                bool given_kw = std::any_of(args.keywords.begin(), args.keywords.end(), [&](auto& kw) { return kw.first == ov.params[j].name; });
                if (ov.params[j].def.kind == ParamDefault::Kind::Required && j >= args.positional.size() && !given_kw)
                    d.note(fmt::format("'{}' is missing", ov.params[j].name));
            }
            d.note(fmt::format("{} takes {}", unit.name, ov.form));
        } else {
            auto& d = diags_.error(span, fmt::format("no form of {} takes {}", unit.name, given));
            for (const Overload& ov : unit.overloads) d.note(fmt::format("{} takes {}", unit.name, ov.form));
        }
        return Value::error(span);
    }
    auto& [oi, values] = *bound;
    const Overload& ov = unit.overloads[static_cast<size_t>(oi)];
    bool bad = false;
    // An OutputTemplate keeps the numbers as written: they are converted when it becomes an Output.
    bool keep_written = unit.name == "OutputTemplate";
    for (size_t j = 0; j < ov.params.size(); ++j) {
        size_t errors_before = diags_.error_count();
        Value checked = check_arg(ov.params[j].kind, values[j], unit, ov.params[j].name);
        if (checked.is_error()) {
            bad = true;
            // Every refused argument gets a message, even from a check that forgot to say why.
            if (diags_.error_count() == errors_before && !values[j].is_error())
                diags_.error(values[j].span.valid() ? values[j].span : span,
                             fmt::format("{} argument '{}' must be {}", unit.name, ov.params[j].name, arg_kind_description(ov.params[j].kind)));
        }
        if (!keep_written) values[j] = std::move(checked);
    }
    if (bad) return Value::error(span);
    if (unit.name == "CtrlToSysEx") {
        // The value's byte and the checksum's first byte are data bytes of the template (Python-
        // style indices: negative ones count from the end); normalised here for the engine.
        const auto size = static_cast<int64_t>(values[1].s.size());
        for (size_t j : {size_t{2}, size_t{3}}) {
            Value& v = values[j];
            if (!v.is_int()) continue;  // checksum_start=None
            const int64_t i = v.i < 0 ? size + v.i : v.i;
            if (i < 1 || i > size - 2) {
                diags_.error(v.span, fmt::format("{} {} is not a data byte of the {}-byte SysEx (1..{}, or -{}..-2)", ov.params[j].name, v.i,
                                                 size, size - 2, size - 1));
                return Value::error(span);
            }
            v.i = i;
        }
    }
    if (unit.name == "VoiceSplit" && values[0].items && values[0].items->empty()) {
        diags_.error(values[0].span.valid() ? values[0].span : span, "VoiceSplit needs at least one patch")
            .note("each patch gets one voice of the chords played: VoiceSplit([lowest, ..., highest])");
        return Value::error(span);
    }
    if (unit.name == "LimitPolyphony" && values[0].i < 1) {
        diags_.error(values[0].span, fmt::format("max_polyphony must be at least 1, got {}", values[0].i))
            .with_help("LimitPolyphony(1) plays one note at a time; to drop every note use ~Filter(NOTE)");
        return Value::error(span);
    }
    if (!unit.stdlib_body.empty()) return call_stdlib(unit, std::move(values), span);
    if (unit.name == "SendOSC") {
        if (values[1].s.empty() || values[1].s[0] != '/') {
            diags_.error(values[1].span, fmt::format("an OSC path starts with '/', got '{}'", values[1].s));
            return Value::error(span);
        }
        if (!osc_arguments(values[2], diags_)) return Value::error(span);
    }
    if (unit.name == "OSCInterface" && values[0].is_int() && (values[0].i < 1 || values[0].i > 65535)) {
        diags_.error(values[0].span, fmt::format("OSCInterface port {} is not a UDP port number (1..65535)", values[0].i))
            .note("port=None runs no server: notifications only");
        return Value::error(span);
    }
    if ((unit.name == "Process" || unit.name == "Call") && ov.var_keywords &&
        !python_call_arguments(unit.name, values[values.size() - 2], values[values.size() - 1], span, diags_))
        return Value::error(span);
    if (unit.name == "PerChannel") {
        // A helper object that Process/Call call: one factory-made object per port and channel.
        Value f = Value::make(Value::Kind::PyRef, span);
        f.s = "PerChannel";
        f.items = std::make_shared<const std::vector<Value>>(values);
        return f;
    }
    return build_unit_patch(unit, oi, std::move(values), span);
}

// ---- value checks -------------------------------------------------------------------------

std::optional<int> Evaluator::note_value(const Value& v, int lo, int hi, std::string_view what) {
    if (v.is(Value::Kind::Str)) {
        const std::string& s = v.s;
        std::optional<int> note = engine::parse_note_name(s, out_.config.octave_offset);
        if (!note) {
            auto& d = diags_.error(v.span, fmt::format("'{}' is not a note name", s));
            d.note("a note name is a letter a..g, an optional '#' or 'b', and an octave, e.g. 'c3', 'f#4', 'eb-1'");
            size_t dash = s.find('-', 1);
            if (dash != std::string::npos && s.find_first_of("0123456789") < dash)
                d.with_help(fmt::format("a note range uses ':', e.g. '{}'", std::string(s).replace(dash, 1, ":")));
            return std::nullopt;
        }
        int n = *note;
        if (n < lo || n > hi) {
            diags_.error(v.span, fmt::format("note '{}' is {}, outside {}..{}", s, n, lo, hi))
                .note(fmt::format("with octave_offset={}, 'c{}' is note 60", out_.config.octave_offset, 5 - out_.config.octave_offset));
            return std::nullopt;
        }
        return n;
    }
    if (v.is_int() && !v.is(Value::Kind::Bool)) {
        if (v.i < lo || v.i > hi) {
            diags_.error(v.span, fmt::format("{} {} is out of range {}..{}", what, v.i, lo, hi));
            return std::nullopt;
        }
        return static_cast<int>(v.i);
    }
    if (!v.is_error())
        diags_.error(v.span, fmt::format("expected {} (a number or a name like 'c3'), got {}", what, what_is(v)));
    return std::nullopt;
}

std::optional<std::pair<int, int>> Evaluator::note_range(const Value& v) {
    if (v.is(Value::Kind::Str) && v.s.find(':') != std::string::npos) {
        size_t c = v.s.find(':');
        if (v.s.find(':', c + 1) != std::string::npos) {
            diags_.error(v.span, fmt::format("{} is not a note range", describe(v))).note("a note range is 'lower:upper', e.g. 'c3:c4' (the upper note is not included)");
            return std::nullopt;
        }
        std::string lo = v.s.substr(0, c), hi = v.s.substr(c + 1);
        int l = 0, h = 0;
        if (!lo.empty()) {
            auto n = note_value(Value::str(lo, v.span), 0, 127, "note");
            if (!n) return std::nullopt;
            l = *n;
        }
        if (!hi.empty()) {
            auto n = note_value(Value::str(hi, v.span), 0, 128, "note");
            if (!n) return std::nullopt;
            h = *n;
        }
        return std::make_pair(l, h);
    }
    if (v.is_sequence()) {
        if (v.items->size() != 2) {
            diags_.error(v.span, fmt::format("a note range has two limits (lower, upper), got {}", plural(v.items->size(), "item")));
            return std::nullopt;
        }
        auto l = note_value((*v.items)[0], 0, 128, "note");
        auto h = note_value((*v.items)[1], 0, 128, "note");
        if (!l || !h) return std::nullopt;
        return std::make_pair(*l, *h);
    }
    auto n = note_value(v, 0, 127, "note");
    if (!n) return std::nullopt;
    return std::make_pair(*n, *n + 1);
}

std::optional<std::pair<int, int>> Evaluator::value_range(const Value& v, std::string_view what) {
    if (v.is_sequence()) {
        if (v.items->size() != 2) {
            diags_.error(v.span, fmt::format("a {} range has two limits (lower, upper), got {}", what, plural(v.items->size(), "item")));
            return std::nullopt;
        }
        auto l = note_value((*v.items)[0], 0, 128, what);
        auto h = note_value((*v.items)[1], 0, 128, what);
        if (!l || !h) return std::nullopt;
        return std::make_pair(*l, *h);
    }
    if (v.is(Value::Kind::Str)) {
        diags_.error(v.span, fmt::format("expected a {} or a (lower, upper) range, got {}", what, describe(v)));
        return std::nullopt;
    }
    auto n = note_value(v, 0, 127, what);
    if (!n) return std::nullopt;
    return std::make_pair(*n, *n + 1);
}

std::optional<int> Evaluator::port_value(const Value& v) {
    if (v.is(Value::Kind::Str)) {
        std::optional<int> in, out;
        // A configured name, or the default in_N / out_N of an unnamed port (N follows data_offset).
        auto name_of = [&](const std::vector<PortConfig>& ports, size_t i, std::string_view prefix) {
            return ports[i].name.empty() ? fmt::format("{}{}", prefix, i + static_cast<size_t>(out_.config.data_offset)) : ports[i].name;
        };
        for (size_t i = 0; i < out_.config.in_ports.size(); ++i)
            if (name_of(out_.config.in_ports, i, "in_") == v.s) in = static_cast<int>(i);
        for (size_t i = 0; i < out_.config.out_ports.size(); ++i)
            if (name_of(out_.config.out_ports, i, "out_") == v.s) out = static_cast<int>(i);
        if (in && out && *in != *out) {
            diags_.error(v.span, fmt::format("port name '{}' is ambiguous: input port {} and output port {}", v.s,
                                             *in + out_.config.data_offset, *out + out_.config.data_offset));
            return std::nullopt;
        }
        if (out) return out;
        if (in) return in;
        std::vector<std::string> names;
        for (size_t i = 0; i < out_.config.out_ports.size(); ++i) names.push_back(name_of(out_.config.out_ports, i, "out_"));
        for (size_t i = 0; i < out_.config.in_ports.size(); ++i) names.push_back(name_of(out_.config.in_ports, i, "in_"));
        auto& d = diags_.error(v.span, fmt::format("unknown port name '{}'", v.s));
        if (auto m = closest_match(v.s, names); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
        else {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "'" : ", '") + n + "'";
            d.note(fmt::format("the ports are {}; name them with config(in_ports=[...], out_ports=[...])", list));
        }
        return std::nullopt;
    }
    if (v.is(Value::Kind::NoDataOffset)) return static_cast<int>(v.i);
    if (v.is_int() && !v.is(Value::Kind::Bool)) {
        int off = out_.config.data_offset;
        if (v.i < off || v.i > 0xFFFF) {
            auto& d = diags_.error(v.span, fmt::format("port {} is out of range (ports are numbered from {})", v.i, off));
            if (off == 1 && v.i == 0) d.note("numbers start at 1 (data_offset=1); use config(data_offset=0) to count from 0");
            return std::nullopt;
        }
        return static_cast<int>(v.i - off);
    }
    if (!v.is_error()) diags_.error(v.span, fmt::format("expected a port number or name, got {}", what_is(v)));
    return std::nullopt;
}

std::optional<int> Evaluator::offset_number(const Value& v, int count, std::string_view what) {
    if (v.is(Value::Kind::NoDataOffset)) {
        if (v.i < 0 || v.i >= count) {
            diags_.error(v.span, fmt::format("{} {} is out of range 0..{}", what, v.i, count - 1));
            return std::nullopt;
        }
        return static_cast<int>(v.i);
    }
    if (v.is_int() && !v.is(Value::Kind::Bool)) {
        int off = out_.config.data_offset;
        if (v.i < off || v.i >= off + count) {
            auto& d = diags_.error(v.span, fmt::format("{} {} is out of range {}..{}", what, v.i, off, off + count - 1));
            if (off == 1 && v.i == 0) d.note("numbers start at 1 (data_offset=1); use config(data_offset=0) to count from 0");
            return std::nullopt;
        }
        return static_cast<int>(v.i - off);
    }
    if (!v.is_error()) diags_.error(v.span, fmt::format("expected a {} number, got {}", what, what_is(v)));
    return std::nullopt;
}

std::optional<std::string> Evaluator::sysex_bytes(const Value& v, bool partial) {
    std::string bytes;
    std::vector<Span> where;  // the source of each byte, for carets under the bad one
    // A plain string literal maps characters to source offsets one to one.
    std::string_view source = sources_.text(v.span);
    bool literal = v.is(Value::Kind::Str) && source.size() == v.s.size() + 2 && source.substr(1, v.s.size()) == v.s;
    auto char_span = [&](size_t at, size_t len) {
        return literal ? Span{v.span.file, v.span.begin + 1 + static_cast<uint32_t>(at), v.span.begin + 1 + static_cast<uint32_t>(at + len)} : v.span;
    };
    if (v.is(Value::Kind::Str) && v.s.size() >= 2 && static_cast<unsigned char>(v.s[0]) == 0xC3 && static_cast<unsigned char>(v.s[1]) == 0xB0) {
        // A binary string, as mididings takes it: '\xf0\x7e...\xf7', one character per byte
        // (strings hold UTF-8, so U+0080..U+00FF arrive as two bytes each).
        for (size_t i = 0; i < v.s.size();) {
            auto c = static_cast<unsigned char>(v.s[i]);
            size_t len = c < 0x80 ? 1 : (c == 0xC2 || c == 0xC3) && i + 1 < v.s.size() ? 2 : 0;
            if (len == 0) {
                diags_.error(v.span, fmt::format("{} is not SysEx data: a binary SysEx string holds characters \\x00..\\xff only", describe(v)));
                return std::nullopt;
            }
            bytes += static_cast<char>(len == 1 ? c : ((c & 0x03) << 6) | (static_cast<unsigned char>(v.s[i + 1]) & 0x3F));
            where.push_back(v.span);
            i += len;
        }
    } else if (v.is(Value::Kind::Str)) {
        // ASCII hex: 'F0 7E 7F 09 01 F7', 'F0,7E,...', 'F07E7F0901F7' (a lone digit is one byte)
        size_t i = 0;
        while (i < v.s.size()) {
            char c = v.s[i];
            if (c == ' ' || c == ',' || c == '\t') { ++i; continue; }
            size_t j = i;
            while (j < v.s.size() && std::isxdigit(static_cast<unsigned char>(v.s[j]))) ++j;
            if (j == i) {
                diags_.error(char_span(i, 1), fmt::format("{} is not SysEx data", describe(v)))
                    .note("write SysEx as hex bytes, e.g. 'F0 7E 7F 09 01 F7', or as a list of numbers");
                return std::nullopt;
            }
            size_t len = j - i;
            if (len % 2 && len > 1) {
                diags_.error(char_span(i, len), fmt::format("SysEx string {} has an odd number of hex digits", describe(v)));
                return std::nullopt;
            }
            for (size_t k = i; k < j; k += len == 1 ? 1 : 2) {
                size_t n = len == 1 ? 1 : 2;
                bytes += static_cast<char>(std::stoi(v.s.substr(k, n), nullptr, 16));
                where.push_back(char_span(k, n));
            }
            i = j;
        }
    } else if (v.is(Value::Kind::Bytes)) {
        bytes = v.s;
        where.assign(bytes.size(), v.span);
    } else if (v.is_sequence()) {
        for (const Value& b : *v.items) {
            if (!b.is_int() || b.as_int() < 0 || b.as_int() > 255) {
                diags_.error(b.span, fmt::format("SysEx bytes are 0..255, got {}", describe(b)));
                return std::nullopt;
            }
            bytes += static_cast<char>(b.as_int());
            where.push_back(b.span.valid() ? b.span : v.span);
        }
    } else {
        if (!v.is_error()) diags_.error(v.span, fmt::format("expected SysEx data (hex string or list of bytes), got {}", what_is(v)));
        return std::nullopt;
    }
    auto byte = [&](size_t i) { return static_cast<unsigned char>(bytes[i]); };
    if (bytes.empty() || byte(0) != 0xF0) {
        diags_.error(where.empty() ? v.span : where[0],
                     bytes.empty() ? std::string("SysEx data must start with F0, but it is empty") : fmt::format("SysEx data must start with F0, not {:02X}", byte(0)));
        return std::nullopt;
    }
    bool ends = bytes.size() >= 2 && byte(bytes.size() - 1) == 0xF7;
    if (!partial && !ends) {
        diags_.error(where.back(), fmt::format("SysEx data must end with F7, not {:02X}", byte(bytes.size() - 1)));
        return std::nullopt;
    }
    for (size_t i = 1; i + (ends ? 1 : 0) < bytes.size(); ++i)
        if (byte(i) > 0x7F) {
            diags_.error(where[i], fmt::format("SysEx byte {} of {} is {:02X}, but data bytes are 00..7F (between F0 and F7)", i + 1, bytes.size(), byte(i)));
            return std::nullopt;
        }
    return bytes;
}

std::optional<std::string> Evaluator::manufacturer_bytes(const Value& v) {
    std::string id;
    if (v.is_int() && !v.is(Value::Kind::Bool)) {
        if (v.i < 0 || v.i > 0x7F) {
            diags_.error(v.span, fmt::format("manufacturer id {} is out of range 0..7F", sources_.text(v.span)));
            return std::nullopt;
        }
        id = std::string(1, static_cast<char>(v.i));
    } else {
        Value padded = v;
        if (v.is(Value::Kind::Str) || v.is(Value::Kind::Bytes) || v.is_sequence()) {
            // parse as SysEx-like bytes without F0/F7 framing
            std::vector<Value> items;
            if (v.is(Value::Kind::Str)) {
                auto b = sysex_bytes(Value::str("F0 " + v.s + " F7", v.span), false);
                if (!b) return std::nullopt;
                id = b->substr(1, b->size() - 2);
            } else if (v.is(Value::Kind::Bytes)) {
                id = v.s;
            } else {
                for (const Value& b : *v.items) {
                    if (!b.is_int() || b.as_int() < 0 || b.as_int() > 0x7F) {
                        diags_.error(b.span, fmt::format("manufacturer id bytes are 0..127, got {}", describe(b)));
                        return std::nullopt;
                    }
                    id += static_cast<char>(b.as_int());
                }
            }
        } else {
            if (!v.is_error()) diags_.error(v.span, fmt::format("expected a manufacturer id, got {}", what_is(v)));
            return std::nullopt;
        }
    }
    if (!(id.size() == 1 || (id.size() == 3 && id[0] == 0))) {
        diags_.error(v.span, "a manufacturer id is one byte, or three bytes starting with 00");
        return std::nullopt;
    }
    return "\xF0" + id;
}

Value Evaluator::check_arg(ArgKind kind, const Value& v, const UnitInfo& unit, std::string_view param) {
    Span sp = v.span;
    auto fail = [&]() { return Value::error(sp); };
    auto expect = [&](std::string_view desc) {
        if (!v.is_error())
            diags_.error(sp, fmt::format("{} argument '{}' must be {}, got {}", unit.name, param, desc,
                                         what_is(v)));
        return Value::error(sp);
    };
    auto ref = [&]() -> std::optional<Value> {
        if (v.is(Value::Kind::EventRef)) return v;
        return std::nullopt;
    };
    auto as_int_value = [&](std::optional<int> n) { return n ? Value::integer(*n, sp) : fail(); };
    auto list_of = [&](auto each) -> Value {
        std::vector<Value> flat;
        std::function<bool(const Value&)> add = [&](const Value& x) {
            if (x.is_sequence()) {
                for (const Value& y : *x.items) if (!add(y)) return false;
                return true;
            }
            if (x.is(Value::Kind::Range)) {
                auto items = iterate(x, x.span);
                if (!items) return false;
                for (const Value& y : *items) if (!add(y)) return false;
                return true;
            }
            Value c = each(x);
            if (c.is_error()) return false;
            flat.push_back(c);
            return true;
        };
        if (!add(v)) return fail();
        return Value::list(std::move(flat), sp);
    };

    switch (kind) {
    case K::Any: return v;
    case K::Int:
        if (v.is_int() && !v.is(Value::Kind::Bool)) return v;
        if (v.is(Value::Kind::NoDataOffset)) return Value::integer(v.i, sp);
        if (v.is(Value::Kind::EventRef))
            return expect("an integer (EVENT_* references are only allowed in generators and SceneSwitch)");
        return expect("an integer");
    case K::Number:
        if (v.is_number() && !v.is(Value::Kind::Bool)) return v;
        return expect("a number");
    case K::Bool:
        if (v.is(Value::Kind::Bool)) return v;
        if (v.is_int() && (v.i == 0 || v.i == 1)) return Value::boolean(v.i != 0, sp);
        return expect("True or False");
    case K::Str:
        if (v.is(Value::Kind::Str)) return v;
        return expect("a string");
    case K::OptStr:
        if (v.is(Value::Kind::Str) || v.is(Value::Kind::None)) return v;
        return expect("a string or None");
    case K::OptInt:
        if ((v.is_int() && !v.is(Value::Kind::Bool)) || v.is(Value::Kind::None)) return v;
        return expect("an integer or None");
    case K::IntRef:
        if (auto r = ref()) return *r;
        if (v.is_int() && !v.is(Value::Kind::Bool)) return v;
        return expect("an integer or an EVENT_* reference");
    case K::Note: return as_int_value(note_value(v, 0, 127, "note"));
    case K::NoteRef:
        if (auto r = ref()) return *r;
        return as_int_value(note_value(v, 0, 127, "note"));
    case K::OptNote:
        if (v.is(Value::Kind::None)) return v;
        return as_int_value(note_value(v, 0, 127, "note"));
    case K::NoteLimit: return as_int_value(note_value(v, 0, 128, "note"));
    case K::NoteRange: {
        auto r = note_range(v);
        if (!r) return fail();
        return Value::tuple({Value::integer(r->first, sp), Value::integer(r->second, sp)}, sp);
    }
    case K::NoteList: return list_of([&](const Value& x) { return as_int_value(note_value(x, 0, 127, "note")); });
    case K::NoteLimitList: {
        Value l = list_of([&](const Value& x) { return as_int_value(note_value(x, 0, 128, "note")); });
        if (l.is_error()) return l;
        if (l.items->size() < 2) {
            diags_.error(sp, fmt::format("{} needs at least two notes, got {}", unit.name, l.items->size()));
            return fail();
        }
        for (size_t i = 1; i < l.items->size(); ++i)
            if ((*l.items)[i].i < (*l.items)[i - 1].i) {
                diags_.error(sp, fmt::format("{} notes must be in ascending order", unit.name));
                return fail();
            }
        return l;
    }
    case K::Velocity:
        if (v.is(Value::Kind::Str)) return expect(arg_kind_description(kind));
        return as_int_value(note_value(v, 0, 127, "velocity"));
    case K::VelocityRef:
        if (auto r = ref()) return *r;
        if (v.is(Value::Kind::Str)) return expect(arg_kind_description(kind));
        return as_int_value(note_value(v, 0, 127, "velocity"));
    case K::VelocityLimit: case K::CtrlLimit:
        if (v.is(Value::Kind::Str)) return expect(arg_kind_description(kind));
        return as_int_value(note_value(v, 0, 128, kind == K::CtrlLimit ? "controller value" : "velocity"));
    case K::Ctrl: case K::CtrlValue:
        if (v.is(Value::Kind::Str)) return expect(arg_kind_description(kind));
        return as_int_value(note_value(v, 0, 127, kind == K::Ctrl ? "controller" : "controller value"));
    case K::CtrlRef: case K::CtrlValueRef:
        if (auto r = ref()) return *r;
        if (v.is(Value::Kind::Str)) return expect(arg_kind_description(kind));
        return as_int_value(note_value(v, 0, 127, kind == K::CtrlRef ? "controller" : "controller value"));
    case K::OptCtrlValue:
        if (v.is(Value::Kind::None)) return v;
        if (v.is(Value::Kind::Str)) return expect(arg_kind_description(kind));
        return as_int_value(note_value(v, 0, 127, "controller value"));
    case K::Port: return as_int_value(port_value(v));
    case K::PortRef:
        if (auto r = ref()) return *r;
        return as_int_value(port_value(v));
    case K::OptPort:
        if (v.is(Value::Kind::None)) return v;
        return as_int_value(port_value(v));
    case K::Channel: return as_int_value(offset_number(v, 16, "channel"));
    case K::ChannelRef:
        if (auto r = ref()) return *r;
        return as_int_value(offset_number(v, 16, "channel"));
    case K::OptChannel:
        if (v.is(Value::Kind::None)) return v;
        return as_int_value(offset_number(v, 16, "channel"));
    case K::Program: return as_int_value(offset_number(v, 128, "program"));
    case K::ProgramRef:
        if (auto r = ref()) return *r;
        return as_int_value(offset_number(v, 128, "program"));
    case K::OutputProgram: {
        if (v.is(Value::Kind::None)) return v;
        if (v.is_sequence()) {
            if (v.items->size() != 2) {
                diags_.error(sp, "Output program is a program number or a (bank, program) pair");
                return fail();
            }
            const Value& bank = (*v.items)[0];
            if (!bank.is_int() || bank.as_int() < 0 || bank.as_int() > 16383) {
                diags_.error(bank.span, fmt::format("bank {} is out of range 0..16383", describe(bank)));
                return fail();
            }
            auto p = offset_number((*v.items)[1], 128, "program");
            if (!p) return fail();
            return Value::tuple({Value::integer(bank.as_int(), bank.span), Value::integer(*p, (*v.items)[1].span)}, sp);
        }
        return as_int_value(offset_number(v, 128, "program"));
    }
    case K::SceneRef: case K::SubsceneRef:
        if (auto r = ref()) return *r;
        return as_int_value(offset_number(v, 1 << 16, kind == K::SceneRef ? "scene" : "subscene"));
    case K::EventType: {
        if (!v.is(Value::Kind::TypeMask)) return expect("one event type (NOTEON, CTRL, ...)");
        uint32_t m = static_cast<uint32_t>(v.i);
        if (m == 0 || (m & (m - 1)) != 0 || m == engine::DUMMY) return expect("exactly one event type (not a combination)");
        return v;
    }
    case K::EventTypes: {
        uint32_t mask = 0;
        bool ok = true;
        std::function<void(const Value&)> add = [&](const Value& x) {
            if (x.is(Value::Kind::TypeMask)) mask |= static_cast<uint32_t>(x.i);
            else if (x.is_sequence()) for (const Value& y : *x.items) add(y);
            else {
                if (!x.is_error())
                    diags_.error(x.span, fmt::format("{} argument '{}' must be event types (NOTE, CTRL|PROGRAM, ...), got {}",
                                                     unit.name, param, what_is(x)));
                ok = false;
            }
        };
        add(v);
        return ok ? Value::mask(mask, sp) : fail();
    }
    case K::Ports: return list_of([&](const Value& x) { return as_int_value(port_value(x)); });
    case K::Channels: return list_of([&](const Value& x) { return as_int_value(offset_number(x, 16, "channel")); });
    case K::Ctrls: return list_of([&](const Value& x) {
        if (x.is(Value::Kind::Str)) { diags_.error(x.span, fmt::format("expected a controller number, got {}", describe(x))); return fail(); }
        return as_int_value(note_value(x, 0, 127, "controller"));
    });
    case K::Programs: return list_of([&](const Value& x) { return as_int_value(offset_number(x, 128, "program")); });
    case K::SysEx: case K::SysExPartial: {
        auto b = sysex_bytes(v, kind == K::SysExPartial);
        return b ? Value::bytes(*b, sp) : fail();
    }
    case K::Manufacturer: {
        auto b = manufacturer_bytes(v);
        return b ? Value::bytes(*b, sp) : fail();
    }
    case K::Patch: {
        PatchPtr p = to_patch(v, "a patch");
        return p ? patch_value(p) : fail();
    }
    case K::Patches: {
        std::vector<Value> ps;
        auto add = [&](const Value& x) {
            PatchPtr p = to_patch(x, "a patch");
            if (!p) return false;
            ps.push_back(patch_value(p));
            return true;
        };
        bool ok = true;
        if (v.is(Value::Kind::List) || v.is(Value::Kind::Tuple)) {
            for (const Value& x : *v.items) ok = add(x) && ok;
        } else {
            ok = add(v);
        }
        return ok ? Value::list(std::move(ps), sp) : fail();
    }
    case K::Selectors: {
        if (!v.is_sequence()) return expect("a list of filters or selectors");
        std::vector<Value> out;
        for (const Value& x : *v.items) {
            PatchPtr p = x.is(Value::Kind::TypeMask) ? to_patch(x, "a filter") : x.is(Value::Kind::Patch) ? x.patch : nullptr;
            if (!p || !p->is_selector()) {
                if (!x.is_error()) diags_.error(x.span, fmt::format("{} conditions must be filters or selectors, got {}", unit.name, what_is(x)));
                return fail();
            }
            out.push_back(patch_value(p));
        }
        return Value::list(std::move(out), sp);
    }
    case K::CtrlDict: {
        if (!v.is(Value::Kind::Dict)) return expect("a dict {controller: value}");
        std::vector<std::pair<Value, Value>> out;
        for (const auto& [k, x] : *v.entries) {
            auto c = note_value(k.is(Value::Kind::Str) ? Value::error(k.span) : k, 0, 127, "controller");
            auto val = note_value(x.is(Value::Kind::Str) ? Value::error(x.span) : x, 0, 127, "controller value");
            if (!c || !val) {
                if (k.is(Value::Kind::Str) || x.is(Value::Kind::Str)) diags_.error(k.span, "ctrls maps controller numbers to values (0..127)");
                return fail();
            }
            out.emplace_back(Value::integer(*c, k.span), Value::integer(*val, x.span));
        }
        return Value::dict(std::move(out), sp);
    }
    case K::IntList: return list_of([&](const Value& x) { return x.is_int() && !x.is(Value::Kind::Bool) ? x : (diags_.error(x.span, fmt::format("expected an integer, got {}", what_is(x))), fail()); });
    case K::NumberList: return list_of([&](const Value& x) { return x.is_number() && !x.is(Value::Kind::Bool) ? x : (diags_.error(x.span, fmt::format("expected a number, got {}", what_is(x))), fail()); });
    case K::VelocityList: return list_of([&](const Value& x) { return as_int_value(note_value(x, 0, 127, "velocity")); });
    case K::IntOrIntList:
        if (v.is_int()) return Value::list({v}, sp);
        return list_of([&](const Value& x) { return x.is_int() ? x : (diags_.error(x.span, fmt::format("expected an integer, got {}", what_is(x))), fail()); });
    case K::Callable:
        if (v.is(Value::Kind::Lambda) || v.is(Value::Kind::PyRef)) return v;
        if (v.is(Value::Kind::Macro)) {
            diags_.error(sp, fmt::format("'{}' is a patch macro, not a Python function", v.s))
                .with_help("define the function in a Python module next to the patch and import it, or use a lambda");
            return fail();
        }
        if (v.is(Value::Kind::Unit)) {
            diags_.error(sp, fmt::format("'{}' is an mdc unit, not a Python function", describe(v)));
            return fail();
        }
        return expect("a Python function or lambda");
    case K::StrOrCallable:
        if (v.is(Value::Kind::Str) || v.is(Value::Kind::Lambda) || v.is(Value::Kind::PyRef)) return v;
        return expect("a string or a Python function");
    case K::PortNamesMode:
        if (v.is(Value::Kind::None) || (v.is(Value::Kind::Str) && (v.s == "in" || v.s == "out"))) return v;
        return expect("'in', 'out' or None");
    case K::RemoveDuplicates:
        if (v.is(Value::Kind::None)) return Value::boolean(true, sp);
        if (v.is(Value::Kind::Bool)) return v;
        return expect("True, False or None");
    case K::MapTypes: case K::MapPorts: case K::MapChannels: case K::MapNoteRanges: case K::MapVelocityRanges:
    case K::MapCtrls: case K::MapCtrlRanges: case K::MapPrograms: case K::MapSysEx: case K::MapManufacturers: {
        PatchPtr p = make_split(unit, v, kind, sp);
        return p ? patch_value(p) : fail();
    }
    case K::Tonic: {
        if (v.is_int() && v.i >= 0 && v.i < 12) return v;
        if (v.is(Value::Kind::Str)) {
            static const std::pair<std::string_view, int> names[] = {
                {"c", 0}, {"c#", 1}, {"db", 1}, {"d", 2}, {"d#", 3}, {"eb", 3}, {"e", 4}, {"f", 5}, {"f#", 6},
                {"gb", 6}, {"g", 7}, {"g#", 8}, {"ab", 8}, {"a", 9}, {"a#", 10}, {"bb", 10}, {"b", 11}};
            std::string lower;
            for (char c : v.s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            for (auto& [n, pc] : names)
                if (n == lower) return Value::integer(pc, sp);
            if (std::none_of(lower.begin(), lower.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
                diags_.error(sp, fmt::format("unknown key {}", describe(v)))
                    .note("a key is a note letter a..g with an optional '#' or 'b' ('c', 'f#', 'bb'), or a pitch class 0..11");
                return fail();
            }
            auto full = note_value(v, 0, 127, "note");
            if (full) return Value::integer(*full % 12, sp);
            return fail();
        }
        return expect("a key name ('c', 'f#', 'bb', ...) or a pitch class 0..11");
    }
    case K::Scale: {
        static constexpr std::string_view scales[] = {"major", "minor", "minor_harmonic", "ionian", "dorian", "phrygian",
                                                      "lydian", "mixolydian", "aeolian", "locrian"};
        if (v.is(Value::Kind::Str)) {
            for (auto s : scales)
                if (s == v.s) return v;
            auto& d = diags_.error(sp, fmt::format("unknown scale {}", describe(v)));
            std::vector<std::string_view> names(std::begin(scales), std::end(scales));
            if (auto m = closest_match(v.s, names); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
            else d.note("scales: major, minor, minor_harmonic, ionian, dorian, phrygian, lydian, mixolydian, aeolian, locrian");
            return fail();
        }
        if (v.is_sequence()) {
            for (const Value& x : *v.items)
                if (!x.is_int() || x.as_int() < 0 || x.as_int() > 11) return expect("a scale name or a list of semitones 0..11");
            if (v.items->empty()) {
                diags_.error(sp, "a scale needs at least one note").with_help("for example [0, 2, 4, 5, 7, 9, 11]");
                return fail();
            }
            return v;
        }
        return expect("a scale name or a list of semitones 0..11");
    }
    case K::Interval: {
        static constexpr std::string_view names[] = {"unison", "second", "third", "fourth", "fifth", "sixth", "seventh",
                                                     "octave", "ninth", "tenth", "eleventh", "twelfth", "thirteenth"};
        std::function<bool(const Value&)> ok_one = [&](const Value& x) {
            if (x.is_int() && !x.is(Value::Kind::Bool)) return true;
            if (x.is(Value::Kind::Str)) {
                for (auto n : names)
                    if (n == x.s) return true;
                auto& d = diags_.error(x.span, fmt::format("unknown interval {}", describe(x)));
                std::vector<std::string_view> ns(std::begin(names), std::end(names));
                if (auto m = closest_match(x.s, ns); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
                else d.note("intervals: unison, second, third, fourth, fifth, sixth, seventh, octave, ninth, tenth, eleventh, twelfth, thirteenth, or a number of scale steps");
                return false;
            }
            diags_.error(x.span, fmt::format("an interval is a number or a name like 'third', got {}", what_is(x)));
            return false;
        };
        if (v.is_sequence()) {  // always a list: one voice per interval
            for (const Value& x : *v.items) if (!ok_one(x)) return fail();
            return Value::list(*v.items, sp);
        }
        return ok_one(v) ? Value::list({v}, sp) : fail();
    }
    case K::NonHarmonic:
        if (v.is(Value::Kind::Str) && (v.s == "below" || v.s == "above" || v.s == "skip" || v.s == "same")) return v;
        return expect("'below', 'above', 'skip' or 'same'");
    case K::Voice:
        if ((v.is(Value::Kind::Str) && (v.s == "highest" || v.s == "lowest")) || (v.is_int() && !v.is(Value::Kind::Bool))) return v;
        return expect("'highest', 'lowest' or a voice index");
    case K::KeyColor:
        if (v.is(Value::Kind::Str) && (v.s == "black" || v.s == "white")) return v;
        return expect("'black' or 'white'");
    case K::OscTarget:  // kept as written (osc_target_url gives the URL where it is used)
        return osc_target_url(v, fmt::format("{} {}", unit.name, param), diags_) ? v : fail();
    case K::OscTargets: {
        std::vector<Value> targets;
        for (const Value& x : v.is_sequence() && !v.is(Value::Kind::Tuple) ? v.elements() : std::vector<Value>{v}) {
            if (!osc_target_url(x, fmt::format("{} {}", unit.name, param), diags_)) return fail();
            targets.push_back(x);
        }
        return Value::list(std::move(targets), sp);
    }
    case K::OscArgs: return v;
    }
    return v;
}

// ---- building patches ---------------------------------------------------------------------

PatchPtr Evaluator::to_patch(const Value& v, std::string_view what) {
    switch (v.kind) {
    case Value::Kind::Patch:
        if (is_template(v)) {  // an OutputTemplate used as it is: an Output with its arguments
            Value out = call_value(v, Arguments{{}, {}, {}, v.span});
            return out.is_error() ? nullptr : out.patch;
        }
        if (v.patch->kind == Patch::Kind::Unit && v.patch->unit && is_hook_unit(v.patch->unit->name)) {
            diags_.error(v.span, fmt::format("{} is a hook, not a patch", v.patch->unit->name))
                .with_help(fmt::format("register it with hook({}(...))", v.patch->unit->name));
            return nullptr;
        }
        if (v.patch->kind == Patch::Kind::And || v.patch->kind == Patch::Kind::Or) return selector_build(v.patch, false, v.span);
        return v.patch;
    case Value::Kind::List: {
        auto fork = std::make_shared<Patch>();
        fork->kind = Patch::Kind::Fork;
        fork->span = v.span;
        for (const Value& x : *v.items) {
            PatchPtr p = to_patch(x, what);
            if (!p) return nullptr;
            fork->children.push_back(p);
        }
        return fork;
    }
    case Value::Kind::Dict: return make_split(*find_unit("Split"), v, ArgKind::MapTypes, v.span);
    case Value::Kind::TypeMask: {
        auto f = std::make_shared<Patch>();
        f->kind = Patch::Kind::Unit;
        f->span = v.span;
        f->unit = find_unit("Filter");
        f->overload = 0;
        f->args = {v};
        return f;
    }
    case Value::Kind::Error: return nullptr;
    case Value::Kind::Unit:
        if (v.unit) {
            bool no_args = std::any_of(v.unit->overloads.begin(), v.unit->overloads.end(), [](const Overload& o) {
                return std::all_of(o.params.begin(), o.params.end(), [](const ParamSpec& p) { return p.def.kind != ParamDefault::Kind::Required; });
            });
            diags_.error(v.span, fmt::format("'{}' is a unit, not a patch", v.unit->name))
                .with_help(fmt::format("call it: {}({})", v.unit->name, no_args ? "" : "..."));
            return nullptr;
        }
        break;
    case Value::Kind::Tuple:
        diags_.error(v.span, fmt::format("expected {}, got a tuple", what))
            .with_help("use a list [a, b] for a fork, or '>>' for a chain");
        return nullptr;
    default: break;
    }
    diags_.error(v.span, fmt::format("expected {}, got {}", what, what_is(v)));
    return nullptr;
}

Value Evaluator::build_unit_patch(const UnitInfo& unit, int overload, std::vector<Value> args, Span span) {
    auto p = std::make_shared<Patch>();
    p->span = span;
    p->unit = &unit;
    p->overload = overload;
    std::string_view n = unit.name;
    if (n == "Chain" || n == "Fork") {
        p->kind = n == "Chain" ? Patch::Kind::Chain : Patch::Kind::Fork;
        for (const Value& x : *args[0].items) p->children.push_back(x.patch);
        if (n == "Fork") p->remove_duplicates = args[1].flag;
        p->unit = nullptr;
        p->overload = -1;
        return patch_value(p);
    }
    if (n == "Split" || unit.family == UnitFamily::Split) {
        // The mapping argument was turned into the split node by check_arg; threshold forms become
        // a two-branch split here.
        if (args.size() == 1) return args[0];
        auto s = std::make_shared<Patch>();
        s->kind = Patch::Kind::Split;
        s->span = span;
        s->unit = &unit;
        s->overload = overload;
        int t = static_cast<int>(args[0].i);
        s->keys = {Value::tuple({Value::integer(0, span), Value::integer(t, span)}, span),
                   Value::tuple({Value::integer(t, span), Value::integer(0, span)}, span)};
        s->children = {args[1].patch, args[2].patch};
        return patch_value(s);
    }
    if (n == "And" || n == "Or") {
        p->kind = n == "And" ? Patch::Kind::And : Patch::Kind::Or;
        for (const Value& x : *args[0].items) p->children.push_back(x.patch);
        p->unit = nullptr;
        return patch_value(p);
    }
    if (n == "Init" || n == "Exit") p->children.push_back(args[0].patch);
    if (n == "OutputTemplate") p->children = {nullptr, nullptr};  // patches chained before and after it
    if (n == "FloatingKeySplit") p->children = {args[2].patch, args[3].patch};
    p->kind = Patch::Kind::Unit;
    p->args = std::move(args);
    return patch_value(p);
}

// XSplit({k1: A, k2: B, None: E}); keys are normalised per split kind.
PatchPtr Evaluator::make_split(const UnitInfo& unit, const Value& mapping, ArgKind key_kind, Span span) {
    if (!mapping.is(Value::Kind::Dict)) {
        if (!mapping.is_error())
            diags_.error(mapping.span, fmt::format("{} takes {}, got {}", unit.name, arg_kind_description(key_kind), what_is(mapping)));
        return nullptr;
    }
    auto s = std::make_shared<Patch>();
    s->kind = Patch::Kind::Split;
    s->span = span;
    s->unit = &unit;
    for (size_t i = 0; i < unit.overloads.size(); ++i)  // the mapping form's overload
        if (unit.overloads[i].params.size() == 1 && unit.overloads[i].params[0].kind == key_kind) s->overload = static_cast<int>(i);
    PatchPtr else_branch;
    bool ok = true;
    for (const auto& [key, value] : *mapping.entries) {
        PatchPtr branch = to_patch(value, "a patch");
        if (!branch) { ok = false; continue; }
        if (key.is(Value::Kind::None)) {
            else_branch = branch;
            continue;
        }
        Value k;
        auto tuple_list = [&, &key = key](auto each) -> Value {
            std::vector<Value> out;
            auto add = [&](const Value& x) {
                Value c = each(x);
                if (c.is_error()) return false;
                out.push_back(c);
                return true;
            };
            if (key.is(Value::Kind::Tuple)) {
                for (const Value& x : *key.items) if (!add(x)) return Value::error(key.span);
            } else if (!add(key)) {
                return Value::error(key.span);
            }
            return Value::list(std::move(out), key.span);
        };
        switch (key_kind) {
        case K::MapTypes: {
            uint32_t m = 0;
            bool good = true;
            auto add = [&](const Value& x) {
                if (x.is(Value::Kind::TypeMask)) m |= static_cast<uint32_t>(x.i);
                else {
                    if (!x.is_error())
                        diags_.error(x.span, fmt::format("a type split's keys are event types (NOTE, CTRL, ...) or None, got {}",
                                                         what_is(x)));
                    good = false;
                }
            };
            if (key.is(Value::Kind::Tuple)) for (const Value& x : *key.items) add(x);
            else add(key);
            k = good ? Value::mask(m, key.span) : Value::error(key.span);
            break;
        }
        case K::MapPorts: k = tuple_list([&](const Value& x) { auto n = port_value(x); return n ? Value::integer(*n, x.span) : Value::error(x.span); }); break;
        case K::MapChannels: k = tuple_list([&](const Value& x) { auto n = offset_number(x, 16, "channel"); return n ? Value::integer(*n, x.span) : Value::error(x.span); }); break;
        case K::MapPrograms: k = tuple_list([&](const Value& x) { auto n = offset_number(x, 128, "program"); return n ? Value::integer(*n, x.span) : Value::error(x.span); }); break;
        case K::MapCtrls: k = tuple_list([&](const Value& x) {
            if (x.is(Value::Kind::Str)) { diags_.error(x.span, fmt::format("expected a controller number, got {}", describe(x))); return Value::error(x.span); }
            auto n = note_value(x, 0, 127, "controller");
            return n ? Value::integer(*n, x.span) : Value::error(x.span);
        }); break;
        case K::MapNoteRanges: {
            auto r = note_range(key);
            k = r ? Value::tuple({Value::integer(r->first, key.span), Value::integer(r->second, key.span)}, key.span) : Value::error(key.span);
            break;
        }
        case K::MapVelocityRanges: case K::MapCtrlRanges: {
            auto r = value_range(key, key_kind == K::MapVelocityRanges ? "velocity" : "controller value");
            k = r ? Value::tuple({Value::integer(r->first, key.span), Value::integer(r->second, key.span)}, key.span) : Value::error(key.span);
            break;
        }
        case K::MapSysEx: {
            auto b = sysex_bytes(key, true);
            k = b ? Value::bytes(*b, key.span) : Value::error(key.span);
            break;
        }
        case K::MapManufacturers: {
            auto b = manufacturer_bytes(key);
            k = b ? Value::bytes(*b, key.span) : Value::error(key.span);
            break;
        }
        default: k = Value::error(key.span);
        }
        if (k.is_error()) { ok = false; continue; }
        s->keys.push_back(k);
        s->children.push_back(branch);
    }
    if (!ok) return nullptr;
    if (else_branch) {
        s->children.push_back(else_branch);
        s->has_else = true;
    }
    return s;
}

bool is_template(const Value& v) {
    return v.is(Value::Kind::Patch) && v.patch->kind == Patch::Kind::Unit && v.patch->unit && v.patch->unit->name == "OutputTemplate";
}

Value Evaluator::chain(const Value& a, const Value& b, Span span) {
    // `X >> template` and `template >> X` are templates too (mididings' OutputTemplate).
    if (is_template(a) != is_template(b)) {
        const Value& t = is_template(a) ? a : b;
        const Value& other = is_template(a) ? b : a;
        auto copy = std::make_shared<Patch>(*t.patch);
        PatchPtr& side = is_template(a) ? copy->children[1] : copy->children[0];
        Value existing = side ? patch_value(side) : Value();
        Value joined = !side ? other : is_template(a) ? chain(existing, other, span) : chain(other, existing, span);
        PatchPtr p = to_patch(joined, "a patch");
        if (!p) return Value::error(span);
        side = p;
        copy->span = span;
        return patch_value(copy);
    }
    PatchPtr l = to_patch(a, "a patch"), r = to_patch(b, "a patch");
    if (!l || !r) return Value::error(span);
    auto c = std::make_shared<Patch>();
    c->kind = Patch::Kind::Chain;
    c->span = span;
    for (const PatchPtr& p : {l, r}) {
        if (p->kind == Patch::Kind::Chain) c->children.insert(c->children.end(), p->children.begin(), p->children.end());
        else c->children.push_back(p);
    }
    return patch_value(c);
}

Value Evaluator::fork(const Value& a, const Value& b, Span span) {
    PatchPtr l = to_patch(a, "a patch"), r = to_patch(b, "a patch");
    if (!l || !r) return Value::error(span);
    auto f = std::make_shared<Patch>();
    f->kind = Patch::Kind::Fork;
    f->span = span;
    // `//` flattens forks like mididings, but a fork with remove_duplicates=False stays a fork of
    // its own (mididings loses the flag here; mdc keeps it).
    for (const PatchPtr& p : {l, r}) {
        if (p->kind == Patch::Kind::Fork && p->remove_duplicates) f->children.insert(f->children.end(), p->children.begin(), p->children.end());
        else f->children.push_back(p);
    }
    return patch_value(f);
}

PatchPtr Evaluator::selector_build(const PatchPtr& s, bool negated, Span span) {
    auto node = std::make_shared<Patch>();
    node->span = span;
    if (s->kind == Patch::Kind::And || s->kind == Patch::Kind::Or) {
        // And: build = chain, negated = fork of negations; Or: the other way round.
        bool as_chain = (s->kind == Patch::Kind::And) != negated;
        node->kind = as_chain ? Patch::Kind::Chain : Patch::Kind::Fork;
        for (const PatchPtr& c : s->children) node->children.push_back(selector_build(c, negated, span));
        return node;
    }
    if (!negated) return s;
    node->kind = Patch::Kind::Negate;
    node->children.push_back(s);
    return node;
}

Value Evaluator::select(const Value& selector, const Value& then, Span span) {
    PatchPtr s = selector.is(Value::Kind::TypeMask) ? to_patch(selector, "a selector") : selector.patch;
    if (!s) return Value::error(span);
    if (!s->is_selector()) {
        diags_.error(selector.span, "'%' needs a filter or selector on its left")
            .note("for example: ChannelFilter(1) % Transpose(12)");
        return Value::error(span);
    }
    const Value* a = &then;
    const Value* b = nullptr;
    if (then.is(Value::Kind::Tuple)) {
        if (then.items->size() != 2) {
            diags_.error(then.span, fmt::format("'S % (A, B)' takes two patches, got {}", then.items->size()));
            return Value::error(span);
        }
        a = &(*then.items)[0];
        b = &(*then.items)[1];
    }
    PatchPtr pa = to_patch(*a, "a patch");
    PatchPtr pb = b ? to_patch(*b, "a patch") : nullptr;
    if (!pa || (b && !pb)) return Value::error(span);
    Value yes_v = chain(patch_value(selector_build(s, false, selector.span)), patch_value(pa), span);
    Value no_v = patch_value(selector_build(s, true, selector.span));
    if (pb) no_v = chain(no_v, patch_value(pb), span);
    if (yes_v.is_error() || no_v.is_error()) return Value::error(span);
    PatchPtr yes = yes_v.patch, no = no_v.patch;
    auto f = std::make_shared<Patch>();
    f->kind = Patch::Kind::Fork;
    f->span = span;
    f->children = {yes, no};
    return patch_value(f);
}

Value Evaluator::selector_op(bool is_and, const Value& a, const Value& b, Span span) {
    PatchPtr l = a.is(Value::Kind::TypeMask) ? to_patch(a, "a filter") : a.patch;
    PatchPtr r = b.is(Value::Kind::TypeMask) ? to_patch(b, "a filter") : b.patch;
    if (!l || !r) return Value::error(span);
    for (const auto& [p, v] : {std::pair{l, &a}, std::pair{r, &b}})
        if (!p->is_selector()) {
            diags_.error(v->span, fmt::format("'{}' combines filters and selectors, but this is not a filter", is_and ? "&" : "|"))
                .with_help(is_and ? "to run patches in series use '>>'" : "to run patches in parallel use a list or '//'");
            return Value::error(span);
        }
    auto s = std::make_shared<Patch>();
    s->kind = is_and ? Patch::Kind::And : Patch::Kind::Or;
    s->span = span;
    for (const PatchPtr& p : {l, r}) {
        if (p->kind == s->kind) s->children.insert(s->children.end(), p->children.begin(), p->children.end());
        else s->children.push_back(p);
    }
    return patch_value(s);
}

Value Evaluator::invert(const Value& v, bool negate, Span span) {
    PatchPtr f = v.is(Value::Kind::TypeMask) ? to_patch(v, "a filter") : v.patch;
    if (!f) return Value::error(span);
    auto p = std::make_shared<Patch>();
    p->kind = negate ? Patch::Kind::Negate : Patch::Kind::Invert;
    p->span = span;
    p->children.push_back(f);
    return patch_value(p);
}

}  // namespace mdc
