// Unit table tests: invariants of the table (unique names, unique parameter names, required
// parameters first, docs, forms, descriptions), lookup, and the table against the spec
// (/work/shared/reference/mididings-units.md): every unit, in mididings' module order, with the
// parameter names, defaults and overload order of mididings, and the validators' kinds.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "engine/event_types.h"
#include "lang/units.h"

using namespace mdc;

namespace {

// Every unit of mididings-units.md, in the order of its sections (mididings' module order).
const std::vector<std::string_view> spec_core_units = {
    // mididings/units/base.py
    "Chain", "Fork", "Split", "And", "Or", "Filter", "Pass", "Discard",
    // mididings/units/call.py
    "Process", "Call", "System",
    // mididings/units/engine.py
    "Sanitize", "SceneSwitch", "SubSceneSwitch",
    // mididings/units/filters.py
    "PortFilter", "ChannelFilter", "KeyFilter", "VelocityFilter", "CtrlFilter", "CtrlValueFilter", "ProgramFilter",
    "SysExFilter",
    // mididings/units/generators.py
    "Generator", "NoteOn", "NoteOff", "Ctrl", "Pitchbend", "Aftertouch", "PolyAftertouch", "Program", "SysEx",
    // mididings/units/init.py
    "Init", "Exit", "Output", "OutputTemplate",
    // mididings/units/modifiers.py
    "Port", "Channel", "Transpose", "Key", "Velocity", "VelocitySlope", "VelocityLimit", "CtrlMap", "CtrlRange",
    "CtrlCurve", "PitchbendRange",
    // mididings/units/printing.py
    "Print",
    // mididings/units/splits.py
    "PortSplit", "ChannelSplit", "KeySplit", "VelocitySplit", "CtrlSplit", "CtrlValueSplit", "ProgramSplit",
    "SysExSplit",
};

const std::vector<std::string_view> spec_extra_units = {
    "CtrlToSysEx", "SendDBUS", "Restart", "Quit", "FloatingKeySplit", "Harmonize", "AutoRestart", "KeyColorFilter",
    "LatchNotes", "MemorizeScene", "OSCInterface", "SendOSC", "Panic", "PedalToNoteoff", "PerChannel",
    "LimitPolyphony", "MakeMonophonic", "SuppressPC", "VoiceFilter", "VoiceSplit",
};

std::vector<std::string_view> spec_units() {
    std::vector<std::string_view> all = spec_core_units;
    all.insert(all.end(), spec_extra_units.begin(), spec_extra_units.end());
    return all;
}

std::string render_default(const ParamDefault& d) {
    using DK = ParamDefault::Kind;
    switch (d.kind) {
    case DK::Required: return "";
    case DK::None: return "None";
    case DK::Int: return fmt::format("{}", static_cast<long long>(d.number));
    case DK::Float: {
        // Python's repr: 1.0, 0.1
        if (d.number == static_cast<double>(static_cast<long long>(d.number))) return fmt::format("{:.1f}", d.number);
        return fmt::format("{}", d.number);
    }
    case DK::Bool: return d.number != 0 ? "True" : "False";
    case DK::Str: return fmt::format("'{}'", d.text);
    case DK::EventField:
        switch (static_cast<engine::EventField>(static_cast<int>(d.number))) {
        case engine::EventField::Port: return "EVENT_PORT";
        case engine::EventField::Channel: return "EVENT_CHANNEL";
        case engine::EventField::Data1: return "EVENT_DATA1";
        case engine::EventField::Data2: return "EVENT_PROGRAM";  // = EVENT_DATA2 = EVENT_VALUE
        }
        return "EVENT_?";
    case DK::EmptyDict: return "{}";
    case DK::EmptyList: return "[]";
    case DK::IntList: return fmt::format("[{}]", d.text);
    }
    return "?";
}

// One overload as "name, name=default, ...", then ", ..." for mididings' add_varargs and ", *" for
// Python *args/**kwargs passed on.
std::string signature(const Overload& ov) {
    std::string out;
    for (const ParamSpec& p : ov.params) {
        if (!out.empty()) out += ", ";
        out += std::string(p.name);
        if (p.def.kind != ParamDefault::Kind::Required) out += "=" + render_default(p.def);
    }
    if (ov.varargs) out += ", ...";
    if (ov.var_keywords) out += out.empty() ? "*" : ", *";
    return out;
}

std::vector<std::string> signatures(std::string_view unit) {
    const UnitInfo* u = find_unit(unit);
    REQUIRE_MESSAGE(u != nullptr, unit);
    std::vector<std::string> out;
    for (const Overload& ov : u->overloads) out.push_back(signature(ov));
    return out;
}

// Overload signatures as one line, "a, b | c" (readable when a check fails).
std::string join(const std::vector<std::string>& sigs) {
    std::string out;
    for (const std::string& s : sigs) out += (out.empty() ? "" : " | ") + s;
    return out;
}

const ParamSpec* param(std::string_view unit, size_t overload, std::string_view name) {
    const UnitInfo* u = find_unit(unit);
    if (!u || overload >= u->overloads.size()) return nullptr;
    for (const ParamSpec& p : u->overloads[overload].params)
        if (p.name == name) return &p;
    return nullptr;
}

}  // namespace

// ---- invariants ------------------------------------------------------------------------------

TEST_CASE("unit names are unique") {
    std::set<std::string_view> seen;
    for (const UnitInfo& u : unit_table()) {
        CHECK_MESSAGE(!u.name.empty(), "a unit without a name");
        CHECK_MESSAGE(seen.insert(u.name).second, "duplicate unit ", u.name);
    }
    CHECK(seen.size() == unit_table().size());
}

TEST_CASE("every unit has at least one overload, and each overload's parameter names are unique") {
    for (const UnitInfo& u : unit_table()) {
        CHECK_MESSAGE(!u.overloads.empty(), u.name);
        for (size_t i = 0; i < u.overloads.size(); ++i) {
            std::set<std::string_view> names;
            for (const ParamSpec& p : u.overloads[i].params) {
                CHECK_MESSAGE(!p.name.empty(), u.name, " overload ", i);
                CHECK_MESSAGE(names.insert(p.name).second, u.name, " overload ", i, " repeats '", p.name, "'");
            }
        }
    }
}

TEST_CASE("within an overload, required parameters come before defaulted ones") {
    // mididings lists no overload with a required parameter after a defaulted one, so there are
    // no exceptions: a defaulted parameter before a required one could never be left out.
    for (const UnitInfo& u : unit_table())
        for (size_t i = 0; i < u.overloads.size(); ++i) {
            bool defaulted = false;
            for (const ParamSpec& p : u.overloads[i].params) {
                bool required = p.def.kind == ParamDefault::Kind::Required;
                CHECK_MESSAGE(!(required && defaulted), u.name, " overload ", i, ": required '", p.name,
                              "' after a defaulted parameter");
                defaulted = defaulted || !required;
            }
        }
}

TEST_CASE("no two overloads of a unit have the same parameter names") {
    // Overloads are told apart by positional count and keyword names; two with the same names
    // would make the second unreachable.
    for (const UnitInfo& u : unit_table())
        for (size_t i = 0; i < u.overloads.size(); ++i)
            for (size_t j = i + 1; j < u.overloads.size(); ++j) {
                std::vector<std::string_view> a, b;
                for (const ParamSpec& p : u.overloads[i].params) a.push_back(p.name);
                for (const ParamSpec& p : u.overloads[j].params) b.push_back(p.name);
                CHECK_MESSAGE(a != b, u.name, " overloads ", i, " and ", j, " take the same parameters");
            }
}

TEST_CASE("every unit has a doc line, and every overload a form that starts with the unit's name") {
    for (const UnitInfo& u : unit_table()) {
        CHECK_MESSAGE(!u.doc.empty(), u.name, " has no doc");
        CHECK_MESSAGE(u.doc.back() == '.', u.name, " doc does not end with a full stop");
        for (const Overload& ov : u.overloads) {
            std::string prefix = std::string(u.name) + "(";
            CHECK_MESSAGE(ov.form.substr(0, prefix.size()) == prefix, u.name, ": form '", ov.form, "'");
            CHECK_MESSAGE(ov.form.back() == ')', u.name, ": form '", ov.form, "'");
            // every parameter of the overload is named in its form
            for (const ParamSpec& p : ov.params)
                if (u.name != "OutputTemplate")
                    CHECK_MESSAGE(ov.form.find(p.name) != std::string_view::npos, u.name, ": form '", ov.form,
                                  "' does not name '", p.name, "'");
        }
    }
}

TEST_CASE("every argument kind in the table has a description, and every family a name") {
    for (const UnitInfo& u : unit_table()) {
        CHECK_MESSAGE(!family_name(u.family).empty(), u.name);
        for (const Overload& ov : u.overloads)
            for (const ParamSpec& p : ov.params) {
                std::string_view d = arg_kind_description(p.kind);
                CHECK_MESSAGE(!d.empty(), u.name, ".", p.name);
                // the fallback "a value" belongs to ArgKind::Any only
                if (p.kind != ArgKind::Any) CHECK_MESSAGE(d != "a value", u.name, ".", p.name, " has no description of its own");
            }
    }
}

TEST_CASE("find_unit finds every unit of the table by its exact name") {
    for (const UnitInfo& u : unit_table()) CHECK(find_unit(u.name) == &u);
    REQUIRE(find_unit("Transpose") != nullptr);
    CHECK(find_unit("Transpose")->name == "Transpose");
    CHECK(find_unit("transpose") == nullptr);
    CHECK(find_unit("Transpos") == nullptr);
    CHECK(find_unit("") == nullptr);
    CHECK(find_unit("Scene") == nullptr);  // a setup function, not a unit
    CHECK(find_unit("run") == nullptr);
}

// ---- the table against the spec ------------------------------------------------------------

TEST_CASE("the table holds exactly the units of mididings and mididings.extra, in module order") {
    std::vector<std::string_view> expected = spec_units();
    std::vector<std::string_view> names;
    for (const UnitInfo& u : unit_table()) names.push_back(u.name);
    for (std::string_view n : expected) CHECK_MESSAGE(find_unit(n) != nullptr, "missing unit ", n);
    for (std::string_view n : names)
        CHECK_MESSAGE(std::find(expected.begin(), expected.end(), n) != expected.end(), "unit not in the spec: ", n);
    CHECK(names == expected);
    CHECK(unit_table().size() == 75);
}

TEST_CASE("units of mididings.extra are marked as such, the others as core") {
    for (std::string_view n : spec_core_units) {
        const UnitInfo* u = find_unit(n);
        REQUIRE_MESSAGE(u != nullptr, n);
        CHECK_MESSAGE(u->module == UnitModule::Core, n);
        CHECK_MESSAGE(u->family != UnitFamily::Extra, n);
    }
    for (std::string_view n : spec_extra_units) {
        const UnitInfo* u = find_unit(n);
        REQUIRE_MESSAGE(u != nullptr, n);
        CHECK_MESSAGE(u->module == UnitModule::Extra, n);
    }
}

TEST_CASE("SendDBUS is in the table but refused, with help; no other unit is refused") {
    const UnitInfo* dbus = find_unit("SendDBUS");
    REQUIRE(dbus != nullptr);
    CHECK(!dbus->refused.empty());
    CHECK(dbus->refused.find("System(") != std::string_view::npos);
    for (const UnitInfo& u : unit_table())
        if (u.name != "SendDBUS") CHECK_MESSAGE(u.refused.empty(), u.name, " is refused");
}

TEST_CASE("overloads have mididings' parameter names and defaults, in mididings' order") {
    // From mididings-units.md: the code signatures of each overload (first match wins), and for
    // generators the documented short and long forms. ", ..." marks add_varargs, ", *" Python
    // *args/**kwargs passed on.
    const std::map<std::string_view, std::vector<std::string>> expected = {
        {"Chain", {"units, ..."}},
        {"Fork", {"units, remove_duplicates=None, ..."}},
        {"Split", {"mapping"}},
        {"And", {"conditions"}},
        {"Or", {"conditions"}},
        {"Filter", {"types, ..."}},
        {"Pass", {""}},
        {"Discard", {""}},
        {"Process", {"function, *"}},
        {"Call", {"function, *", "thread, *"}},
        {"System", {"command"}},
        {"Sanitize", {""}},
        {"SceneSwitch", {"number=EVENT_PROGRAM", "offset"}},
        {"SubSceneSwitch", {"number=EVENT_PROGRAM", "offset, wrap=True"}},
        {"PortFilter", {"ports, ..."}},
        {"ChannelFilter", {"channels, ..."}},
        {"KeyFilter", {"note_range", "lower, upper", "lower", "upper", "notes"}},
        {"VelocityFilter", {"value", "lower", "upper", "lower, upper"}},
        {"CtrlFilter", {"ctrls, ..."}},
        {"CtrlValueFilter", {"value", "lower", "upper", "lower, upper"}},
        {"ProgramFilter", {"programs, ..."}},
        {"SysExFilter", {"sysex", "manufacturer"}},
        {"Generator", {"type, port=EVENT_PORT, channel=EVENT_CHANNEL, data1=0, data2=0"}},
        {"NoteOn", {"note, velocity", "port, channel, note, velocity"}},
        {"NoteOff", {"note, velocity=0", "port, channel, note, velocity=0"}},
        {"Ctrl", {"ctrl, value", "port, channel, ctrl, value"}},
        {"Pitchbend", {"value", "port, channel, value"}},
        {"Aftertouch", {"value", "port, channel, value"}},
        {"PolyAftertouch", {"note, value", "port, channel, note, value"}},
        {"Program", {"program", "port, channel, program"}},
        {"SysEx", {"sysex", "port, sysex"}},
        {"Init", {"patch"}},
        {"Exit", {"patch"}},
        {"Output", {"port=None, channel=None, program=None, volume=None, pan=None, expression=None, ctrls={}"}},
        {"Port", {"port"}},
        {"Channel", {"channel"}},
        {"Transpose", {"offset", "octaves"}},
        {"Key", {"note"}},
        {"Velocity", {"offset", "multiply", "fixed", "gamma", "curve", "multiply, offset"}},
        {"VelocitySlope",
         {"notes, offset", "notes, multiply", "notes, fixed", "notes, gamma", "notes, curve", "notes, multiply, offset"}},
        {"VelocityLimit", {"min, max", "max", "min"}},
        {"CtrlMap", {"ctrl_in, ctrl_out"}},
        {"CtrlRange", {"ctrl, min, max, in_min=0, in_max=127"}},
        {"CtrlCurve", {"ctrl, gamma", "ctrl, curve", "ctrl, offset", "ctrl, multiply", "ctrl, multiply, offset"}},
        {"PitchbendRange", {"min, max, in_min=-8192, in_max=8191", "down, up, range"}},
        {"Print", {"name=None, portnames=None", "string"}},
        {"PortSplit", {"mapping"}},
        {"ChannelSplit", {"mapping"}},
        {"KeySplit", {"threshold, patch_lower, patch_upper", "mapping"}},
        {"VelocitySplit", {"threshold, patch_lower, patch_upper", "mapping"}},
        {"CtrlSplit", {"mapping"}},
        {"CtrlValueSplit", {"threshold, patch_lower, patch_upper", "mapping"}},
        {"ProgramSplit", {"mapping"}},
        {"SysExSplit", {"mapping", "manufacturers"}},
        {"CtrlToSysEx", {"ctrl, sysex, index, checksum_start=None"}},
        {"SendDBUS", {"service, path, interface, method, *"}},
        {"Restart", {""}},
        {"Quit", {""}},
        {"FloatingKeySplit",
         {"threshold_lower, threshold_upper, patch_lower, patch_upper, hold_time=1.0, margin_lower=12, margin_upper=12"}},
        {"Harmonize", {"tonic, scale, interval, non_harmonic='below'"}},
        {"AutoRestart", {"modules=True, filenames=[]"}},
        {"KeyColorFilter", {"color"}},
        {"LatchNotes", {"polyphonic=False, reset=None"}},
        {"MemorizeScene", {"memo_file"}},
        {"OSCInterface", {"port=56418, notify_ports=[56419]"}},
        {"SendOSC", {"target, path, *"}},
        {"Panic", {"bypass=True"}},
        {"PedalToNoteoff", {"ctrl=64, sostenuto=False"}},
        {"PerChannel", {"factory"}},
        {"LimitPolyphony", {"max_polyphony, remove_oldest=True"}},
        {"MakeMonophonic", {""}},
        {"SuppressPC", {""}},
        {"VoiceFilter", {"voice='highest', time=0.1, retrigger=False"}},
        {"VoiceSplit", {"patches, fallback='highest', time=0.1, retrigger=False"}},
    };
    for (const auto& [name, sigs] : expected) {
        CAPTURE(name);
        CHECK(join(signatures(name)) == join(sigs));
    }
    // every unit but OutputTemplate (*args, **kwargs) is covered above
    for (const UnitInfo& u : unit_table())
        if (u.name != "OutputTemplate") CHECK_MESSAGE(expected.count(u.name) == 1, "no expected signature for ", u.name);
}

TEST_CASE("OutputTemplate takes the parameters of Output") {
    CHECK(join(signatures("OutputTemplate")) == join(signatures("Output")));
    const UnitInfo* t = find_unit("OutputTemplate");
    const UnitInfo* o = find_unit("Output");
    REQUIRE(t != nullptr);
    REQUIRE(o != nullptr);
    REQUIRE(t->overloads.size() == 1);
    for (size_t i = 0; i < o->overloads[0].params.size(); ++i)
        CHECK(t->overloads[0].params[i].kind == o->overloads[0].params[i].kind);
}

TEST_CASE("parameters take the kinds of values mididings' validators accept") {
    struct Expect {
        std::string_view unit;
        size_t overload;
        std::string_view param;
        ArgKind kind;
    };
    using K = ArgKind;
    const Expect table[] = {
        {"Filter", 0, "types", K::EventTypes},           // reduce_bitmask([_EventType])
        {"Fork", 0, "remove_duplicates", K::RemoveDuplicates},
        {"System", 0, "command", K::StrOrCallable},
        {"Process", 0, "function", K::Callable},
        {"SceneSwitch", 0, "number", K::SceneRef},       // scene_number_ref
        {"SceneSwitch", 1, "offset", K::Int},
        {"SubSceneSwitch", 0, "number", K::SubsceneRef},
        {"SubSceneSwitch", 1, "offset", K::Int},
        {"SubSceneSwitch", 1, "wrap", K::Bool},
        {"PortFilter", 0, "ports", K::Ports},            // flatten(port_number)
        {"ChannelFilter", 0, "channels", K::Channels},   // flatten(channel_number)
        {"KeyFilter", 0, "note_range", K::NoteRange},    // note_range
        {"KeyFilter", 1, "lower", K::NoteLimit},         // note_limit
        {"KeyFilter", 1, "upper", K::NoteLimit},
        {"KeyFilter", 2, "lower", K::NoteLimit},
        {"KeyFilter", 3, "upper", K::NoteLimit},
        {"KeyFilter", 4, "notes", K::NoteList},          // [note_number]
        {"VelocityFilter", 0, "value", K::Velocity},     // velocity_value
        {"VelocityFilter", 1, "lower", K::VelocityLimit},
        {"VelocityFilter", 3, "upper", K::VelocityLimit},
        {"CtrlFilter", 0, "ctrls", K::Ctrls},
        {"CtrlValueFilter", 0, "value", K::CtrlValue},   // ctrl_value
        {"CtrlValueFilter", 1, "lower", K::CtrlLimit},   // ctrl_limit
        {"ProgramFilter", 0, "programs", K::Programs},
        {"SysExFilter", 0, "sysex", K::SysExPartial},    // sysex_data(allow_partial=True)
        {"SysExFilter", 1, "manufacturer", K::Manufacturer},
        {"Generator", 0, "type", K::EventType},          // event_type
        {"Generator", 0, "port", K::PortRef},
        {"Generator", 0, "channel", K::ChannelRef},
        {"NoteOn", 1, "port", K::PortRef},               // port_number_ref
        {"NoteOn", 1, "channel", K::ChannelRef},         // channel_number_ref
        {"NoteOn", 1, "note", K::NoteRef},               // note_number_ref
        {"NoteOn", 1, "velocity", K::VelocityRef},       // velocity_value_ref
        {"Ctrl", 1, "ctrl", K::CtrlRef},                 // ctrl_number_ref
        {"Ctrl", 1, "value", K::CtrlValueRef},           // ctrl_value_ref
        {"Program", 1, "program", K::ProgramRef},        // program_number_ref
        {"SysEx", 1, "port", K::PortRef},
        {"SysEx", 1, "sysex", K::SysEx},                 // sysex_data
        {"Init", 0, "patch", K::Patch},
        {"Port", 0, "port", K::Port},                    // port_number
        {"Channel", 0, "channel", K::Channel},           // channel_number
        {"Transpose", 0, "offset", K::Int},
        {"Transpose", 1, "octaves", K::Int},
        {"Key", 0, "note", K::Note},                     // note_number
        {"Velocity", 0, "offset", K::Int},
        {"Velocity", 1, "multiply", K::Number},          // (float, int)
        {"Velocity", 2, "fixed", K::Velocity},           // velocity_value
        {"VelocityLimit", 0, "min", K::VelocityLimit},   // velocity_limit
        {"VelocityLimit", 0, "max", K::VelocityLimit},
        {"CtrlMap", 0, "ctrl_in", K::Ctrl},              // ctrl_number
        {"CtrlMap", 0, "ctrl_out", K::Ctrl},
        {"CtrlRange", 0, "ctrl", K::Ctrl},
        {"CtrlRange", 0, "min", K::Int},
        {"CtrlCurve", 0, "gamma", K::Number},
        {"CtrlCurve", 2, "offset", K::Int},
        {"PitchbendRange", 0, "in_min", K::Int},
        {"Print", 0, "name", K::OptStr},                 // (str, NoneType)
        {"Print", 0, "portnames", K::PortNamesMode},     // ('in', 'out', None)
        {"Print", 1, "string", K::StrOrCallable},
        {"KeySplit", 0, "threshold", K::NoteLimit},      // note_limit
        {"KeySplit", 1, "mapping", K::MapNoteRanges},    // {nullable(note_range): ...}
        {"VelocitySplit", 0, "threshold", K::VelocityLimit},
        {"CtrlValueSplit", 0, "threshold", K::CtrlLimit},
        {"ChannelSplit", 0, "mapping", K::MapChannels},
        {"Split", 0, "mapping", K::MapTypes},
    };
    for (const Expect& e : table) {
        CAPTURE(e.unit);
        CAPTURE(e.param);
        const ParamSpec* p = param(e.unit, e.overload, e.param);
        REQUIRE(p != nullptr);
        CHECK(static_cast<int>(p->kind) == static_cast<int>(e.kind));
    }
}
