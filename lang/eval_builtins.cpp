// The names every patch sees: units (from the unit table), event-type constants, EVENT_*
// references, a small set of Python builtins for compile-time values, and the setup functions
// (config, hook, run, process_file, test, Scene, SceneGroup, python, event constructors).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "engine/event_types.h"
#include "evaluator.h"

namespace mdc {
namespace {

constexpr std::string_view python_builtins[] = {"range", "len", "list", "tuple", "dict", "int", "float", "str", "bool",
                                                "min", "max", "abs", "round", "sorted", "reversed", "enumerate", "zip",
                                                "sum", "any", "all"};
constexpr std::string_view setup_functions[] = {"config", "hook", "run", "process_file", "test", "Scene", "SceneGroup",
                                                "python"};

struct EventCtor {
    std::string_view name;
    uint32_t type;
    std::vector<std::string_view> params;
};

const std::vector<EventCtor>& event_ctors() {
    static const std::vector<EventCtor> ctors = {
        {"NoteOnEvent", engine::NOTEON, {"port", "channel", "note", "velocity"}},
        {"NoteOffEvent", engine::NOTEOFF, {"port", "channel", "note", "velocity"}},
        {"CtrlEvent", engine::CTRL, {"port", "channel", "ctrl", "value"}},
        {"PitchbendEvent", engine::PITCHBEND, {"port", "channel", "value"}},
        {"AftertouchEvent", engine::AFTERTOUCH, {"port", "channel", "value"}},
        {"PolyAftertouchEvent", engine::POLY_AFTERTOUCH, {"port", "channel", "note", "value"}},
        {"ProgramEvent", engine::PROGRAM, {"port", "channel", "program"}},
        {"SysExEvent", engine::SYSEX, {"port", "sysex"}},
        {"MidiEvent", 0, {"type", "port", "channel", "data1", "data2", "sysex"}},
    };
    return ctors;
}

}  // namespace

void Evaluator::install_builtins() {
    for (const UnitInfo& u : unit_table()) {
        Value v = Value::make(Value::Kind::Unit, {});
        v.unit = &u;
        v.s = std::string(u.name);
        builtins_[std::string(u.name)] = v;
    }
    for (const auto& t : engine::event_type_names) builtins_[std::string(t.name)] = Value::mask(t.mask);
    for (const auto& f : engine::event_field_names) {
        Value v = Value::make(Value::Kind::EventRef, {});
        v.i = static_cast<int64_t>(f.field);
        builtins_[std::string(f.name)] = v;
    }
    auto function = [&](std::string_view name) {
        Value v = Value::make(Value::Kind::Unit, {});
        v.s = std::string(name);
        builtins_[std::string(name)] = v;
    };
    for (auto n : python_builtins) function(n);
    for (auto n : setup_functions) function(n);
    for (const EventCtor& e : event_ctors()) function(e.name);
}

namespace {
bool positional_only(const Evaluator::Arguments& a, size_t min, size_t max) {
    return a.keywords.empty() && a.positional.size() >= min && a.positional.size() <= max;
}
}  // namespace

Value Evaluator::call_builtin(const std::string& name, Arguments args) {
    Span sp = args.span;
    if (name == "run" || name == "process_file") entry_attempted_ = true;
    for (const Value& v : args.positional)
        if (v.is_error()) return Value::error(sp);
    for (const auto& [k, v] : args.keywords)
        if (v.is_error()) return Value::error(sp);
    auto arity = [&](size_t min, size_t max) {
        if (positional_only(args, min, max)) return true;
        if (!args.keywords.empty()) error(args.keyword_spans[0], fmt::format("{}() takes no keyword arguments", name));
        else if (min == max) error(sp, fmt::format("{}() takes {} argument{} ({} given)", name, min, min == 1 ? "" : "s", args.positional.size()));
        else error(sp, fmt::format("{}() takes {} to {} arguments ({} given)", name, min, max, args.positional.size()));
        return false;
    };
    auto& a = args.positional;

    if (name == "range") {
        if (!arity(1, 3)) return Value::error(sp);
        for (const Value& x : a)
            if (!x.is_int()) return error(x.span, fmt::format("range() takes integers, got {}", what_is(x)));
        Value r = Value::make(Value::Kind::Range, sp);
        r.i = a.size() == 1 ? 0 : a[0].as_int();
        r.i2 = a.size() == 1 ? a[0].as_int() : a[1].as_int();
        r.i3 = a.size() == 3 ? a[2].as_int() : 1;
        if (r.i3 == 0) return error(a[2].span, "range() step must not be zero");
        return r;
    }
    if (name == "len") {
        if (!arity(1, 1)) return Value::error(sp);
        if (a[0].is(Value::Kind::Bytes)) return Value::integer(static_cast<int64_t>(a[0].s.size()), sp);
        if (a[0].is(Value::Kind::Dict)) return Value::integer(static_cast<int64_t>(a[0].entries->size()), sp);
        auto items = iterate(a[0], a[0].span);
        return items ? Value::integer(static_cast<int64_t>(items->size()), sp) : Value::error(sp);
    }
    if (name == "list" || name == "tuple") {
        if (!arity(0, 1)) return Value::error(sp);
        if (a.empty()) return Value::list({}, sp, name == "list" ? Value::Kind::List : Value::Kind::Tuple);
        auto items = iterate(a[0], a[0].span);
        return items ? Value::list(std::move(*items), sp, name == "list" ? Value::Kind::List : Value::Kind::Tuple) : Value::error(sp);
    }
    if (name == "dict") {
        std::vector<std::pair<Value, Value>> entries;
        if (a.size() > 1) return error(sp, "dict() takes at most one positional argument");
        if (a.size() == 1) {
            if (a[0].is(Value::Kind::Dict)) entries = *a[0].entries;
            else {
                auto items = iterate(a[0], a[0].span);
                if (!items) return Value::error(sp);
                for (const Value& pair : *items) {
                    auto kv = iterate(pair, pair.span);
                    if (!kv || kv->size() != 2) return error(pair.span, "dict() needs (key, value) pairs");
                    entries.emplace_back((*kv)[0], (*kv)[1]);
                }
            }
        }
        for (const auto& [k, v] : args.keywords) entries.emplace_back(Value::str(k, sp), v);
        return Value::dict(std::move(entries), sp);
    }
    if (name == "int" || name == "float" || name == "bool" || name == "str") {
        if (!arity(1, 1)) return Value::error(sp);
        const Value& x = a[0];
        if (name == "bool") return Value::boolean(truthy(x), sp);
        if (name == "str") return Value::str(x.is(Value::Kind::Str) ? x.s : describe(x), sp);
        if (name == "float") {
            if (x.is_number()) return Value::real(x.as_double(), sp);
            if (x.is(Value::Kind::Str)) {
                char* end = nullptr;
                double d = std::strtod(x.s.c_str(), &end);
                if (end && *end == 0 && !x.s.empty()) return Value::real(d, sp);
            }
            return error(x.span, fmt::format("float() cannot convert {}", describe(x)));
        }
        if (x.is(Value::Kind::Float)) {
            if (!std::isfinite(x.f) || std::abs(x.f) > 9e18) return error(x.span, "int() of a value that does not fit");
            return Value::integer(static_cast<int64_t>(x.f), sp);
        }
        if (x.is_int() || x.is(Value::Kind::NoDataOffset)) return Value::integer(x.is(Value::Kind::NoDataOffset) ? x.i : x.as_int(), sp);
        if (x.is(Value::Kind::Str)) {
            try {
                std::string digits;
                for (char ch : x.s)
                    if (ch != '_' && ch != ' ') digits += ch;
                size_t used = 0;
                long long n = std::stoll(digits, &used, 10);  // Python's int(str) reads base 10
                if (used == digits.size() && !digits.empty()) return Value::integer(n, sp);
            } catch (...) {
            }
        }
        return error(x.span, fmt::format("int() cannot convert {}", describe(x)));
    }
    if (name == "min" || name == "max" || name == "sum" || name == "any" || name == "all" || name == "sorted" || name == "reversed") {
        if (a.empty()) return error(sp, fmt::format("{}() needs an argument", name));
        std::vector<Value> items;
        if (a.size() == 1) {
            auto it = iterate(a[0], a[0].span);
            if (!it) return Value::error(sp);
            items = std::move(*it);
        } else {
            if (name != "min" && name != "max") return error(sp, fmt::format("{}() takes one argument", name));
            items = a;
        }
        if (name == "any" || name == "all") {
            bool want = name == "any";
            for (const Value& x : items)
                if (truthy(x) == want) return Value::boolean(want, sp);
            return Value::boolean(!want, sp);
        }
        if (name == "reversed") {
            std::reverse(items.begin(), items.end());
            return Value::list(std::move(items), sp);
        }
        auto less = [&](const Value& x, const Value& y) -> std::optional<bool> {
            if (x.is_number() && y.is_number()) return x.as_double() < y.as_double();
            if (x.is(Value::Kind::Str) && y.is(Value::Kind::Str)) return x.s < y.s;
            return std::nullopt;
        };
        for (const Value& x : items)
            if (!(x.is_number() || x.is(Value::Kind::Str)))
                return error(x.span.valid() ? x.span : sp, fmt::format("{}() cannot order '{}'", name, type_name(x)));
        if (name == "sum") {
            Value total = Value::integer(0, sp);
            for (const Value& x : items) {
                total = arithmetic(ast::BinOp::Add, total, x, sp);
                if (total.is_error()) return total;
            }
            return total;
        }
        if (items.empty()) return error(sp, fmt::format("{}() of an empty sequence", name));
        bool mixed = false;
        std::stable_sort(items.begin(), items.end(), [&](const Value& x, const Value& y) {
            auto l = less(x, y);
            if (!l) mixed = true;
            return l.value_or(false);
        });
        if (mixed) return error(sp, fmt::format("{}() cannot compare numbers with strings", name));
        if (name == "sorted") return Value::list(std::move(items), sp);
        return name == "min" ? items.front() : items.back();
    }
    if (name == "abs" || name == "round") {
        if (!arity(1, name == "round" ? 2 : 1)) return Value::error(sp);
        const Value& x = a[0];
        if (!x.is_number()) return error(x.span, fmt::format("{}() needs a number, got {}", name, what_is(x)));
        if (name == "abs") {
            if (x.is(Value::Kind::Float)) return Value::real(std::abs(x.f), sp);
            if (x.as_int() == INT64_MIN) return error(x.span, "integer overflow in a compile-time expression");
            return Value::integer(std::abs(x.as_int()), sp);
        }
        if (a.size() == 2) {
            if (!a[1].is_int()) return error(a[1].span, "round() digits must be an integer");
            double f = std::pow(10.0, static_cast<double>(std::clamp<int64_t>(a[1].as_int(), -308, 308)));
            return Value::real(std::nearbyint(x.as_double() * f) / f, sp);
        }
        double r = std::nearbyint(x.as_double());  // banker's rounding, as Python
        if (!std::isfinite(r) || std::abs(r) > 9.2e18) return error(x.span, "round() of a value that does not fit an integer");
        return Value::integer(static_cast<int64_t>(r), sp);
    }
    if (name == "enumerate" || name == "zip") {
        std::vector<std::vector<Value>> seqs;
        for (const Value& x : a) {
            auto it = iterate(x, x.span);
            if (!it) return Value::error(sp);
            seqs.push_back(std::move(*it));
        }
        std::vector<Value> out;
        if (name == "enumerate") {
            if (seqs.size() != 1) return error(sp, "enumerate() takes one argument");
            for (size_t i = 0; i < seqs[0].size(); ++i) out.push_back(Value::tuple({Value::integer(static_cast<int64_t>(i), sp), seqs[0][i]}, sp));
        } else {
            size_t n = seqs.empty() ? 0 : SIZE_MAX;
            for (auto& s : seqs) n = std::min(n, s.size());
            for (size_t i = 0; i < n; ++i) {
                std::vector<Value> t;
                for (auto& s : seqs) t.push_back(s[i]);
                out.push_back(Value::tuple(std::move(t), sp));
            }
        }
        return Value::list(std::move(out), sp);
    }
    if (name == "config") return call_config(std::move(args));
    if (name == "hook") return call_hook(std::move(args));
    if (name == "run") return call_run(std::move(args));
    if (name == "process_file") return call_process_file(std::move(args));
    if (name == "test") return call_test(std::move(args));
    if (name == "Scene") return call_scene(std::move(args), false);
    if (name == "SceneGroup") return call_scene(std::move(args), true);
    if (name == "python") return call_python_instance(std::move(args));
    for (const EventCtor& e : event_ctors())
        if (e.name == name) return call_event(name, std::move(args));
    return error(sp, fmt::format("'{}' cannot be called here", name));
}

// Binds arguments of a setup function by parameter names; reports unknown or missing ones.
namespace {
struct Bound {
    std::vector<std::optional<Value>> values;
    bool ok = true;
};
}  // namespace

static Bound bind_simple(DiagSink& diags, std::string_view fn, const Evaluator::Arguments& args,
                         const std::vector<std::string_view>& params, size_t required) {
    Bound b;
    b.values.resize(params.size());
    if (args.positional.size() > params.size()) {
        diags.error(args.span, fmt::format("{}() takes at most {} positional arguments ({} given)", fn, params.size(), args.positional.size()));
        b.ok = false;
        return b;
    }
    for (size_t i = 0; i < args.positional.size(); ++i) b.values[i] = args.positional[i];
    for (size_t k = 0; k < args.keywords.size(); ++k) {
        const auto& [name, v] = args.keywords[k];
        auto it = std::find(params.begin(), params.end(), name);
        if (it == params.end()) {
            auto& d = diags.error(args.keyword_spans[k], fmt::format("{}() has no keyword argument '{}'", fn, name));
            if (auto m = closest_match(name, params); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
            else {
                std::string list;
                for (auto p : params) list += (list.empty() ? "'" : ", '") + std::string(p) + "'";
                d.note(fmt::format("{}() takes {}", fn, list));
            }
            b.ok = false;
            continue;
        }
        size_t j = static_cast<size_t>(it - params.begin());
        if (b.values[j]) {
            diags.error(args.keyword_spans[k], fmt::format("{}() got two values for '{}'", fn, name));
            b.ok = false;
            continue;
        }
        b.values[j] = v;
    }
    for (size_t j = 0; j < required && b.ok; ++j)
        if (!b.values[j]) {
            diags.error(args.span, fmt::format("{}() is missing its argument '{}'", fn, params[j]));
            b.ok = false;
        }
    return b;
}

Value Evaluator::call_config(Arguments args) {
    Span sp = args.span;
    if (!args.positional.empty()) return error(args.positional[0].span, "config() takes keyword arguments only, e.g. config(in_ports=2)");
    static const std::vector<std::string_view> keys = {"backend", "client_name", "in_ports", "out_ports", "data_offset",
                                                       "octave_offset", "initial_scene", "start_delay", "silent"};
    for (size_t k = 0; k < args.keywords.size(); ++k) {
        const auto& [key, v] = args.keywords[k];
        Span ks = args.keyword_spans[k];
        auto bad = [&, &key = key, &v = v](std::string_view want) {
            error(v.span, fmt::format("config {} must be {}, got {}", key, want, what_is(v)));
        };
        Config& c = out_.config;
        if (key == "backend") {
            if (v.is(Value::Kind::Str) && (v.s == "alsa" || v.s == "jack" || v.s == "jack-rt")) c.backend = v.s;
            else bad("'alsa', 'jack' or 'jack-rt'");
        } else if (key == "client_name") {
            if (v.is(Value::Kind::Str) && !v.s.empty()) c.client_name = v.s;
            else bad("a non-empty string");
        } else if (key == "in_ports" || key == "out_ports") {
            std::vector<PortConfig> ports;
            bool good = true;
            if (v.is_int() && !v.is(Value::Kind::Bool)) {
                if (v.i < 0 || v.i > 256) { bad("a count 0..256, or a list of port names"); continue; }
                ports.resize(static_cast<size_t>(v.i));
            } else if (v.is_sequence()) {
                for (const Value& p : *v.items) {
                    if (p.is(Value::Kind::Str)) { ports.push_back({p.s, {}}); continue; }
                    if (p.is(Value::Kind::Tuple) && !p.items->empty() && std::all_of(p.items->begin(), p.items->end(), [](const Value& x) { return x.is(Value::Kind::Str); })) {
                        PortConfig pc{(*p.items)[0].s, {}};
                        for (size_t i = 1; i < p.items->size(); ++i) pc.patterns.push_back((*p.items)[i].s);
                        ports.push_back(std::move(pc));
                        continue;
                    }
                    error(p.span, fmt::format("a port is a name, or a tuple (name, pattern, ...), got {}", describe(p)));
                    good = false;
                }
                for (size_t i = 0; i < ports.size() && good; ++i)
                    for (size_t j = 0; j < i; ++j)
                        if (ports[i].name == ports[j].name) {
                            error(v.span, fmt::format("port name '{}' is used twice in {}", ports[i].name, key));
                            good = false;
                            break;
                        }
            } else {
                bad("a number of ports, or a list of port names");
                continue;
            }
            if (!good) continue;
            (key == "in_ports" ? c.in_ports : c.out_ports) = std::move(ports);
        } else if (key == "data_offset") {
            if (v.is_int() && (v.as_int() == 0 || v.as_int() == 1)) c.data_offset = static_cast<int>(v.as_int());
            else bad("0 or 1");
            if (units_built_)
                diags_.warning(ks, "data_offset changes after units were built")
                    .note("units built before this line keep the old numbering; call config() first");
        } else if (key == "octave_offset") {
            if (v.is_int() && !v.is(Value::Kind::Bool) && v.i >= -10 && v.i <= 10) c.octave_offset = static_cast<int>(v.i);
            else bad("an integer (2: 'c3' is middle C)");
            if (units_built_)
                diags_.warning(ks, "octave_offset changes after units were built")
                    .note("units built before this line keep the old note names; call config() first");
        } else if (key == "initial_scene") {
            initial_scene_span_ = v.span;
            // Kept as written: mididings reads it when the engine starts, with the final data_offset.
            auto scene_number = [](const Value& x) { return x.is_int() && !x.is(Value::Kind::Bool) && x.i >= 0 && x.i <= 65536; };
            if ((v.is_int() && !scene_number(v)) ||
                (v.is(Value::Kind::Tuple) && v.items->size() == 2 && !(scene_number((*v.items)[0]) && scene_number((*v.items)[1]))))
                bad("a scene number or (scene, subscene), 0..65536");
            else if (v.is_int() && !v.is(Value::Kind::Bool)) initial_scene_written_ = std::make_pair(v.i, std::optional<int64_t>{});
            else if (v.is(Value::Kind::Tuple) && v.items->size() == 2 && (*v.items)[0].is_int() && (*v.items)[1].is_int())
                initial_scene_written_ = std::make_pair((*v.items)[0].i, std::optional<int64_t>((*v.items)[1].i));
            else bad("a scene number or (scene, subscene)");
        } else if (key == "start_delay") {
            if (v.is(Value::Kind::None)) c.start_delay.reset();
            else if (v.is_number() && !v.is(Value::Kind::Bool) && v.as_double() >= 0) c.start_delay = v.as_double();
            else bad("None or a number of seconds (0 waits for Enter)");
        } else if (key == "silent") {
            if (v.is(Value::Kind::Bool)) c.silent = v.flag;
            else bad("True or False");
        } else {
            auto& d = diags_.error(ks, fmt::format("unknown config key '{}'", key));
            if (auto m = closest_match(key, keys); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
            else d.note("config keys: backend, client_name, in_ports, out_ports, data_offset, octave_offset, initial_scene, start_delay, silent");
        }
    }
    config_called_ = true;
    return Value::none(sp);
}

Value Evaluator::call_hook(Arguments args) {
    for (const Value& v : args.positional) {
        if (v.is(Value::Kind::Patch) && v.patch->kind == Patch::Kind::Unit && v.patch->unit) {
            std::string_view n = v.patch->unit->name;
            if (n == "AutoRestart") {
                diags_.warning(v.span, "AutoRestart() is not needed with mdc")
                    .with_help("run the patch with `mdc run --watch` to reload it when it or its modules change");
                continue;
            }
            if (n == "OSCInterface" || n == "MemorizeScene") {
                out_.hooks.push_back(HookValue{v.span, std::string(n), v.patch->args});
                continue;
            }
        }
        if (v.is(Value::Kind::PyRef)) {
            out_.hooks.push_back(HookValue{v.span, "python:" + v.s + "." + v.s2, {}});
            continue;
        }
        if (!v.is_error())
            diags_.error(v.span, fmt::format("hook() takes hook objects (OSCInterface, MemorizeScene, ...), got {}", what_is(v)));
    }
    if (!args.keywords.empty()) error(args.keyword_spans[0], "hook() takes no keyword arguments");
    return Value::none(args.span);
}

std::optional<SceneValue> Evaluator::to_scene(const Value& v, Span) {
    if (v.is(Value::Kind::Scene)) return *v.scene;
    if (v.is(Value::Kind::Tuple) && v.items->size() == 2) {
        // (init_patch, patch), as mididings' run() documents it
        PatchPtr init = to_patch((*v.items)[0], "an init patch");
        PatchPtr patch = to_patch((*v.items)[1], "a patch");
        if (!init || !patch) return std::nullopt;
        return SceneValue{v.span, "", patch, init, nullptr, false, {}};
    }
    PatchPtr p = to_patch(v, "a patch or Scene");
    if (!p) return std::nullopt;
    return SceneValue{v.span, "", p, nullptr, nullptr, false, {}};
}

Value Evaluator::call_scene(Arguments args, bool group) {
    Span sp = args.span;
    Value result = Value::make(Value::Kind::Scene, sp);
    auto scene = std::make_shared<SceneValue>();
    scene->span = sp;
    scene->group = group;
    if (group) {
        Bound b = bind_simple(diags_, "SceneGroup", args, {"name", "subscenes"}, 2);
        if (!b.ok) return Value::error(sp);
        const Value& name = *b.values[0];
        if (!name.is(Value::Kind::Str)) return error(name.span, "a scene group's name must be a string");
        scene->name = name.s;
        const Value& subs = *b.values[1];
        if (!subs.is_sequence() || subs.items->empty()) return error(subs.span, "SceneGroup takes a non-empty list of scenes");
        for (const Value& s : *subs.items) {
            if (s.is(Value::Kind::Scene) && s.scene->group) return error(s.span, "a SceneGroup cannot contain another SceneGroup");
            auto sc = to_scene(s, s.span);
            if (!sc) return Value::error(sp);
            scene->subscenes.push_back(*sc);
        }
    } else {
        Bound b = bind_simple(diags_, "Scene", args, {"name", "patch", "init_patch", "exit_patch"}, 2);
        if (!b.ok) return Value::error(sp);
        const Value& name = *b.values[0];
        if (!name.is(Value::Kind::Str)) return error(name.span, "a scene's name must be a string");
        scene->name = name.s;
        scene->patch = to_patch(*b.values[1], "a patch");
        if (!scene->patch) return Value::error(sp);
        for (int i : {2, 3}) {
            if (!b.values[static_cast<size_t>(i)] || b.values[static_cast<size_t>(i)]->is(Value::Kind::None)) continue;
            PatchPtr p = to_patch(*b.values[static_cast<size_t>(i)], i == 2 ? "an init patch" : "an exit patch");
            if (!p) return Value::error(sp);
            (i == 2 ? scene->init : scene->exit) = p;
        }
    }
    result.scene = scene;
    return result;
}

// run(...) and process_file(...): exactly one of them, once.
bool Evaluator::claim_entry_point(Span sp) {
    if (out_.run || out_.process_file) {
        diags_.error(sp, "the patch already has an entry point")
            .note("run(...) or process_file(...) appears exactly once", entry_span_);
        return false;
    }
    entry_span_ = sp;
    return true;
}

Value Evaluator::call_run(Arguments args) {
    Span sp = args.span;
    if (!claim_entry_point(sp)) return Value::error(sp);
    RunSpec run;
    run.span = sp;
    Bound b = bind_simple(diags_, "run", args, {"patch", "scenes", "control", "pre", "post"}, 0);
    if (!b.ok) {
        out_.run = run;  // an entry point exists, even if broken: no second complaint
        return Value::error(sp);
    }
    // run(patch), run(scenes=...), or a dict of scenes passed positionally (keys are not event types).
    std::optional<Value> scenes = b.values[1];
    std::optional<Value> patch = b.values[0];
    if (patch && patch->is(Value::Kind::Dict) && !patch->entries->empty() &&
        std::all_of(patch->entries->begin(), patch->entries->end(), [](auto& e) { return e.first.is_int() || e.first.is(Value::Kind::NoDataOffset); })) {
        if (scenes) error(patch->span, "run() got scenes twice");
        scenes = patch;
        patch.reset();
    }
    if (patch && scenes) error(sp, "run() takes a patch or scenes=..., not both");
    if (!patch && !scenes) {
        out_.run = run;
        return error(sp, "run() needs a patch or scenes=...");
    }
    if (patch) {
        if (b.values[2] || b.values[3] || b.values[4])
            diags_.error(sp, "control, pre and post go with scenes=...").with_help("write run(scenes={1: patch}, control=...)");
        PatchPtr p = to_patch(*patch, "a patch");
        if (p) run.scenes[0] = SceneValue{patch->span, "", p, nullptr, nullptr, false, {}};
        run.single_patch = true;
    } else if (scenes) {
        if (!scenes->is(Value::Kind::Dict)) {
            if (!scenes->is_error()) error(scenes->span, fmt::format("scenes must be a dict {{number: scene}}, got '{}'", type_name(*scenes)));
        } else if (scenes->entries->empty()) {
            error(scenes->span, "scenes must not be empty");
        } else {
            for (const auto& [k, v] : *scenes->entries) {
                auto n = offset_number(k, 1 << 16, "scene");
                auto sc = to_scene(v, v.span);
                if (!n || !sc) continue;
                if (run.scenes.count(*n)) {
                    error(k.span, fmt::format("scene {} is defined twice", describe(k)));
                    continue;
                }
                run.scenes[*n] = *sc;
            }
        }
        for (int i : {2, 3, 4}) {
            const auto& v = b.values[static_cast<size_t>(i)];
            if (!v || v->is(Value::Kind::None)) continue;
            PatchPtr p = to_patch(*v, i == 2 ? "a control patch" : i == 3 ? "a pre patch" : "a post patch");
            (i == 2 ? run.control : i == 3 ? run.pre : run.post) = p;
        }
    }
    if (initial_scene_written_) {
        int off = out_.config.data_offset;
        out_.config.initial_scene = std::make_pair(static_cast<int>(initial_scene_written_->first - off),
                                                   initial_scene_written_->second ? static_cast<int>(*initial_scene_written_->second - off) : -1);
    }
    if (out_.config.initial_scene && !run.scenes.empty() && !run.scenes.count(out_.config.initial_scene->first)) {
        auto& d = diags_.error(initial_scene_span_.valid() ? initial_scene_span_ : sp,
                               fmt::format("initial_scene {} is not one of the scenes", out_.config.initial_scene->first + out_.config.data_offset));
        std::string list;
        for (const auto& [n, scene] : run.scenes) list += (list.empty() ? "" : ", ") + std::to_string(n + out_.config.data_offset);
        d.note(fmt::format("the scenes are {}", list), sp);
    }
    out_.run = std::move(run);
    return Value::none(sp);
}

Value Evaluator::call_process_file(Arguments args) {
    Span sp = args.span;
    if (!claim_entry_point(sp)) return Value::error(sp);
    ProcessFileSpec spec;
    spec.span = sp;
    out_.process_file = spec;
    Bound b = bind_simple(diags_, "process_file", args, {"infile", "outfile", "patch"}, 3);
    if (!b.ok) return Value::error(sp);
    for (int i : {0, 1})
        if (!b.values[static_cast<size_t>(i)]->is(Value::Kind::Str))
            return error(b.values[static_cast<size_t>(i)]->span, "process_file() file names must be strings");
    spec.infile = b.values[0]->s;
    spec.outfile = b.values[1]->s;
    spec.patch = to_patch(*b.values[2], "a patch");
    out_.process_file = spec;
    return Value::none(sp);
}

Value Evaluator::call_event(const std::string& name, Arguments args) {
    Span sp = args.span;
    const EventCtor* ctor = nullptr;
    for (const EventCtor& e : event_ctors())
        if (e.name == name) ctor = &e;
    size_t required = ctor->params.size();
    if (name == "NoteOffEvent") required = 3;
    if (name == "MidiEvent") required = 1;
    Bound b = bind_simple(diags_, name, args, ctor->params, required);
    if (!b.ok) return Value::error(sp);
    auto ev = std::make_shared<EventValue>();
    ev->span = sp;
    ev->type = ctor->type;
    bool ok = true;
    auto get = [&](size_t i) -> const Value* { return b.values[i] ? &*b.values[i] : nullptr; };
    auto num = [&](size_t i, int lo, int hi, std::string_view what) {
        const Value* v = get(i);
        if (!v) return 0;
        auto n = note_value(v->is(Value::Kind::Str) && what != "note" ? Value::error(v->span) : *v, lo, hi, what);
        if (!n) {
            if (v->is(Value::Kind::Str) && what != "note") diags_.error(v->span, fmt::format("expected a {}, got {}", what, describe(*v)));
            ok = false;
            return 0;
        }
        return *n;
    };
    size_t i = 0;
    if (name == "MidiEvent") {
        const Value& t = *get(0);
        if (!t.is(Value::Kind::TypeMask) || (t.i & (t.i - 1)) != 0 || t.i == 0) return error(t.span, "MidiEvent type must be one event type");
        ev->type = static_cast<uint32_t>(t.i);
        i = 1;
    }
    if (get(i)) {
        auto p = port_value(*get(i));
        if (!p) ok = false;
        else ev->port = *p;
    }
    ++i;
    if (name == "SysExEvent") {
        auto bytes = sysex_bytes(*get(1), false);
        if (!bytes) return Value::error(sp);
        ev->sysex = *bytes;
    } else {
        bool system = (ev->type & engine::SYSTEM) != 0;
        if (get(i)) {
            if (system && name == "MidiEvent") num(i, 0, 0xFFFF, "channel");
            else {
                auto c = offset_number(*get(i), 16, "channel");
                if (!c) ok = false;
                else ev->channel = *c;
            }
        }
        ++i;
        if (name == "NoteOnEvent" || name == "NoteOffEvent" || name == "PolyAftertouchEvent") {
            ev->data1 = num(i, 0, 127, "note");
            ev->data2 = name == "NoteOffEvent" && !get(i + 1) ? 0 : num(i + 1, 0, 127, name == "PolyAftertouchEvent" ? "value" : "velocity");
        } else if (name == "CtrlEvent") {
            ev->data1 = num(i, 0, 127, "controller");
            ev->data2 = num(i + 1, 0, 127, "controller value");
        } else if (name == "PitchbendEvent") {
            ev->data2 = num(i, -8192, 8191, "pitch bend value");
        } else if (name == "AftertouchEvent") {
            ev->data2 = num(i, 0, 127, "aftertouch value");
        } else if (name == "ProgramEvent") {
            auto p = offset_number(*get(i), 128, "program");
            if (!p) ok = false;
            else ev->data2 = *p;
        } else if (name == "MidiEvent") {
            ev->data1 = num(i, 0, 127, "data byte");
            ev->data2 = num(i + 1, 0, 127, "data byte");
            if (get(i + 2) && !get(i + 2)->is(Value::Kind::None)) {
                auto bytes = sysex_bytes(*get(i + 2), false);
                if (!bytes) ok = false;
                else ev->sysex = *bytes;
            }
        }
    }
    if (!ok) return Value::error(sp);
    Value v = Value::make(Value::Kind::Event, sp);
    v.event = ev;
    return v;
}

Value Evaluator::call_test(Arguments args) {
    Span sp = args.span;
    Bound b = bind_simple(diags_, "test", args, {"name", "send", "expect"}, 3);
    if (!b.ok) return Value::error(sp);
    TestCase tc;
    tc.span = sp;
    if (!b.values[0]->is(Value::Kind::Str)) return error(b.values[0]->span, "a test's name must be a string");
    tc.name = b.values[0]->s;
    for (const TestCase& other : out_.tests)
        if (other.name == tc.name)
            diags_.error(b.values[0]->span, fmt::format("there is already a test named '{}'", tc.name)).note("the first one is here", other.span);
    bool ok = true;
    const Value& send = *b.values[1];
    if (!send.is_sequence()) return error(send.span, "test send= must be a list of events");
    std::optional<double> last_time;
    for (const Value& item : *send.items) {
        if (item.is(Value::Kind::Event)) {
            tc.send.push_back({last_time, *item.event});
            continue;
        }
        if (item.is(Value::Kind::Tuple) && item.items->size() == 2 && (*item.items)[0].is_number() && (*item.items)[1].is(Value::Kind::Event)) {
            double t = (*item.items)[0].as_double();
            if (t < 0 || (last_time && t < *last_time)) {
                error((*item.items)[0].span, "event times in send= must not go backwards");
                ok = false;
                continue;
            }
            last_time = t;
            tc.send.push_back({t, *(*item.items)[1].event});
            continue;
        }
        if (!item.is_error()) error(item.span, fmt::format("send= takes events or (seconds, event) pairs, got {}", what_is(item)));
        ok = false;
    }
    const Value& expect = *b.values[2];
    if (!expect.is_sequence()) return error(expect.span, "test expect= must be a list of events");
    for (const Value& item : *expect.items) {
        if (item.is(Value::Kind::Event)) tc.expect.push_back(*item.event);
        else {
            if (!item.is_error()) error(item.span, fmt::format("expect= takes events, got {}", what_is(item)));
            ok = false;
        }
    }
    if (ok) out_.tests.push_back(std::move(tc));
    return Value::none(sp);
}

void Evaluator::check_entry_point(const ast::Module& module) {
    // After another error the entry point may be what failed: stay quiet rather than cascade.
    if (out_.run || out_.process_file || entry_attempted_ || diags_.error_count() > 0) return;
    const SourceFile& f = sources_.file(module.file);
    uint32_t end = static_cast<uint32_t>(f.text().size());
    uint32_t begin = end;
    // point at the last line that has text
    while (begin > 0 && (f.text()[begin - 1] == '\n' || f.text()[begin - 1] == ' ' || f.text()[begin - 1] == '\r')) --begin;
    uint32_t line_start = begin;
    while (line_start > 0 && f.text()[line_start - 1] != '\n') --line_start;
    diags_.error({module.file, line_start, begin}, "the patch has no entry point")
        .with_help("end the patch with run(patch) or run(scenes={...})");
}

}  // namespace mdc
