// The IR as JSON for tools (`mdc dump --stage ir|opt --format json`): the input type, the roots,
// and every reachable node with its kind, unit and arguments (user numbering), source position,
// children and the static types of what reaches and leaves it.
#include <nlohmann/json.hpp>

#include "engine/event_types.h"
#include "ir.h"
#include "passes/pass.h"
#include "units.h"

namespace mdc::ir {

namespace {

using json = nlohmann::ordered_json;

json type_json(const EventSet& s, int off) {
    json types = json::array();
    for (const auto& n : engine::event_type_names)
        if (n.single && (s.types & n.mask)) types.push_back(n.name);
    json ports = json::array(), channels = json::array();
    for (int i = 0; i < 63; ++i)
        if (s.ports & (1ull << i)) ports.push_back(i + off);
    if (s.ports & (1ull << 63)) ports.push_back(">=" + std::to_string(63 + off));  // bit 63 stands for 63 and above
    for (int i = 0; i < 16; ++i)
        if (s.channels & (1u << i)) channels.push_back(i + off);
    return {{"types", types}, {"ports", ports}, {"channels", channels}, {"notes", {s.note_lo, s.note_hi - 1}}};
}

json value_json(const Value& v) {
    switch (v.kind) {
    case Value::Kind::None: return nullptr;
    case Value::Kind::Bool: return v.flag;
    case Value::Kind::Int: case Value::Kind::NoDataOffset: return v.i;
    case Value::Kind::Float: return v.f;
    case Value::Kind::Str: return v.s;
    case Value::Kind::Bytes: {
        json bytes = json::array();
        for (unsigned char c : v.s) bytes.push_back(c);
        return bytes;
    }
    case Value::Kind::List: case Value::Kind::Tuple: case Value::Kind::Set: {
        json a = json::array();
        for (const Value& x : v.elements()) a.push_back(value_json(x));
        return a;
    }
    case Value::Kind::Dict: {
        json a = json::array();
        for (const auto& [k, x] : *v.entries) a.push_back({value_json(k), value_json(x)});
        return a;
    }
    default: return describe(v);
    }
}

std::string_view kind_name(NodeKind k) {
    switch (k) {
    case NodeKind::Chain: return "chain";
    case NodeKind::Fork: return "fork";
    case NodeKind::Split: return "split";
    case NodeKind::Unit: return "unit";
    case NodeKind::Invert: return "invert";
    case NodeKind::Negate: return "negate";
    }
    return "?";
}

}  // namespace

std::string print_json(const Graph& g, const SourceSet& sources) {
    json nodes = json::array();
    for (NodeId id : reachable(g)) {
        const Node& n = g.nodes[id];
        json node = {{"id", id}, {"kind", kind_name(n.kind)}};
        if (n.span.valid()) {
            LineCol lc = sources.file(n.span.file).line_col(n.span.begin);
            node["line"] = lc.line;
            node["column"] = lc.col;
        }
        if (n.kind == NodeKind::Fork) node["remove_duplicates"] = n.patch->remove_duplicates;
        if (n.kind == NodeKind::Fork || n.kind == NodeKind::Split) node["table"] = n.table;
        if ((n.kind == NodeKind::Unit || n.kind == NodeKind::Split) && n.patch->unit) {
            node["unit"] = n.patch->unit->name;
            node["text"] = unit_text(*n.patch, g.data_offset);
        }
        if (n.kind == NodeKind::Split) {
            json keys = json::array();
            for (const Value& k : n.patch->keys) keys.push_back(value_json(k));
            node["keys"] = keys;
            node["has_else"] = n.patch->has_else;
        }
        node["children"] = n.children;
        node["in"] = type_json(n.in, g.data_offset);
        node["out"] = type_json(n.out, g.data_offset);
        nodes.push_back(std::move(node));
    }
    json roots = json::array();
    for (const Root& r : g.roots) roots.push_back({{"name", r.name}, {"node", r.node}});
    json doc = {{"input", type_json(g.input, g.data_offset)}, {"roots", roots}, {"nodes", nodes}};
    return doc.dump(2) + "\n";
}

}  // namespace mdc::ir
