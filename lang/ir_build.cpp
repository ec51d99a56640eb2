// Builds the IR graph from a checked patch, then propagates static types through it: from the
// input ports (configured in_ports; any port for convert) through pre, each scene and post, and
// through the control patch; init and exit patches start from the DUMMY event of a scene switch.
// Typing is its own step (retype), so passes can re-run it after they change the graph.
#include <fmt/format.h>

#include "engine/event_types.h"
#include "ir.h"
#include "types.h"
#include "units.h"

namespace mdc::ir {

using namespace engine;

void check_graph(const Graph& g, const CheckedPatch& checked, DiagSink& diags, const BuildOptions& options);

namespace {

EventSet dummy_event() {
    EventSet d;
    d.types = DUMMY;
    return d;
}

bool is_init_or_exit(const Patch* p) { return p && p->unit && (p->unit->name == "Init" || p->unit->name == "Exit"); }

// The graph's structure, one node per patch node.
NodeId add(Graph& g, const PatchPtr& p) {
    NodeId id = static_cast<NodeId>(g.nodes.size());
    g.nodes.push_back(Node{});
    Node node;
    node.span = p->span;
    node.patch = p.get();
    switch (p->kind) {
    case Patch::Kind::Chain: node.kind = NodeKind::Chain; break;
    case Patch::Kind::Fork: node.kind = NodeKind::Fork; break;
    case Patch::Kind::Split: node.kind = NodeKind::Split; break;
    case Patch::Kind::Invert: node.kind = NodeKind::Invert; break;
    case Patch::Kind::Negate: node.kind = NodeKind::Negate; break;
    case Patch::Kind::And: case Patch::Kind::Or: case Patch::Kind::Unit: node.kind = NodeKind::Unit; break;
    }
    for (const PatchPtr& c : p->children)
        if (c) node.children.push_back(add(g, c));
    g.nodes[id] = std::move(node);
    return id;
}

class Typer {
public:
    explicit Typer(Graph& g) : g_(g) {}

    EventSet type(NodeId id, const EventSet& in) {
        Node& n = g_.nodes[id];
        n.in = in;
        n.out = {};
        n.key_matches.clear();
        switch (n.kind) {
        case NodeKind::Chain: {
            EventSet cur = in;
            for (NodeId c : n.children) cur = type(c, cur);
            n.out = cur;
            break;
        }
        case NodeKind::Fork:
            for (NodeId c : n.children) n.out = n.out.join(type(c, in));
            break;
        case NodeKind::Split: {
            const Patch& p = *n.patch;
            EventSet rest = in;  // what no key takes: the else branch
            for (size_t i = 0; i < n.children.size(); ++i) {
                bool is_else = p.has_else && i + 1 == n.children.size();
                bool matches = true;
                EventSet branch_in = is_else ? rest : split_branch(p, p.keys[i], in, rest, matches);
                if (!is_else) n.key_matches.push_back(matches);
                n.out = n.out.join(type(n.children[i], branch_in));
            }
            break;
        }
        case NodeKind::Invert: case NodeKind::Negate:
            type(n.children[0], in);
            n.out = negated(n, in);
            break;
        case NodeKind::Unit: {
            n.out = n.patch->unit ? transfer(*n.patch, in) : in;
            bool body_on_switch = is_init_or_exit(n.patch);
            for (NodeId c : n.children) {  // Init/Exit bodies and split-like extras
                EventSet body_out = type(c, body_on_switch ? dummy_event() : in);
                if (!body_on_switch) n.out = n.out.join(body_out);
            }
            break;
        }
        }
        return g_.nodes[id].out;
    }

private:
    Graph& g_;

    // What reaches the branch of `key` in a split; removes what it takes from `rest`.
    static EventSet split_branch(const Patch& split, const Value& key, const EventSet& in, EventSet& rest, bool& matches) {
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
        // Other types reach no key; unless they pass (KeySplit, VelocitySplit) the else branch
        // (a chain of ~XFilter(key)) drops them too.
        if (!sem.passes_other) rest.types &= sem.acts_on;
        b.types &= sem.acts_on;
        if (n == "PortSplit") {
            b.ports &= port_mask(key);
            if (!b.ports) b.types = 0;
        } else if (n == "ChannelSplit") {
            b.channels &= channel_mask(key);
            if (!b.channels) b.types = 0;
        } else if (n == "KeySplit") {
            b = narrow_notes(b, static_cast<int>((*key.items)[0].i), static_cast<int>((*key.items)[1].i));
        }
        matches = !b.empty() || in.empty();
        b.types |= other;  // other types go to every branch (KeySplit, VelocitySplit)
        return b;
    }

    // ~F and -F: exact for type filters, otherwise everything F could see may come out.
    EventSet negated(const Node& n, const EventSet& in) const {
        const Patch& f = *g_.nodes[n.children[0]].patch;
        EventSet out = in;
        if (!f.unit) return out;
        if (f.unit->name == "Filter") {
            out.types &= ~static_cast<uint32_t>(f.args[0].i);
            return out;
        }
        if (n.kind == NodeKind::Invert && !f.unit->sem.passes_other) out.types &= f.unit->sem.acts_on;
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

namespace {
bool has_switch_effect(const Graph& g, NodeId id) {
    const Node& n = g.nodes[id];
    if (n.kind == NodeKind::Unit && n.patch->unit &&
        (n.patch->unit->name == "Init" || n.patch->unit->name == "Exit" || n.patch->unit->name == "Output"))
        return true;
    for (NodeId c : n.children)
        if (has_switch_effect(g, c)) return true;
    return false;
}
}  // namespace

void retype(Graph& g) {
    Typer t(g);
    EventSet pre_out = g.input, post_in;
    for (const Root& r : g.roots)
        if (r.role == RootRole::Pre) pre_out = t.type(r.node, g.input);
    bool switch_output = false;
    for (const Root& r : g.roots) {
        switch (r.role) {
        case RootRole::Scene:
            post_in = post_in.join(t.type(r.node, pre_out));
            switch_output |= has_switch_effect(g, r.node);
            break;
        case RootRole::SceneSwitch:
            post_in = post_in.join(t.type(r.node, dummy_event()));
            switch_output = true;
            break;
        case RootRole::Control: case RootRole::ProcessFile: t.type(r.node, g.input); break;
        default: break;
        }
    }
    // What scene switches send (the DUMMY event, init and exit patches, Output's program and
    // controller messages) goes through post too, and can be anything.
    if (switch_output) {
        EventSet any;
        any.types = ANY;
        post_in = post_in.join(any);
    }
    for (const Root& r : g.roots)
        if (r.role == RootRole::Post) t.type(r.node, post_in);
}

Graph build(const CheckedPatch& checked, DiagSink& diags, const BuildOptions& options) {
    Graph g;
    g.input = input_type(checked, options);
    g.data_offset = checked.config.data_offset;
    int off = checked.config.data_offset;
    // Scenes may share patches; the graph expands them, so bound the total.
    uint64_t units = 0;
    bool too_large = false;
    auto add_root = [&](std::string name, const PatchPtr& p, RootRole role, int32_t scene = -1, int32_t subscene = 0, bool exit = false) {
        if (!p || too_large) return;
        units += patch_weight(*p);
        if (units > options.max_units) {
            too_large = true;
            diags.error(p->span, fmt::format("the patch is too large: more than {} units in all its scenes", options.max_units));
            return;
        }
        g.roots.push_back(Root{std::move(name), add(g, p), role == RootRole::SceneSwitch, role, scene, subscene, exit});
    };
    if (checked.run) {
        const RunSpec& run = *checked.run;
        add_root("pre", run.pre, RootRole::Pre);
        for (const auto& [number, scene] : run.scenes) {
            std::string label = run.single_patch ? "patch" : fmt::format("scene {}{}", number + off, scene.name.empty() ? "" : " '" + scene.name + "'");
            auto add_scene = [&, number = number](const SceneValue& s, const std::string& l, int32_t sub) {
                add_root(l, s.patch, RootRole::Scene, number, sub);
                add_root("init of " + l, s.init, RootRole::SceneSwitch, number, sub);
                add_root("exit of " + l, s.exit, RootRole::SceneSwitch, number, sub, true);
            };
            if (scene.group)
                for (size_t i = 0; i < scene.subscenes.size(); ++i)
                    add_scene(scene.subscenes[i], fmt::format("{}, subscene {}", label, i + static_cast<size_t>(off)), static_cast<int32_t>(i));
            else
                add_scene(scene, label, 0);
        }
        add_root("post", run.post, RootRole::Post);
        add_root("control", run.control, RootRole::Control);
    } else if (checked.process_file) {
        BuildOptions any = options;
        any.any_port_input = true;
        g.input = input_type(checked, any);
        add_root("process_file", checked.process_file->patch, RootRole::ProcessFile);
    }
    retype(g);
    if (!too_large) {  // a process_file patch's ports are the file's tracks: any number goes
        BuildOptions check = options;
        check.any_port_input = check.any_port_input || checked.process_file.has_value();
        check_graph(g, checked, diags, check);
    }
    return g;
}

}  // namespace mdc::ir
