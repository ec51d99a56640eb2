// Printing the IR: stable text (one node per line, fixed columns, source positions, the type of
// what reaches and what leaves each node) and Graphviz DOT, for `mdc dump --stage ir`.
#include <functional>

#include <fmt/format.h>

#include "ir.h"
#include "units.h"

namespace mdc::ir {

namespace {

std::string arg_text(const Value& v) {
    if (v.is(Value::Kind::Bytes)) {
        std::string out = "'";
        for (size_t i = 0; i < v.s.size(); ++i) out += fmt::format("{}{:02X}", i ? " " : "", static_cast<unsigned char>(v.s[i]));
        return out + "'";
    }
    if (v.is(Value::Kind::Patch)) return "<patch>";
    return describe(v);
}

std::string node_label(const Node& n, int off) {
    switch (n.kind) {
    case NodeKind::Chain: return "chain";
    case NodeKind::Fork: return fmt::format("fork{}{}", n.patch->remove_duplicates ? "" : " (keep duplicates)", n.table ? " (table)" : "");
    case NodeKind::Split: return fmt::format("split {}{}", n.patch->unit ? n.patch->unit->name : "", n.table ? " (table)" : "");
    case NodeKind::Invert: return "invert (~)";
    case NodeKind::Negate: return "negate (-)";
    case NodeKind::Unit: return n.patch->unit ? unit_text(*n.patch, off) : "unit";
    }
    return "?";
}

std::string position(const SourceSet& sources, Span s) {
    if (!s.valid()) return "";
    LineCol lc = sources.file(s.file).line_col(s.begin);
    return fmt::format("{}:{}", lc.line, lc.col);
}

void print_node(const Graph& g, const SourceSet& sources, NodeId id, int depth, std::string& out, std::string_view prefix) {
    const Node& n = g.nodes[id];
    std::string label = std::string(prefix) + node_label(n, g.data_offset);
    out += fmt::format("{:>4} {:<8} {}{:<{}} | {} -> {}\n", id, position(sources, n.span), std::string(static_cast<size_t>(depth) * 2, ' '),
                       label, std::max(0, 44 - depth * 2), describe(n.in, g.data_offset), describe(n.out, g.data_offset));
    for (size_t i = 0; i < n.children.size(); ++i) {
        std::string key_prefix;
        if (n.kind == NodeKind::Split) {
            bool is_else = n.patch->has_else && i + 1 == n.children.size();
            key_prefix = is_else ? "else: " : arg_text(n.patch->keys[i]) + ": ";
        }
        print_node(g, sources, n.children[i], depth + 1, out, key_prefix);
    }
}

std::string dot_escape(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

// Arguments back in the user's numbering (data_offset) where the parameter kind has one.
Value as_written(const Value& v, ArgKind k, int off) {
    auto user = [&](const Value& x) { return x.is(Value::Kind::Int) ? Value::integer(x.i + off, x.span) : x; };
    switch (k) {
    case ArgKind::Port: case ArgKind::PortRef: case ArgKind::OptPort: case ArgKind::Channel: case ArgKind::ChannelRef:
    case ArgKind::OptChannel: case ArgKind::Program: case ArgKind::ProgramRef: case ArgKind::SceneRef: case ArgKind::SubsceneRef:
        return user(v);
    case ArgKind::Ports: case ArgKind::Channels: case ArgKind::Programs: {
        std::vector<Value> xs;
        for (const Value& x : v.elements()) xs.push_back(user(x));
        return Value::list(std::move(xs), v.span);
    }
    case ArgKind::OutputProgram:
        if (v.is(Value::Kind::Tuple)) return Value::tuple({(*v.items)[0], user((*v.items)[1])}, v.span);
        return user(v);
    default: return v;
    }
}

std::string unit_text(const Patch& p, int off) {
    const Overload& ov = p.unit->overloads[static_cast<size_t>(p.overload)];
    std::string out = std::string(p.unit->name) + "(";
    size_t shown = 0;
    for (size_t i = 0; i < ov.params.size() && i < p.args.size(); ++i) {
        const Value& a = p.args[i];
        if (a.is(Value::Kind::Patch)) continue;
        if (ov.params[i].def.kind != ParamDefault::Kind::Required && (a.is(Value::Kind::None) || (a.is(Value::Kind::Dict) && a.entries->empty())))
            continue;
        out += fmt::format("{}{}={}", shown++ ? ", " : "", ov.params[i].name, arg_text(as_written(a, ov.params[i].kind, off)));
    }
    return out + ")";
}

std::string print_text(const Graph& g, const SourceSet& sources) {
    std::string out = fmt::format("input: {}\n", describe(g.input, g.data_offset));
    for (const Root& r : g.roots) {
        out += fmt::format("\n{}:\n", r.name);
        print_node(g, sources, r.node, 1, out, "");
    }
    return out;
}

namespace {
std::string shape(const Graph& g, NodeId id) {
    const Node& n = g.nodes[id];
    std::string kids;
    for (size_t i = 0; i < n.children.size(); ++i) {
        kids += i ? ", " : "";
        if (n.kind == NodeKind::Split)
            kids += (n.patch->has_else && i + 1 == n.children.size() ? std::string("else") : arg_text(n.patch->keys[i])) + ": ";
        kids += shape(g, n.children[i]);
    }
    switch (n.kind) {
    case NodeKind::Chain: return "Chain[" + kids + "]";
    case NodeKind::Fork: return (n.patch->remove_duplicates ? "Fork" : "Fork!dedup") + std::string(n.table ? "@table[" : "[") + kids + "]";
    case NodeKind::Split: return std::string(n.patch->unit->name) + (n.table ? "@table{" : "{") + kids + "}";
    case NodeKind::Invert: return "~" + kids;
    case NodeKind::Negate: return "-" + kids;
    case NodeKind::Unit: return n.patch->unit ? unit_text(*n.patch, g.data_offset) + (kids.empty() ? "" : "{" + kids + "}") : "?";
    }
    return "?";
}
}  // namespace

std::string print_shape(const Graph& g) {
    std::string out;
    for (const Root& r : g.roots) out += r.name + ": " + shape(g, r.node) + "\n";
    return out;
}

std::string print_dot(const Graph& g, const SourceSet& sources) {
    std::string out = "digraph patch {\n  rankdir=LR;\n  node [shape=box, fontname=\"Helvetica\", fontsize=10];\n"
                      "  edge [fontname=\"Helvetica\", fontsize=8];\n";
    // Each node becomes a box with an entry and an exit; chains connect in series, forks and
    // splits fan out and merge.
    struct Ends {
        std::string in, out;
    };
    int counter = 0;
    std::function<Ends(NodeId)> emit = [&](NodeId id) -> Ends {
        const Node& n = g.nodes[id];
        auto point = [&](std::string_view shape) {
            std::string name = fmt::format("p{}", counter++);
            out += fmt::format("  {} [shape={}, label=\"\", width=0.1, height=0.1];\n", name, shape);
            return name;
        };
        auto edge = [&](const std::string& a, const std::string& b, const EventSet& t, std::string_view key = "") {
            std::string label = key.empty() ? "" : dot_escape(std::string(key)) + "\\n";
            out += fmt::format("  {} -> {} [label=\"{}{}\"{}];\n", a, b, label, dot_escape(describe(t, g.data_offset)),
                               t.empty() ? ", style=dashed, color=gray" : "");
        };
        switch (n.kind) {
        case NodeKind::Chain: {
            if (n.children.empty()) {
                std::string p = point("point");
                return {p, p};
            }
            Ends first = emit(n.children[0]);
            Ends last = first;
            for (size_t i = 1; i < n.children.size(); ++i) {
                Ends next = emit(n.children[i]);
                edge(last.out, next.in, g.nodes[n.children[i]].in);
                last = next;
            }
            return {first.in, last.out};
        }
        case NodeKind::Fork: case NodeKind::Split: {
            std::string in = point(n.kind == NodeKind::Fork ? "circle" : "diamond");
            std::string merge = point("point");
            for (size_t i = 0; i < n.children.size(); ++i) {
                Ends c = emit(n.children[i]);
                std::string key;
                if (n.kind == NodeKind::Split)
                    key = n.patch->has_else && i + 1 == n.children.size() ? std::string("else") : arg_text(n.patch->keys[i]);
                edge(in, c.in, g.nodes[n.children[i]].in, key);
                edge(c.out, merge, g.nodes[n.children[i]].out);
            }
            return {in, merge};
        }
        case NodeKind::Invert: case NodeKind::Negate: case NodeKind::Unit: {
            std::string name = fmt::format("n{}", id);
            std::string label = node_label(n, g.data_offset);
            if (n.kind != NodeKind::Unit) label = (n.kind == NodeKind::Invert ? "~" : "-") + node_label(g.nodes[n.children[0]], g.data_offset);
            out += fmt::format("  {} [label=\"{}\\n{}\"];\n", name, dot_escape(label), position(sources, n.span));
            return {name, name};
        }
        }
        return {};
    };
    for (size_t r = 0; r < g.roots.size(); ++r) {
        const Root& root = g.roots[r];
        out += fmt::format("  subgraph cluster_{} {{\n  label=\"{}\";\n", r, dot_escape(root.name));
        std::string src = fmt::format("in{}", r), dst = fmt::format("out{}", r);
        out += fmt::format("  {} [shape=cds, label=\"in\"];\n  {} [shape=cds, label=\"out\"];\n", src, dst);
        Ends e = emit(root.node);
        out += fmt::format("  {} -> {} [label=\"{}\"];\n", src, e.in, dot_escape(describe(g.nodes[root.node].in, g.data_offset)));
        out += fmt::format("  {} -> {} [label=\"{}\"];\n", e.out, dst, dot_escape(describe(g.nodes[root.node].out, g.data_offset)));
        out += "  }\n";
    }
    return out + "}\n";
}

}  // namespace mdc::ir
