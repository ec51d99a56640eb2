// The evaluator's core: statements, name lookup with Python's sequential bindings, expressions,
// operators (arithmetic on numbers, patch composition on units), comprehensions and macros.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>

#include <fmt/format.h>

#include "engine/event_types.h"
#include "evaluator.h"
#include "gm.h"

namespace mdc {

Evaluator::Evaluator(SourceSet& sources, DiagSink& diags, EvalOptions options)
    : sources_(sources), diags_(diags), options_(std::move(options)) {
    scopes_.emplace_back();
    install_builtins();
}

CheckedPatch Evaluator::run(const ast::Module& module, std::span<const ast::Module> stdlib) {
    load_stdlib(stdlib);
    module_ = &module;
    for (const ast::Stmt& s : module.body) exec(s);
    check_entry_point(module);
    return std::move(out_);
}

Value Evaluator::error(Span at, std::string message) {
    if (!diags_.already_reported(at)) diags_.error(at, std::move(message));
    return Value::error(at);
}

// ---- statements -------------------------------------------------------------------------

void Evaluator::exec(const ast::Stmt& s) {
    comprehension_steps_ = 0;  // the loop budget is per statement
    std::visit(
        [&](const auto& node) {
            using T = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<T, ast::Import>) exec_import(node, s.span);
            else if constexpr (std::is_same_v<T, ast::FromImport>) exec_from_import(node, s.span);
            else if constexpr (std::is_same_v<T, ast::Assign>) exec_assign(node, s.span);
            else if constexpr (std::is_same_v<T, ast::ExprStmt>) {
                Value v = eval(*node.value);
                if (v.is(Value::Kind::Patch))
                    diags_.warning(s.span, "this patch is built but never used")
                        .with_help("bind it to a name, or pass it to run(...)");
            } else if constexpr (std::is_same_v<T, ast::Def>) {
                if (!node.body) {
                    diags_.error(node.python_body, fmt::format("'{}' has a Python body, but a 'def' in a patch is a patch macro", node.name))
                        .note("a patch macro is 'def Name(args): return patch-expression'")
                        .with_help("move the function into a Python module next to the patch and import it, or use a lambda");
                    bind(node.name, Value::error(node.name_span));
                    return;
                }
                auto macro = std::make_shared<MacroValue>();
                macro->def = &node;
                for (const ast::Param& p : node.params) {
                    if (p.default_value) macro->defaults.push_back(eval(*p.default_value));
                    else macro->defaults.push_back(std::nullopt);
                }
                Value v = Value::make(Value::Kind::Macro, node.name_span);
                v.macro = macro;
                v.s = node.name;
                bind(node.name, v);
            } else if constexpr (std::is_same_v<T, ast::Mapping>) {
                exec_mapping(node, s.span);
            } else if constexpr (std::is_same_v<T, ast::Broken>) {
                for (const std::string& n : node.names) bind(n, Value::error(s.span));
            }
        },
        s.node);
}

namespace {
bool is_mididings_module(std::string_view dotted) {
    return dotted == "mididings" || dotted.starts_with("mididings.");
}

// The submodules of mididings a patch may name (`from mididings import extra`, `mididings.gm`).
bool is_mididings_submodule(std::string_view name) {
    static constexpr std::string_view names[] = {"extra", "gm", "engine", "event", "util", "constants", "units", "setup"};
    return std::find(std::begin(names), std::end(names), name) != std::end(names);
}
}  // namespace

// Finds an imported Python module and records it, or says where it was looked for.
std::optional<std::string> Evaluator::import_python_module(const std::string& dotted, Span at) {
    auto path = find_python_module(dotted);
    if (!path) {
        diags_.error(at, fmt::format("cannot find Python module '{}'", dotted))
            .note(fmt::format("looked for '{}.py' next to the patch and in the Python library", dotted.substr(dotted.rfind('.') + 1)));
        return std::nullopt;
    }
    out_.python_modules.push_back(*path);
    return path;
}

void Evaluator::exec_import(const ast::Import& s, Span) {
    for (const ast::ImportName& n : s.names) {
        std::string top = n.dotted.substr(0, n.dotted.find('.'));
        if (is_mididings_module(n.dotted)) {
            Value m = Value::make(Value::Kind::Module, n.span);
            m.s = n.alias.empty() ? top : n.dotted;
            bind(n.alias.empty() ? top : n.alias, m);
            continue;
        }
        auto path = import_python_module(n.dotted, n.span);
        if (!path) {
            bind(n.alias.empty() ? top : n.alias, Value::error(n.span));
            continue;
        }
        Value m = Value::make(Value::Kind::Module, n.span);
        m.s = n.alias.empty() ? top : n.dotted;
        m.s2 = *path;
        bind(n.alias.empty() ? top : n.alias, m);
        out_.python_names.emplace_back(n.alias.empty() ? top : n.alias, m.s);
    }
}

// The names of mididings.extra.gm, visible once imported.
std::unordered_map<std::string, Value> Evaluator::gm_names() const {
    std::unordered_map<std::string, Value> names;
    for (size_t i = 0; i < std::size(gm::programs); ++i) {
        Value v = Value::make(Value::Kind::NoDataOffset, {});
        v.i = static_cast<int64_t>(i);
        names[std::string(gm::programs[i])] = v;
    }
    for (const auto& c : gm::controllers) names[std::string(c.name)] = Value::integer(c.number);
    return names;
}

void Evaluator::exec_from_import(const ast::FromImport& s, Span) {
    if (is_mididings_module(s.module)) {
        bool gm_module = s.module == "mididings.extra.gm";
        auto gm = gm_module ? gm_names() : std::unordered_map<std::string, Value>{};
        if (s.star) {  // every mididings name is always visible; gm's come with this import
            for (auto& [k, v] : gm) bind(k, v);
            return;
        }
        for (const ast::ImportName& n : s.names) {
            if (auto g = gm.find(n.dotted); g != gm.end()) {
                Value v = g->second;
                v.span = n.span;
                bind(n.alias.empty() ? n.dotted : n.alias, v);
                continue;
            }
            if (is_mididings_submodule(n.dotted)) {
                Value m = Value::make(Value::Kind::Module, n.span);
                m.s = s.module + "." + n.dotted;
                bind(n.alias.empty() ? n.dotted : n.alias, m);
                continue;
            }
            auto it = builtins_.find(n.dotted);
            if (it == builtins_.end()) {
                std::vector<std::string_view> names;
                for (auto& [k, v] : builtins_) names.push_back(k);
                auto& d = diags_.error(n.span, fmt::format("'{}' is not a name in {}", n.dotted, s.module));
                if (auto m = closest_match(n.dotted, names); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
                continue;
            }
            bind(n.alias.empty() ? n.dotted : n.alias, it->second);
        }
        return;
    }
    auto path = import_python_module(s.module, s.module_span);
    if (!path) {
        for (const ast::ImportName& n : s.names) bind(n.alias.empty() ? n.dotted : n.alias, Value::error(n.span));
        return;
    }
    if (s.star) {
        diags_.error(s.module_span, fmt::format("'from {} import *' hides which names the patch uses", s.module))
            .with_help(fmt::format("import the names you need: 'from {} import f, g'", s.module));
        return;
    }
    for (const ast::ImportName& n : s.names) {
        if (!python_defines(*path, n.dotted, s.module_span)) {
            auto& d = diags_.error(n.span, fmt::format("module '{}' has no name '{}'", s.module, n.dotted));
            if (auto m = closest_match(n.dotted, python_names(*path)); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
            d.note(fmt::format("looked in {}", *path));
            bind(n.alias.empty() ? n.dotted : n.alias, Value::error(n.span));
            continue;
        }
        Value f = Value::make(Value::Kind::PyRef, n.span);
        f.s = s.module;
        f.s2 = n.dotted;
        bind(n.alias.empty() ? n.dotted : n.alias, f);
        out_.python_names.emplace_back(n.alias.empty() ? n.dotted : n.alias, s.module + "." + n.dotted);
    }
}

void Evaluator::exec_assign(const ast::Assign& s, Span) {
    Value v = eval(*s.value);
    if (s.augmented) {
        const std::string& name = s.targets[0];
        Value cur = eval_name(ast::Name{name}, s.target_spans[0]);
        ast::Binary b{*s.augmented, nullptr, nullptr};
        (void)b;
        v = cur.is_error() || v.is_error() ? Value::error(s.value->span) : arithmetic(*s.augmented, cur, v, s.value->span);
        bind(name, v);
        return;
    }
    if (v.is(Value::Kind::Instance) && s.targets.size() == 1) {
        auto inst = std::make_shared<PythonInstance>(*v.instance);
        inst->name = s.targets[0];
        v.instance = inst;
        out_.instances.push_back(*inst);
    }
    if (s.targets.size() == 1) {
        bind(s.targets[0], v);
        return;
    }
    auto items = v.is_error() ? std::nullopt : iterate(v, s.value->span);
    if (!items) {
        for (const std::string& t : s.targets) bind(t, Value::error(s.value->span));
        return;
    }
    if (items->size() != s.targets.size()) {
        error(s.value->span, fmt::format("cannot unpack {} values into {} names", items->size(), s.targets.size()));
        for (const std::string& t : s.targets) bind(t, Value::error(s.value->span));
        return;
    }
    for (size_t i = 0; i < s.targets.size(); ++i) bind(s.targets[i], (*items)[i]);
}

void Evaluator::bind(const std::string& name, Value v) { scopes_.back()[name] = std::move(v); }

// ---- expressions ------------------------------------------------------------------------

std::vector<std::string_view> Evaluator::visible_names() const {
    std::vector<std::string_view> names;
    for (const auto& scope : scopes_)
        for (const auto& [k, v] : scope) names.push_back(k);
    for (const auto& [k, v] : builtins_) names.push_back(k);
    return names;
}

const Value* Evaluator::lookup(const std::string& name) const {
    for (size_t i = scopes_.size(); i-- > 0;) {
        if (i < scope_floor_ && i != 0) i = 0;  // inside a macro: its own scopes, then the globals
        auto f = scopes_[i].find(name);
        if (f != scopes_[i].end()) return &f->second;
    }
    return nullptr;
}

Value Evaluator::eval_name(const ast::Name& n, Span span) {
    if (const Value* found = lookup(n.id)) {
        Value v = *found;
        if (!v.is_error()) v.span = span;
        return v;
    }
    if (auto f = builtins_.find(n.id); f != builtins_.end()) {
        Value v = f->second;
        v.span = span;
        return v;
    }
    if (diags_.already_reported(span)) return Value::error(span);
    auto& d = diags_.error(span, fmt::format("unknown name '{}'", n.id));
    if (n.id == "print" || n.id == "open" || n.id == "input" || n.id == "exec" || n.id == "eval") {
        d.note("a patch is evaluated by mdc, not run by Python");
        if (n.id == "print") d.with_help("to print events use the Print() unit; Python code goes in a module or a lambda");
        return Value::error(span);
    }
    // Bound later in the file? Python's bindings are sequential, so say where.
    if (module_)
        for (const ast::Stmt& s : module_->body) {
            if (s.span.begin <= span.begin) continue;
            bool binds = false;
            if (auto* a = std::get_if<ast::Assign>(&s.node)) binds = std::find(a->targets.begin(), a->targets.end(), n.id) != a->targets.end();
            if (auto* f = std::get_if<ast::Def>(&s.node)) binds = f->name == n.id;
            if (binds) {
                d.note(fmt::format("'{}' is bound later; a name can only be used after its binding", n.id), s.span);
                return Value::error(span);
            }
        }
    if (auto m = closest_match(n.id, visible_names()); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
    return Value::error(span);
}

Value Evaluator::eval(const ast::Expr& e) {
    // Macros multiply the depth of their bodies; the C stack is the limit here.
    if (eval_depth_ >= options_.max_eval_depth) return error(e.span, fmt::format("evaluation nests more than {} levels deep (through patch macros)", options_.max_eval_depth));
    ++eval_depth_;
    Value v = eval_node(e);
    --eval_depth_;
    work_ += v.is_sequence() || v.is(Value::Kind::Dict) || v.is(Value::Kind::Str) ? v.weight : 0;
    if (work_ > options_.max_work) {
        work_ = 0;  // one message
        return error(e.span, fmt::format("the patch builds too much at compile time (more than {} elements in all)", options_.max_work));
    }
    if (v.is(Value::Kind::Patch) && v.weight > options_.max_patch_units)
        return error(e.span, fmt::format("patch is too large (more than {} units once its shared parts are expanded)", options_.max_patch_units));
    // Values share their parts, so `a = [x, x]; b = [a, a]; ...` doubles in size with each line:
    // bound what one value may hold, counting nested elements, so nothing later runs away.
    if (v.weight > options_.max_weight) return error(e.span, fmt::format("value is too large (more than {} elements, counting nested ones)", options_.max_weight));
    return v;
}

Value Evaluator::eval_node(const ast::Expr& e) {
    using namespace ast;
    Span sp = e.span;
    return std::visit(
        [&](const auto& n) -> Value {
            using T = std::decay_t<decltype(n)>;
            if constexpr (std::is_same_v<T, Name>) return eval_name(n, sp);
            else if constexpr (std::is_same_v<T, IntLit>) return Value::integer(n.value, sp);
            else if constexpr (std::is_same_v<T, FloatLit>) return Value::real(n.value, sp);
            else if constexpr (std::is_same_v<T, StrLit>) return n.bytes ? Value::bytes(n.value, sp) : Value::str(n.value, sp);
            else if constexpr (std::is_same_v<T, NoneLit>) return Value::none(sp);
            else if constexpr (std::is_same_v<T, BoolLit>) return Value::boolean(n.value, sp);
            else if constexpr (std::is_same_v<T, Ellipsis>) return error(sp, "'...' has no meaning in a patch");
            else if constexpr (std::is_same_v<T, ListExpr> || std::is_same_v<T, TupleExpr> || std::is_same_v<T, SetExpr>) {
                std::vector<Value> items;
                bool bad = false;
                for (const ExprPtr& x : n.items) {
                    if (auto* st = x->template as<Starred>()) {
                        Value inner = eval(*st->value);
                        auto elems = inner.is_error() ? std::nullopt : iterate(inner, st->value->span);
                        if (!elems) { bad = true; continue; }
                        items.insert(items.end(), elems->begin(), elems->end());
                        continue;
                    }
                    items.push_back(eval(*x));
                }
                if (bad) return Value::error(sp);
                Value::Kind k = std::is_same_v<T, ListExpr> ? Value::Kind::List
                                : std::is_same_v<T, TupleExpr> ? Value::Kind::Tuple : Value::Kind::Set;
                return Value::list(std::move(items), sp, k);
            } else if constexpr (std::is_same_v<T, DictExpr>) {
                std::vector<std::pair<Value, Value>> entries;
                for (const DictItem& item : n.items) {
                    if (!item.key) {
                        Value inner = eval(*item.value->template as<Starred>()->value);
                        if (inner.is(Value::Kind::Dict)) entries.insert(entries.end(), inner.entries->begin(), inner.entries->end());
                        else if (!inner.is_error()) error(item.value->span, fmt::format("'**' needs a dict, got {}", what_is(inner)));
                        continue;
                    }
                    Value k = eval(*item.key);
                    Value v = eval(*item.value);
                    bool replaced = false;
                    for (auto& [ek, ev] : entries)
                        if (values_equal(ek, k) && ek.kind == k.kind) { ev = v; replaced = true; }
                    if (!replaced) entries.emplace_back(std::move(k), std::move(v));
                }
                return Value::dict(std::move(entries), sp);
            } else if constexpr (std::is_same_v<T, Starred>) {
                return error(sp, "'*' is only allowed in calls and displays");
            } else if constexpr (std::is_same_v<T, Call>) return eval_call(n, sp);
            else if constexpr (std::is_same_v<T, Attribute>) return eval_attribute(n, sp);
            else if constexpr (std::is_same_v<T, Slice>) return error(sp, "a slice is only allowed inside '[...]'");
            else if constexpr (std::is_same_v<T, Subscript>) return eval_subscript(n, sp);
            else if constexpr (std::is_same_v<T, Unary>) return eval_unary(n, sp);
            else if constexpr (std::is_same_v<T, Binary>) return eval_binary(n, sp);
            else if constexpr (std::is_same_v<T, Compare>) return eval_compare(n, sp);
            else if constexpr (std::is_same_v<T, BoolOp>) {
                Value v;
                for (const ExprPtr& x : n.values) {
                    v = eval(*x);
                    if (v.is_error()) return v;
                    if (truthy(v) != n.is_and) return v;
                }
                return v;
            } else if constexpr (std::is_same_v<T, Conditional>) {
                Value c = eval(*n.cond);
                if (c.is_error()) return c;
                return truthy(c) ? eval(*n.then) : eval(*n.orelse);
            } else if constexpr (std::is_same_v<T, ListComp>) {
                std::vector<Value> items;
                bool ok = true;
                scopes_.emplace_back();
                eval_comprehension(n.fors, 0, [&] {
                    if (items.size() >= options_.max_sequence) {
                        error(sp, fmt::format("comprehension builds more than {} items", options_.max_sequence));
                        ok = false;
                        return false;
                    }
                    items.push_back(eval(*n.element));
                    return true;
                });
                scopes_.pop_back();
                if (!ok) return Value::error(sp);
                return Value::list(std::move(items), sp);
            } else if constexpr (std::is_same_v<T, DictComp>) {
                std::vector<std::pair<Value, Value>> entries;
                std::unordered_map<std::string, size_t> index;  // key text -> entry (ints, strings, masks)
                scopes_.emplace_back();
                eval_comprehension(n.fors, 0, [&] {
                    Value k = eval(*n.key);
                    Value v = eval(*n.value);
                    bool simple = k.is_int() || k.is(Value::Kind::Str) || k.is(Value::Kind::TypeMask) || k.is(Value::Kind::None);
                    if (simple) {
                        std::string key = (k.is(Value::Kind::Str) ? "s" : "n") + (k.is(Value::Kind::Str) ? k.s : std::to_string(k.as_int()) + (k.is(Value::Kind::TypeMask) ? "m" : ""));
                        auto [it, fresh] = index.emplace(key, entries.size());
                        if (!fresh) { entries[it->second].second = v; return true; }
                    } else {
                        for (auto& [ek, ev] : entries)
                            if (values_equal(ek, k)) { ev = v; return true; }
                    }
                    entries.emplace_back(std::move(k), std::move(v));
                    return entries.size() < options_.max_sequence;
                });
                scopes_.pop_back();
                return Value::dict(std::move(entries), sp);
            } else {
                static_assert(std::is_same_v<T, Lambda>, "every kind of expression is evaluated");
                check_lambda(n.source, sp);
                Value v = Value::make(Value::Kind::Lambda, sp);
                v.s = n.source;
                return v;
            }
        },
        e.node);
}

// Runs body() for every combination of the comprehension's for-clauses that passes its ifs.
// body returns false to stop early.
Value Evaluator::eval_comprehension(const std::vector<ast::CompFor>& fors, size_t level, const std::function<bool(void)>& body) {
    if (level == fors.size()) return Value::boolean(body());
    const ast::CompFor& f = fors[level];
    Value iterable = eval(*f.iter);
    if (iterable.is_error()) return Value::boolean(false);
    auto items = iterate(iterable, f.iter->span);
    if (!items) return Value::boolean(false);
    for (const Value& item : *items) {
        if (++comprehension_steps_ > options_.max_sequence * 16) {
            error(f.iter->span, fmt::format("comprehension takes more than {} steps", options_.max_sequence * 16));
            return Value::boolean(false);
        }
        if (f.targets.size() == 1) {
            scopes_.back()[f.targets[0]] = item;
        } else {
            auto parts = iterate(item, f.target_span);
            if (!parts || parts->size() != f.targets.size()) {
                error(f.target_span, fmt::format("cannot unpack {} into {} names", describe(item), f.targets.size()));
                return Value::boolean(false);
            }
            for (size_t i = 0; i < f.targets.size(); ++i) scopes_.back()[f.targets[i]] = (*parts)[i];
        }
        bool pass = true;
        for (const ast::ExprPtr& c : f.conds) {
            Value cv = eval(*c);
            if (cv.is_error() || !truthy(cv)) { pass = false; break; }
        }
        if (!pass) continue;
        Value go = eval_comprehension(fors, level + 1, body);
        if (!go.flag) return go;
    }
    return Value::boolean(true);
}

std::optional<std::vector<Value>> Evaluator::iterate(const Value& v, Span span) {
    switch (v.kind) {
    case Value::Kind::List: case Value::Kind::Tuple: case Value::Kind::Set: return *v.items;
    case Value::Kind::Dict: {
        std::vector<Value> keys;
        for (const auto& [k, val] : *v.entries) keys.push_back(k);
        return keys;
    }
    case Value::Kind::Str: {  // by character (UTF-8 code point), as Python
        std::vector<Value> chars;
        for (size_t i = 0; i < v.s.size();) {
            size_t n = 1;
            while (i + n < v.s.size() && (static_cast<unsigned char>(v.s[i + n]) & 0xC0) == 0x80) ++n;
            chars.push_back(Value::str(v.s.substr(i, n), v.span));
            i += n;
        }
        return chars;
    }
    case Value::Kind::Range: {
        std::vector<Value> out;
        for (int64_t i = v.i; v.i3 > 0 ? i < v.i2 : i > v.i2;) {
            if (out.size() >= options_.max_sequence) {
                error(span, fmt::format("range has more than {} items", options_.max_sequence));
                return std::nullopt;
            }
            out.push_back(Value::integer(i, v.span));
            if (__builtin_add_overflow(i, v.i3, &i)) break;  // stepped past the end of int64
        }
        return out;
    }
    case Value::Kind::Error: return std::nullopt;
    default:
        error(span, fmt::format("'{}' is not iterable", type_name(v)));
        return std::nullopt;
    }
}

namespace {
bool patch_like(const Value& v) {
    return v.is(Value::Kind::Patch) || v.is(Value::Kind::List) || v.is(Value::Kind::Dict) || v.is(Value::Kind::TypeMask);
}
std::string_view op_symbol(ast::BinOp op) {
    switch (op) {
    case ast::BinOp::Add: return "+";
    case ast::BinOp::Sub: return "-";
    case ast::BinOp::Mul: return "*";
    case ast::BinOp::Div: return "/";
    case ast::BinOp::FloorDiv: return "//";
    case ast::BinOp::Mod: return "%";
    case ast::BinOp::Pow: return "**";
    case ast::BinOp::Shl: return "<<";
    case ast::BinOp::Shr: return ">>";
    case ast::BinOp::BitAnd: return "&";
    case ast::BinOp::BitOr: return "|";
    case ast::BinOp::BitXor: return "^";
    }
    return "?";
}
int64_t floor_div(int64_t a, int64_t b) {
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}
}  // namespace

Value Evaluator::eval_binary(const ast::Binary& b, Span span) {
    Value l = eval(*b.left);
    Value r = eval(*b.right);
    if (l.is_error() || r.is_error()) return Value::error(span);
    // A bare unit name used as a patch is a forgotten call.
    for (const Value* v : {&l, &r}) {
        if (v->is(Value::Kind::Unit) && v->unit) {
            to_patch(*v, "a patch");  // reports it, with how to call it
            return Value::error(span);
        }
    }
    return arithmetic(b.op, l, r, span);
}

Value Evaluator::arithmetic(ast::BinOp op, const Value& l, const Value& r, Span span) {
    using ast::BinOp;
    using K = Value::Kind;
    auto number = [](const Value& v) { return v.is_number() || v.is(K::NoDataOffset); };
    if (number(l) && number(r)) {
        bool fl = l.is(K::Float) || r.is(K::Float);
        int64_t a = l.is(K::NoDataOffset) ? l.i : l.as_int(), c = r.is(K::NoDataOffset) ? r.i : r.as_int();
        double x = l.is(K::NoDataOffset) ? static_cast<double>(l.i) : l.as_double();
        double y = r.is(K::NoDataOffset) ? static_cast<double>(r.i) : r.as_double();
        auto checked = [&](auto builtin) -> Value {
            int64_t v = 0;
            if (builtin(a, c, &v)) return error(span, "integer overflow in a compile-time expression");
            return Value::integer(v, span);
        };
        switch (op) {
        case BinOp::Add:
            return fl ? Value::real(x + y, span) : checked([](int64_t p, int64_t q, int64_t* result) { return __builtin_add_overflow(p, q, result); });
        case BinOp::Sub:
            return fl ? Value::real(x - y, span) : checked([](int64_t p, int64_t q, int64_t* result) { return __builtin_sub_overflow(p, q, result); });
        case BinOp::Mul:
            return fl ? Value::real(x * y, span) : checked([](int64_t p, int64_t q, int64_t* result) { return __builtin_mul_overflow(p, q, result); });
        case BinOp::Div:
            if (y == 0) return error(span, "division by zero");
            return Value::real(x / y, span);
        case BinOp::FloorDiv:
            if (y == 0) return error(span, "division by zero");
            if (fl) return Value::real(std::floor(x / y), span);
            if (a == INT64_MIN && c == -1) return error(span, "integer overflow in a compile-time expression");
            return Value::integer(floor_div(a, c), span);
        case BinOp::Mod:
            if (y == 0) return error(span, "modulo by zero");
            if (fl) { double m = std::fmod(x, y); if (m != 0 && ((m < 0) != (y < 0))) m += y; return Value::real(m, span); }
            if (c == -1) return Value::integer(0, span);
            {
                int64_t m = a % c;  // Python's sign rule: the result has the divisor's sign
                if (m != 0 && ((m < 0) != (c < 0))) m += c;
                return Value::integer(m, span);
            }
        case BinOp::Pow: {
            if (fl || c < 0) {
                if (x == 0 && y < 0) return error(span, "zero to a negative power");
                return Value::real(std::pow(x, y), span);
            }
            if (a == 0 || a == 1) return Value::integer(c == 0 ? 1 : a, span);
            if (a == -1) return Value::integer(c % 2 ? -1 : 1, span);
            int64_t v = 1, base = a;
            for (int64_t e = c; e > 0; e >>= 1) {  // |a| >= 2: at most 63 useful steps before overflow
                if ((e & 1) && __builtin_mul_overflow(v, base, &v)) return error(span, "integer overflow in a compile-time expression");
                if (e > 1 && __builtin_mul_overflow(base, base, &base)) return error(span, "integer overflow in a compile-time expression");
            }
            return Value::integer(v, span);
        }
        case BinOp::Shl: case BinOp::Shr:
            if (fl) break;
            if (c < 0) return error(span, "negative shift count");
            if (op == BinOp::Shr) return Value::integer(c >= 64 ? (a < 0 ? -1 : 0) : a >> c, span);
            if (c >= 63 || (a != 0 && (std::abs(a) >> (62 - c)) != 0)) return error(span, "integer overflow in a compile-time expression");
            return Value::integer(a << c, span);
        case BinOp::BitAnd: if (!fl) return Value::integer(a & c, span); break;
        case BinOp::BitOr: if (!fl) return Value::integer(a | c, span); break;
        case BinOp::BitXor: if (!fl) return Value::integer(a ^ c, span); break;
        }
        return error(span, fmt::format("'{}' needs integers, got '{}' and '{}'", op_symbol(op), type_name(l), type_name(r)));
    }
    if (l.is(K::TypeMask) && r.is(K::TypeMask)) {
        uint32_t a = static_cast<uint32_t>(l.i), c = static_cast<uint32_t>(r.i);
        if (op == BinOp::BitOr) return Value::mask(a | c, span);
        if (op == BinOp::BitAnd) return Value::mask(a & c, span);
        if (op == BinOp::BitXor) return Value::mask(a ^ c, span);
    }
    switch (op) {
    case BinOp::Shr:
        if (patch_like(l) || patch_like(r)) return chain(l, r, span);
        break;
    case BinOp::FloorDiv:
        if (patch_like(l) || patch_like(r)) return fork(l, r, span);
        break;
    case BinOp::Mod:
        if (l.is(K::Patch) || l.is(K::TypeMask)) return select(l, r, span);
        if (l.is(K::Str)) return error(span, "'%' string formatting is not evaluated in a patch");
        break;
    case BinOp::BitAnd: case BinOp::BitOr:
        if ((l.is(K::Patch) || l.is(K::TypeMask)) && (r.is(K::Patch) || r.is(K::TypeMask)))
            return selector_op(op == BinOp::BitAnd, l, r, span);
        break;
    case BinOp::Add:
        if ((l.is(K::Str) && r.is(K::Str)) || (l.is(K::Bytes) && r.is(K::Bytes))) {
            if (l.s.size() + r.s.size() > options_.max_sequence) return error(span, "string is too large for a patch");
            return l.is(K::Str) ? Value::str(l.s + r.s, span) : Value::bytes(l.s + r.s, span);
        }
        if ((l.is(K::List) && r.is(K::List)) || (l.is(K::Tuple) && r.is(K::Tuple))) {
            if (l.items->size() + r.items->size() > options_.max_sequence) return error(span, "sequence is too large for a patch");
            std::vector<Value> all = *l.items;
            all.insert(all.end(), r.items->begin(), r.items->end());
            return Value::list(std::move(all), span, l.kind);
        }
        break;
    case BinOp::Mul: {
        const Value* seq = l.is_sequence() || l.is(K::Str) ? &l : r.is_sequence() || r.is(K::Str) ? &r : nullptr;
        const Value* n = seq == &l ? &r : &l;
        if (seq && n->is_int()) {
            int64_t times = std::max<int64_t>(0, n->as_int());
            size_t len = seq->is(K::Str) ? seq->s.size() : seq->items->size();
            if (len != 0 && static_cast<uint64_t>(times) > options_.max_sequence / len) return error(span, "sequence repetition is too large");
            if (seq->is(K::Str)) {
                std::string s;
                for (int64_t i = 0; i < times; ++i) s += seq->s;
                return Value::str(std::move(s), span);
            }
            std::vector<Value> all;
            for (int64_t i = 0; i < times; ++i) all.insert(all.end(), seq->items->begin(), seq->items->end());
            return Value::list(std::move(all), span, seq->kind);
        }
        break;
    }
    default: break;
    }
    return error(span, fmt::format("'{}' is not defined between '{}' and '{}'", op_symbol(op), type_name(l), type_name(r)));
}

Value Evaluator::eval_unary(const ast::Unary& u, Span span) {
    Value v = eval(*u.operand);
    if (v.is_error()) return v;
    using K = Value::Kind;
    switch (u.op) {
    case ast::UnOp::Not: return Value::boolean(!truthy(v), span);
    case ast::UnOp::Neg:
        if (v.is(K::Float)) return Value::real(-v.f, span);
        if (v.is_int() || v.is(K::NoDataOffset)) {
            int64_t x = v.is(K::NoDataOffset) ? v.i : v.as_int();
            if (x == INT64_MIN) return error(span, "integer overflow in a compile-time expression");
            return Value::integer(-x, span);
        }
        if (v.is(K::Patch) && v.patch->is_filter()) return invert(v, true, span);
        if (v.is(K::TypeMask)) return invert(v, true, span);
        return error(span, fmt::format("unary '-' needs a number or a filter, got {}", what_is(v)));
    case ast::UnOp::Pos:
        if (v.is_number()) return v.is(K::Bool) ? Value::integer(v.as_int(), span) : v;
        if (patch_like(v)) {
            Value pass = call_unit(*find_unit("Pass"), Arguments{{}, {}, {}, span});
            return fork(pass, v, span);
        }
        return error(span, fmt::format("unary '+' needs a number or a patch, got {}", what_is(v)));
    case ast::UnOp::Invert:
        if (v.is_int()) return Value::integer(~v.as_int(), span);
        if (v.is(K::TypeMask)) return Value::mask(engine::ANY & ~static_cast<uint32_t>(v.i), span);
        if (v.is(K::Patch) && v.patch->is_filter()) return invert(v, false, span);
        return error(span, fmt::format("'~' needs an integer, an event type or a filter, got {}", what_is(v)));
    }
    return Value::error(span);
}

Value Evaluator::eval_compare(const ast::Compare& c, Span span) {
    Value left = eval(*c.first);
    for (const auto& [op, expr] : c.rest) {
        Value right = eval(*expr);
        if (left.is_error() || right.is_error()) return Value::error(span);
        bool result = false;
        using ast::CmpOp;
        switch (op) {
        case CmpOp::Eq: result = values_equal(left, right); break;
        case CmpOp::Ne: result = !values_equal(left, right); break;
        case CmpOp::Is: result = left.is(Value::Kind::None) ? right.is(Value::Kind::None) : values_equal(left, right) && left.kind == right.kind; break;
        case CmpOp::IsNot: result = !(left.is(Value::Kind::None) ? right.is(Value::Kind::None) : values_equal(left, right) && left.kind == right.kind); break;
        case CmpOp::In: case CmpOp::NotIn: {
            bool found = false;
            if (right.is(Value::Kind::Str) && left.is(Value::Kind::Str)) found = right.s.find(left.s) != std::string::npos;
            else if (auto items = iterate(right, expr->span)) {
                for (const Value& x : *items)
                    if (values_equal(x, left)) { found = true; break; }
            } else return Value::error(span);
            result = (op == CmpOp::In) == found;
            break;
        }
        default: {
            int cmp;
            if (left.is_number() && right.is_number()) {
                double a = left.as_double(), b = right.as_double();
                cmp = a < b ? -1 : a > b ? 1 : 0;
            } else if (left.is(Value::Kind::Str) && right.is(Value::Kind::Str)) {
                cmp = left.s.compare(right.s);
            } else {
                return error(span, fmt::format("cannot order '{}' and '{}'", type_name(left), type_name(right)));
            }
            result = op == CmpOp::Lt ? cmp < 0 : op == CmpOp::Le ? cmp <= 0 : op == CmpOp::Gt ? cmp > 0 : cmp >= 0;
        }
        }
        if (!result) return Value::boolean(false, span);
        left = right;
    }
    return Value::boolean(true, span);
}

Value Evaluator::eval_call(const ast::Call& c, Span span) {
    Value callee = eval(*c.func);
    Arguments args;
    args.span = span;
    bool bad = callee.is_error();
    for (const ast::ExprPtr& a : c.args) {
        if (auto* st = a->as<ast::Starred>()) {
            Value inner = eval(*st->value);
            if (st->double_star) {
                if (!inner.is(Value::Kind::Dict)) {
                    if (!inner.is_error()) error(a->span, fmt::format("'**' needs a dict, got {}", what_is(inner)));
                    bad = true;
                    continue;
                }
                for (const auto& [k, v] : *inner.entries) {
                    if (!k.is(Value::Kind::Str)) { error(a->span, "keyword names must be strings"); bad = true; continue; }
                    args.keywords.emplace_back(k.s, v);
                    args.keyword_spans.push_back(a->span);
                }
                continue;
            }
            auto items = inner.is_error() ? std::nullopt : iterate(inner, st->value->span);
            if (!items) { bad = true; continue; }
            args.positional.insert(args.positional.end(), items->begin(), items->end());
            continue;
        }
        args.positional.push_back(eval(*a));
    }
    for (const ast::Keyword& k : c.keywords) {
        for (size_t i = 0; i < args.keywords.size(); ++i)
            if (args.keywords[i].first == k.name) {
                error(k.name_span, fmt::format("keyword argument '{}' given twice", k.name));
                bad = true;
            }
        args.keywords.emplace_back(k.name, eval(*k.value));
        args.keyword_spans.push_back(k.name_span);
    }
    if (bad) return Value::error(span);
    return call_value(callee, std::move(args));
}

Value Evaluator::call_value(const Value& callee, Arguments args) {
    Span span = args.span;
    switch (callee.kind) {
    case Value::Kind::Unit:
        if (callee.unit) return call_unit(*callee.unit, std::move(args));
        if (callee.s.starts_with("dict.")) return call_dict_method(callee, std::move(args));
        return call_builtin(callee.s, std::move(args));
    case Value::Kind::Macro: return call_macro(callee, std::move(args));
    case Value::Kind::Patch:
        if (is_template(callee)) {
            // Complete the template: its arguments first, then these.
            const Patch& t = *callee.patch;
            Arguments merged;
            merged.span = span;
            const auto& params = t.unit->overloads[0].params;
            for (size_t i = 0; i < params.size(); ++i)
                if (!t.args[i].is(Value::Kind::None) && !(t.args[i].is(Value::Kind::Dict) && t.args[i].entries->empty())) {
                    merged.keywords.emplace_back(std::string(params[i].name), t.args[i]);
                    merged.keyword_spans.push_back(t.span);
                }
            // Positional arguments fill the parameters the template left open, in order.
            size_t next = 0;
            PatchPtr before = t.children[0], after = t.children[1];
            for (Value& v : args.positional) {
                while (next < params.size() && std::any_of(merged.keywords.begin(), merged.keywords.end(),
                                                           [&](auto& kw) { return kw.first == params[next].name; }))
                    ++next;
                if (next >= params.size()) return error(v.span, "too many arguments for this OutputTemplate");
                merged.keywords.emplace_back(std::string(params[next].name), v);
                merged.keyword_spans.push_back(v.span);
                ++next;
            }
            for (size_t i = 0; i < args.keywords.size(); ++i) {  // the call's keywords win, as in mididings
                auto same = std::find_if(merged.keywords.begin(), merged.keywords.end(), [&](auto& kw) { return kw.first == args.keywords[i].first; });
                if (same != merged.keywords.end()) {
                    same->second = args.keywords[i].second;
                    continue;
                }
                merged.keywords.push_back(args.keywords[i]);
                merged.keyword_spans.push_back(args.keyword_spans[i]);
            }
            Value out = call_unit(*find_unit("Output"), std::move(merged));
            if (out.is_error()) return out;
            if (before) out = chain(patch_value(before), out, span);
            if (after) out = chain(out, patch_value(after), span);
            return out;
        }
        return error(span, "a patch is not callable");
    case Value::Kind::Error: return callee;
    case Value::Kind::PyRef: case Value::Kind::Lambda:
        return error(span, "Python functions run when events arrive, not while the patch is compiled");
    default:
        return error(span, fmt::format("'{}' is not callable", type_name(callee)));
    }
}

// d.items(), d.keys(), d.values(), d.get(key[, default]) on a dict bound to the method.
Value Evaluator::call_dict_method(const Value& method, Arguments args) {
    const Value& d = (*method.items)[0];
    std::string_view name = std::string_view(method.s).substr(5);
    Span sp = args.span;
    if (!args.keywords.empty()) return error(args.keyword_spans[0], fmt::format("dict.{}() takes no keyword arguments", name));
    if (name == "get") {
        if (args.positional.empty() || args.positional.size() > 2) return error(sp, "dict.get() takes a key and an optional default");
        for (const auto& [k, v] : *d.entries)
            if (values_equal(k, args.positional[0])) return v;
        return args.positional.size() == 2 ? args.positional[1] : Value::none(sp);
    }
    if (!args.positional.empty()) return error(sp, fmt::format("dict.{}() takes no arguments", name));
    std::vector<Value> out;
    for (const auto& [k, v] : *d.entries) {
        if (name == "items") out.push_back(Value::tuple({k, v}, sp));
        else out.push_back(name == "keys" ? k : v);
    }
    return Value::list(std::move(out), sp);
}

Value Evaluator::call_macro(const Value& macro, Arguments args) {
    const ast::Def& def = *macro.macro->def;
    Span span = args.span;
    if (call_depth_ >= options_.max_call_depth)
        return error(span, fmt::format("patch macro '{}' recurses more than {} levels deep", def.name, options_.max_call_depth));
    std::unordered_map<std::string, Value> locals;
    if (args.positional.size() > def.params.size()) {
        diags_.error(span, fmt::format("'{}' takes {} argument{} but {} were given", def.name, def.params.size(),
                                       def.params.size() == 1 ? "" : "s", args.positional.size()))
            .note(fmt::format("'{}' is defined here", def.name), def.name_span);
        return Value::error(span);
    }
    for (size_t i = 0; i < args.positional.size(); ++i) locals[def.params[i].name] = args.positional[i];
    for (size_t k = 0; k < args.keywords.size(); ++k) {
        const auto& [name, v] = args.keywords[k];
        auto it = std::find_if(def.params.begin(), def.params.end(), [&, &name = name](const ast::Param& p) { return p.name == name; });
        if (it == def.params.end()) {
            std::vector<std::string_view> names;
            for (const ast::Param& p : def.params) names.push_back(p.name);
            auto& d = diags_.error(args.keyword_spans[k], fmt::format("'{}' has no parameter '{}'", def.name, name));
            if (auto m = closest_match(name, names); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
            d.note(fmt::format("'{}' is defined here", def.name), def.name_span);
            return Value::error(span);
        }
        if (locals.count(name)) return error(args.keyword_spans[k], fmt::format("'{}' got two values for '{}'", def.name, name));
        locals[name] = v;
    }
    for (size_t i = 0; i < def.params.size(); ++i) {
        if (locals.count(def.params[i].name)) continue;
        if (macro.macro->defaults[i]) {
            locals[def.params[i].name] = *macro.macro->defaults[i];
            continue;
        }
        auto& d = diags_.error(span, fmt::format("'{}' is missing its argument '{}'", def.name, def.params[i].name));
        d.note(fmt::format("'{}' is defined here", def.name), def.name_span);
        return Value::error(span);
    }
    // The body sees the module's globals and its parameters (Python's lexical scope), not the
    // caller's locals: lookups stop at the new scope, then go to the globals.
    size_t saved_floor = scope_floor_;
    scopes_.push_back(std::move(locals));
    scope_floor_ = scopes_.size() - 1;
    ++call_depth_;
    size_t first_new = diags_.all().size();
    Value result = eval(*def.body);
    --call_depth_;
    scopes_.pop_back();
    scope_floor_ = saved_floor;
    // Errors inside the body say which use of the macro they come from.
    for (size_t i = first_new; i < diags_.all().size(); ++i)
        if (call_depth_ == 0) diags_.at(i).note(fmt::format("in this use of '{}'", def.name), span);
    return result;
}

// The standard library runs first, in the module globals, which then become its own: the user's
// patch does not see its names, and its bodies do not see the user's.
void Evaluator::load_stdlib(std::span<const ast::Module> stdlib) {
    for (const ast::Module& m : stdlib) {
        module_ = &m;
        stdlib_files_.push_back(m.file);
        for (const ast::Stmt& s : m.body) exec(s);
    }
    module_ = nullptr;
    stdlib_globals_ = std::move(scopes_[0]);
    scopes_[0].clear();
}

// A unit whose body is a stdlib def: the def called with the unit's checked arguments, in the
// standard library's globals.
Value Evaluator::call_stdlib(const UnitInfo& unit, std::vector<Value> args, Span span) {
    auto it = stdlib_globals_.find(std::string(unit.stdlib_body));
    if (it == stdlib_globals_.end() || !it->second.is(Value::Kind::Macro))
        return error(span, fmt::format("internal error: the standard library has no '{}' for {}", unit.stdlib_body, unit.name));
    const Value macro = it->second;
    Arguments a;
    a.positional = std::move(args);
    a.span = span;
    std::swap(scopes_[0], stdlib_globals_);
    Value result = call_macro(macro, std::move(a));
    std::swap(scopes_[0], stdlib_globals_);
    if (!result.is(Value::Kind::Patch)) return result;
    // What the library built is the unit the user wrote: later diagnostics (static types) point
    // to the use, not into <stdlib>/. Patches passed in keep their own spans.
    auto in_stdlib = [&](Span s) { return std::find(stdlib_files_.begin(), stdlib_files_.end(), s.file) != stdlib_files_.end(); };
    std::function<PatchPtr(const PatchPtr&)> respan = [&](const PatchPtr& p) -> PatchPtr {
        if (!p || !in_stdlib(p->span)) return p;
        auto copy = std::make_shared<Patch>(*p);
        copy->span = span;
        for (PatchPtr& c : copy->children) c = respan(c);
        return copy;
    };
    result.patch = respan(result.patch);
    return result;
}

Value Evaluator::eval_attribute(const ast::Attribute& a, Span span) {
    Value v = eval(*a.value);
    if (v.is_error()) return v;
    if (v.is(Value::Kind::Module)) {
        if (is_mididings_module(v.s)) {
            if (is_mididings_submodule(a.attr)) {
                Value m = v;
                m.s = v.s + "." + a.attr;
                return m;
            }
            if (v.s == "mididings.extra.gm" || v.s.ends_with(".gm")) {
                auto gm = gm_names();
                if (auto g = gm.find(a.attr); g != gm.end()) {
                    Value r = g->second;
                    r.span = span;
                    return r;
                }
            }
            auto it = builtins_.find(a.attr);
            if (it == builtins_.end()) {
                std::vector<std::string_view> names;
                for (auto& [k, x] : builtins_) names.push_back(k);
                auto& d = diags_.error(a.attr_span, fmt::format("module '{}' has no name '{}'", v.s, a.attr));
                if (auto m = closest_match(a.attr, names); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
                return Value::error(span);
            }
            Value r = it->second;
            r.span = span;
            return r;
        }
        if (!v.s2.empty() && v.s2.ends_with(".py") && !python_defines(v.s2, a.attr, v.span)) {
            auto& d = diags_.error(a.attr_span, fmt::format("module '{}' has no name '{}'", v.s, a.attr));
            if (auto m = closest_match(a.attr, python_names(v.s2)); !m.empty()) d.with_help(fmt::format("did you mean '{}'?", m));
            return Value::error(span);
        }
        Value f = Value::make(Value::Kind::PyRef, span);
        f.s = v.s;
        f.s2 = a.attr;
        return f;
    }
    if (v.is(Value::Kind::Dict) && (a.attr == "items" || a.attr == "keys" || a.attr == "values" || a.attr == "get")) {
        // d.items() and friends, as a bound method
        Value m = Value::make(Value::Kind::Unit, span);
        m.s = "dict." + a.attr;
        m.items = std::make_shared<const std::vector<Value>>(std::vector<Value>{v});
        return m;
    }
    return error(a.attr_span, fmt::format("'{}' has no attribute '{}'", type_name(v), a.attr));
}

Value Evaluator::eval_subscript(const ast::Subscript& s, Span span) {
    Value v = eval(*s.value);
    if (v.is_error()) return v;
    auto index_of = [&](const Value& i, size_t size, bool clamp) -> std::optional<int64_t> {
        if (!i.is_int()) return std::nullopt;
        int64_t x = i.as_int();
        if (x < 0) x += static_cast<int64_t>(size);
        if (clamp) return std::clamp<int64_t>(x, 0, static_cast<int64_t>(size));
        return x;
    };
    if (const auto* sl = s.index->as<ast::Slice>()) {
        if (!v.is_sequence() && !v.is(Value::Kind::Str)) return error(span, fmt::format("'{}' cannot be sliced", type_name(v)));
        size_t size = v.is(Value::Kind::Str) ? v.s.size() : v.items->size();
        int64_t step = 1;
        if (sl->step) {
            Value st = eval(*sl->step);
            if (!st.is_int() || st.as_int() == 0) return error(sl->step->span, "slice step must be a non-zero integer");
            step = st.as_int();
        }
        int64_t lo = step > 0 ? 0 : static_cast<int64_t>(size) - 1, hi = step > 0 ? static_cast<int64_t>(size) : -1;
        if (sl->lower) {
            auto x = index_of(eval(*sl->lower), size, true);
            if (!x) return error(sl->lower->span, "slice bounds must be integers");
            lo = step > 0 ? *x : std::min<int64_t>(*x, static_cast<int64_t>(size) - 1);
        }
        if (sl->upper) {
            auto x = index_of(eval(*sl->upper), size, true);
            if (!x) return error(sl->upper->span, "slice bounds must be integers");
            hi = step > 0 ? *x : std::max<int64_t>(*x, -1);
        }
        std::vector<Value> out;
        std::string str;
        for (int64_t i = lo; step > 0 ? i < hi : i > hi;) {
            if (i < 0 || i >= static_cast<int64_t>(size)) break;
            if (v.is(Value::Kind::Str)) str += v.s[static_cast<size_t>(i)];
            else out.push_back((*v.items)[static_cast<size_t>(i)]);
            if (__builtin_add_overflow(i, step, &i)) break;
        }
        return v.is(Value::Kind::Str) ? Value::str(str, span) : Value::list(std::move(out), span, v.kind);
    }
    Value i = eval(*s.index);
    if (i.is_error()) return i;
    if (v.is(Value::Kind::Dict)) {
        for (const auto& [k, val] : *v.entries)
            if (values_equal(k, i)) return val;
        return error(s.index->span, fmt::format("key {} is not in the dict", describe(i)));
    }
    if (v.is_sequence() || v.is(Value::Kind::Str)) {
        size_t size = v.is(Value::Kind::Str) ? v.s.size() : v.items->size();
        auto x = index_of(i, size, false);
        if (!x) return error(s.index->span, fmt::format("indices must be integers, not '{}'", type_name(i)));
        if (*x < 0 || *x >= static_cast<int64_t>(size))
            return error(s.index->span, fmt::format("index {} is out of range (size {})", i.as_int(), size));
        if (v.is(Value::Kind::Str)) return Value::str(std::string(1, v.s[static_cast<size_t>(*x)]), span);
        return (*v.items)[static_cast<size_t>(*x)];
    }
    if (v.is(Value::Kind::Range)) {
        auto items = iterate(v, span);
        if (!items) return Value::error(span);
        Value l = Value::list(std::move(*items), span);
        auto x = index_of(i, l.items->size(), false);
        if (!x || *x < 0 || *x >= static_cast<int64_t>(l.items->size())) return error(s.index->span, "range index out of range");
        return (*l.items)[static_cast<size_t>(*x)];
    }
    return error(span, fmt::format("'{}' cannot be indexed", type_name(v)));
}

std::optional<std::string> Evaluator::find_python_module(const std::string& dotted) const {
    namespace fs = std::filesystem;
    std::string rel = dotted;
    std::replace(rel.begin(), rel.end(), '.', '/');
    std::vector<fs::path> roots = {fs::path(options_.patch_dir.empty() ? "." : options_.patch_dir)};
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator("/usr/lib", ec))
        if (entry.path().filename().string().starts_with("python3")) roots.push_back(entry.path());
    roots.push_back("/usr/lib/python3/dist-packages");
    for (const fs::path& root : roots) {
        for (const fs::path& candidate : {root / (rel + ".py"), root / rel / "__init__.py"})
            if (fs::is_regular_file(candidate, ec)) return candidate.string();
        if (root != roots.front()) {
            fs::path dyn = root / "lib-dynload";
            for (const auto& entry : fs::directory_iterator(dyn, ec))
                if (entry.path().filename().string().starts_with(rel + ".")) return entry.path().string();
        }
    }
    return std::nullopt;
}

}  // namespace mdc
