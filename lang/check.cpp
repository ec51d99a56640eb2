// Reads a patch file and runs the front end over it.
#include "check.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <sstream>

#include "compile.h"
#include "lower.h"
#include "diag.h"
#include "evaluator.h"
#include "ir.h"
#include "passes/pass.h"
#include "parse.h"

#include <filesystem>

namespace mdc {

// Reads a file into `text`, or says why it cannot.
std::string read_source_file(const std::string& path, std::string& text) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return "cannot read the file: it is a directory";
    std::ifstream in(path, std::ios::binary);
    if (!in) return fmt::format("cannot read the file: {}", std::strerror(errno));
    std::stringstream buf;
    buf << in.rdbuf();
    if (in.bad()) return "cannot read the file";
    text = buf.str();
    return {};
}

namespace {

CheckOutcome outcome(const Compilation& c) {
    return {{}, render_all(c.diags, c.sources), c.diags.error_count(), c.diags.warning_count()};
}

}  // namespace

DumpOutcome dump_patch_file(const std::string& path, const DumpOptions& options) {
    CompileStage stage = options.stage;
    DumpFormat format = options.format;
    DumpOutcome out;
    std::string text;
    out.check.io_error = read_source_file(path, text);
    if (!out.check.io_error.empty()) return out;
    auto compiled = compile_source(path, std::move(text), false, options.python);
    const Compilation& c = *compiled;
    out.check = outcome(c);
    if (out.check.errors > 0) return out;
    if (stage == CompileStage::Program) {
        ProgramResult r = compile_program(*compiled, options.opt_level, /*any_port=*/false, /*verify=*/true);
        out.internal_error = r.internal_error;
        out.check = outcome(c);
        if (r.program) {
            ProgramSources where(c.sources);
            out.text = engine::print_program(*r.program, &where);
        }
        return out;
    }
    ir::Graph graph = c.graph;
    if (stage == CompileStage::Opt) {
        ir::PassReport report;
        if (!options.passes.empty()) {
            std::vector<const ir::PassInfo*> list;
            for (const std::string& name : options.passes) list.push_back(ir::find_pass(name));
            report = ir::run_passes(graph, list, /*verify_each=*/true);
        } else if (options.opt_level >= 2) {
            report = ir::optimize(graph, /*verify_each=*/true);
        }
        if (!report.error.empty()) {
            out.internal_error = report.error;
            return out;
        }
    }
    if (stage == CompileStage::Ast) out.text = ast::print(c.module, c.sources);
    else if (format == DumpFormat::Dot) out.text = ir::print_dot(graph, c.sources);
    else if (format == DumpFormat::Json) out.text = ir::print_json(graph, c.sources);
    else out.text = ir::print_text(graph, c.sources);
    return out;
}

CheckOutcome check_patch_file(const std::string& path, const CheckOptions& options) {
    CheckOutcome out;
    std::string text;
    out.io_error = read_source_file(path, text);
    if (!out.io_error.empty()) return out;
    return check_patch_source(path, std::move(text), options);
}

CheckOutcome check_patch_source(const std::string& name, std::string text, const CheckOptions& options) {
    return outcome(*compile_source(name, std::move(text), false, options.python));
}

std::unique_ptr<Compilation> compile_source(const std::string& name, std::string text, bool any_port, PythonSyntax* python) {
    auto c = std::make_unique<Compilation>();
    uint32_t f = c->sources.add(name, std::move(text));
    c->module = parse_module(c->sources, f, c->diags);
    EvalOptions eval_options;
    eval_options.patch_dir = std::filesystem::path(name).parent_path().string();
    eval_options.python = python;
    c->checked = Evaluator(c->sources, c->diags, eval_options).run(c->module);
    // What the static types prove (warnings) only makes sense for a patch without errors.
    ir::BuildOptions build;
    build.any_port_input = any_port;
    if (c->diags.error_count() == 0) c->graph = ir::build(c->checked, c->diags, build);
    return c;
}

}  // namespace mdc

namespace mdc {

ProgramResult compile_program(Compilation& c, int opt_level, bool any_port, bool verify) {
    ProgramResult out;
    if (c.diags.error_count() > 0) return out;
    ir::Graph graph;
    if (any_port) {
        DiagSink quiet;  // its warnings were reported with the first build
        ir::BuildOptions o;
        o.any_port_input = true;
        graph = ir::build(c.checked, quiet, o);
    } else {
        graph = c.graph;
    }
    if (opt_level >= 2) {
        ir::PassReport report = ir::optimize(graph, verify);
        if (!report.error.empty()) {
            out.internal_error = report.error;
            return out;
        }
    }
    LowerOptions lo;
    lo.dispatch_tables = opt_level >= 2;
    out.program = lower(graph, c.checked, c.diags, lo);
    return out;
}

std::string ProgramSources::location(const engine::SourceRef& r) const {
    if (r.file == 0 || r.file > sources_.size()) return {};
    const SourceFile& f = sources_.file(r.file);
    LineCol lc = f.line_col(r.begin);
    return fmt::format("{}:{}:{}", f.name(), lc.line, lc.col);
}

}  // namespace mdc
