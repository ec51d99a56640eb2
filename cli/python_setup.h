// Python for the subcommands: one interpreter per process, started by the first thing that needs
// it. At check time it answers the compiler's syntax questions (lambdas, module names) without
// running user code; at run time it binds a program's callables with the patch's folders on
// sys.path. A name that does not resolve is reported at its span (exit 65).
#pragma once

#include <memory>
#include <string>

#include "lang/compile.h"
#include "lang/python_syntax.h"
#include "python/runtime.h"

namespace mdc::cli {

class PythonSession final : public PythonSyntax {
public:
    // `print_to_stderr`: Python's print() goes to stderr (where stdout carries events).
    // Null with `code` set (and the errors printed) when the program's callables do not resolve;
    // null with code 0 when the program uses no Python.
    std::unique_ptr<python::Bound> bind(const Compilation& c, const engine::Program& program, const std::string& patch_file,
                                        bool print_to_stderr, bool output_event, int& code, bool fresh_modules = false);
    bool started() const { return runtime_ != nullptr; }

    std::string unavailable() override;
    std::optional<PythonSyntaxError> expression_error(std::string_view source) override;
    std::variant<PythonModuleNames, PythonSyntaxError> module_names(std::string_view source, const std::string& filename) override;

private:
    std::unique_ptr<python::Runtime> runtime_;
    std::string start_error_;
    python::Runtime* runtime();  // starts it on first use; null when it cannot start
};

}  // namespace mdc::cli
