// fold-modifiers: merges neighbours in a chain that compose into one unit, exactly:
//   Transpose(a) >> Transpose(b)        -> Transpose(a + b)
//   Channel(a) >> Channel(b)            -> Channel(b)       (and Port, Key the same way)
//   Transpose(a) >> Key(b)              -> Key(b)           (both act on the same events)
//   Velocity(offset=a) >> Velocity(offset=b), a >= 0 -> Velocity(offset=a + b)
//     (a negative first offset may take a velocity to 0 or below, which the second skips)
//   Filter(A) >> Filter(B)              -> Filter(A & B)
//   ChannelFilter(X) >> ChannelFilter(Y) -> ChannelFilter(X & Y)   (and PortFilter)
// and drops identities from chains of more than one unit: Pass(), Transpose(0), Velocity(0).
#include <algorithm>

#include "lang/units.h"
#include "pass.h"

namespace mdc::ir {

namespace {

const Patch* unit_of(const Graph& g, NodeId id) {
    const Node& n = g.nodes[id];
    return n.kind == NodeKind::Unit && n.patch->unit && n.children.empty() ? n.patch : nullptr;
}

bool named(const Patch* p, std::string_view name) { return p && p->unit->name == name; }

int64_t transpose_offset(const Patch& p) { return p.args[0].i * (p.overload == 1 ? 12 : 1); }

bool is_identity(const Patch* p) {
    if (!p) return false;
    if (named(p, "Pass")) return true;
    if (named(p, "Transpose")) return transpose_offset(*p) == 0;
    if (named(p, "Velocity")) return p->overload == 0 && p->args[0].i == 0;
    return false;
}

Value intersect(const Value& a, const Value& b) {
    std::vector<Value> out;
    for (const Value& x : a.elements())
        if (std::any_of(b.elements().begin(), b.elements().end(), [&](const Value& y) { return y.i == x.i; })) out.push_back(x);
    return Value::list(std::move(out), b.span);
}

// The unit that `a >> b` folds into, or null.
PatchPtr fold(Graph& g, const Patch* a, const Patch* b) {
    if (!a || !b) return nullptr;
    std::string_view x = a->unit->name, y = b->unit->name;
    if (x == "Transpose" && y == "Transpose") {
        Patch t = *b;
        t.overload = 0;  // the offset form
        return modified_unit(g, t, {Value::integer(transpose_offset(*a) + transpose_offset(*b), b->span)});
    }
    if (x == y && (x == "Channel" || x == "Port" || x == "Key")) return modified_unit(g, *b, b->args);
    if (x == "Transpose" && y == "Key") return modified_unit(g, *b, b->args);
    if (x == "Velocity" && y == "Velocity" && a->overload == 0 && b->overload == 0 && a->args[0].i >= 0)
        return modified_unit(g, *b, {Value::integer(a->args[0].i + b->args[0].i, b->span)});
    if (x == "Filter" && y == "Filter") return modified_unit(g, *b, {Value::mask(static_cast<uint32_t>(a->args[0].i & b->args[0].i), b->span)});
    if (x == y && (x == "ChannelFilter" || x == "PortFilter")) return modified_unit(g, *b, {intersect(a->args[0], b->args[0])});
    return nullptr;
}

}  // namespace

bool pass_fold_modifiers(Graph& g) {
    bool changed = false;
    for (NodeId id : reachable(g)) {
        Node& chain = g.nodes[id];
        if (chain.kind != NodeKind::Chain) continue;
        std::vector<NodeId> out;
        for (NodeId c : chain.children) {
            if (!out.empty()) {
                if (PatchPtr merged = fold(g, unit_of(g, out.back()), unit_of(g, c))) {
                    Node& kept = g.nodes[out.back()];
                    kept.patch = merged.get();
                    kept.span = Span::join(kept.span, g.nodes[c].span);
                    changed = true;
                    continue;
                }
            }
            out.push_back(c);
        }
        // Identities go, as long as something stays.
        std::vector<NodeId> kept;
        for (NodeId c : out)
            if (!is_identity(unit_of(g, c))) kept.push_back(c);
        if (kept.empty()) kept.push_back(out.front());
        if (kept.size() != out.size()) changed = true;
        chain.children = std::move(kept);
    }
    return changed;
}

}  // namespace mdc::ir
