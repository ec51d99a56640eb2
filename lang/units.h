// The unit table: the single source of truth for every unit of mididings and mididings.extra that
// mdc accepts: names, overloads in mididings' order, parameter names (the keyword names users
// write), the kind of value each parameter takes, defaults, and documentation. The checker
// resolves calls against it, docs/units.md is generated from it, and later stages key on it.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace mdc {

// What a parameter accepts; each kind has one validator in args.cpp (mididings' _util rules).
enum class ArgKind : uint8_t {
    Any,
    Int,
    Number,          // int or float
    Bool,
    Str,
    OptStr,          // str or None
    OptInt,          // int or None
    IntRef,          // int or EVENT_*
    Note,            // 0..127 or a note name
    NoteRef,         // Note or EVENT_*
    OptNote,         // Note or None
    NoteLimit,       // 0..128 or a note name (0 = unbounded)
    NoteRange,       // note, 'lo:hi', (lo, hi)
    NoteList,        // [note, ...]
    NoteLimitList,   // [note limit, ...] (VelocitySlope)
    Velocity,        // 0..127
    VelocityRef,
    VelocityLimit,   // 0..128 (0 = unbounded where mididings says so)
    Ctrl,            // controller number 0..127
    CtrlRef,
    CtrlValue,       // 0..127
    CtrlValueRef,
    OptCtrlValue,    // 0..127 or None (Output volume, pan, expression)
    CtrlLimit,       // 0..128
    Port,            // user port number (data_offset) or configured port name
    PortRef,
    OptPort,         // Port or None
    Channel,         // 1..16 with data_offset 1
    ChannelRef,
    OptChannel,
    Program,         // 1..128 with data_offset 1
    ProgramRef,
    OutputProgram,   // program or (bank, program), or None
    SceneRef,        // scene number or EVENT_*
    SubsceneRef,
    EventType,       // one concrete type
    EventTypes,      // a mask, or several (OR-ed, flattened)
    Ports,           // several ports (flattened varargs)
    Channels,
    Ctrls,
    Programs,
    SysEx,           // complete SysEx: F0 ... F7
    SysExPartial,    // a prefix (filters)
    Manufacturer,    // 1 byte, or 3 starting with 0x00
    Patch,           // a unit, list (fork), dict (split) or event-type constant
    Patches,         // several patches (Chain, Fork: list or varargs)
    Selectors,       // And/Or conditions
    CtrlDict,        // {ctrl: value}
    IntList,
    NumberList,
    VelocityList,
    Callable,        // Python function or lambda
    StrOrCallable,
    PortNamesMode,   // 'in', 'out' or None
    RemoveDuplicates,  // True, False or None
    MapTypes,        // split mappings: {key: patch}, None = else branch
    MapPorts,
    MapChannels,
    MapNoteRanges,
    MapVelocityRanges,
    MapCtrls,
    MapCtrlRanges,
    MapPrograms,
    MapSysEx,
    MapManufacturers,
    Tonic,           // Harmonize: a pitch class name or number
    Scale,           // a scale name or a list of semitone steps
    Interval,        // a number, an interval name, or a list of them
    NonHarmonic,     // 'below', 'above', 'skip', 'same'
    Voice,           // 'highest', 'lowest' or an index
    KeyColor,        // 'black' or 'white'
    OscTarget,       // port number or 'host:port' / 'osc.udp://host:port'
    OscTargets,      // one OscTarget or a list of them
    OscArgs,         // values or functions of the event
    IntOrIntList,
};

enum class UnitFamily : uint8_t { Base, Filter, Split, Modifier, Generator, Engine, Call, Init, Extra };
enum class UnitModule : uint8_t { Core, Extra };

// A default value, as the user would have written it.
struct ParamDefault {
    enum class Kind : uint8_t { Required, None, Int, Float, Bool, Str, EventField, EmptyDict, EmptyList, IntList } kind =
        Kind::Required;
    double number = 0;  // Int, Float, Bool (0/1), EventField (engine::EventField)
    std::string_view text = {};
};

struct ParamSpec {
    std::string_view name;
    ArgKind kind;
    ParamDefault def = {};
};

struct Overload {
    std::vector<ParamSpec> params;
    bool varargs = false;     // extra positional arguments flatten into the first parameter (mididings' add_varargs)
    bool var_keywords = false;  // Python-style *args and **kwargs after the parameters, passed on
    bool positional_only_extras = false;  // only *args (SendOSC(target, path, *args))
    std::string_view form = {};  // how the docs show this form, e.g. "Velocity(multiply=...)"
};

// What a unit does to the static type of the events that reach it (lang/types.cpp reads these).
struct UnitSemantics {
    uint32_t acts_on = ~0u;     // the event types it tests or changes (a filter's "applies to" set)
    bool passes_other = true;   // a filter: do events of other types pass? (mididings' pass_other)
    bool consumes = false;      // nothing comes out (SceneSwitch, Call, System, Init/Exit in a patch)
    uint32_t makes = 0;         // a generator: the type it makes (0: from its 'type' argument)
};

struct UnitInfo {
    std::string_view name;
    UnitFamily family;
    UnitModule module;
    std::vector<Overload> overloads;
    std::string_view doc;
    std::string_view refused = {};  // non-empty: the unit is refused at check time, with this help
    UnitSemantics sem = {};
    std::string_view stdlib_body = {};  // non-empty: the stdlib def (stdlib/*.mdp) that builds it from checked arguments
};

// The whole table, in documentation order (mididings' module order).
std::span<const UnitInfo> unit_table();
const UnitInfo* find_unit(std::string_view name);
std::string_view family_name(UnitFamily f);
std::string_view arg_kind_description(ArgKind k);  // "a note number or name", ...

}  // namespace mdc
