// What the compiler asks of Python at check time, without running any user code: whether a
// lambda's source is a valid Python expression, and which names a module's top level defines
// (read from its syntax tree). python/ answers with CPython's own parser; the front end works
// without an answerer too (library users, fuzzers), and then leaves Python unchecked.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace mdc {

struct PythonSyntaxError {
    uint32_t offset = 0;  // byte offset into the source
    std::string message;  // CPython's message ("invalid syntax", "'(' was never closed", ...)
};

struct PythonModuleNames {
    std::vector<std::string> names;  // sorted
    bool open = false;               // `from x import *` at top level: any name may exist
};

class PythonSyntax {
public:
    virtual ~PythonSyntax() = default;
    // Why Python cannot answer (it failed to start); empty when it can.
    virtual std::string unavailable() = 0;
    // The first syntax error of `source` compiled as a Python expression, if any.
    virtual std::optional<PythonSyntaxError> expression_error(std::string_view source) = 0;
    // The names the top level of a module defines, or its first syntax error. `filename` is
    // only used in CPython's messages.
    virtual std::variant<PythonModuleNames, PythonSyntaxError> module_names(std::string_view source, const std::string& filename) = 0;
};

}  // namespace mdc
