// A checked value as Python literal source, for the extra arguments of Process(f, *args, **kwargs)
// and Call(f, ...): the Python layer evaluates the text once at start. Units, modules and Python
// references have no literal form.
#pragma once

#include <optional>
#include <string>

#include "diag.h"
#include "value.h"

namespace mdc {

// The literal, or nullopt with `bad` set to the value that has none.
std::optional<std::string> python_literal(const Value& v, const Value*& bad);

// The extra arguments of Process or Call (a tuple and a dict) as "(args, kwargs)"; "" when there
// are none; nullopt after an error at the argument that has no literal form.
std::optional<std::string> python_call_arguments(std::string_view unit, const Value& args, const Value& kwargs, Span at, DiagSink& diags);

}  // namespace mdc
