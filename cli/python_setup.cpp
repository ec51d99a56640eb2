// Starting Python and binding a program's callables for the offline subcommands (see python_setup.h).
#include "python_setup.h"

#include <filesystem>

#include <fmt/format.h>

#include "commands.h"

namespace mdc::cli {

std::unique_ptr<python::Bound> PythonSession::bind(const Compilation& c, const engine::Program& program, const std::string& patch_file,
                                                   bool print_to_stderr, bool output_event, int& code) {
    code = exit_ok;
    if (!program.has_python) return nullptr;
    if (!start(print_to_stderr, code)) return nullptr;
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
    DiagSink diags;
    std::unique_ptr<python::Bound> bound = runtime->bind(program, c.sources, options, diags);
    if (!bound) {
        std::fputs(render_all(diags, c.sources).c_str(), stderr);
        code = exit_data;
    }
    return bound;
}

bool PythonSession::start(bool print_to_stderr, int& code) {
    if (runtime) return true;
    std::string error;
    runtime = python::Runtime::start({print_to_stderr}, error);
    if (!runtime) {
        fmt::print(stderr, "mdc: error: {}\n", error);
        code = exit_internal;
        return false;
    }
    return true;
}

std::unique_ptr<python::Handlers> PythonSession::load_handlers(const Compilation& c, const drivers::MappingTable& table, const std::string& patch_file,
                                                               bool print_to_stderr, bool virtual_clock, int& code) {
    code = exit_ok;
    if (c.checked.instances.empty()) return nullptr;
    if (!start(print_to_stderr, code)) return nullptr;
    python::HandlerOptions options;
    std::error_code ec;
    options.paths.push_back(std::filesystem::absolute(std::filesystem::path(patch_file), ec).parent_path().lexically_normal().string());
    options.print_to_stderr = print_to_stderr;
    options.virtual_clock = virtual_clock;
    DiagSink diags;
    std::unique_ptr<python::Handlers> h = python::Handlers::load(*runtime, c.checked, table, c.sources, options, diags);
    if (!h) {
        std::fputs(render_all(diags, c.sources).c_str(), stderr);
        code = exit_data;
    }
    return h;
}

}  // namespace mdc::cli
