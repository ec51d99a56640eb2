// `mdc dump`: shows a stage of the compiler for a patch: the AST, or the typed IR graph as text or
// as Graphviz DOT (`mdc dump patch.mdp --stage ir --format dot | dot -Tsvg > patch.svg`).
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "lang/check.h"

namespace mdc::cli {

int run_dump(const DumpArgs& args) {
    CompileStage stage = args.stage == "ast" ? CompileStage::Ast : CompileStage::Ir;
    DumpFormat format = args.format == "dot" ? DumpFormat::Dot : DumpFormat::Text;
    if (stage == CompileStage::Ast && format == DumpFormat::Dot) {
        fmt::print(stderr, "mdc: error: --format dot is for the IR stages (use --stage ir)\n");
        return exit_usage;
    }
    DumpOutcome out = dump_patch_file(args.file, stage, format);
    if (!out.check.io_error.empty()) {
        fmt::print(stderr, "{}: error: {}\n", args.file, out.check.io_error);
        return exit_io;
    }
    std::fputs(out.check.rendered.c_str(), stderr);
    if (out.check.errors > 0) return exit_data;
    std::fputs(out.text.c_str(), stdout);
    return exit_ok;
}

}  // namespace mdc::cli
