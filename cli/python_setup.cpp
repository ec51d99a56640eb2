// Starting Python, answering syntax questions and binding a program's callables (see python_setup.h).
#include "python_setup.h"

#include <filesystem>

#include <fmt/format.h>

#include "commands.h"

namespace mdc::cli {

python::Runtime* PythonSession::runtime() {
    if (!runtime_ && start_error_.empty()) {
        runtime_ = python::Runtime::start({}, start_error_);
        if (!runtime_ && start_error_.empty()) start_error_ = "cannot start Python";
    }
    return runtime_.get();
}

std::string PythonSession::unavailable() { return runtime() ? std::string() : start_error_; }

std::optional<PythonSyntaxError> PythonSession::expression_error(std::string_view source) { return runtime()->expression_error(source); }

std::variant<PythonModuleNames, PythonSyntaxError> PythonSession::module_names(std::string_view source, const std::string& filename) {
    return runtime()->module_names(source, filename);
}

std::unique_ptr<python::Bound> PythonSession::bind(const Compilation& c, const engine::Program& program, const std::string& patch_file,
                                                   bool print_to_stderr, bool output_event, int& code, bool fresh_modules) {
    code = exit_ok;
    if (!program.has_python) return nullptr;
    if (!runtime()) {
        fmt::print(stderr, "mdc: error: {}\n", start_error_);
        code = exit_internal;
        return nullptr;
    }
    runtime_->print_to_stderr(print_to_stderr);
    namespace fs = std::filesystem;
    python::BindOptions options;
    std::error_code ec;
    auto folder = [&](const std::string& file) {
        fs::path p = fs::absolute(fs::path(file), ec).parent_path();
        return p.lexically_normal().string();
    };
    options.paths.push_back(folder(patch_file));
    for (const std::string& m : c.checked.python_modules) {
        std::string f = folder(m);
        if (std::find(options.paths.begin(), options.paths.end(), f) == options.paths.end()) options.paths.push_back(f);
    }
    options.config = c.checked.config;
    options.output_event = output_event;
    options.fresh_modules = fresh_modules;
    options.names = c.checked.python_names;
    DiagSink diags;
    std::unique_ptr<python::Bound> bound = runtime_->bind(program, c.sources, options, diags);
    if (!bound) {
        std::fputs(render_all(diags, c.sources).c_str(), stderr);
        code = exit_data;
    }
    return bound;
}

std::unique_ptr<python::Handlers> PythonSession::load_handlers(const Compilation& c, const drivers::MappingTable& table, const std::string& patch_file,
                                                               bool print_to_stderr, bool virtual_clock, int& code) {
    code = exit_ok;
    if (c.checked.instances.empty()) return nullptr;
    if (!runtime()) {
        fmt::print(stderr, "mdc: error: {}\n", start_error_);
        code = exit_internal;
        return nullptr;
    }
    python::HandlerOptions options;
    std::error_code ec;
    options.paths.push_back(std::filesystem::absolute(std::filesystem::path(patch_file), ec).parent_path().lexically_normal().string());
    options.print_to_stderr = print_to_stderr;
    options.virtual_clock = virtual_clock;
    DiagSink diags;
    std::unique_ptr<python::Handlers> h = python::Handlers::load(*runtime_, c.checked, table, c.sources, options, diags);
    if (!h) {
        std::fputs(render_all(diags, c.sources).c_str(), stderr);
        code = exit_data;
    }
    return h;
}

}  // namespace mdc::cli
