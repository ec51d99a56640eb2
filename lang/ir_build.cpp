// Builds the IR graph from a checked patch and propagates static types through it: from the
// input ports (configured in_ports; any port for convert) through pre, each scene and post, and
// through the control patch; init and exit patches start from the DUMMY event of a scene switch.
#include <fmt/format.h>

#include "engine/event_types.h"
#include "ir.h"
#include "types.h"
#include "units.h"

namespace mdc::ir {

using namespace engine;

void check_graph(const Graph& g, const CheckedPatch& checked, DiagSink& diags, const BuildOptions& options);

namespace {

class Builder {
public:
    explicit Builder(Graph& g) : g_(g) {}

    // Adds the subgraph of `p` fed with `in`; returns its node.
    NodeId add(const PatchPtr& p, const EventSet& in) {
        NodeId id = static_cast<NodeId>(g_.nodes.size());
        g_.nodes.push_back(Node{});
        Node node;
        node.span = p->span;
        node.patch = p.get();
        node.in = in;
        switch (p->kind) {
        case Patch::Kind::Chain: {
            node.kind = NodeKind::Chain;
            EventSet cur = in;
            for (const PatchPtr& c : p->children) {
                NodeId cid = add(c, cur);
                node.children.push_back(cid);
                cur = g_.nodes[cid].out;
            }
            node.out = cur;
            break;
        }
        case Patch::Kind::Fork: {
            node.kind = NodeKind::Fork;
            for (const PatchPtr& c : p->children) {
                NodeId cid = add(c, in);
                node.children.push_back(cid);
                node.out = node.out.join(g_.nodes[cid].out);
            }
            break;
        }
        case Patch::Kind::Split: {
            node.kind = NodeKind::Split;
            EventSet rest = in;  // what no key takes: the else branch
            for (size_t i = 0; i < p->children.size(); ++i) {
                bool is_else = p->has_else && i + 1 == p->children.size();
                bool matches = true;
                EventSet branch_in = is_else ? rest : split_branch(*p, p->keys[i], in, rest, matches);
                if (!is_else) node.key_matches.push_back(matches);
                NodeId cid = add(p->children[i], branch_in);
                node.children.push_back(cid);
                node.out = node.out.join(g_.nodes[cid].out);
            }
            break;
        }
        case Patch::Kind::Invert: case Patch::Kind::Negate: {
            node.kind = p->kind == Patch::Kind::Invert ? NodeKind::Invert : NodeKind::Negate;
            NodeId cid = add(p->children[0], in);
            node.children.push_back(cid);
            node.out = negated(*p, in);
            break;
        }
        case Patch::Kind::And: case Patch::Kind::Or:  // only reachable through '%' (built away)
        case Patch::Kind::Unit: {
            node.kind = NodeKind::Unit;
            node.out = p->unit ? transfer(*p, in) : in;
            // Init/Exit bodies, split-like extras: their patches are typed too.
            for (const PatchPtr& c : p->children) {
                if (!c) continue;
                bool scene_switch_body = p->unit && (p->unit->name == "Init" || p->unit->name == "Exit");
                EventSet body_in = scene_switch_body ? dummy() : in;
                NodeId cid = add(c, body_in);
                node.children.push_back(cid);
                if (!scene_switch_body) node.out = node.out.join(g_.nodes[cid].out);
            }
            break;
        }
        }
        g_.nodes[id] = std::move(node);
        return id;
    }

    static EventSet dummy() {
        EventSet d;
        d.types = DUMMY;
        return d;
    }

private:
    Graph& g_;

    // What reaches the branch of `key` in a split; removes what it takes from `rest`.
    EventSet split_branch(const Patch& split, const Value& key, const EventSet& in, EventSet& rest, bool& matches) {
        EventSet b = in;
        std::string_view n = split.unit->name;
        const UnitSemantics& sem = split.unit->sem;
        uint32_t other = sem.passes_other ? in.types & ~sem.acts_on : 0;
        if (n == "Split") {
            uint32_t m = static_cast<uint32_t>(key.i);
            b.types &= m;
            rest.types &= ~m;
            matches = !b.empty();
            return b;
        }
        b.types &= sem.acts_on;
        if (n == "PortSplit") {
            uint64_t m = 0;
            for (const Value& v : key.elements()) m |= v.i >= 63 ? (1ull << 63) : (1ull << v.i);
            b.ports &= m;
            if (!b.ports) b.types = 0;
        } else if (n == "ChannelSplit") {
            uint16_t m = 0;
            for (const Value& v : key.elements()) m |= static_cast<uint16_t>(1u << v.i);
            b.channels &= m;
            if (!b.channels) b.types = 0;
        } else if (n == "KeySplit") {
            int lo = static_cast<int>((*key.items)[0].i), hi = static_cast<int>((*key.items)[1].i);
            if (hi == 0) hi = 128;
            b.note_lo = static_cast<uint8_t>(std::max<int>(b.note_lo, lo));
            b.note_hi = static_cast<uint8_t>(std::min<int>(b.note_hi, hi));
            if (b.note_lo >= b.note_hi) b.types = 0, b.note_lo = 0, b.note_hi = 128;
        }
        matches = !b.empty() || in.empty();
        b.types |= other;  // other types go to every branch (KeySplit, VelocitySplit)
        return b;
    }

    // ~F and -F: exact for type filters, otherwise everything F could see may come out.
    EventSet negated(const Patch& p, const EventSet& in) {
        const Patch& f = *p.children[0];
        EventSet out = in;
        if (!f.unit) return out;
        if (f.unit->name == "Filter") {
            out.types &= ~static_cast<uint32_t>(f.args[0].i);
            return out;
        }
        if (p.kind == Patch::Kind::Invert && !f.unit->sem.passes_other) out.types &= f.unit->sem.acts_on;
        return out;
    }
};

EventSet input_type(const CheckedPatch& c, const BuildOptions& o) {
    EventSet in;
    in.types = ANY & ~DUMMY;
    size_t n = c.config.in_ports.size();
    in.ports = o.any_port_input || n >= 63 ? ~0ull : (n == 0 ? 0 : ((1ull << n) - 1));
    if (in.ports == 0) in.types = 0;
    return in;
}

}  // namespace

Graph build(const CheckedPatch& checked, DiagSink& diags, const BuildOptions& options) {
    Graph g;
    g.input = input_type(checked, options);
    g.data_offset = checked.config.data_offset;
    Builder b(g);
    int off = checked.config.data_offset;
    auto add_root = [&](std::string name, const PatchPtr& p, const EventSet& in, bool init_or_exit) {
        if (!p) return EventSet{};
        NodeId id = b.add(p, in);
        g.roots.push_back(Root{std::move(name), id, init_or_exit});
        return g.nodes[id].out;
    };
    if (checked.run) {
        const RunSpec& run = *checked.run;
        EventSet scene_in = g.input;
        if (run.pre) scene_in = add_root("pre", run.pre, g.input, false);
        EventSet after_scenes;
        for (const auto& [number, scene] : run.scenes) {
            std::string label = run.single_patch ? "patch" : fmt::format("scene {}{}", number + off, scene.name.empty() ? "" : " '" + scene.name + "'");
            auto add_scene = [&](const SceneValue& s, const std::string& l) {
                after_scenes = after_scenes.join(add_root(l, s.patch, scene_in, false));
                add_root("init of " + l, s.init, Builder::dummy(), true);
                add_root("exit of " + l, s.exit, Builder::dummy(), true);
            };
            if (scene.group)
                for (size_t i = 0; i < scene.subscenes.size(); ++i)
                    add_scene(scene.subscenes[i], fmt::format("{}, subscene {}", label, i + static_cast<size_t>(off)));
            else
                add_scene(scene, label);
        }
        if (run.post) add_root("post", run.post, after_scenes, false);
        if (run.control) add_root("control", run.control, g.input, false);
    } else if (checked.process_file) {
        BuildOptions any = options;
        any.any_port_input = true;
        add_root("process_file", checked.process_file->patch, input_type(checked, any), false);
    }
    check_graph(g, checked, diags, options);
    return g;
}

}  // namespace mdc::ir
