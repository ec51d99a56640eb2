// fold-modifiers: merges neighbours in a chain that compose into one unit, exactly:
//   Transpose(a) >> Transpose(b)        -> Transpose(a + b)
//   Channel(a) >> Channel(b)            -> Channel(b)       (and Port, Key the same way)
//   Transpose(a) >> Key(b)              -> Key(b)           (both act on the same events)
//   Velocity(offset=a) >> Velocity(offset=b), a >= 0 -> Velocity(offset=a + b)
//     (a negative first offset may take a velocity to 0 or below, which the second skips)
//   Filter(A) >> Filter(B)              -> Filter(A & B)
//   ChannelFilter(X) >> ChannelFilter(Y) -> ChannelFilter(X & Y)   (and PortFilter)
//   Generator >> modifier              -> Generator with the modifier applied to its constant values,
//     computed by the engine's own function (engine/modifier.h): Ctrl(7, 100) >> CtrlRange(7, 0, 64)
//     is Ctrl(7, 50); NoteOn(60, 100) >> Transpose(12) is NoteOn(72, 100)
// and drops identities from chains of more than one unit: Pass(), Transpose(0), Velocity(0).
#include <algorithm>

#include "engine/event_types.h"
#include "engine/modifier.h"
#include "lang/lower.h"
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

// A generator whose data values are constants: its event type and where those values sit in its
// arguments (data1, data2; -1: none), or type 0.
struct ConstantGenerator {
    uint32_t type = 0;
    int data1 = -1, data2 = -1;
};
ConstantGenerator constant_generator(const Patch& p) {
    using namespace engine;
    std::string_view n = p.unit->name;
    size_t first = p.overload == 1 ? 2 : 0;  // the [port, channel,] form
    ConstantGenerator c;
    if (n == "NoteOn" || n == "NoteOff" || n == "Ctrl" || n == "PolyAftertouch") {
        c = {n == "NoteOn" ? NOTEON : n == "NoteOff" ? NOTEOFF : n == "Ctrl" ? CTRL : POLY_AFTERTOUCH, static_cast<int>(first),
             static_cast<int>(first + 1)};
    } else if (n == "Pitchbend" || n == "Aftertouch" || n == "Program") {
        c = {n == "Pitchbend" ? PITCHBEND : n == "Aftertouch" ? AFTERTOUCH : PROGRAM, -1, static_cast<int>(first)};
    } else {
        return {};
    }
    for (int i : {c.data1, c.data2})
        if (i >= 0 && !p.args[static_cast<size_t>(i)].is(Value::Kind::Int)) return {};
    return c;
}

// Generator >> modifier: the modifier runs now, on the generator's constant event.
PatchPtr fold_into_generator(Graph& g, const Patch& gen, const Patch& mod) {
    ConstantGenerator c = constant_generator(gen);
    std::optional<engine::Instr> m = lower_modifier(mod);
    if (!c.type || !m || m->op == engine::OpCode::Port || m->op == engine::OpCode::Channel) return nullptr;
    engine::Event e;
    e.type = c.type;
    if (c.data1 >= 0) e.data1 = static_cast<int32_t>(gen.args[static_cast<size_t>(c.data1)].i);
    if (c.data2 >= 0) e.data2 = static_cast<int32_t>(gen.args[static_cast<size_t>(c.data2)].i);
    engine::apply_modifier(*m, e);
    std::vector<Value> args = gen.args;
    if (c.data1 >= 0) args[static_cast<size_t>(c.data1)] = Value::integer(e.data1, args[static_cast<size_t>(c.data1)].span);
    if (c.data2 >= 0) args[static_cast<size_t>(c.data2)] = Value::integer(e.data2, args[static_cast<size_t>(c.data2)].span);
    return modified_unit(g, gen, std::move(args));
}

// The unit that `a >> b` folds into, or null.
PatchPtr fold(Graph& g, const Patch* a, const Patch* b) {
    if (!a || !b) return nullptr;
    if (a->unit->family == UnitFamily::Generator && b->unit->family == UnitFamily::Modifier)
        if (PatchPtr p = fold_into_generator(g, *a, *b)) return p;
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
