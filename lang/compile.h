// One compilation of one patch through the front end: parse, check, and (when there is no
// error) the typed graph with its warnings. check.cpp and the tests drive the compiler through it.
#pragma once

#include <memory>
#include <string>

#include "ast.h"
#include "diag.h"
#include "ir.h"
#include "patch.h"

namespace mdc {

struct Compilation {
    SourceSet sources;
    DiagSink diags;
    ast::Module module;
    CheckedPatch checked;
    ir::Graph graph;  // empty when there are errors
};

// `name` is used in diagnostics; Python modules resolve from its folder.
std::unique_ptr<Compilation> compile_source(const std::string& name, std::string text);

}  // namespace mdc
