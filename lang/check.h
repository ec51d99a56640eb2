// The front end's entry point: read a patch file, parse it, check it against the unit table.
#pragma once

#include <string>

namespace mdc {

struct CheckOptions {};

struct CheckOutcome {
    std::string io_error;  // non-empty: the file could not be read
    std::string rendered;  // all diagnostics, rendered
    size_t errors = 0;
    size_t warnings = 0;
};

CheckOutcome check_patch_file(const std::string& path, const CheckOptions& options);

enum class CompileStage { Ast, Ir };
enum class DumpFormat { Text, Dot };
struct DumpOutcome {
    CheckOutcome check;
    std::string text;  // the stage, printed (empty when the patch has errors)
};
DumpOutcome dump_patch_file(const std::string& path, CompileStage stage, DumpFormat format);
// The same on text in memory (`name` is used in diagnostics; relative imports resolve from its folder).
CheckOutcome check_patch_source(const std::string& name, std::string text, const CheckOptions& options);

}  // namespace mdc
