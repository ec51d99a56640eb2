// split-tables: a split by type, port, channel, note, velocity, controller, controller value or
// program runs as one table lookup per event (an engine Dispatch: the table gives the branches a
// key value takes) instead of one filter per branch. mididings tests every branch's filter in turn;
// with a table the cost no longer grows with the number of branches.
// Not for SysEx splits (no small key), for more than 64 branches (the table holds a 64-bit mask)
// or for ports of 63 and above (outside the table).
#include "lang/units.h"
#include "pass.h"

namespace mdc::ir {

namespace {

bool table_fits(const Node& n) {
    const Patch& s = *n.patch;
    if (!s.unit || s.unit->name == "SysExSplit" || n.children.size() > 64) return false;
    if (s.unit->name == "PortSplit")
        for (const Value& key : s.keys)
            for (const Value& port : key.elements())
                if (port.i >= 63) return false;
    return true;
}

}  // namespace

bool pass_split_tables(Graph& g) {
    bool changed = false;
    for (NodeId id : reachable(g)) {
        Node& n = g.nodes[id];
        if (n.kind != NodeKind::Split || n.table || !table_fits(n)) continue;
        n.table = true;
        changed = true;
    }
    return changed;
}

}  // namespace mdc::ir
