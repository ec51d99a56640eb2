// What checking a patch file produces: the patch trees (units with resolved, validated and
// normalised arguments, combined by chain, fork, split, inverted and negated filters), scenes,
// config, tests, hooks and MIDIMonster mappings. The IR builder starts from here.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ast.h"
#include "value.h"

namespace mdc {

struct UnitInfo;
struct Patch;
using PatchPtr = std::shared_ptr<const Patch>;

struct Patch {
    enum class Kind : uint8_t {
        Unit,    // a unit call: unit + overload + args (one per overload parameter, normalised)
        Chain,   // children in series
        Fork,    // children in parallel; remove_duplicates
        Split,   // a split unit: keys[i] selects children[i]; has_else: the last child is the else branch
        Invert,  // ~filter: children[0]
        Negate,  // -filter: children[0]
        And,     // selector conjunction (S1 & S2): children
        Or,      // selector disjunction (S1 | S2): children
    };
    Kind kind = Kind::Unit;
    Span span;
    const UnitInfo* unit = nullptr;
    int overload = -1;
    std::vector<Value> args;
    std::vector<PatchPtr> children;
    std::vector<Value> keys;
    bool has_else = false;
    bool remove_duplicates = true;

    mutable uint64_t weight = 0;  // units in the tree this DAG expands to (0: not yet counted)

    bool is_filter() const;    // a filter unit, or ~/- of one
    bool is_selector() const;  // a filter or an And/Or of selectors (usable before '%')
};

// How many nodes `p` becomes once its shared parts are expanded (memoised, saturating).
uint64_t patch_weight(const Patch& p);

struct SceneValue {
    Span span;
    std::string name;
    PatchPtr patch, init, exit;  // init/exit may be null
    bool group = false;
    std::vector<SceneValue> subscenes;  // for a SceneGroup
};

struct EventValue {
    Span span;
    uint32_t type = 0;
    int port = 0, channel = 0, data1 = 0, data2 = 0;  // raw (0-based) numbers
    std::string sysex;                                // bytes including F0 ... F7
};

struct MacroValue {
    const ast::Def* def = nullptr;
    std::vector<std::optional<Value>> defaults;  // evaluated where the def stands, as in Python
};

struct PythonInstance {
    Span span;
    std::string name;                  // the binding it was assigned to
    std::vector<std::string> modules;  // module names (file stems), in order
    std::vector<std::string> paths;    // resolved file paths
    std::string default_handler;       // "module.function" or ""
};

struct PortConfig {
    std::string name;
    std::vector<std::string> patterns;  // regexes for automatic connection
};

struct Config {
    std::string backend;  // "" = default rule
    std::string client_name = "mididings";
    std::vector<PortConfig> in_ports = {{"", {}}};
    std::vector<PortConfig> out_ports = {{"", {}}};
    int data_offset = 1;
    int octave_offset = 2;
    std::optional<std::pair<int, int>> initial_scene;  // raw numbers; subscene -1 = unspecified
    std::optional<double> start_delay;
    bool silent = false;
};

struct TestCase {
    Span span;
    std::string name;
    struct Sent {
        std::optional<double> time;
        EventValue event;
    };
    std::vector<Sent> send;
    std::vector<EventValue> expect;
};

struct HookValue {
    Span span;
    std::string name;  // unit name (OSCInterface, MemorizeScene, ...) or "python:<repr>"
    std::vector<Value> args;
};

struct MappingEndpoint {
    Span span;
    enum class Kind : uint8_t { Midi, Python } kind = Kind::Midi;
    std::string text;  // the expanded channel name, e.g. "keys.ch0.cc7" or "py1.mod.in1"
    // MIDI: port index (raw), MIDI channel 0..15, what, number
    int port = 0;
    int channel = 0;
    enum class What : uint8_t { Cc, Note, Pressure, Aftertouch, Pitch, Program, Rpn, Nrpn } what = What::Cc;
    int number = 0;
    // Python: instance name, handler ("module.function") or output channel name
    std::string instance, handler;
};

struct MappingLine {
    Span span;
    MappingEndpoint from, to;
};

struct RunSpec {
    Span span;
    std::map<int, SceneValue> scenes;  // raw scene number -> scene
    PatchPtr control, pre, post;
    bool single_patch = false;  // run(patch): one scene
};

struct ProcessFileSpec {
    Span span;
    std::string infile, outfile;
    PatchPtr patch;
};

struct CheckedPatch {
    Config config;
    std::optional<RunSpec> run;
    std::optional<ProcessFileSpec> process_file;
    std::vector<TestCase> tests;
    std::vector<HookValue> hooks;
    std::vector<PythonInstance> instances;
    std::vector<MappingLine> mappings;
    std::vector<std::string> python_modules;  // resolved paths of imported Python modules
    // What the patch's Python imports bind, as a Python script would: name -> "module" (import)
    // or "module.name" (from-import). Lambdas see these names, as they do in a mididings script.
    std::vector<std::pair<std::string, std::string>> python_names;
};

}  // namespace mdc
