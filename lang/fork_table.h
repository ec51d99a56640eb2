// A fork's dispatch table (forks the fork-tables pass marked): for a key of the event (type, port,
// channel, note, velocity, controller, controller value or program), each key value maps to the
// branches whose leading filters may pass such an event. Decided with the engine's own filter test
// (engine/filter_test.h) on representative events, and only where that test is exact; everywhere
// else a branch stays in, so the table never skips a branch that would have produced something.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "engine/event.h"
#include "engine/program.h"

namespace mdc {

struct DispatchTable {
    engine::DispatchKey key = engine::DispatchKey::Type;
    uint32_t applies = 0;          // the types whose key value the table looks at
    std::vector<uint64_t> masks;   // dispatch_domain(key) + 3 entries (see engine::dispatch_index)
};

// The table that leaves the fewest branches to try for common events, or none when no key rules
// out any branch. `branches` are instruction indices in `p`.
std::optional<DispatchTable> fork_table(const engine::Program& p, std::span<const int32_t> branches);

// An event of `type` whose field read by `key` holds `value` (other fields 0).
engine::Event key_event(engine::DispatchKey key, uint32_t type, int32_t value);

}  // namespace mdc
