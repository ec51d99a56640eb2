// Transfer rules of units over static event types (types.cpp), used by the IR builder.
#pragma once

#include "ir.h"

namespace mdc::ir {

// What a filter unit lets through (before ~ or -), given what reaches it.
EventSet filter_pass(const Patch& filter, const EventSet& in);
// What leaves any unit, given what reaches it.
EventSet transfer(const Patch& unit, const EventSet& in);

}  // namespace mdc::ir
