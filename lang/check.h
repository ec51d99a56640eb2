// The front end's entry point: read a patch file, parse it, check it against the unit table.
#pragma once

#include <string>
#include <vector>

#include "python_syntax.h"

namespace mdc {

struct CheckOptions {
    PythonSyntax* python = nullptr;  // checks lambdas and module names; null: Python is not checked
};

struct CheckOutcome {
    std::string io_error;  // non-empty: the file could not be read
    std::string rendered;  // all diagnostics, rendered
    size_t errors = 0;
    size_t warnings = 0;
};

CheckOutcome check_patch_file(const std::string& path, const CheckOptions& options);

enum class CompileStage { Ast, Ir, Opt, Program };
enum class DumpFormat { Text, Dot, Json };
struct DumpOptions {
    CompileStage stage = CompileStage::Ir;
    DumpFormat format = DumpFormat::Text;
    int opt_level = 2;                // for the opt stage: 0 runs no pass, 2 all of them
    std::vector<std::string> passes;  // for the opt stage: run only these, in this order
    PythonSyntax* python = nullptr;
};
struct DumpOutcome {
    CheckOutcome check;
    std::string text;           // the stage, printed (empty when the patch has errors)
    std::string internal_error; // a pass broke the IR (a bug in mdc)
};
DumpOutcome dump_patch_file(const std::string& path, const DumpOptions& options);
// Reads a whole file; returns "" or why it cannot ("cannot read the file: ...").
std::string read_source_file(const std::string& path, std::string& text);
// The same on text in memory (`name` is used in diagnostics; relative imports resolve from its folder).
CheckOutcome check_patch_source(const std::string& name, std::string text, const CheckOptions& options);

}  // namespace mdc
