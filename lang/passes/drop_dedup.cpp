// drop-dedup: a fork removes duplicate events (per input event) unless told otherwise, which costs
// a comparison against every earlier output. When each branch makes at most one event per input
// and the branches' outputs can never be equal (their event types, ports or channels are
// disjoint), no duplicate can arise: the fork stops looking for them.
#include <bit>

#include "engine/event_types.h"
#include "lang/units.h"
#include "pass.h"

namespace mdc::ir {

namespace {

constexpr unsigned many = 2;  // "more than one"

// At most how many events a node makes from one input event (0, 1, or many).
unsigned max_outputs(const Graph& g, NodeId id) {
    const Node& n = g.nodes[id];
    switch (n.kind) {
    case NodeKind::Invert: case NodeKind::Negate: return 1;
    case NodeKind::Chain: {
        unsigned m = 1;
        for (NodeId c : n.children) m = std::min(many, m * max_outputs(g, c));
        return m;
    }
    case NodeKind::Fork: case NodeKind::Split: {
        unsigned m = 0;
        for (NodeId c : n.children) m = std::min(many, m + max_outputs(g, c));
        return m;
    }
    case NodeKind::Unit: {
        if (!n.patch->unit) return many;
        const UnitInfo& u = *n.patch->unit;
        if (u.sem.consumes) return 0;
        if (u.family == UnitFamily::Filter || u.family == UnitFamily::Modifier || u.family == UnitFamily::Generator) return 1;
        std::string_view name = u.name;
        if (name == "Pass" || name == "Output" || name == "Sanitize" || name == "Print" || name == "SuppressPC")
            return 1;
        return many;  // Process, extras that add note-offs or voices, ...
    }
    }
    return many;
}

bool disjoint(const EventSet& a, const EventSet& b) {
    if (a.empty() || b.empty()) return true;
    if ((a.types & b.types) == 0) return true;
    if ((a.ports & b.ports) == 0) return true;
    // Channel events on different channels differ; system and DUMMY events carry channel 0.
    uint32_t shared = a.types & b.types;
    if ((shared & (engine::SYSTEM | engine::DUMMY)) == 0 && (a.channels & b.channels) == 0) return true;
    return false;
}

}  // namespace

bool pass_drop_dedup(Graph& g) {
    bool changed = false;
    for (NodeId id : reachable(g)) {
        Node& n = g.nodes[id];
        if (n.kind != NodeKind::Fork || !n.patch->remove_duplicates) continue;
        bool safe = true;
        for (size_t i = 0; i < n.children.size() && safe; ++i) {
            if (max_outputs(g, n.children[i]) > 1) safe = false;
            for (size_t j = 0; j < i && safe; ++j)
                if (!disjoint(g.nodes[n.children[i]].out, g.nodes[n.children[j]].out)) safe = false;
        }
        if (!safe) continue;
        auto fork = std::make_shared<Patch>(*n.patch);
        fork->remove_duplicates = false;
        g.owned.push_back(fork);
        n.patch = fork.get();
        changed = true;
    }
    return changed;
}

}  // namespace mdc::ir
