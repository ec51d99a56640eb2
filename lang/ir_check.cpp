// What the static types prove, reported as warnings by `mdc check` (the patch still means
// something): units that never receive an event, units that never act on what reaches them,
// filters that let nothing through, split keys that never match, ports that do not exist, and
// scenes nothing can switch to.
#include <set>

#include <fmt/format.h>

#include "engine/event_types.h"
#include "ir.h"
#include "units.h"

namespace mdc::ir {

using namespace engine;

namespace {

// "CTRL events", "events other than NOTE|POLY_AFTERTOUCH"
std::string events_phrase(uint32_t types) {
    std::string t = describe_types(types);
    if (t.starts_with("any but ")) return "events other than " + t.substr(8);
    if (t == "every event") return "events of every type";
    return t + " events";
}

class Checker {
public:
    Checker(const Graph& g, const CheckedPatch& c, DiagSink& d, const BuildOptions& o) : g_(g), c_(c), diags_(d), opts_(o) {}

    void run() {
        for (const Root& r : g_.roots) {
            in_init_ = r.init_or_exit;
            visit(r.node);
        }
        check_scenes();
    }

private:
    const Graph& g_;
    const CheckedPatch& c_;
    DiagSink& diags_;
    const BuildOptions& opts_;
    bool in_init_ = false;

    std::string name_of(const Node& n) const {
        if (n.kind == NodeKind::Unit && n.patch->unit) return std::string(n.patch->unit->name);
        if (n.kind == NodeKind::Invert || n.kind == NodeKind::Negate) {
            const Node& f = g_.nodes[n.children[0]];
            return (n.kind == NodeKind::Invert ? "~" : "-") + name_of(f);
        }
        return n.kind == NodeKind::Chain ? "chain" : n.kind == NodeKind::Fork ? "fork" : "split";
    }

    bool is_filter_like(const Node& n) const {
        if (n.kind == NodeKind::Invert || n.kind == NodeKind::Negate) return true;
        return n.kind == NodeKind::Unit && n.patch->unit &&
               n.patch->unit->family == UnitFamily::Filter;
    }

    void visit(NodeId id) {
        const Node& n = g_.nodes[id];
        check_ports(n);
        if (!in_init_ && !n.in.empty()) {
            check_acts(n);
            if (n.kind == NodeKind::Chain) check_chain(n);
            if (n.kind == NodeKind::Split) check_split(n);
        }
        bool was_init = in_init_;
        for (size_t ci = 0; ci < n.children.size(); ++ci) {
            NodeId c = n.children[ci];
            if (n.kind == NodeKind::Split && ci < n.key_matches.size() && !n.key_matches[ci]) continue;  // reported once, at its key
            const Node& child = g_.nodes[c];
            // Init/Exit bodies run when the scene starts or ends, not on events.
            if (n.kind == NodeKind::Unit && n.patch->unit && (n.patch->unit->name == "Init" || n.patch->unit->name == "Exit")) in_init_ = true;
            if (n.kind == NodeKind::Invert || n.kind == NodeKind::Negate) {
                check_ports(child);
                continue;
            }
            visit(c);
            in_init_ = was_init;
        }
    }

    // A modifier (or a filter whose other types pass) that none of the events reaching it concerns.
    void check_acts(const Node& n) {
        if (n.kind != NodeKind::Unit || !n.patch->unit) return;
        const UnitInfo& u = *n.patch->unit;
        bool acts_kind = u.family == UnitFamily::Modifier || (u.family == UnitFamily::Filter && u.sem.passes_other) ||
                         (u.family == UnitFamily::Extra && u.sem.acts_on != ~0u && !u.sem.consumes);
        if (!acts_kind || u.sem.acts_on == ~0u) return;
        if ((n.in.types & u.sem.acts_on) != 0) return;
        diags_.warning(n.span, fmt::format("{} never acts: only {} reach it", u.name, events_phrase(n.in.types)))
            .note(fmt::format("{} acts on {}", u.name, events_phrase(u.sem.acts_on)));
    }

    // In a chain, the first unit after which nothing flows: report the unit that stops everything.
    void check_chain(const Node& n) {
        for (size_t i = 0; i < n.children.size(); ++i) {
            const Node& c = g_.nodes[n.children[i]];
            if (c.in.empty()) return;
            if (!c.out.empty()) continue;
            bool consumer = c.kind == NodeKind::Unit && c.patch->unit && c.patch->unit->sem.consumes;
            if (consumer || i + 1 == n.children.size()) return;  // consuming, or nothing follows: intended
            if (is_filter_like(c)) {
                auto& d = diags_.warning(c.span, fmt::format("{} lets no event through: only {} reach it", name_of(c), events_phrase(c.in.types)));
                d.note("so what follows it never receives an event", g_.nodes[n.children[i + 1]].span);
            } else {
                diags_.warning(g_.nodes[n.children[i + 1]].span, "this never receives an event")
                    .note(fmt::format("nothing comes out of {}", name_of(c)), c.span);
            }
            return;
        }
    }

    void check_split(const Node& n) {
        const Patch& s = *n.patch;
        for (size_t i = 0; i < n.children.size(); ++i) {
            const Node& b = g_.nodes[n.children[i]];
            bool is_else = s.has_else && i + 1 == n.children.size();
            if (is_else) {
                if (b.in.empty())
                    diags_.warning(b.span, "the else branch of this split never receives an event")
                        .note(fmt::format("the keys already take all of: {}", describe(n.in, g_.data_offset)));
                continue;
            }
            if (n.key_matches[i]) continue;
            Span key = s.keys[i].span.valid() ? s.keys[i].span : b.span;
            diags_.warning(key, fmt::format("this {} key never matches", s.unit->name))
                .note(fmt::format("only {} reach the split", describe(n.in, g_.data_offset)), n.span);
        }
    }

    // Port(), Output() and generators sending to a port that does not exist.
    void check_ports(const Node& n) {
        if (opts_.any_port_input || n.kind != NodeKind::Unit || !n.patch->unit) return;
        const Patch& p = *n.patch;
        std::string_view name = p.unit->name;
        if (name != "Port" && name != "Output" && p.unit->family != UnitFamily::Generator) return;
        const Overload& ov = p.unit->overloads[static_cast<size_t>(p.overload)];
        for (size_t i = 0; i < ov.params.size(); ++i) {
            if (ov.params[i].name != "port" || !p.args[i].is(Value::Kind::Int)) continue;
            size_t count = c_.config.out_ports.size();
            if (static_cast<size_t>(p.args[i].i) < count) continue;
            Span at = p.args[i].span.valid() ? p.args[i].span : p.span;
            diags_.warning(at, fmt::format("output port {} does not exist", p.args[i].i + c_.config.data_offset))
                .note(fmt::format("out_ports has {} port{}; events sent there are dropped", count, count == 1 ? "" : "s"));
        }
    }

    // Scenes nothing can switch to: provable only when every switch has a constant target.
    void check_scenes() {
        if (!c_.run || c_.run->scenes.size() < 2) return;
        std::set<int> targets;
        bool any_target = false;
        for (const Node& n : g_.nodes) {
            if (n.kind != NodeKind::Unit || !n.patch->unit) continue;
            const Patch& p = *n.patch;
            std::string_view name = p.unit->name;
            if (name == "Process" || name == "Call" || name == "OSCInterface") any_target = true;
            if (name == "SubSceneSwitch") continue;  // stays within the scene
            if (name != "SceneSwitch") continue;
            if (p.overload == 1 || !p.args[0].is(Value::Kind::Int)) any_target = true;  // relative, or from the event
            else targets.insert(static_cast<int>(p.args[0].i));
        }
        for (const auto& h : c_.hooks)
            if (h.name == "OSCInterface" || h.name == "MemorizeScene" || h.name.starts_with("python:")) any_target = true;
        if (any_target || !c_.python_modules.empty() || !c_.instances.empty()) return;
        int initial = c_.config.initial_scene ? c_.config.initial_scene->first : c_.run->scenes.begin()->first;
        for (const auto& [number, scene] : c_.run->scenes) {
            if (number == initial || targets.count(number)) continue;
            diags_.warning(scene.span, fmt::format("nothing can switch to scene {}", number + c_.config.data_offset))
                .note(targets.empty() ? "the patch has no SceneSwitch" : "every SceneSwitch in the patch has another target");
        }
    }
};

}  // namespace

void check_graph(const Graph& g, const CheckedPatch& checked, DiagSink& diags, const BuildOptions& options) {
    Checker(g, checked, diags, options).run();
}

}  // namespace mdc::ir
