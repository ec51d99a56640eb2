// remove-dead: removes what the static types prove never runs: units after the point in a chain
// where nothing flows any more, and split branches (with their keys) that never receive an event.
// (A fork's branches all see what reaches the fork, so they live or die with it.) A part that holds Init, Exit or Output stays: it acts when a scene starts
// or ends, whatever events do.
#include "lang/units.h"
#include "pass.h"

namespace mdc::ir {

namespace {

bool acts_on_scene_switch(const Graph& g, NodeId id) {
    const Node& n = g.nodes[id];
    if (n.kind == NodeKind::Unit && n.patch->unit) {
        std::string_view name = n.patch->unit->name;
        if (name == "Init" || name == "Exit" || name == "Output") return true;
    }
    for (NodeId c : n.children)
        if (acts_on_scene_switch(g, c)) return true;
    return false;
}

bool removable(const Graph& g, NodeId id) { return g.nodes[id].in.empty() && !acts_on_scene_switch(g, id); }

}  // namespace

bool pass_remove_dead(Graph& g) {
    bool changed = false;
    for (NodeId id : reachable(g)) {
        Node& n = g.nodes[id];
        if (n.in.empty()) continue;  // its parent decides about it
        if (n.kind == NodeKind::Chain) {
            std::vector<NodeId> kept;
            for (NodeId c : n.children)
                if (kept.empty() || !removable(g, c)) kept.push_back(c);
            if (kept.size() != n.children.size()) changed = true;
            n.children = std::move(kept);
        } else if (n.kind == NodeKind::Split) {
            // With an else branch that drops other event types (a chain of ~XFilter(key)), the
            // keys are what makes the else drop them: they stay.
            if (n.patch->has_else && !n.patch->unit->sem.passes_other && n.patch->unit->name != "Split") continue;
            auto split = std::make_shared<Patch>(*n.patch);
            split->keys.clear();
            split->children.clear();
            std::vector<NodeId> kept;
            for (size_t i = 0; i < n.children.size(); ++i) {
                bool is_else = n.patch->has_else && i + 1 == n.children.size();
                if (removable(g, n.children[i])) {
                    if (is_else) split->has_else = false;
                    continue;
                }
                kept.push_back(n.children[i]);
                if (!is_else) split->keys.push_back(n.patch->keys[i]);
            }
            if (kept.size() != n.children.size()) {
                changed = true;
                n.children = std::move(kept);
                g.owned.push_back(split);
                n.patch = split.get();
            }
        }
    }
    return changed;
}

}  // namespace mdc::ir
