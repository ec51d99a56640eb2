// Checker tests: patches are parsed and evaluated through the API (as lang/check.cpp does) and
// the CheckedPatch is inspected: config, normalised unit arguments (data_offset, octave_offset,
// port names, SysEx), overload choice, patch structure of every operator, scenes, macros,
// comprehensions and compile-time arithmetic, test(...) statements, MIDIMonster mapping lines
// and OutputTemplate. Expected values follow the spec (/work/shared/reference/mididings.md,
// sections 2.1-2.10, and mididings-units.md).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "engine/event_types.h"
#include "lang/evaluator.h"
#include "lang/parse.h"
#include "lang/patch.h"

using namespace mdc;

namespace {

struct Checked {
    std::shared_ptr<SourceSet> sources;
    std::shared_ptr<ast::Module> module;  // kept alive with the result
    CheckedPatch out;
    std::string diags;
    size_t errors = 0, warnings = 0;
};

// Parses and checks `text` as a patch file (with `from mididings import *` in front).
Checked evaluate(const std::string& text, const std::string& patch_dir = "") {
    Checked c;
    c.sources = std::make_shared<SourceSet>();
    uint32_t f = c.sources->add("t.mdp", "from mididings import *\n" + text);
    DiagSink diags;
    c.module = std::make_shared<ast::Module>(parse_module(*c.sources, f, diags));
    EvalOptions options;
    options.patch_dir = patch_dir;
    c.out = Evaluator(*c.sources, diags, options).run(*c.module);
    c.diags = render_all(diags, *c.sources);
    c.errors = diags.error_count();
    c.warnings = diags.warning_count();
    return c;
}

// The same, for a patch that must check without any diagnostic.
Checked clean(const std::string& text, const std::string& patch_dir = "") {
    Checked c = evaluate(text, patch_dir);
    CHECK_MESSAGE(c.errors == 0, c.diags);
    CHECK_MESSAGE(c.warnings == 0, c.diags);
    return c;
}

// ---- rendering checked values, so a whole patch tree is one exact string ---------------------

std::string mask_name(uint32_t m) {
    for (const auto& n : engine::event_type_names)
        if (n.mask == m) return std::string(n.name);
    std::string out;
    for (const auto& n : engine::event_type_names)
        if (n.single && (m & n.mask)) out += (out.empty() ? "" : "|") + std::string(n.name);
    return out.empty() ? fmt::format("mask({})", m) : out;
}

std::string show(const PatchPtr& p);

std::string val(const Value& v) {
    using K = Value::Kind;
    switch (v.kind) {
    case K::None: return "None";
    case K::Bool: return v.flag ? "True" : "False";
    case K::Int: case K::NoDataOffset: return std::to_string(v.i);
    case K::Float:
        if (v.f == static_cast<double>(static_cast<long long>(v.f))) return fmt::format("{:.1f}", v.f);
        return fmt::format("{}", v.f);
    case K::Str: return "'" + v.s + "'";
    case K::Bytes: {
        std::string out = "<";
        for (size_t i = 0; i < v.s.size(); ++i) out += fmt::format("{}{:02X}", i ? " " : "", static_cast<unsigned char>(v.s[i]));
        return out + ">";
    }
    case K::TypeMask: return mask_name(static_cast<uint32_t>(v.i));
    case K::EventRef:
        for (const auto& n : engine::event_field_names)
            if (static_cast<int64_t>(n.field) == v.i) return std::string(n.name);
        return "EVENT_?";
    case K::List: case K::Tuple: {
        std::string out = v.kind == K::List ? "[" : "(";
        for (size_t i = 0; i < v.items->size(); ++i) out += (i ? ", " : "") + val((*v.items)[i]);
        if (v.kind == K::Tuple && v.items->size() == 1) out += ",";
        return out + (v.kind == K::List ? "]" : ")");
    }
    case K::Dict: {
        std::string out = "{";
        for (size_t i = 0; i < v.entries->size(); ++i)
            out += (i ? ", " : "") + val((*v.entries)[i].first) + ": " + val((*v.entries)[i].second);
        return out + "}";
    }
    case K::Patch: return show(v.patch);
    case K::Lambda: return "lambda";
    case K::PyRef: return v.s + "." + v.s2;
    default: return "<" + type_name(v) + ">";
    }
}

std::string join(const std::vector<PatchPtr>& ps) {
    std::string out;
    for (size_t i = 0; i < ps.size(); ++i) out += (i ? ", " : "") + show(ps[i]);
    return out;
}

// Unit(args...), Chain[...], Fork[...] (Fork(nodup)[...] without duplicate removal),
// Split<Unit>{key: branch, ..., else: branch}, ~filter, -filter, And[...], Or[...].
std::string show(const PatchPtr& p) {
    if (!p) return "null";
    switch (p->kind) {
    case Patch::Kind::Unit: {
        std::string out = std::string(p->unit ? p->unit->name : "?") + "(";
        for (size_t i = 0; i < p->args.size(); ++i) out += (i ? ", " : "") + val(p->args[i]);
        return out + ")";
    }
    case Patch::Kind::Chain: return "Chain[" + join(p->children) + "]";
    case Patch::Kind::Fork: return std::string(p->remove_duplicates ? "Fork[" : "Fork(nodup)[") + join(p->children) + "]";
    case Patch::Kind::Split: {
        std::string out = "Split<" + std::string(p->unit ? p->unit->name : "?") + ">{";
        for (size_t i = 0; i < p->keys.size(); ++i)
            out += (i ? ", " : "") + val(p->keys[i]) + ": " + (i < p->children.size() ? show(p->children[i]) : "missing");
        if (p->has_else) out += (p->keys.empty() ? "else: " : ", else: ") + show(p->children.back());
        return out + "}";
    }
    case Patch::Kind::Invert: return "~" + show(p->children.at(0));
    case Patch::Kind::Negate: return "-" + show(p->children.at(0));
    case Patch::Kind::And: return "And[" + join(p->children) + "]";
    case Patch::Kind::Or: return "Or[" + join(p->children) + "]";
    }
    return "?";
}

// The patch of run(patch).
PatchPtr main_patch(const Checked& c) {
    REQUIRE_MESSAGE(c.out.run.has_value(), c.diags);
    REQUIRE(c.out.run->scenes.count(0) == 1);
    return c.out.run->scenes.at(0).patch;
}

// show() of run(<expr>), after `setup` lines.
std::string patch_of(const std::string& expr, const std::string& setup = "") {
    Checked c = clean(setup + "run(" + expr + ")\n");
    if (!c.out.run || !c.out.run->scenes.count(0)) return "no patch: " + c.diags;
    return show(c.out.run->scenes.at(0).patch);
}

// The overload chosen for the unit run(<expr>) builds.
int overload_of(const std::string& expr, const std::string& setup = "") {
    Checked c = clean(setup + "run(" + expr + ")\n");
    if (!c.out.run || !c.out.run->scenes.count(0)) return -99;
    return c.out.run->scenes.at(0).patch->overload;
}

bool has_error(const std::string& text, const std::string& message) {
    Checked c = evaluate(text);
    INFO(c.diags);
    return c.errors > 0 && c.diags.find(message) != std::string::npos;
}

std::string event(const EventValue& e) {
    return fmt::format("{} port={} ch={} d1={} d2={}{}", mask_name(e.type), e.port, e.channel, e.data1, e.data2,
                       e.sysex.empty() ? "" : " sysex=" + val(Value::bytes(e.sysex)));
}

std::string endpoint(const MappingEndpoint& e) {
    if (e.kind == MappingEndpoint::Kind::Python) return fmt::format("py:{}:{}", e.instance, e.handler);
    static const char* what[] = {"cc", "note", "pressure", "aftertouch", "pitch", "program", "rpn", "nrpn"};
    return fmt::format("midi:{}:ch{}:{}{}", e.port, e.channel, what[static_cast<int>(e.what)], e.number);
}

std::string mappings(const Checked& c) {
    std::string out;
    for (const MappingLine& m : c.out.mappings) out += endpoint(m.from) + " -> " + endpoint(m.to) + "\n";
    return out;
}

// A fresh folder with Python modules in it, removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "mdc_eval_test_XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
};

}  // namespace

// ---- config ----------------------------------------------------------------------------------

TEST_CASE("config defaults") {
    Checked c = clean("run(Pass())\n");
    const Config& k = c.out.config;
    CHECK(k.backend == "");
    CHECK(k.client_name == "mididings");
    CHECK(k.data_offset == 1);
    CHECK(k.octave_offset == 2);
    CHECK(k.in_ports.size() == 1);
    CHECK(k.out_ports.size() == 1);
    CHECK(k.in_ports[0].name == "");
    CHECK_FALSE(k.initial_scene.has_value());
    CHECK_FALSE(k.start_delay.has_value());
    CHECK_FALSE(k.silent);
}

TEST_CASE("config values are stored") {
    Checked c = clean(
        "config(backend='jack', client_name='live', data_offset=0, octave_offset=1,\n"
        "       in_ports=['keys', ('pads', 'nanoPAD.*', 'other')], out_ports=3, start_delay=0.5, silent=True)\n"
        "run(Pass())\n");
    const Config& k = c.out.config;
    CHECK(k.backend == "jack");
    CHECK(k.client_name == "live");
    CHECK(k.data_offset == 0);
    CHECK(k.octave_offset == 1);
    REQUIRE(k.in_ports.size() == 2);
    CHECK(k.in_ports[0].name == "keys");
    CHECK(k.in_ports[0].patterns.empty());
    CHECK(k.in_ports[1].name == "pads");
    CHECK(k.in_ports[1].patterns == std::vector<std::string>{"nanoPAD.*", "other"});
    REQUIRE(k.out_ports.size() == 3);
    CHECK(k.out_ports[2].name == "");
    REQUIRE(k.start_delay.has_value());
    CHECK(*k.start_delay == 0.5);
    CHECK(k.silent);
}

TEST_CASE("config initial_scene is stored as raw numbers") {
    Checked c = clean("config(initial_scene=2)\nrun(scenes={1: Pass(), 2: Discard()})\n");
    REQUIRE(c.out.config.initial_scene.has_value());
    CHECK(c.out.config.initial_scene->first == 1);
    CHECK(c.out.config.initial_scene->second == -1);

    Checked g = clean("config(initial_scene=(2, 2))\nrun(scenes={1: Pass(), 2: SceneGroup('g', [Pass(), Discard()])})\n");
    REQUIRE(g.out.config.initial_scene.has_value());
    CHECK(g.out.config.initial_scene->first == 1);
    CHECK(g.out.config.initial_scene->second == 1);
}

TEST_CASE("config initial_scene follows the final data_offset, whatever the keyword order") {
    // config() only stores the values (mididings' setup dict); the engine parses initial_scene when
    // it starts (Engine.run()), with the data_offset then in force. Keyword order cannot matter.
    Checked c = clean("config(initial_scene=2, data_offset=0)\nrun(scenes={0: Pass(), 2: Discard()})\n");
    REQUIRE(c.out.config.initial_scene.has_value());
    CHECK(c.out.config.initial_scene->first == 2);
    Checked d = clean("config(initial_scene=2)\nconfig(data_offset=0)\nrun(scenes={0: Pass(), 2: Discard()})\n");
    REQUIRE(d.out.config.initial_scene.has_value());
    CHECK(d.out.config.initial_scene->first == 2);
}

TEST_CASE("config rejects unknown keys and wrong values") {
    CHECK(has_error("config(data_ofset=0)\nrun(Pass())\n", "unknown config key 'data_ofset'"));
    CHECK(has_error("config(data_ofset=0)\nrun(Pass())\n", "did you mean 'data_offset'?"));
    CHECK(has_error("config(data_offset=2)\nrun(Pass())\n", "config data_offset must be 0 or 1"));
    CHECK(has_error("config(backend='coreaudio')\nrun(Pass())\n", "config backend must be"));
    CHECK(has_error("config(in_ports=['a', 'a'])\nrun(Pass())\n", "port name 'a' is used twice"));
    CHECK(has_error("config(initial_scene=3)\nrun(scenes={1: Pass(), 2: Pass()})\n", "initial_scene 3 is not one of the scenes"));
}

// ---- normalised arguments ------------------------------------------------------------------

TEST_CASE("channels, programs and ports follow data_offset") {
    CHECK(patch_of("Channel(1)") == "Channel(0)");
    CHECK(patch_of("Channel(16)") == "Channel(15)");
    CHECK(patch_of("Channel(1)", "config(data_offset=0)\n") == "Channel(1)");
    CHECK(patch_of("Channel(0)", "config(data_offset=0)\n") == "Channel(0)");
    CHECK(patch_of("Program(1)") == "Program(0)");
    CHECK(patch_of("Program(128)") == "Program(127)");
    CHECK(patch_of("Program(0)", "config(data_offset=0)\n") == "Program(0)");
    CHECK(patch_of("Port(2)") == "Port(1)");
    CHECK(patch_of("Port(2)", "config(data_offset=0)\n") == "Port(2)");
    CHECK(patch_of("ChannelFilter(1, 2, [3, (4, 5)])") == "ChannelFilter([0, 1, 2, 3, 4])");
    CHECK(patch_of("ProgramFilter(range(1, 4))") == "ProgramFilter([0, 1, 2])");
    CHECK(patch_of("PortFilter(1, 2, (3, 4))") == "PortFilter([0, 1, 2, 3])");
    CHECK(patch_of("SceneSwitch(2)") == "SceneSwitch(1)");
    CHECK(patch_of("SubSceneSwitch(1)") == "SubSceneSwitch(0)");
    CHECK(patch_of("Program(2, 3, 5)") == "Program(1, 2, 4)");
}

TEST_CASE("numbers outside the user range are errors") {
    CHECK(has_error("run(Channel(0))\n", "channel 0 is out of range 1..16"));
    CHECK(has_error("run(Channel(17))\n", "channel 17 is out of range 1..16"));
    CHECK(has_error("config(data_offset=0)\nrun(Channel(16))\n", "channel 16 is out of range 0..15"));
    CHECK(has_error("run(Program(129))\n", "program 129 is out of range 1..128"));
    CHECK(has_error("run(Port(0))\n", "port 0 is out of range"));
}

TEST_CASE("notes, not affected by data_offset, use octave_offset for names") {
    CHECK(patch_of("Key('c3')") == "Key(60)");
    CHECK(patch_of("Key('f#4')") == "Key(78)");
    CHECK(patch_of("Key('db3')") == "Key(61)");
    CHECK(patch_of("Key('c-2')") == "Key(0)");
    CHECK(patch_of("Key('g8')") == "Key(127)");
    CHECK(patch_of("Key(60)", "config(data_offset=0)\n") == "Key(60)");
    CHECK(patch_of("Key('c4')", "config(octave_offset=1)\n") == "Key(60)");
    CHECK(patch_of("Key('c-1')", "config(octave_offset=1)\n") == "Key(0)");
    CHECK(patch_of("KeyFilter('c4:c5')", "config(octave_offset=1)\n") == "KeyFilter((60, 72))");
    CHECK(patch_of("Key('C3')") == "Key(60)");
}

TEST_CASE("invalid note names are errors") {
    CHECK(has_error("run(Key('g#8'))\n", "note 'g#8' is 128"));
    CHECK(has_error("run(Key('cb3'))\n", "'cb3' is not a note name"));
    CHECK(has_error("run(Key('e#3'))\n", "'e#3' is not a note name"));
    CHECK(has_error("run(Key('h3'))\n", "'h3' is not a note name"));
    CHECK(has_error("run(KeyFilter('c3-c4'))\n", "a note range uses ':'"));
}

TEST_CASE("note names are case-insensitive, flats included") {
    // mididings lower-cases the name before parsing it: 'EB3' is 'eb3'.
    CHECK(patch_of("Key('EB3')") == "Key(63)");
    CHECK(patch_of("Key('Bb2')") == "Key(58)");
}

TEST_CASE("note ranges are half-open pairs") {
    CHECK(patch_of("KeyFilter('c3:c4')") == "KeyFilter((60, 72))");
    CHECK(patch_of("KeyFilter('c3:')") == "KeyFilter((60, 0))");
    CHECK(patch_of("KeyFilter(':c3')") == "KeyFilter((0, 60))");
    CHECK(patch_of("KeyFilter('c3')") == "KeyFilter((60, 61))");
    CHECK(patch_of("KeyFilter(('c3', 72))") == "KeyFilter((60, 72))");
    CHECK(patch_of("KeyFilter('c3', 'c4')") == "KeyFilter(60, 72)");
    CHECK(overload_of("KeyFilter('c3', 'c4')") == 1);
    CHECK(overload_of("KeyFilter(lower='c3')") == 2);
    CHECK(overload_of("KeyFilter(upper='c3')") == 3);
    CHECK(patch_of("KeyFilter(notes=['c3', 64])") == "KeyFilter([60, 64])");
    CHECK(overload_of("KeyFilter(notes=['c3', 64])") == 4);
    CHECK(patch_of("KeyFilter(0, 128)") == "KeyFilter(0, 128)");
}

TEST_CASE("port names resolve to the port index, output ports first") {
    std::string setup = "config(in_ports=['keys', 'pads'], out_ports=['synth', 'drums'])\n";
    CHECK(patch_of("Port('synth')", setup) == "Port(0)");
    CHECK(patch_of("Port('drums')", setup) == "Port(1)");
    CHECK(patch_of("PortFilter('pads')", setup) == "PortFilter([1])");
    CHECK(patch_of("Output('drums', 10)", setup) == "Output(1, 9, None, None, None, None, {})");
    // unnamed ports are in_N / out_N, N counted with data_offset
    CHECK(patch_of("Port('out_2')", "config(out_ports=2)\n") == "Port(1)");
    CHECK(patch_of("Port('out_1')", "config(out_ports=2, data_offset=0)\n") == "Port(1)");
    CHECK(has_error("config(out_ports=['synth'])\nrun(Port('synht'))\n", "did you mean 'synth'?"));
    CHECK(has_error("config(in_ports=['a', 'x'], out_ports=['x'])\nrun(Port('x'))\n", "port name 'x' is ambiguous"));
}

TEST_CASE("SysEx data becomes bytes F0 ... F7") {
    CHECK(patch_of("SysEx('F0 7E 7F 09 01 F7')") == "SysEx(<F0 7E 7F 09 01 F7>)");
    CHECK(patch_of("SysEx('F0,7E,7F,09,01,F7')") == "SysEx(<F0 7E 7F 09 01 F7>)");
    CHECK(patch_of("SysEx('F07E7F0901F7')") == "SysEx(<F0 7E 7F 09 01 F7>)");
    CHECK(patch_of("SysEx([0xF0, 0x43, 0x10, 0xF7])") == "SysEx(<F0 43 10 F7>)");
    CHECK(patch_of("SysEx(2, 'F0 43 F7')") == "SysEx(1, <F0 43 F7>)");
    CHECK(overload_of("SysEx(2, 'F0 43 F7')") == 1);
    CHECK(patch_of("SysExFilter('F0 43')") == "SysExFilter(<F0 43>)");
    CHECK(patch_of("SysExFilter(manufacturer=0x43)") == "SysExFilter(<F0 43>)");
    CHECK(patch_of("SysExFilter(manufacturer=[0x00, 0x20, 0x33])") == "SysExFilter(<F0 00 20 33>)");
    CHECK(has_error("run(SysEx('F0 43 10'))\n", "SysEx data must end with F7"));
    CHECK(has_error("run(SysEx('43 10 F7'))\n", "SysEx data must start with F0"));
    CHECK(has_error("run(SysEx('F0 80 F7'))\n", "data bytes are 00..7F"));
    CHECK(has_error("run(SysExFilter(manufacturer=[0x01, 0x20, 0x33]))\n", "three bytes starting with 00"));
}

TEST_CASE("overloads are chosen in mididings' order") {
    CHECK(patch_of("Velocity(20)") == "Velocity(20)");
    CHECK(overload_of("Velocity(20)") == 0);           // offset
    CHECK(overload_of("Velocity(multiply=0.5)") == 1);
    CHECK(overload_of("Velocity(fixed=100)") == 2);
    CHECK(overload_of("Velocity(gamma=2)") == 3);
    CHECK(overload_of("Velocity(curve=1.0)") == 4);
    CHECK(overload_of("Velocity(0.5, 10)") == 5);      // multiply, offset
    CHECK(patch_of("Velocity(0.5, 10)") == "Velocity(0.5, 10)");
    CHECK(overload_of("VelocityLimit(30)") == 1);      // (max): listed before (min) in the code
    CHECK(patch_of("VelocityLimit(30)") == "VelocityLimit(30)");
    CHECK(overload_of("VelocityLimit(10, 100)") == 0);
    CHECK(overload_of("VelocityLimit(min=10)") == 2);
    CHECK(overload_of("CtrlCurve(7, 2.0)") == 0);      // gamma
    CHECK(patch_of("CtrlCurve(7, 2.0)") == "CtrlCurve(7, 2.0)");
    CHECK(overload_of("CtrlCurve(7, curve=1.5)") == 1);
    CHECK(overload_of("CtrlCurve(7, offset=10)") == 2);
    CHECK(overload_of("CtrlCurve(7, multiply=2)") == 3);
    CHECK(overload_of("CtrlCurve(7, 0.5, 10)") == 4);
    CHECK(overload_of("Transpose(12)") == 0);
    CHECK(patch_of("Transpose(octaves=2)") == "Transpose(2)");
    CHECK(overload_of("Transpose(octaves=2)") == 1);
    CHECK(overload_of("VelocityFilter(64)") == 0);
    CHECK(overload_of("VelocityFilter(1, 64)") == 3);
    CHECK(overload_of("PitchbendRange(-2, 2, range=12)") == 1);
    CHECK(patch_of("PitchbendRange(-4096, 4096)") == "PitchbendRange(-4096, 4096, -8192, 8191)");
    CHECK(patch_of("CtrlRange(7, 127, 0)") == "CtrlRange(7, 127, 0, 0, 127)");
    CHECK(overload_of("SceneSwitch(offset=-1)") == 1);
    CHECK(patch_of("SubSceneSwitch(offset=1)") == "SubSceneSwitch(1, True)");
}

TEST_CASE("a call no form fits is an error that lists the forms") {
    Checked c = evaluate("run(Velocity(1, 2, 3))\n");
    CHECK(c.errors == 1);
    CHECK(c.diags.find("no form of Velocity takes 3 positional arguments") != std::string::npos);
    CHECK(c.diags.find("note: Velocity takes Velocity(multiply, offset)") != std::string::npos);
    CHECK(has_error("run(Transpose(ofset=3))\n", "did you mean 'offset'?"));
    CHECK(has_error("run(Velocity(0.5))\n", "Velocity argument 'offset' must be an integer"));
}

TEST_CASE("generators: short and long forms, EVENT_* references, defaults") {
    CHECK(patch_of("NoteOn(60, 100)") == "NoteOn(60, 100)");
    CHECK(overload_of("NoteOn(60, 100)") == 0);
    CHECK(patch_of("NoteOn(2, 3, 'c3', 100)") == "NoteOn(1, 2, 60, 100)");
    CHECK(overload_of("NoteOn(2, 3, 'c3', 100)") == 1);
    CHECK(patch_of("NoteOff(60)") == "NoteOff(60, 0)");
    CHECK(patch_of("NoteOn(EVENT_NOTE, EVENT_VELOCITY)") == "NoteOn(EVENT_DATA1, EVENT_DATA2)");
    CHECK(patch_of("Ctrl(EVENT_PORT, EVENT_CHANNEL, 7, EVENT_VALUE)") == "Ctrl(EVENT_PORT, EVENT_CHANNEL, 7, EVENT_DATA2)");
    CHECK(patch_of("Generator(SYSRT_CLOCK)") == "Generator(SYSRT_CLOCK, EVENT_PORT, EVENT_CHANNEL, 0, 0)");
    CHECK(patch_of("SceneSwitch()") == "SceneSwitch(EVENT_DATA2)");
    CHECK(patch_of("Filter(NOTE, CTRL)") == "Filter(NOTEON|NOTEOFF|CTRL)");
    CHECK(patch_of("Filter([PROGRAM, SYSEX])") == "Filter(PROGRAM|SYSEX)");
    CHECK(has_error("run(Generator(NOTE))\n", "exactly one event type"));
}

TEST_CASE("Output normalises its arguments") {
    std::string setup = "config(out_ports=['synth', 'pads'])\n";
    CHECK(patch_of("Output('pads', 2, program=(1, 5), volume=100, ctrls={74: 64})", setup) ==
          "Output(1, 1, (1, 4), 100, None, None, {74: 64})");
    CHECK(patch_of("Output()", setup) == "Output(None, None, None, None, None, None, {})");
    CHECK(patch_of("Output(1, 1, 5)", setup) == "Output(0, 0, 4, None, None, None, {})");
}

TEST_CASE("General MIDI program names are not shifted by data_offset") {
    CHECK(patch_of("Program(VIOLIN)", "from mididings.extra.gm import *\n") == "Program(40)");
    CHECK(patch_of("Program(VIOLIN)", "from mididings.extra.gm import *\nconfig(data_offset=0)\n") == "Program(40)");
    CHECK(patch_of("Program(ACOUSTIC_GRAND_PIANO)", "from mididings.extra.gm import *\n") == "Program(0)");
    CHECK(patch_of("ProgramFilter(VIOLIN, 2)", "from mididings.extra.gm import *\n") == "ProgramFilter([40, 1])");
    CHECK(patch_of("Output(1, 1, program=(0, VIOLIN))", "from mididings.extra.gm import *\n") ==
          "Output(0, 0, (0, 40), None, None, None, {})");
}

// ---- patch structure ---------------------------------------------------------------------------

TEST_CASE("'>>' builds one flat chain") {
    CHECK(patch_of("Transpose(1) >> Transpose(2) >> Transpose(3)") == "Chain[Transpose(1), Transpose(2), Transpose(3)]");
    CHECK(patch_of("Transpose(1) >> (Transpose(2) >> Transpose(3))") == "Chain[Transpose(1), Transpose(2), Transpose(3)]");
    CHECK(patch_of("Chain(Transpose(1), Transpose(2)) >> Transpose(3)") == "Chain[Transpose(1), Transpose(2), Transpose(3)]");
    CHECK(patch_of("Chain([Transpose(1), Transpose(2)])") == "Chain[Transpose(1), Transpose(2)]");
    CHECK(patch_of("Transpose(1) >> [Pass(), Discard()]") == "Chain[Transpose(1), Fork[Pass(), Discard()]]");
}

TEST_CASE("'//' builds one flat fork that removes duplicates") {
    Checked c = clean("run(Transpose(1) // Transpose(2) // Transpose(3))\n");
    PatchPtr p = main_patch(c);
    CHECK(p->kind == Patch::Kind::Fork);
    CHECK(p->children.size() == 3);
    CHECK(p->remove_duplicates);
    CHECK(show(p) == "Fork[Transpose(1), Transpose(2), Transpose(3)]");
    CHECK(patch_of("[Transpose(1), Transpose(2)]") == "Fork[Transpose(1), Transpose(2)]");
    CHECK(patch_of("Fork(Transpose(1), Transpose(2))") == "Fork[Transpose(1), Transpose(2)]");
    CHECK(patch_of("Fork([Transpose(1)], remove_duplicates=None)") == "Fork[Transpose(1)]");
    CHECK(patch_of("Fork([Transpose(1), Transpose(2)], remove_duplicates=False)") == "Fork(nodup)[Transpose(1), Transpose(2)]");
}

TEST_CASE("a fork without duplicate removal keeps its flag under '//'") {
    Checked c = clean("run(Fork([Transpose(1), Transpose(2)], remove_duplicates=False) // Transpose(3))\n");
    PatchPtr p = main_patch(c);
    CHECK(show(p) == "Fork[Fork(nodup)[Transpose(1), Transpose(2)], Transpose(3)]");
    REQUIRE(p->children.size() == 2);
    CHECK(p->remove_duplicates);
    CHECK_FALSE(p->children[0]->remove_duplicates);
}

TEST_CASE("'%' applies a patch to what a filter selects and lets the rest pass") {
    std::string F = "ChannelFilter([0])", X = "Transpose(12)", Y = "Transpose(-12)";
    CHECK(patch_of("ChannelFilter(1) % Transpose(12)") == "Fork[Chain[" + F + ", " + X + "], -" + F + "]");
    CHECK(patch_of("ChannelFilter(1) % (Transpose(12), Transpose(-12))") ==
          "Fork[Chain[" + F + ", " + X + "], Chain[-" + F + ", " + Y + "]]");
    CHECK(patch_of("NOTE % Transpose(12)") == "Fork[Chain[Filter(NOTE), " + X + "], -Filter(NOTE)]");
    CHECK(patch_of("~ChannelFilter(1) % Transpose(12)") == "Fork[Chain[~" + F + ", " + X + "], -~" + F + "]");
}

TEST_CASE("'%' with an '|' selector: build is a fork, negation a chain of negations") {
    std::string F = "ChannelFilter([0])", G = "KeyFilter((60, 72))", X = "Transpose(12)";
    CHECK(patch_of("(ChannelFilter(1) | KeyFilter('c3:c4')) % Transpose(12)") ==
          "Fork[Chain[Fork[" + F + ", " + G + "], " + X + "], Chain[-" + F + ", -" + G + "]]");
}

TEST_CASE("'%' with an '&' selector: S.build() >> A is one flat chain, negation a fork") {
    // mididings: S % A = Fork([S.build() >> A, S.build_negated()]), And.build() = Chain(S1, S2),
    // and '>>' flattens nested chains: Chain(S1, S2, A).
    std::string F = "ChannelFilter([0])", G = "KeyFilter((60, 72))", X = "Transpose(12)";
    CHECK(patch_of("(ChannelFilter(1) & KeyFilter('c3:c4')) % Transpose(12)") ==
          "Fork[Chain[" + F + ", " + G + ", " + X + "], Fork[-" + F + ", -" + G + "]]");
}

TEST_CASE("'&' and '|' selectors used as patches") {
    std::string F = "ChannelFilter([0])", G = "KeyFilter((60, 72))";
    CHECK(patch_of("ChannelFilter(1) & KeyFilter('c3:c4')") == "Chain[" + F + ", " + G + "]");
    CHECK(patch_of("ChannelFilter(1) | KeyFilter('c3:c4')") == "Fork[" + F + ", " + G + "]");
    CHECK(patch_of("And([ChannelFilter(1), KeyFilter('c3:c4')])") == "Chain[" + F + ", " + G + "]");
    CHECK(has_error("run(Transpose(1) & ChannelFilter(1))\n", "this is not a filter"));
    CHECK(has_error("run(Transpose(1) % Pass())\n", "'%' needs a filter or selector on its left"));
}

TEST_CASE("'//' and '>>' also work between plain lists and dicts (an mdc extension)") {
    // In mididings, [a] // [b] is Python's TypeError (mididings.md 2.1); mdc gives it the meaning
    // it has when one side is a unit (docs/language.md says so).
    CHECK(patch_of("[Pass()] // [Discard()]") == "Fork[Pass(), Discard()]");  // forks flatten, as with units
    CHECK(patch_of("[Pass()] >> [Discard()]") == "Chain[Fork[Pass()], Fork[Discard()]]");
    CHECK(evaluate("run({NOTE: Pass()} // {CTRL: Discard()})\n").errors == 0);
}

TEST_CASE("a list next to a unit is a fork") {
    CHECK(patch_of("[Pass(), Discard()] // Transpose(1)") == "Fork[Pass(), Discard(), Transpose(1)]");
    CHECK(patch_of("[Pass(), Discard()] >> Transpose(1)") == "Chain[Fork[Pass(), Discard()], Transpose(1)]");
}

TEST_CASE("'~' inverts and '-' negates a filter; '~' on an event type inverts the mask") {
    CHECK(patch_of("~ChannelFilter(1)") == "~ChannelFilter([0])");
    CHECK(patch_of("-ChannelFilter(1)") == "-ChannelFilter([0])");
    CHECK(patch_of("-KeyFilter('c3:c4')") == "-KeyFilter((60, 72))");
    CHECK(patch_of("~~CtrlFilter(64)") == "~~CtrlFilter([64])");
    Checked c = clean("run(~NOTE)\n");
    PatchPtr p = main_patch(c);
    REQUIRE(p->kind == Patch::Kind::Unit);
    CHECK(p->unit->name == "Filter");
    REQUIRE(p->args.size() == 1);
    CHECK(p->args[0].i == (engine::ANY & ~engine::NOTE));
    CHECK(has_error("run(~Transpose(1))\n", "'~' needs an integer, an event type or a filter"));
}

TEST_CASE("'+X' keeps the original next to the processed copy") {
    CHECK(patch_of("+Transpose(12)") == "Fork[Pass(), Transpose(12)]");
}

TEST_CASE("a dict is a split by event type with an else branch") {
    Checked c = clean("run({NOTE: Transpose(12), (CTRL, PROGRAM): Discard(), None: Pass()})\n");
    PatchPtr p = main_patch(c);
    CHECK(show(p) == "Split<Split>{NOTE: Transpose(12), CTRL|PROGRAM: Discard(), else: Pass()}");
    CHECK(p->kind == Patch::Kind::Split);
    CHECK(p->has_else);
    CHECK(p->keys.size() == 2);
    CHECK(p->children.size() == 3);
    CHECK(patch_of("Split({NOTE: Transpose(12)})") == "Split<Split>{NOTE: Transpose(12)}");
    // dict insertion order is branch order
    CHECK(patch_of("{CTRL: Discard(), NOTE: Pass()}") == "Split<Split>{CTRL: Discard(), NOTE: Pass()}");
}

TEST_CASE("split units with a mapping or a threshold") {
    CHECK(patch_of("KeySplit('c3', Transpose(-12), Transpose(12))") ==
          "Split<KeySplit>{(0, 60): Transpose(-12), (60, 0): Transpose(12)}");
    CHECK(overload_of("KeySplit('c3', Transpose(-12), Transpose(12))") == 0);
    CHECK(patch_of("KeySplit({'c3:c4': Pass(), ('c4', 'c5'): Discard(), None: Transpose(1)})") ==
          "Split<KeySplit>{(60, 72): Pass(), (72, 84): Discard(), else: Transpose(1)}");
    CHECK(patch_of("VelocitySplit(64, Pass(), Discard())") == "Split<VelocitySplit>{(0, 64): Pass(), (64, 0): Discard()}");
    CHECK(patch_of("VelocitySplit({64: Pass(), (1, 64): Discard()})") == "Split<VelocitySplit>{(64, 65): Pass(), (1, 64): Discard()}");
    CHECK(patch_of("ChannelSplit({1: Pass(), (2, 3): Discard()})") == "Split<ChannelSplit>{[0]: Pass(), [1, 2]: Discard()}");
    CHECK(patch_of("ProgramSplit({1: Pass()})") == "Split<ProgramSplit>{[0]: Pass()}");
    CHECK(patch_of("CtrlSplit({7: Pass(), None: Discard()})") == "Split<CtrlSplit>{[7]: Pass(), else: Discard()}");
    CHECK(patch_of("CtrlValueSplit(64, Pass(), Discard())") == "Split<CtrlValueSplit>{(0, 64): Pass(), (64, 0): Discard()}");
    CHECK(patch_of("SysExSplit({'F0 43': Pass()})") == "Split<SysExSplit>{<F0 43>: Pass()}");
    CHECK(patch_of("SysExSplit(manufacturers={0x43: Pass()})") == "Split<SysExSplit>{<F0 43>: Pass()}");
    CHECK(patch_of("PortSplit({'b': Pass()})", "config(out_ports=['a', 'b'])\n") == "Split<PortSplit>{[1]: Pass()}");
}

// ---- scenes ------------------------------------------------------------------------------------

TEST_CASE("run(patch) is one scene") {
    Checked c = clean("run(Transpose(1))\n");
    REQUIRE(c.out.run.has_value());
    CHECK(c.out.run->single_patch);
    CHECK(c.out.run->scenes.size() == 1);
    CHECK(show(c.out.run->scenes.at(0).patch) == "Transpose(1)");
    CHECK_FALSE(c.out.run->control);
    CHECK_FALSE(c.out.process_file.has_value());
}

TEST_CASE("scenes are keyed by raw scene number and keep name, patch, init and exit") {
    Checked c = clean(
        "run(scenes={1: Scene('one', Transpose(1), Program(5)),\n"
        "            3: Scene('three', Transpose(3), exit_patch=Ctrl(7, 0), init_patch=Program(7))})\n");
    REQUIRE(c.out.run.has_value());
    const RunSpec& r = *c.out.run;
    CHECK_FALSE(r.single_patch);
    REQUIRE(r.scenes.size() == 2);
    REQUIRE(r.scenes.count(0) == 1);
    REQUIRE(r.scenes.count(2) == 1);
    const SceneValue& one = r.scenes.at(0);
    CHECK(one.name == "one");
    CHECK(show(one.patch) == "Transpose(1)");
    CHECK(show(one.init) == "Program(4)");
    CHECK_FALSE(one.exit);
    CHECK_FALSE(one.group);
    const SceneValue& three = r.scenes.at(2);
    CHECK(three.name == "three");
    CHECK(show(three.init) == "Program(6)");
    CHECK(show(three.exit) == "Ctrl(7, 0)");
}

TEST_CASE("scene numbers follow data_offset") {
    Checked c = clean("config(data_offset=0)\nrun(scenes={0: Pass(), 5: Discard()})\n");
    REQUIRE(c.out.run.has_value());
    CHECK(c.out.run->scenes.count(0) == 1);
    CHECK(c.out.run->scenes.count(5) == 1);
    CHECK(has_error("run(scenes={0: Pass()})\n", "scene 0 is out of range"));
}

TEST_CASE("a SceneGroup holds subscenes: scenes, patches or (init, patch) tuples") {
    Checked c = clean("run(scenes={2: SceneGroup('grp', [Scene('a', Transpose(1)), Transpose(2), (Program(3), Transpose(3))])})\n");
    REQUIRE(c.out.run.has_value());
    REQUIRE(c.out.run->scenes.count(1) == 1);
    const SceneValue& g = c.out.run->scenes.at(1);
    CHECK(g.group);
    CHECK(g.name == "grp");
    REQUIRE(g.subscenes.size() == 3);
    CHECK(g.subscenes[0].name == "a");
    CHECK(show(g.subscenes[0].patch) == "Transpose(1)");
    CHECK(g.subscenes[1].name == "");
    CHECK(show(g.subscenes[1].patch) == "Transpose(2)");
    CHECK(show(g.subscenes[2].init) == "Program(2)");
    CHECK(show(g.subscenes[2].patch) == "Transpose(3)");
    CHECK(has_error("run(scenes={1: SceneGroup('g', [SceneGroup('h', [Pass()])])})\n", "cannot contain another SceneGroup"));
}

TEST_CASE("a scene may be an (init_patch, patch) tuple") {
    Checked c = clean("run(scenes={2: (Program(3), Transpose(1)), 3: Transpose(2)})\n");
    REQUIRE(c.out.run.has_value());
    REQUIRE(c.out.run->scenes.count(1) == 1);
    const SceneValue& s = c.out.run->scenes.at(1);
    CHECK(show(s.init) == "Program(2)");
    CHECK(show(s.patch) == "Transpose(1)");
    CHECK(s.name == "");
    CHECK(show(c.out.run->scenes.at(2).patch) == "Transpose(2)");
    CHECK_FALSE(c.out.run->scenes.at(2).init);
}

TEST_CASE("run with control, pre and post patches") {
    Checked c = clean("run(scenes={1: Pass()}, control=SceneSwitch(), pre=Print(), post=Channel(2))\n");
    REQUIRE(c.out.run.has_value());
    CHECK(show(c.out.run->control) == "SceneSwitch(EVENT_DATA2)");
    CHECK(show(c.out.run->pre) == "Print(None, None)");
    CHECK(show(c.out.run->post) == "Channel(1)");
}

TEST_CASE("run() given a dict: scenes when the keys are numbers, a split when they are event types") {
    Checked c = clean("run({1: Transpose(1), 2: Transpose(2)})\n");
    REQUIRE(c.out.run.has_value());
    CHECK_FALSE(c.out.run->single_patch);
    CHECK(c.out.run->scenes.size() == 2);
    CHECK(show(c.out.run->scenes.at(1).patch) == "Transpose(2)");
    CHECK(patch_of("{NOTE: Transpose(1)}") == "Split<Split>{NOTE: Transpose(1)}");
}

TEST_CASE("the entry point appears once") {
    CHECK(has_error("x = Pass()\n", "the patch has no entry point"));
    CHECK(has_error("run(Pass())\nrun(Pass())\n", "the patch already has an entry point"));
}

// ---- def macros --------------------------------------------------------------------------------

TEST_CASE("macro defaults are evaluated where the def stands; keyword arguments bind by name") {
    Checked c = clean(
        "t = 12\n"
        "def Layer(ch, off=t): return Channel(ch) >> Transpose(off)\n"
        "t = 24\n"
        "a = Layer(2)\n"
        "b = Layer(off=5, ch=3)\n"
        "run([a, b])\n");
    CHECK(show(main_patch(c)) == "Fork[Chain[Channel(1), Transpose(12)], Chain[Channel(2), Transpose(5)]]");
}

TEST_CASE("a macro body sees module names as bound when it is called") {
    Checked c = clean(
        "n = 1\n"
        "def T(): return Transpose(n)\n"
        "n = 2\n"
        "run(T())\n");
    CHECK(show(main_patch(c)) == "Transpose(2)");
}

TEST_CASE("a macro body does not see the caller's comprehension variables or parameters") {
    Checked c = evaluate(
        "def M(): return Transpose(k)\n"
        "run([M() for k in range(3)])\n");
    CHECK(c.errors >= 1);
    CHECK(c.diags.find("unknown name 'k'") != std::string::npos);

    Checked d = evaluate(
        "def Inner(): return Transpose(x)\n"
        "def Outer(x): return Inner()\n"
        "run(Outer(3))\n");
    CHECK(d.errors >= 1);
    CHECK(d.diags.find("unknown name 'x'") != std::string::npos);
}

TEST_CASE("macro call errors") {
    CHECK(has_error("def L(ch): return Channel(ch)\nrun(L())\n", "'L' is missing its argument 'ch'"));
    CHECK(has_error("def L(ch): return Channel(ch)\nrun(L(1, 2))\n", "'L' takes 1 argument but 2 were given"));
    CHECK(has_error("def L(channel): return Channel(channel)\nrun(L(chanel=1))\n", "did you mean 'channel'?"));
    CHECK(has_error("def L(ch): return L(ch)\nrun(L(1))\n", "recurses more than"));
}

TEST_CASE("macros compose and may return any patch") {
    Checked c = clean(
        "def Oct(n=1): return Transpose(12 * n)\n"
        "def Both(p): return p // Oct()\n"
        "run(Both(Oct(-1)))\n");
    CHECK(show(main_patch(c)) == "Fork[Transpose(-12), Transpose(12)]");
}

// ---- comprehensions and compile-time arithmetic ------------------------------------------------

TEST_CASE("list comprehensions build forks, in order, with conditions") {
    CHECK(patch_of("[Transpose(i * 12) for i in range(-1, 2) if i != 0]") == "Fork[Transpose(-12), Transpose(12)]");
    CHECK(patch_of("[Channel(c) >> Transpose(t) for c in [1, 2] for t in (0, 12)]") ==
          "Fork[Chain[Channel(0), Transpose(0)], Chain[Channel(0), Transpose(12)], "
          "Chain[Channel(1), Transpose(0)], Chain[Channel(1), Transpose(12)]]");
    CHECK(patch_of("ChannelSplit({c: Transpose(c) for c in [1, 2]})") ==
          "Split<ChannelSplit>{[0]: Transpose(1), [1]: Transpose(2)}");
    CHECK(patch_of("[Transpose(a - b) for a, b in [(5, 1), (1, 5)]]") == "Fork[Transpose(4), Transpose(-4)]");
}

TEST_CASE("comprehension variables do not leak") {
    CHECK(has_error("x = [Pass() for k in range(2)]\nrun(Transpose(k))\n", "unknown name 'k'"));
}

TEST_CASE("integer floor division and modulo round toward negative infinity, as in Python") {
    CHECK(patch_of("[Transpose(x) for x in [-7 // 2, 7 // -2, -7 // -2, 7 // 2]]") ==
          "Fork[Transpose(-4), Transpose(-4), Transpose(3), Transpose(3)]");
    CHECK(patch_of("[Transpose(x) for x in [-7 % 3, 7 % -3, -7 % -3, 7 % 3, -6 % 3]]") ==
          "Fork[Transpose(2), Transpose(-2), Transpose(-1), Transpose(1), Transpose(0)]");
}

TEST_CASE("float division, floor division and modulo") {
    CHECK(patch_of("Velocity(multiply=-7.5 // 2)") == "Velocity(-4.0)");
    CHECK(patch_of("Velocity(multiply=-7.5 % 2)") == "Velocity(0.5)");
    CHECK(patch_of("Velocity(multiply=7 / 2)") == "Velocity(3.5)");
    CHECK(patch_of("Velocity(multiply=6 / 2)") == "Velocity(3.0)");
    CHECK(has_error("run(Transpose(1 // 0))\n", "division by zero"));
    CHECK(has_error("run(Transpose(1 % 0))\n", "modulo by zero"));
}

TEST_CASE("powers: right-associative, binding tighter than unary minus on the left") {
    CHECK(patch_of("Transpose(2 ** 10)") == "Transpose(1024)");
    CHECK(patch_of("Transpose(2 ** 3 ** 2)") == "Transpose(512)");
    CHECK(patch_of("Transpose(-2 ** 2)") == "Transpose(-4)");
    CHECK(patch_of("Transpose((-2) ** 3)") == "Transpose(-8)");
    CHECK(patch_of("Velocity(multiply=2 ** -1)") == "Velocity(0.5)");
    CHECK(patch_of("Velocity(multiply=4 ** 0.5)") == "Velocity(2.0)");
}

TEST_CASE("int() of a string reads base 10, as Python does") {
    // Python: int('010') == 10; int('0x10') is a ValueError.
    CHECK(patch_of("Transpose(int('010'))") == "Transpose(10)");
    CHECK(has_error("run(Transpose(int('0x10')))\n", "int() cannot convert"));
}

TEST_CASE("len() of a string counts characters, as Python does") {
    CHECK(patch_of("Transpose(len('\xc3\xa9t\xc3\xa9'))") == "Transpose(3)");
}

TEST_CASE("conditional expressions, boolean operators and builtins") {
    CHECK(patch_of("Transpose(12) if 2 > 1 else Discard()") == "Transpose(12)");
    CHECK(patch_of("Transpose(12) if 0 else Discard()") == "Discard()");
    CHECK(patch_of("Transpose(0 or 5)") == "Transpose(5)");
    CHECK(patch_of("Transpose(3 and 7)") == "Transpose(7)");
    CHECK(patch_of("Transpose(True + 1)") == "Transpose(2)");
    CHECK(patch_of("Transpose(len([1, 2, 3]) + sum(range(5)) + max(1, 5) + abs(-3))") == "Transpose(21)");
    CHECK(patch_of("[Transpose(round(x)) for x in [2.5, 3.5, -2.5]]") == "Fork[Transpose(2), Transpose(4), Transpose(-2)]");
    CHECK(patch_of("Transpose(int(-7 / 2))") == "Transpose(-3)");
    CHECK(patch_of("Transpose(1 if 'c' in 'abc' else 2)") == "Transpose(1)");
    CHECK(patch_of("Transpose(1 if 1 < 2 < 3 else 2)") == "Transpose(1)");
    CHECK(patch_of("Transpose(x)", "x = 5\nx += 2\nx *= 3\n") == "Transpose(21)");
    CHECK(patch_of("Transpose(a * 10 + b)", "a, b = 1, 2\n") == "Transpose(12)");
    CHECK(patch_of("KeyFilter(notes=[n for n in range(60, 72) if n % 12 in (0, 4, 7)])") == "KeyFilter([60, 64, 67])");
}

// ---- test(...) statements ------------------------------------------------------------------------

TEST_CASE("test(...) statements are collected with raw events and times") {
    Checked c = clean(
        "run(Transpose(12))\n"
        "test('first',\n"
        "     send=[NoteOnEvent(1, 1, 60, 100), (0.25, NoteOffEvent(1, 1, 'c3')), CtrlEvent(2, 3, 7, 127),\n"
        "           (1.5, ProgramEvent(1, 16, 5))],\n"
        "     expect=[NoteOnEvent(1, 1, 72, 100), NoteOffEvent(1, 1, 72, 0)])\n"
        "test('second', send=[SysExEvent(1, 'F0 7E 7F 09 01 F7'), PitchbendEvent(1, 1, -8192),\n"
        "                     MidiEvent(SYSRT_CLOCK, 1), PolyAftertouchEvent(1, 1, 60, 5), AftertouchEvent(1, 1, 9)],\n"
        "     expect=[])\n");
    REQUIRE(c.out.tests.size() == 2);
    const TestCase& t = c.out.tests[0];
    CHECK(t.name == "first");
    REQUIRE(t.send.size() == 4);
    CHECK_FALSE(t.send[0].time.has_value());
    REQUIRE(t.send[1].time.has_value());
    CHECK(*t.send[1].time == 0.25);
    REQUIRE(t.send[2].time.has_value());  // an event without a time comes at the time of the one before
    CHECK(*t.send[2].time == 0.25);
    REQUIRE(t.send[3].time.has_value());
    CHECK(*t.send[3].time == 1.5);
    CHECK(event(t.send[0].event) == "NOTEON port=0 ch=0 d1=60 d2=100");
    CHECK(event(t.send[1].event) == "NOTEOFF port=0 ch=0 d1=60 d2=0");
    CHECK(event(t.send[2].event) == "CTRL port=1 ch=2 d1=7 d2=127");
    CHECK(event(t.send[3].event) == "PROGRAM port=0 ch=15 d1=0 d2=4");
    REQUIRE(t.expect.size() == 2);
    CHECK(event(t.expect[0]) == "NOTEON port=0 ch=0 d1=72 d2=100");
    CHECK(event(t.expect[1]) == "NOTEOFF port=0 ch=0 d1=72 d2=0");
    const TestCase& u = c.out.tests[1];
    CHECK(u.name == "second");
    REQUIRE(u.send.size() == 5);
    CHECK(event(u.send[0].event) == "SYSEX port=0 ch=0 d1=0 d2=0 sysex=<F0 7E 7F 09 01 F7>");
    CHECK(event(u.send[1].event) == "PITCHBEND port=0 ch=0 d1=0 d2=-8192");
    CHECK(event(u.send[2].event) == "SYSRT_CLOCK port=0 ch=0 d1=0 d2=0");
    CHECK(event(u.send[3].event) == "POLY_AFTERTOUCH port=0 ch=0 d1=60 d2=5");
    CHECK(event(u.send[4].event) == "AFTERTOUCH port=0 ch=0 d1=0 d2=9");
    CHECK(u.expect.empty());
}

TEST_CASE("test events follow data_offset") {
    Checked c = clean("config(data_offset=0)\nrun(Pass())\ntest('t', send=[NoteOnEvent(0, 0, 60, 1), ProgramEvent(1, 2, 3)], expect=[])\n");
    REQUIRE(c.out.tests.size() == 1);
    REQUIRE(c.out.tests[0].send.size() == 2);
    CHECK(event(c.out.tests[0].send[0].event) == "NOTEON port=0 ch=0 d1=60 d2=1");
    CHECK(event(c.out.tests[0].send[1].event) == "PROGRAM port=1 ch=2 d1=0 d2=3");
}

TEST_CASE("test(...) mistakes") {
    CHECK(has_error("run(Pass())\ntest('t', send=[(1.0, NoteOnEvent(1, 1, 60, 1)), (0.5, NoteOnEvent(1, 1, 60, 1))], expect=[])\n",
                    "event times in send= must not go backwards"));
    CHECK(has_error("run(Pass())\ntest('t', send=[], expect=[])\ntest('t', send=[], expect=[])\n", "there is already a test named 't'"));
    CHECK(has_error("run(Pass())\ntest('t', send=[NoteOnEvent(1, 0, 60, 1)], expect=[])\n", "channel 0 is out of range 1..16"));
    CHECK(has_error("run(Pass())\ntest('t', send=[NoteOnEvent(1, 1, 128, 1)], expect=[])\n", "note 128 is out of range 0..127"));
}

// ---- MIDIMonster mapping lines -------------------------------------------------------------------

TEST_CASE("mapping lines expand globs, rightmost fastest, with channels from 0") {
    Checked c = clean(
        "config(in_ports=['keys'], out_ports=['synth'])\n"
        "synth.ch{0..1}.cc{7,10} < keys.ch{2..3}.cc{1,2}\n"
        "run(Pass())\n");
    CHECK(mappings(c) ==
          "midi:0:ch2:cc1 -> midi:0:ch0:cc7\n"
          "midi:0:ch2:cc2 -> midi:0:ch0:cc10\n"
          "midi:0:ch3:cc1 -> midi:0:ch1:cc7\n"
          "midi:0:ch3:cc2 -> midi:0:ch1:cc10\n");
    REQUIRE(c.out.mappings.size() == 4);
    CHECK(c.out.mappings[1].from.text == "keys.ch2.cc2");
    CHECK(c.out.mappings[1].to.text == "synth.ch0.cc10");
}

TEST_CASE("mapping globs count down and fan out from one channel") {
    Checked c = clean(
        "config(in_ports=['keys'], out_ports=['synth'])\n"
        "keys.ch0.note{62..60} > synth.ch15.note{0..2}\n"
        "synth.ch{0..2}.pitch < keys.ch0.pitch\n"
        "run(Pass())\n");
    CHECK(mappings(c) ==
          "midi:0:ch0:note62 -> midi:0:ch15:note0\n"
          "midi:0:ch0:note61 -> midi:0:ch15:note1\n"
          "midi:0:ch0:note60 -> midi:0:ch15:note2\n"
          "midi:0:ch0:pitch0 -> midi:0:ch0:pitch0\n"
          "midi:0:ch0:pitch0 -> midi:0:ch1:pitch0\n"
          "midi:0:ch0:pitch0 -> midi:0:ch2:pitch0\n");
}

TEST_CASE("'<>' maps both ways, '><' too") {
    // the order of the two directions is not part of the spec: compare as sets
    for (const char* op : {"<>", "><"}) {
        CAPTURE(op);
        Checked c = clean(std::string("config(in_ports=['dev'], out_ports=['dev'])\ndev.ch0.cc1 ") + op +
                          " dev.ch1.cc{2..3}\nrun(Pass())\n");
        std::vector<std::string> lines;
        for (const MappingLine& m : c.out.mappings) lines.push_back(endpoint(m.from) + " -> " + endpoint(m.to));
        std::sort(lines.begin(), lines.end());
        CHECK(lines == std::vector<std::string>{
                           "midi:0:ch0:cc1 -> midi:0:ch1:cc2",
                           "midi:0:ch0:cc1 -> midi:0:ch1:cc3",
                           "midi:0:ch1:cc2 -> midi:0:ch0:cc1",
                           "midi:0:ch1:cc3 -> midi:0:ch0:cc1",
                       });
    }
}

TEST_CASE("mapping lines to and from python instances") {
    TempDir dir;
    dir.write("h.py", "def fader(value):\n    pass\n\ndef mute(value):\n    pass\n");
    Checked c = clean(
        "config(in_ports=['keys'], out_ports=['synth'])\n"
        "py = python('h.py', default_handler='h.mute')\n"
        "py.h.fader < keys.ch0.cc7\n"
        "py.out{1..2} > synth.ch0.cc{10..11}\n"
        "py.button < keys.ch9.note36\n"
        "run(Pass())\n",
        dir.path.string());
    REQUIRE(c.out.instances.size() == 1);
    CHECK(c.out.instances[0].name == "py");
    CHECK(c.out.instances[0].modules == std::vector<std::string>{"h"});
    CHECK(c.out.instances[0].default_handler == "h.mute");
    CHECK(mappings(c) ==
          "midi:0:ch0:cc7 -> py:py:h.fader\n"
          "py:py:out1 -> midi:0:ch0:cc10\n"
          "py:py:out2 -> midi:0:ch0:cc11\n"
          "midi:0:ch9:note36 -> py:py:h.mute\n");
}

TEST_CASE("mapping line mistakes") {
    std::string setup = "config(in_ports=['keys'], out_ports=['synth'])\n";
    CHECK(has_error(setup + "synth.ch16.cc1 < keys.ch0.cc1\nrun(Pass())\n", "MIDI channel 16 is out of range 0..15"));
    CHECK(has_error(setup + "synth.ch{0..1}.cc1 < keys.ch{0..2}.cc1\nrun(Pass())\n", "the two sides name 2 and 3 channels"));
    CHECK(has_error(setup + "keys.ch0.cc1 < synth.ch0.cc1\nrun(Pass())\n", "did you mean '>'?"));
    CHECK(has_error(setup + "synth.ch0.ccc1 < keys.ch0.cc1\nrun(Pass())\n", "unknown MIDI channel type 'ccc'"));
    CHECK(has_error(setup + "synth.ch0.cc128 < keys.ch0.cc1\nrun(Pass())\n", "'cc' needs a number 0..127"));
}

// ---- OutputTemplate --------------------------------------------------------------------------------

TEST_CASE("an OutputTemplate called with the rest of Output's arguments is an Output") {
    std::string setup = "config(out_ports=['pads', 'synth'])\ntmpl = OutputTemplate('synth', volume=100)\n";
    CHECK(patch_of("tmpl(2)", setup) == "Output(1, 1, None, 100, None, None, {})");
    CHECK(patch_of("tmpl(3, 5)", setup) == "Output(1, 2, 4, 100, None, None, {})");
    CHECK(patch_of("tmpl(2, pan=64)", setup) == "Output(1, 1, None, 100, 64, None, {})");
    CHECK(patch_of("tmpl", setup) == "Output(1, None, None, 100, None, None, {})");
    CHECK(patch_of("OutputTemplate(1)(2)", setup) == "Output(0, 1, None, None, None, None, {})");
}

TEST_CASE("an OutputTemplate composes with '>>' on either side") {
    std::string setup = "config(out_ports=['pads', 'synth'])\ntmpl = OutputTemplate('synth', volume=100)\n";
    CHECK(patch_of("(Transpose(12) >> tmpl)(2)", setup) == "Chain[Transpose(12), Output(1, 1, None, 100, None, None, {})]");
    CHECK(patch_of("(tmpl >> Velocity(10))(2)", setup) == "Chain[Output(1, 1, None, 100, None, None, {}), Velocity(10)]");
    CHECK(patch_of("(Transpose(12) >> tmpl >> Velocity(10))(2)", setup) ==
          "Chain[Transpose(12), Output(1, 1, None, 100, None, None, {}), Velocity(10)]");
    CHECK(patch_of("Transpose(12) >> tmpl", setup) == "Chain[Transpose(12), Output(1, None, None, 100, None, None, {})]");
    CHECK(patch_of("[Transpose(12) >> tmpl]", setup) == "Fork[Chain[Transpose(12), Output(1, None, None, 100, None, None, {})]]");
}

TEST_CASE("keywords given to an OutputTemplate call override the template's") {
    // mididings: OutputTemplate.__call__ builds Output(*(self.args + args), **dict(self.kwargs, **kwargs)).
    std::string setup = "config(out_ports=['pads', 'synth'])\ntmpl = OutputTemplate('synth', volume=100)\n";
    CHECK(patch_of("tmpl(2, volume=80)", setup) == "Output(1, 1, None, 80, None, None, {})");
}

TEST_CASE("a positional argument fills the next parameter the template left open (an mdc extension)") {
    // mididings: OutputTemplate(port='x')(2) is Output(2, port='x'), a TypeError; mdc reads it as
    // Output(port='x', channel=2).
    CHECK(patch_of("OutputTemplate(port='x')(2)", "config(out_ports=['x', 'y'])\n") == "Output(0, 1, None, None, None, None, {})");
}

// ---- units with Python *args ---------------------------------------------------------------------

TEST_CASE("SendOSC takes *args only, no extra keywords") {
    // mididings.extra.osc: SendOSC(target, path, *args): a keyword other than target/path is a TypeError.
    CHECK(has_error("run(SendOSC(56418, '/x', 1, colour=2))\n", "colour"));
}

TEST_CASE("SendDBUS is refused with help") {
    Checked c = evaluate("run(SendDBUS('a', '/b', 'c', 'd'))\n");
    CHECK(c.errors == 1);
    CHECK(c.diags.find("SendDBUS is not supported by mdc") != std::string::npos);
    CHECK(c.diags.find("help: use System(") != std::string::npos);
}

TEST_CASE("dict methods work in comprehensions, as in Python") {
    CHECK(patch_of("[KeyFilter(k) >> Key(v) for k, v in {36: 35, 38: 40}.items()]") ==
          "Fork[Chain[KeyFilter((36, 37)), Key(35)], Chain[KeyFilter((38, 39)), Key(40)]]");
    CHECK(patch_of("[Transpose(t) for t in {1: 12, 2: -12}.values()]") == "Fork[Transpose(12), Transpose(-12)]");
    CHECK(patch_of("[Channel(c) for c in {3: 0, 4: 0}.keys()]") == "Fork[Channel(2), Channel(3)]");
    CHECK(patch_of("Transpose({'up': 12}.get('down', -12))") == "Transpose(-12)");
    CHECK(has_error("run(Transpose({'up': 12}.get()))\n", "dict.get() takes a key"));
}
