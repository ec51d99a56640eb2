// MIDIMonster-style python instances and mapping lines: `py1 = python("mod.py", ...)`, then
// `py1.mod.handler < keys.ch0.cc7`, `py1.out1 > synth.ch0.cc10`, `a <> b`, with {a..b} ranges and
// {x,y} lists expanded as MIDIMonster does (rightmost glob fastest). Instances, modules, handlers,
// ports and channel names are checked here; handlers are found by reading the module's source.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "evaluator.h"

namespace mdc {
namespace {

constexpr size_t max_channels = 65536;  // channels one side of a mapping line may name
constexpr int max_globs = 8;

// Expands every {a..b} and {x,y} in `text`; returns false with a message on a malformed glob.
bool expand_globs(const std::string& text, std::vector<std::string>& out, std::string& problem, int level = 0) {
    if (level > max_globs) {
        problem = fmt::format("a channel name may hold at most {} ranges or lists", max_globs);
        return false;
    }
    size_t open = text.find('{');
    if (open == std::string::npos) {
        out.push_back(text);
        return true;
    }
    size_t close = text.find('}', open);
    if (close == std::string::npos) {
        problem = "unterminated '{' in a channel name";
        return false;
    }
    std::string body = text.substr(open + 1, close - open - 1);
    std::vector<std::string> choices;
    size_t dots = body.find("..");
    if (dots != std::string::npos) {
        std::string a = body.substr(0, dots), b = body.substr(dots + 2);
        auto digits = [](const std::string& s) { return !s.empty() && s.size() < 10 && std::all_of(s.begin(), s.end(), ::isdigit); };
        if (!digits(a) || !digits(b)) {
            problem = fmt::format("range '{{{}}}' needs two non-negative numbers, e.g. {{0..15}}", body);
            return false;
        }
        long lo = std::stol(a), hi = std::stol(b);
        if (std::labs(hi - lo) > 100000) {
            problem = "range is too large";
            return false;
        }
        for (long i = lo;; i += lo <= hi ? 1 : -1) {
            choices.push_back(std::to_string(i));
            if (i == hi) break;
        }
    } else {
        std::stringstream ss(body);
        std::string item;
        while (std::getline(ss, item, ',')) choices.push_back(item);
        if (body.empty() || body.back() == ',') choices.push_back("");
        if (std::any_of(choices.begin(), choices.end(), [](const std::string& c) { return c.empty(); })) {
            problem = fmt::format("list '{{{}}}' has an empty item", body);
            return false;
        }
    }
    std::vector<std::string> rests;
    if (!expand_globs(text.substr(close + 1), rests, problem, level + 1)) return false;
    if (choices.size() * rests.size() + out.size() > max_channels) {
        problem = fmt::format("the ranges expand to more than {} channels", max_channels);
        return false;
    }
    for (const std::string& c : choices)
        for (const std::string& r : rests) out.push_back(text.substr(0, open) + c + r);
    return true;
}

// The part of a mapping side that `needle` names (the whole side when globs hide it).
Span part_span(const ast::ChannelRef& ref, const std::string& needle) {
    size_t at = needle.empty() ? std::string::npos : ref.text.rfind(needle);
    if (at == std::string::npos) return ref.span;
    return {ref.span.file, ref.span.begin + static_cast<uint32_t>(at), ref.span.begin + static_cast<uint32_t>(at + needle.size())};
}

}  // namespace

Value Evaluator::call_python_instance(Arguments args) {
    namespace fs = std::filesystem;
    Span sp = args.span;
    auto inst = std::make_shared<PythonInstance>();
    inst->span = sp;
    if (args.positional.empty()) return error(sp, "python() needs at least one module file, e.g. python(\"handlers.py\")");
    bool ok = true;
    for (const Value& v : args.positional) {
        if (!v.is(Value::Kind::Str)) {
            error(v.span, fmt::format("python() takes module file names, got {}", what_is(v)));
            ok = false;
            continue;
        }
        fs::path p = fs::path(options_.patch_dir.empty() ? "." : options_.patch_dir) / v.s;
        std::error_code ec;
        if (!fs::is_regular_file(p, ec)) {
            diags_.error(v.span, fmt::format("cannot find Python module file '{}'", v.s)).note(fmt::format("looked for '{}'", p.string()));
            ok = false;
            continue;
        }
        std::string stem = fs::path(v.s).stem().string();
        if (stem == "midimonster") {
            error(v.span, "a module named 'midimonster' would hide the midimonster API");
            ok = false;
            continue;
        }
        inst->modules.push_back(stem);
        inst->paths.push_back(p.string());
    }
    for (size_t k = 0; k < args.keywords.size(); ++k) {
        const auto& [name, v] = args.keywords[k];
        if (name != "default_handler") {
            auto& d = diags_.error(args.keyword_spans[k], fmt::format("python() has no keyword argument '{}'", name));
            if (auto m = closest_match(name, std::vector<std::string_view>{"default_handler"}); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
            ok = false;
            continue;
        }
        if (!v.is(Value::Kind::Str) || v.s.find('.') == std::string::npos) {
            error(v.span, "default_handler is 'module.function'");
            ok = false;
            continue;
        }
        std::string mod = v.s.substr(0, v.s.find('.')), fn = v.s.substr(v.s.find('.') + 1);
        auto it = std::find(inst->modules.begin(), inst->modules.end(), mod);
        if (it == inst->modules.end()) {
            error(v.span, fmt::format("default_handler names module '{}', which this instance does not load", mod));
            ok = false;
            continue;
        }
        if (!python_defines(inst->paths[static_cast<size_t>(it - inst->modules.begin())], fn, v.span)) {
            error(v.span, fmt::format("module '{}' has no function '{}'", mod, fn));
            ok = false;
            continue;
        }
        inst->default_handler = v.s;
    }
    if (!ok) return Value::error(sp);
    Value r = Value::make(Value::Kind::Instance, sp);
    r.instance = inst;
    return r;
}

void Evaluator::exec_mapping(const ast::Mapping& m, Span span) {
    // Which side feeds which: `a < b` means b -> a.
    struct Side {
        const ast::ChannelRef* ref;
        bool is_source;
    };
    auto expand = [&](const ast::ChannelRef& ref, std::vector<std::string>& out) {
        std::string problem;
        if (!expand_globs(ref.text, out, problem)) {
            diags_.error(ref.span, problem);
            return false;
        }
        return true;
    };
    std::vector<std::string> left, right;
    if (!expand(m.left, left) | !expand(m.right, right)) return;
    if (left.size() != right.size() && left.size() != 1 && right.size() != 1) {
        diags_.error(span, fmt::format("the two sides name {} and {} channels", left.size(), right.size()))
            .note("both sides must expand to the same number of channels, or one side to exactly one");
        return;
    }

    // Resolves one expanded channel name to an endpoint, or reports why it cannot be.
    auto resolve = [&](const std::string& text, const ast::ChannelRef& ref, bool is_source) -> std::optional<MappingEndpoint> {
        MappingEndpoint ep;
        ep.span = ref.span;
        ep.text = text;
        size_t dot = text.find('.');
        std::string inst = text.substr(0, dot), spec = text.substr(dot + 1);
        // A python instance bound to a name?
        if (const Value* found = lookup(inst)) {
            if (found->is_error()) return std::nullopt;
            if (!found->is(Value::Kind::Instance)) {
                diags_.error(part_span(ref, inst), fmt::format("'{}' is {}, not a python instance or MIDI port", inst, what_is(*found)));
                return std::nullopt;
            }
            const PythonInstance& pi = *found->instance;
            ep.kind = MappingEndpoint::Kind::Python;
            ep.instance = inst;
            if (is_source) {
                ep.handler = spec;  // an output channel the instance's handlers write to
                return ep;
            }
            size_t d = spec.find('.');
            if (d == std::string::npos) {
                if (pi.default_handler.empty()) {
                    diags_.error(ref.span, fmt::format("'{}' names no module, and python instance '{}' has no default_handler", text, inst))
                        .with_help(fmt::format("write {}.MODULE.{} or give python(..., default_handler=\"module.function\")", inst, spec));
                    return std::nullopt;
                }
                ep.handler = pi.default_handler;
                return ep;
            }
            std::string mod = spec.substr(0, d), fn = spec.substr(d + 1);
            auto mi = std::find(pi.modules.begin(), pi.modules.end(), mod);
            if (mi == pi.modules.end()) {
                std::vector<std::string_view> names(pi.modules.begin(), pi.modules.end());
                auto& dg = diags_.error(part_span(ref, mod), fmt::format("python instance '{}' has no module '{}'", inst, mod));
                if (auto c = closest_match(mod, names); !c.empty()) dg.with_help(fmt::format("did you mean '{}'?", c));
                return std::nullopt;
            }
            if (!python_defines(pi.paths[static_cast<size_t>(mi - pi.modules.begin())], fn, part_span(ref, mod))) {
                const std::string& path = pi.paths[static_cast<size_t>(mi - pi.modules.begin())];
                auto& dg = diags_.error(part_span(ref, fn), fmt::format("module '{}' has no handler '{}'", mod, fn));
                if (auto c = closest_match(fn, python_names(path)); !c.empty()) dg.with_help(fmt::format("did you mean '{}'?", c));
                dg.note(fmt::format("looked for 'def {}(value):' in {}", fn, path));
                return std::nullopt;
            }
            ep.handler = spec;
            return ep;
        }
        // A MIDI port: configured name or default in_N / out_N.
        const auto& ports = is_source ? out_.config.in_ports : out_.config.out_ports;
        std::string_view prefix = is_source ? "in_" : "out_";
        std::optional<int> port;
        std::vector<std::string> names;
        for (size_t i = 0; i < ports.size(); ++i) {
            std::string n = ports[i].name.empty() ? fmt::format("{}{}", prefix, i + static_cast<size_t>(out_.config.data_offset)) : ports[i].name;
            names.push_back(n);
            if (n == inst) port = static_cast<int>(i);
        }
        if (!port) {
            // The other direction's port of that name: the arrow points the wrong way.
            const auto& other = is_source ? out_.config.out_ports : out_.config.in_ports;
            std::string_view other_prefix = is_source ? "out_" : "in_";
            for (size_t i = 0; i < other.size(); ++i) {
                std::string n = other[i].name.empty() ? fmt::format("{}{}", other_prefix, i + static_cast<size_t>(out_.config.data_offset)) : other[i].name;
                if (n != inst) continue;
                diags_.error(part_span(ref, inst), fmt::format("'{}' is an {} port, but this side of the mapping {} events", inst,
                                                               is_source ? "output" : "input", is_source ? "reads" : "writes"))
                    .with_help(m.dir == ast::MapDir::Right ? "did you mean '<'? ('a < b' sends b to a)" : "did you mean '>'? ('a > b' sends a to b)");
                return std::nullopt;
            }
            std::vector<std::string_view> candidates(names.begin(), names.end());
            std::vector<std::string> instances;
            for (const auto& scope : scopes_)
                for (const auto& [k, v] : scope)
                    if (v.is(Value::Kind::Instance)) instances.push_back(k);
            for (const auto& i : instances) candidates.push_back(i);
            auto& dg = diags_.error(ref.span, fmt::format("'{}' is not a python instance or an {} port", inst, is_source ? "input" : "output"));
            if (auto c = closest_match(inst, candidates); !c.empty()) dg.with_help(fmt::format("did you mean '{}'?", c));
            else {
                std::string list;
                for (auto& n : names) list += (list.empty() ? "'" : ", '") + n + "'";
                dg.note(fmt::format("{} ports: {}", is_source ? "input" : "output", list.empty() ? "none" : list));
            }
            return std::nullopt;
        }
        ep.kind = MappingEndpoint::Kind::Midi;
        ep.port = *port;
        // chN.typeM
        std::smatch mt;
        static const std::regex channel_re("^(ch|channel)([0-9]+)\\.([a-z]+)([0-9]*)$");
        if (!std::regex_match(spec, mt, channel_re)) {
            diags_.error(part_span(ref, spec), fmt::format("'{}' is not a MIDI channel name", spec))
                .note("MIDI channels are chN.ccM, chN.noteM, chN.pressureM, chN.rpnM, chN.nrpnM, chN.pitch, chN.aftertouch, chN.program (N = 0..15)");
            return std::nullopt;
        }
        long ch = mt[2].str().size() > 3 ? 99 : std::stol(mt[2].str());
        if (ch > 15) {
            diags_.error(part_span(ref, mt[1].str() + mt[2].str()), fmt::format("MIDI channel {} is out of range 0..15 in '{}'", mt[2].str(), spec))
                .note("mapping lines count channels from 0, as MIDIMonster does");
            return std::nullopt;
        }
        ep.channel = static_cast<int>(ch);
        std::string type = mt[3].str(), num = mt[4].str();
        using W = MappingEndpoint::What;
        struct T { std::string_view name; W what; int max; };
        static constexpr T types[] = {{"cc", W::Cc, 127}, {"note", W::Note, 127}, {"pressure", W::Pressure, 127},
                                      {"rpn", W::Rpn, 16383}, {"nrpn", W::Nrpn, 16383}, {"pitch", W::Pitch, -1},
                                      {"aftertouch", W::Aftertouch, -1}, {"program", W::Program, -1}};
        const T* t = nullptr;
        for (const T& x : types)
            if (x.name == type) t = &x;
        if (!t) {
            std::vector<std::string_view> tn;
            for (const T& x : types) tn.push_back(x.name);
            auto& dg = diags_.error(part_span(ref, type + num), fmt::format("unknown MIDI channel type '{}' in '{}'", type, spec));
            if (auto c = closest_match(type, tn); !c.empty()) dg.with_help(fmt::format("did you mean '{}'?", c));
            return std::nullopt;
        }
        ep.what = t->what;
        if (t->max < 0) {
            if (!num.empty()) {
                diags_.error(part_span(ref, type + num), fmt::format("'{}' takes no number in '{}'", type, spec));
                return std::nullopt;
            }
        } else {
            if (num.empty() || num.size() > 5 || std::stol(num) > t->max) {
                diags_.error(part_span(ref, type + num), fmt::format("'{}' needs a number 0..{} in '{}'", type, t->max, spec));
                return std::nullopt;
            }
            ep.number = static_cast<int>(std::stol(num));
        }
        return ep;
    };

    auto add_lines = [&](const std::vector<std::string>& from, const ast::ChannelRef& from_ref, const std::vector<std::string>& to,
                         const ast::ChannelRef& to_ref) {
        size_t n = std::max(from.size(), to.size());
        std::vector<std::optional<MappingEndpoint>> src, dst;
        for (const auto& f : from) {
            src.push_back(resolve(f, from_ref, true));
            if (!src.back()) return;  // one message per side is enough
        }
        for (const auto& t : to) {
            dst.push_back(resolve(t, to_ref, false));
            if (!dst.back()) return;
        }
        for (size_t i = 0; i < n; ++i) {
            const auto& a = src[from.size() == 1 ? 0 : i];
            const auto& b = dst[to.size() == 1 ? 0 : i];
            if (!a || !b) return;
            out_.mappings.push_back(MappingLine{span, *a, *b});
        }
    };
    size_t before = diags_.error_count();
    bool stop = false;
    auto guarded = [&](auto&&... a) { if (!stop) add_lines(a...); stop = diags_.error_count() != before; };
    if (m.dir == ast::MapDir::Left || m.dir == ast::MapDir::Both) guarded(right, m.right, left, m.left);
    if (m.dir == ast::MapDir::Right || m.dir == ast::MapDir::Both) guarded(left, m.left, right, m.right);
}

}  // namespace mdc
