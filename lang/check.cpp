// Reads a patch file and runs the front end over it.
#include "check.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include <fmt/format.h>
#include <sstream>

#include "diag.h"
#include "evaluator.h"
#include "ir.h"
#include "parse.h"

#include <filesystem>

namespace mdc {

CheckOutcome check_patch_file(const std::string& path, const CheckOptions& options) {
    CheckOutcome out;
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        out.io_error = "cannot read the file: it is a directory";
        return out;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        out.io_error = fmt::format("cannot read the file: {}", std::strerror(errno));
        return out;
    }
    std::stringstream buf;
    buf << in.rdbuf();
    if (in.bad()) {
        out.io_error = "cannot read the file";
        return out;
    }
    return check_patch_source(path, buf.str(), options);
}

CheckOutcome check_patch_source(const std::string& name, std::string text, const CheckOptions&) {
    CheckOutcome out;
    SourceSet sources;
    uint32_t f = sources.add(name, std::move(text));
    DiagSink diags;
    ast::Module module = parse_module(sources, f, diags);
    EvalOptions eval_options;
    eval_options.patch_dir = std::filesystem::path(name).parent_path().string();
    CheckedPatch checked = Evaluator(sources, diags, eval_options).run(module);
    // What the static types prove (warnings) only makes sense for a patch without errors.
    if (diags.error_count() == 0) ir::build(checked, diags);
    out.rendered = render_all(diags, sources);
    out.errors = diags.error_count();
    out.warnings = diags.warning_count();
    return out;
}

}  // namespace mdc
