// Parsing a .mdp file into the AST. The file is parsed one statement at a time, so a syntax error
// in one statement is reported and parsing resumes at the next statement: several errors per run.
#pragma once

#include "ast.h"
#include "diag.h"

namespace mdc {

struct ParseLimits {
    size_t max_bytes = 16u << 20;  // larger inputs are refused
    unsigned max_depth = 200;      // nesting of brackets and unary operators
};

ast::Module parse_module(const SourceSet& sources, uint32_t file, DiagSink& diags, ParseLimits limits = {});

}  // namespace mdc
