// Transfer rules of units over static event types (types.cpp), used by the IR builder.
#pragma once

#include "ir.h"

namespace mdc::ir {

// Port and channel sets of a list of (raw) numbers; the note range of note events narrowed to
// [lo, hi) (an upper bound of 0: no limit; note types go when nothing is left).
uint64_t port_mask(const Value& list);
uint16_t channel_mask(const Value& list);
EventSet narrow_notes(EventSet s, int lo, int hi);

// What a filter unit lets through (before ~ or -), given what reaches it.
EventSet filter_pass(const Patch& filter, const EventSet& in);
// What leaves any unit, given what reaches it.
EventSet transfer(const Patch& unit, const EventSet& in);

}  // namespace mdc::ir
