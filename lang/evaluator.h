// The checker: evaluates a parsed patch file at compile time, as Python would run the same
// mididings script, but producing checked values instead of running anything. Bindings are
// sequential, `def` macros are inlined at each call, unit calls are resolved against the unit
// table and their arguments validated and normalised (data_offset, octave_offset, port names).
// Split over eval.cpp (statements, expressions, operators), eval_units.cpp (unit calls and
// argument validation), eval_builtins.cpp (Python builtins and the setup functions) and
// eval_mapping.cpp (MIDIMonster instances and mapping lines).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "ast.h"
#include "diag.h"
#include "patch.h"
#include "python_syntax.h"
#include "units.h"
#include "value.h"

namespace mdc {

struct EvalOptions {
    std::string patch_dir;  // where Python modules next to the patch are looked up
    unsigned max_call_depth = 64;     // macro recursion
    size_t max_sequence = 1u << 16;   // largest list/range/string a patch may build
    uint64_t max_weight = 1u << 20;   // most elements one value may hold, nested ones counted
    uint64_t max_patch_units = 1u << 18;  // most units one patch may expand to
    uint64_t max_work = 1u << 21;     // most elements all displays and comprehensions of a file may build
    unsigned max_eval_depth = 2000;   // nested evaluation, macros included
    PythonSyntax* python = nullptr;   // answers Python syntax questions; null: Python is not checked
};

// An OutputTemplate value: a partial Output that can be called and chained (eval_units.cpp).
bool is_template(const Value& v);

class Evaluator {
public:
    Evaluator(SourceSet& sources, DiagSink& diags, EvalOptions options);
    // `stdlib`: the standard library's modules, loaded first into their own globals.
    CheckedPatch run(const ast::Module& module, std::span<const ast::Module> stdlib = {});

    // ---- used across the evaluator's files -------------------------------------------------
    struct Arguments {
        std::vector<Value> positional;
        std::vector<std::pair<std::string, Value>> keywords;
        std::vector<Span> keyword_spans;
        Span span;  // the whole call
    };

private:
    SourceSet& sources_;  // Python modules with syntax errors are added, to show the line
    DiagSink& diags_;
    EvalOptions options_;
    CheckedPatch out_;
    std::vector<std::unordered_map<std::string, Value>> scopes_;  // [0] = module globals
    size_t scope_floor_ = 0;  // in a macro body: the lowest scope visible besides the globals
    const Value* lookup(const std::string& name) const;
    std::unordered_map<std::string, Value> builtins_;
    std::unordered_map<std::string, Value> stdlib_globals_;  // the standard library's defs and names
    std::vector<uint32_t> stdlib_files_;                     // their source files
    unsigned call_depth_ = 0;
    size_t comprehension_steps_ = 0;
    unsigned eval_depth_ = 0;
    uint64_t work_ = 0;  // loop steps of the outermost comprehension being evaluated
    bool config_called_ = false;
    bool units_built_ = false;  // a unit was built before config(): offsets already applied
    Span entry_span_;

    // eval_python.cpp: Python at check time (modules by path, null: not known)
    std::unordered_map<std::string, std::optional<PythonModuleNames>> python_modules_;
    bool python_warned_ = false;
    bool python_available(Span at);
    void check_lambda(const std::string& source, Span at);
    const PythonModuleNames* python_module(const std::string& path, Span imported_at);
    bool python_defines(const std::string& path, const std::string& name, Span imported_at);
    std::vector<std::string> python_names(const std::string& path);

    // eval.cpp
    void exec(const ast::Stmt& s);
    void exec_import(const ast::Import& s, Span span);
    void exec_from_import(const ast::FromImport& s, Span span);
    void exec_assign(const ast::Assign& s, Span span);
    void bind(const std::string& name, Value v);
    Value eval(const ast::Expr& e);
    Value eval_node(const ast::Expr& e);
    Value eval_name(const ast::Name& n, Span span);
    Value eval_binary(const ast::Binary& b, Span span);
    Value eval_unary(const ast::Unary& u, Span span);
    Value eval_compare(const ast::Compare& c, Span span);
    Value eval_call(const ast::Call& c, Span span);
    Value eval_attribute(const ast::Attribute& a, Span span);
    Value eval_subscript(const ast::Subscript& s, Span span);
    Value eval_comprehension(const std::vector<ast::CompFor>& fors, size_t level, const std::function<bool(void)>& body);
    Value arithmetic(ast::BinOp op, const Value& a, const Value& b, Span span);
    std::optional<std::vector<Value>> iterate(const Value& v, Span span);
    Value call_value(const Value& callee, Arguments args);
    Value call_macro(const Value& macro, Arguments args);
    void load_stdlib(std::span<const ast::Module> stdlib);
    Value call_stdlib(const UnitInfo& unit, std::vector<Value> args, Span span);
    Value call_dict_method(const Value& method, Arguments args);
    std::vector<std::string_view> visible_names() const;
    Value error(Span at, std::string message);

    // eval_units.cpp: patches and unit calls
    Value call_unit(const UnitInfo& unit, Arguments args);
    std::optional<std::pair<int, std::vector<Value>>> bind_overload(const UnitInfo& unit, const Arguments& args);
    Value check_arg(ArgKind kind, const Value& v, const UnitInfo& unit, std::string_view param);
    Value build_unit_patch(const UnitInfo& unit, int overload, std::vector<Value> args, Span span);
    PatchPtr to_patch(const Value& v, std::string_view what);
    Value patch_value(PatchPtr p);
    Value chain(const Value& a, const Value& b, Span span);
    Value fork(const Value& a, const Value& b, Span span);
    Value select(const Value& selector, const Value& then, Span span);
    Value selector_op(bool is_and, const Value& a, const Value& b, Span span);
    PatchPtr selector_build(const PatchPtr& s, bool negated, Span span);
    Value invert(const Value& v, bool negate, Span span);
    PatchPtr make_split(const UnitInfo& unit, const Value& mapping, ArgKind key_kind, Span span);
    std::optional<int> note_value(const Value& v, int lo, int hi, std::string_view what);
    std::optional<std::pair<int, int>> note_range(const Value& v);
    std::optional<std::pair<int, int>> value_range(const Value& v, std::string_view what);
    std::optional<int> port_value(const Value& v);
    std::optional<int> offset_number(const Value& v, int count, std::string_view what);
    std::optional<std::string> sysex_bytes(const Value& v, bool partial);
    std::optional<std::string> manufacturer_bytes(const Value& v);

    // eval_builtins.cpp
    void install_builtins();
    Value call_builtin(const std::string& name, Arguments args);
    Value call_config(Arguments args);
    bool claim_entry_point(Span span);
    Value call_run(Arguments args);
    Value call_process_file(Arguments args);
    Value call_hook(Arguments args);
    Value call_test(Arguments args);
    Value call_scene(Arguments args, bool group);
    Value call_event(const std::string& name, Arguments args);
    std::optional<SceneValue> to_scene(const Value& v, Span span);
    void check_entry_point(const ast::Module& module);

    // eval_mapping.cpp
    Value call_python_instance(Arguments args);
    void exec_mapping(const ast::Mapping& m, Span span);
    std::optional<std::string> find_python_module(const std::string& dotted) const;
    std::optional<std::string> import_python_module(const std::string& dotted, Span at);
    std::unordered_map<std::string, Value> gm_names() const;
    bool entry_attempted_ = false;
    const ast::Module* module_ = nullptr;  // run/process_file was called, even if its arguments were wrong
    Span initial_scene_span_;
    std::optional<std::pair<int64_t, std::optional<int64_t>>> initial_scene_written_;  // as the user wrote it
};

}  // namespace mdc
