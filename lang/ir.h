// The typed graph IR: every unit of every scene (and the control, pre and post patches) as a node
// in one flat vector, children by index. Each node carries the static type of the events that can
// reach it and of those that can leave it (EventSet), propagated from the input ports through
// every unit's transfer rule (types.cpp). `mdc check` reports what the types prove (ir_check.cpp);
// `mdc dump --stage ir` prints the graph as text or Graphviz DOT (ir_print.cpp).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "diag.h"
#include "patch.h"

namespace mdc::ir {

// The set of events that can flow along an edge.
struct EventSet {
    uint32_t types = 0;          // event-type bits (engine/event_types.h)
    uint16_t channels = 0xFFFF;  // possible channels of channel events
    uint64_t ports = ~0ull;      // possible ports: bit i is port i; bit 63 stands for 63 and above
    uint8_t note_lo = 0;         // possible notes of note events: [note_lo, note_hi)
    uint8_t note_hi = 128;

    bool empty() const { return types == 0; }
    EventSet join(const EventSet& o) const;
    bool operator==(const EventSet&) const = default;
};

std::string describe_types(uint32_t types);  // "NOTEON|NOTEOFF", "ANY but SYSEX", ...
// Types, then ports and channels (user numbers: + data_offset) and notes where narrowed.
std::string describe(const EventSet& s, int data_offset = 1);

enum class NodeKind : uint8_t { Chain, Fork, Split, Unit, Invert, Negate };

using NodeId = uint32_t;
inline constexpr NodeId no_node = ~0u;

struct Node {
    NodeKind kind = NodeKind::Unit;
    Span span;
    const Patch* patch = nullptr;  // where it came from (unit, args, keys)
    std::vector<NodeId> children;
    EventSet in, out;
    std::vector<bool> key_matches;  // a split: can each key match anything that reaches it?
    bool table = false;             // a split or fork that split-tables / fork-tables chose to run as a table lookup
};

// Where a root sits in the engine's flow, which decides what reaches it.
enum class RootRole : uint8_t { Pre, Scene, SceneSwitch, Post, Control, ProcessFile };

struct Root {
    std::string name;  // "scene 1 'piano'", "control", "pre", "post", "init of scene 1", ...
    NodeId node = no_node;
    bool init_or_exit = false;  // runs on a DUMMY event when a scene starts or ends
    RootRole role = RootRole::Scene;
    int32_t scene = -1;     // Scene and SceneSwitch roots: the raw scene number
    int32_t subscene = 0;   // index within its SceneGroup (0 for a plain scene)
    bool exit = false;      // a SceneSwitch root: the exit patch (else the init patch)
};

struct Graph {
    std::vector<Node> nodes;  // unreachable nodes may remain after passes; printing follows roots
    std::vector<std::shared_ptr<const Patch>> owned;  // patches that passes made (folded units)
    std::vector<Root> roots;
    EventSet input;  // what the input ports deliver
    int data_offset = 1;  // for printing user numbers
};

struct BuildOptions {
    bool any_port_input = false;  // convert and benchmarks: any port, no out_ports bound
    uint64_t max_units = 1u << 20;  // most nodes the graph of all scenes may have
};

// Builds the graph of a checked patch, propagates types, and reports warnings into `diags`.
Graph build(const CheckedPatch& checked, DiagSink& diags, const BuildOptions& options = {});
// Recomputes every node's types from the roots (after a pass changed the graph).
void retype(Graph& g);

std::string print_text(const Graph& g, const SourceSet& sources);
// The structure only, one root per line: `patch: Chain[Transpose(offset=7), Channel(channel=2)]`.
std::string print_shape(const Graph& g);
std::string print_dot(const Graph& g, const SourceSet& sources);
std::string print_json(const Graph& g, const SourceSet& sources);  // ir_json.cpp

// A unit call as source-like text with the user's numbering: `Channel(channel=2)`.
std::string unit_text(const Patch& p, int data_offset);

}  // namespace mdc::ir
