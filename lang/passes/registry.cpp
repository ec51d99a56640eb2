// The list of passes, in -O2 order, and the pass runner with the verifier hook.
#include <fmt/format.h>

#include "pass.h"

namespace mdc::ir {

namespace {

// Order matters:
// 1. flatten first: nested chains and forks become one level, so the next passes see
//    neighbours side by side.
// 2. fold adjacent modifiers and filters (Transpose(3) >> Transpose(4) is Transpose(7)).
// 3. remove what the types prove never runs (after folding, filters are sharper).
// 4. drop duplicate removal where branches provably cannot produce equal events.
// 5. run splits and forks of filtered branches as table lookups (after removal: fewer branches).
// 6. flatten again: removal may leave chains and forks of one element.
constexpr PassInfo passes[] = {
    {"flatten", "splice nested chains and forks into their parents; unwrap one-element chains", pass_flatten},
    {"fold-modifiers", "merge adjacent units that compose into one (transposes, channels, ports, type filters)", pass_fold_modifiers},
    {"remove-dead", "remove branches and units that the static types prove never receive an event", pass_remove_dead},
    {"drop-dedup", "turn off duplicate removal in forks whose branches cannot produce equal events", pass_drop_dedup},
    {"split-tables", "run splits by type, port, channel, note, velocity, controller or program as one table lookup", pass_split_tables},
    {"fork-tables", "run forks whose branches start with filters as one table lookup that skips branches which would drop the event", pass_fork_tables},
};

}  // namespace

std::span<const PassInfo> all_passes() { return passes; }

const PassInfo* find_pass(std::string_view name) {
    for (const PassInfo& p : passes)
        if (p.name == name) return &p;
    return nullptr;
}

PassReport run_passes(Graph& g, std::span<const PassInfo* const> list, bool verify_each) {
    PassReport report;
    if (verify_each) {
        if (std::string problem = verify(g); !problem.empty()) {
            report.error = fmt::format("the IR is broken before any pass: {}", problem);
            return report;
        }
    }
    for (const PassInfo* p : list) {
        bool changed = p->run(g);
        retype(g);
        if (changed) report.changed.emplace_back(p->name);
        if (verify_each) {
            if (std::string problem = verify(g); !problem.empty()) {
                report.error = fmt::format("pass '{}' broke the IR: {}", p->name, problem);
                return report;
            }
        }
    }
    return report;
}

PassReport optimize(Graph& g, bool verify_each) {
    std::vector<const PassInfo*> list;
    for (const PassInfo& p : passes) list.push_back(&p);
    list.push_back(find_pass("flatten"));
    return run_passes(g, list, verify_each);
}

}  // namespace mdc::ir
