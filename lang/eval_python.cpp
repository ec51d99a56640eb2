// The checker's questions about Python (see python_syntax.h): a lambda's syntax, checked where
// the lambda is written, and the names a module defines, read once per module from its syntax
// tree. A module with a syntax error is reported at its own line, with a note at the import.
#include <fmt/format.h>

#include "check.h"
#include "evaluator.h"

namespace mdc {

// Python's answers need Python; say once when it cannot answer.
bool Evaluator::python_available(Span at) {
    if (!options_.python) return false;
    if (std::string why = options_.python->unavailable(); !why.empty()) {
        if (!python_warned_) diags_.warning(at, "Python code in this patch is not checked").note(why);
        python_warned_ = true;
        return false;
    }
    return true;
}

void Evaluator::check_lambda(const std::string& source, Span at) {
    if (!python_available(at)) return;
    std::optional<PythonSyntaxError> e = options_.python->expression_error(source);
    if (!e) return;
    uint32_t offset = std::min<uint32_t>(e->offset, at.end - at.begin);
    uint32_t end = offset < at.end - at.begin ? offset + 1 : offset;
    diags_.error({at.file, at.begin + offset, at.begin + end}, fmt::format("this lambda is not valid Python: {}", e->message))
        .note("lambdas are Python expressions, compiled by the embedded interpreter");
}

const PythonModuleNames* Evaluator::python_module(const std::string& path, Span imported_at) {
    if (auto it = python_modules_.find(path); it != python_modules_.end()) return it->second ? &*it->second : nullptr;
    std::optional<PythonModuleNames>& slot = python_modules_[path];
    if (!python_available(imported_at)) return nullptr;
    std::string text;
    if (std::string why = read_source_file(path, text); !why.empty()) {
        diags_.error(imported_at, fmt::format("cannot read the Python module {}: {}", path, why.substr(why.find(':') + 2)));
        return nullptr;
    }
    std::variant<PythonModuleNames, PythonSyntaxError> r = options_.python->module_names(text, path);
    if (auto* e = std::get_if<PythonSyntaxError>(&r)) {
        uint32_t size = static_cast<uint32_t>(text.size());
        uint32_t file = sources_.add(path, std::move(text));
        uint32_t at = std::min(e->offset, size);
        diags_.error({file, at, std::min(at + 1, size)}, fmt::format("invalid Python: {}", e->message)).note("imported here", imported_at);
        return nullptr;
    }
    slot = std::move(std::get<PythonModuleNames>(r));
    return &*slot;
}

bool Evaluator::python_defines(const std::string& path, const std::string& name, Span imported_at) {
    const PythonModuleNames* m = python_module(path, imported_at);
    return !m || m->open || std::binary_search(m->names.begin(), m->names.end(), name);
}

std::vector<std::string> Evaluator::python_names(const std::string& path) {
    auto it = python_modules_.find(path);
    return it != python_modules_.end() && it->second ? it->second->names : std::vector<std::string>{};
}

}  // namespace mdc
