// One compilation of one patch through the front end: parse, check, and (when there is no
// error) the typed graph with its warnings. check.cpp and the tests drive the compiler through it.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "ast.h"
#include "diag.h"
#include "engine/program.h"
#include "ir.h"
#include "patch.h"
#include "python_syntax.h"

namespace mdc {

struct Compilation {
    SourceSet sources;
    DiagSink diags;
    ast::Module module;
    CheckedPatch checked;
    ir::Graph graph;  // empty when there are errors
};

// `name` is used in diagnostics; Python modules resolve from its folder. `any_port`: events may
// come from and go to any port (convert, where ports are tracks): no warning about port numbers.
// `python` checks lambdas and the names used from Python modules (null: they are not checked).
std::unique_ptr<Compilation> compile_source(const std::string& name, std::string text, bool any_port = false, PythonSyntax* python = nullptr);

struct ProgramResult {
    std::optional<engine::Program> program;  // empty after an error (reported into c.diags) or a pass bug
    std::string internal_error;              // a pass broke the IR (a bug in mdc)
};
// Optimizes a copy of the graph (opt_level 0: no pass, 2: all) and lowers it to a Program.
// `any_port` rebuilds the graph for input on any port (convert, benchmarks).
// `verify` runs the IR verifier after every pass (dumps and tests).
ProgramResult compile_program(Compilation& c, int opt_level, bool any_port = false, bool verify = false);

// Where an instruction came from, as `file:line:col`, for the program printer.
class ProgramSources : public engine::SourceLines {
public:
    explicit ProgramSources(const SourceSet& s) : sources_(s) {}
    std::string location(const engine::SourceRef& r) const override;

private:
    const SourceSet& sources_;
};

}  // namespace mdc
