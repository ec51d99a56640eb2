// The IR verifier: the graph is a tree under each root, every node is well formed for its kind,
// and the stored types are what typing the graph again gives (a pass must not leave stale types).
#include <fmt/format.h>

#include "lang/units.h"
#include "pass.h"

namespace mdc::ir {

std::vector<NodeId> reachable(const Graph& g) {
    std::vector<NodeId> order, stack;
    for (auto it = g.roots.rbegin(); it != g.roots.rend(); ++it) stack.push_back(it->node);
    while (!stack.empty()) {
        NodeId id = stack.back();
        stack.pop_back();
        order.push_back(id);
        const auto& ch = g.nodes[id].children;
        for (auto it = ch.rbegin(); it != ch.rend(); ++it) stack.push_back(*it);
    }
    return order;
}

std::string verify(const Graph& g) {
    std::vector<int> seen(g.nodes.size(), 0);
    std::vector<NodeId> stack;
    for (const Root& r : g.roots) {
        if (r.node >= g.nodes.size()) return fmt::format("root '{}' points at node {}, which does not exist", r.name, r.node);
        stack.push_back(r.node);
    }
    while (!stack.empty()) {
        NodeId id = stack.back();
        stack.pop_back();
        if (seen[id]++) return fmt::format("node {} is reached twice (the graph under each root must be a tree)", id);
        const Node& n = g.nodes[id];
        for (NodeId c : n.children) {
            if (c >= g.nodes.size()) return fmt::format("node {} has child {}, which does not exist", id, c);
            stack.push_back(c);
        }
        if (!n.patch) return fmt::format("node {} has no patch", id);
        switch (n.kind) {
        case NodeKind::Chain: break;  // an empty chain passes everything
        case NodeKind::Fork: break;
        case NodeKind::Split:
            if (!n.patch->unit) return fmt::format("split node {} has no split unit", id);
            if (n.children.size() != n.patch->keys.size() + (n.patch->has_else ? 1 : 0))
                return fmt::format("split node {} has {} branches for {} keys{}", id, n.children.size(), n.patch->keys.size(),
                                   n.patch->has_else ? " and an else branch" : "");
            break;
        case NodeKind::Invert: case NodeKind::Negate: {
            if (n.children.size() != 1) return fmt::format("node {} (~ or -) must have one child", id);
            const Node& f = g.nodes[n.children[0]];
            bool filter_like = f.kind == NodeKind::Invert || f.kind == NodeKind::Negate || (f.kind == NodeKind::Unit && f.patch->is_filter());
            if (!filter_like) return fmt::format("node {} (~ or -) does not hold a filter", id);
            break;
        }
        case NodeKind::Unit:
            if (!n.patch->unit && n.patch->kind == Patch::Kind::Unit) return fmt::format("unit node {} has no unit", id);
            if (n.patch->unit && (n.patch->overload < 0 || static_cast<size_t>(n.patch->overload) >= n.patch->unit->overloads.size()))
                return fmt::format("unit node {} has no valid overload", id);
            break;
        }
    }
    Graph fresh = g;
    retype(fresh);
    for (NodeId id : reachable(g))
        if (!(fresh.nodes[id].in == g.nodes[id].in) || !(fresh.nodes[id].out == g.nodes[id].out))
            return fmt::format("node {} has stale types ({} -> {}, but typing gives {} -> {})", id, describe(g.nodes[id].in),
                               describe(g.nodes[id].out), describe(fresh.nodes[id].in), describe(fresh.nodes[id].out));
    return {};
}

PatchPtr modified_unit(Graph& g, const Patch& original, std::vector<Value> args) {
    auto p = std::make_shared<Patch>(original);
    p->args = std::move(args);
    g.owned.push_back(p);
    return p;
}

}  // namespace mdc::ir
