// Python for the offline subcommands: starts the interpreter (once per process) when a program
// uses Python, then binds a program's callables with the patch's folders on sys.path. A name that
// does not resolve is reported at its span (exit 65).
#pragma once

#include <memory>
#include <string>

#include "lang/compile.h"
#include "drivers/mapping_table.h"
#include "python/handlers.h"
#include "python/runtime.h"

namespace mdc::cli {

struct PythonSession {
    std::unique_ptr<python::Runtime> runtime;  // started by the first program that needs it

    // Null with `code` set (and the errors printed) when the program's callables do not resolve;
    // null with code 0 when the program uses no Python.
    std::unique_ptr<python::Bound> bind(const Compilation& c, const engine::Program& program, const std::string& patch_file, bool print_to_stderr,
                                        bool output_event, int& code);

    // The patch's MIDIMonster instances, loaded fresh (null with code 0 when it has none; null
    // with `code` set and the errors printed when a module fails to import or a handler does not
    // resolve). `virtual_clock`: offline.
    std::unique_ptr<python::Handlers> load_handlers(const Compilation& c, const drivers::MappingTable& table, const std::string& patch_file,
                                                    bool print_to_stderr, bool virtual_clock, int& code);

private:
    bool start(bool print_to_stderr, int& code);
};

}  // namespace mdc::cli
