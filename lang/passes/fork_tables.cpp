// fork-tables: a fork whose branches start with filters ([ChannelFilter(1) >> A, Filter(CTRL) >>
// B, ...], the way most live patches are written) runs as a table lookup: lowering builds, from the
// branches' leading filters, a table from a key of the event (its type, port, channel, note,
// velocity, controller, controller value or program) to the branches that may accept it, and
// chooses the key that leaves the fewest branches to try. Branches still run their filters; the
// table only skips branches that provably drop the event, so order and duplicate removal are those
// of the fork. Not for forks of more than 64 branches (the table holds a 64-bit mask).
#include "pass.h"

namespace mdc::ir {

namespace {

// Whether the first thing a branch does is a filter (or ~/- of one).
bool starts_with_filter(const Graph& g, NodeId id) {
    const Node& n = g.nodes[id];
    switch (n.kind) {
    case NodeKind::Invert: case NodeKind::Negate: return true;
    case NodeKind::Unit: return n.patch->is_filter();
    case NodeKind::Chain: return !n.children.empty() && starts_with_filter(g, n.children[0]);
    default: return false;
    }
}

}  // namespace

bool pass_fork_tables(Graph& g) {
    bool changed = false;
    for (NodeId id : reachable(g)) {
        Node& n = g.nodes[id];
        if (n.kind != NodeKind::Fork || n.table || n.children.size() < 2 || n.children.size() > 64) continue;
        bool any = false;
        for (NodeId c : n.children) any = any || starts_with_filter(g, c);
        if (!any) continue;
        n.table = true;
        changed = true;
    }
    return changed;
}

}  // namespace mdc::ir
