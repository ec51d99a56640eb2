// `mdc dump`: shows a stage of the compiler for a patch: the AST, or the typed IR graph as text or
// as Graphviz DOT (`mdc dump patch.mdp --stage ir --format dot | dot -Tsvg > patch.svg`).
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "lang/check.h"
#include "lang/passes/pass.h"
#include "python_setup.h"

namespace mdc::cli {

int run_dump(const DumpArgs& args) {
    DumpOptions options;
    options.stage = args.stage == "ast" ? CompileStage::Ast : args.stage == "opt" ? CompileStage::Opt
                  : args.stage == "program" ? CompileStage::Program : CompileStage::Ir;
    options.format = args.format == "dot" ? DumpFormat::Dot : args.format == "json" ? DumpFormat::Json : DumpFormat::Text;
    options.opt_level = args.opt_level;
    if ((options.stage == CompileStage::Ast || options.stage == CompileStage::Program) && options.format != DumpFormat::Text) {
        fmt::print(stderr, "mdc: error: --format {} is for the IR stages (use --stage ir or opt)\n", args.format);
        return exit_usage;
    }
    for (const std::string& p : args.passes) {
        if (!ir::find_pass(p)) {
            std::string names;
            for (const ir::PassInfo& info : ir::all_passes()) names += (names.empty() ? "" : ", ") + std::string(info.name);
            fmt::print(stderr, "mdc: error: no pass named '{}' (passes: {})\n", p, names);
            return exit_usage;
        }
        options.stage = CompileStage::Opt;
    }
    options.passes = args.passes;
    PythonSession python;
    options.python = &python;
    DumpOutcome out = dump_patch_file(args.file, options);
    if (!out.internal_error.empty()) {
        fmt::print(stderr, "mdc: internal error: {}\nplease report this with the patch; mdc {}\n", out.internal_error, MDC_VERSION);
        return exit_internal;
    }
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
