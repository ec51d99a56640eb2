// flatten: splices chains into parent chains and forks into parent forks with the same duplicate
// rule, and unwraps chains of one element. Later passes then see neighbours side by side.
// (A deduplicating fork inside another keeps the same first occurrences in the same order, so
// splicing it is exact; a fork with remove_duplicates=False is spliced only into another such fork.)
#include "pass.h"

namespace mdc::ir {

namespace {

bool flatten_once(Graph& g) {
    bool changed = false;
    // Unwraps one-element chains wherever they are referenced.
    auto unwrap = [&](NodeId id) {
        while (g.nodes[id].kind == NodeKind::Chain && g.nodes[id].children.size() == 1) {
            id = g.nodes[id].children[0];
            changed = true;
        }
        return id;
    };
    for (Root& r : g.roots) r.node = unwrap(r.node);
    for (NodeId id : reachable(g)) {
        Node& n = g.nodes[id];
        if (n.kind == NodeKind::Invert || n.kind == NodeKind::Negate) continue;  // holds its filter
        for (NodeId& c : n.children) c = unwrap(c);
        if (n.kind != NodeKind::Chain && n.kind != NodeKind::Fork) continue;
        std::vector<NodeId> spliced;
        for (NodeId c : n.children) {
            const Node& child = g.nodes[c];
            bool same_kind = child.kind == n.kind &&
                             (n.kind == NodeKind::Chain || child.patch->remove_duplicates == n.patch->remove_duplicates);
            if (same_kind) {
                spliced.insert(spliced.end(), child.children.begin(), child.children.end());
                changed = true;
            } else {
                spliced.push_back(c);
            }
        }
        n.children = std::move(spliced);
    }
    return changed;
}

}  // namespace

// Each round removes at least one nested chain or fork, so the loop ends.
bool pass_flatten(Graph& g) {
    bool changed = false;
    while (flatten_once(g)) changed = true;
    return changed;
}

}  // namespace mdc::ir
