// The unit table itself (see units.h). Overloads are listed in mididings' order, because the first
// form whose positional count and keyword names fit is the one chosen, as in mididings.
#include "units.h"

#include "engine/event_types.h"

namespace mdc {
namespace {

using K = ArgKind;
using F = UnitFamily;
using D = ParamDefault::Kind;

ParamSpec P(std::string_view name, ArgKind kind) { return {name, kind, {}}; }
ParamSpec P(std::string_view name, ArgKind kind, ParamDefault d) { return {name, kind, d}; }
ParamDefault none() { return {D::None}; }
ParamDefault integer(double v) { return {D::Int, v}; }
ParamDefault real(double v) { return {D::Float, v}; }
ParamDefault boolean(bool b) { return {D::Bool, b ? 1.0 : 0.0}; }
ParamDefault text(std::string_view s) { return {D::Str, 0, s}; }
ParamDefault field(engine::EventField f) { return {D::EventField, static_cast<double>(f)}; }
ParamDefault empty_dict() { return {D::EmptyDict}; }
ParamDefault int_list(std::string_view s) { return {D::IntList, 0, s}; }

Overload O(std::string_view form, std::vector<ParamSpec> params) { return {std::move(params), false, false, false, form}; }
Overload Ovar(std::string_view form, std::vector<ParamSpec> params) { return {std::move(params), true, false, false, form}; }
// Python-style *args and **kwargs after the named parameters, passed on (e.g. to a Python function).
Overload Okw(std::string_view form, std::vector<ParamSpec> params) { return {std::move(params), false, true, false, form}; }
Overload Oargs(std::string_view form, std::vector<ParamSpec> params) { return {std::move(params), false, true, true, form}; }

UnitInfo U(std::string_view name, F family, std::vector<Overload> overloads, std::string_view doc) {
    return {name, family, UnitModule::Core, std::move(overloads), doc, {}};
}
UnitInfo X(std::string_view name, std::vector<Overload> overloads, std::string_view doc) {
    return {name, F::Extra, UnitModule::Extra, std::move(overloads), doc, {}};
}

// Generators take [port, channel,] values: the short form first (mididings documents both).
std::vector<Overload> generator(std::string_view name, std::vector<ParamSpec> values, std::string_view short_form,
                                std::string_view long_form) {
    std::vector<ParamSpec> full = {P("port", K::PortRef), P("channel", K::ChannelRef)};
    full.insert(full.end(), values.begin(), values.end());
    (void)name;
    return {O(short_form, values), O(long_form, full)};
}

std::vector<UnitInfo> build_table() {
    using engine::EventField;
    std::vector<UnitInfo> t;

    // ---- base --------------------------------------------------------------------------
    t.push_back(U("Chain", F::Base, {Ovar("Chain(units, ...)", {P("units", K::Patches)})},
                  "Runs units in series: each receives what the previous one outputs (same as `>>`)."));
    t.push_back(U("Fork", F::Base,
                  {Ovar("Fork(units, ..., remove_duplicates=True)",
                        {P("units", K::Patches), P("remove_duplicates", K::RemoveDuplicates, none())})},
                  "Runs units in parallel on copies of each event (same as a list or `//`). Outputs come in "
                  "input-event order, then branch order; equal events from the same input are sent once unless "
                  "remove_duplicates=False."));
    t.push_back(U("Split", F::Base, {O("Split(mapping)", {P("mapping", K::MapTypes)})},
                  "Sends each event to the patches whose event-type key matches (same as a dict); key None is "
                  "the else branch."));
    t.push_back(U("And", F::Base, {O("And(conditions)", {P("conditions", K::Selectors)})},
                  "A selector that matches when all conditions match (same as `&`)."));
    t.push_back(U("Or", F::Base, {O("Or(conditions)", {P("conditions", K::Selectors)})},
                  "A selector that matches when any condition matches (same as `|`)."));
    t.push_back(U("Filter", F::Filter, {Ovar("Filter(types, ...)", {P("types", K::EventTypes)})},
                  "Passes events of the given types."));
    t.push_back(U("Pass", F::Base, {O("Pass()", {})}, "Passes every event unchanged."));
    t.push_back(U("Discard", F::Base, {O("Discard()", {})}, "Discards every event."));

    // ---- call (Python) -------------------------------------------------------------------
    t.push_back(U("Process", F::Call, {Okw("Process(function, *args, **kwargs)", {P("function", K::Callable)})},
                  "Calls a Python function with each event; it returns the events to output (None, an event, "
                  "a list, a tuple or a generator)."));
    t.push_back(U("Call", F::Call,
                  {Okw("Call(function, *args, **kwargs)", {P("function", K::Callable)}),
                   Okw("Call(thread=...)", {P("thread", K::Callable)})},
                  "Calls a Python function with each event off the realtime path; the event is consumed."));
    t.push_back(U("System", F::Call, {O("System(command)", {P("command", K::StrOrCallable)})},
                  "Runs a shell command (a string, or a function of the event returning one) without waiting; "
                  "the event is consumed."));

    // ---- engine ------------------------------------------------------------------------
    t.push_back(U("Sanitize", F::Engine, {O("Sanitize()", {})},
                  "Makes events valid MIDI: drops invalid ports, channels, notes, controllers and programs, "
                  "clamps velocities and values."));
    t.push_back(U("SceneSwitch", F::Engine,
                  {O("SceneSwitch(number=EVENT_PROGRAM)", {P("number", K::SceneRef, field(EventField::Data2))}),
                   O("SceneSwitch(offset=...)", {P("offset", K::Int)})},
                  "Switches to a scene (a number or EVENT_*), or by an offset from the current one, after the "
                  "current event; the event is consumed."));
    t.push_back(U("SubSceneSwitch", F::Engine,
                  {O("SubSceneSwitch(number=EVENT_PROGRAM)", {P("number", K::SubsceneRef, field(EventField::Data2))}),
                   O("SubSceneSwitch(offset=..., wrap=True)", {P("offset", K::Int), P("wrap", K::Bool, boolean(true))})},
                  "Switches subscene within the current scene group; with an offset, optionally wrapping around."));

    // ---- filters -------------------------------------------------------------------------
    t.push_back(U("PortFilter", F::Filter, {Ovar("PortFilter(ports, ...)", {P("ports", K::Ports)})},
                  "Passes events on the given ports."));
    t.push_back(U("ChannelFilter", F::Filter, {Ovar("ChannelFilter(channels, ...)", {P("channels", K::Channels)})},
                  "Passes events on the given channels; system events are dropped."));
    t.push_back(U("KeyFilter", F::Filter,
                  {O("KeyFilter(note_range)", {P("note_range", K::NoteRange)}),
                   O("KeyFilter(lower, upper)", {P("lower", K::NoteLimit), P("upper", K::NoteLimit)}),
                   O("KeyFilter(lower=...)", {P("lower", K::NoteLimit)}),
                   O("KeyFilter(upper=...)", {P("upper", K::NoteLimit)}),
                   O("KeyFilter(notes=...)", {P("notes", K::NoteList)})},
                  "Passes note and poly-aftertouch events in a half-open note range or list of notes; other "
                  "events pass."));
    t.push_back(U("VelocityFilter", F::Filter,
                  {O("VelocityFilter(value)", {P("value", K::Velocity)}),
                   O("VelocityFilter(lower=...)", {P("lower", K::VelocityLimit)}),
                   O("VelocityFilter(upper=...)", {P("upper", K::VelocityLimit)}),
                   O("VelocityFilter(lower, upper)", {P("lower", K::VelocityLimit), P("upper", K::VelocityLimit)})},
                  "Passes note-ons whose velocity is in a half-open range (0 = no limit); other events pass."));
    t.push_back(U("CtrlFilter", F::Filter, {Ovar("CtrlFilter(ctrls, ...)", {P("ctrls", K::Ctrls)})},
                  "Passes control changes of the given controllers; other events are dropped."));
    t.push_back(U("CtrlValueFilter", F::Filter,
                  {O("CtrlValueFilter(value)", {P("value", K::CtrlValue)}),
                   O("CtrlValueFilter(lower=...)", {P("lower", K::CtrlLimit)}),
                   O("CtrlValueFilter(upper=...)", {P("upper", K::CtrlLimit)}),
                   O("CtrlValueFilter(lower, upper)", {P("lower", K::CtrlLimit), P("upper", K::CtrlLimit)})},
                  "Passes control changes whose value is in a half-open range; other events are dropped."));
    t.push_back(U("ProgramFilter", F::Filter, {Ovar("ProgramFilter(programs, ...)", {P("programs", K::Programs)})},
                  "Passes program changes of the given programs; other events are dropped."));
    t.push_back(U("SysExFilter", F::Filter,
                  {O("SysExFilter(sysex)", {P("sysex", K::SysExPartial)}),
                   O("SysExFilter(manufacturer=...)", {P("manufacturer", K::Manufacturer)})},
                  "Passes SysEx messages equal to the data (or starting with it when it does not end in F7), "
                  "or from a manufacturer; other events are dropped."));

    // ---- generators ----------------------------------------------------------------------
    t.push_back(U("Generator", F::Generator,
                  {O("Generator(type, port=EVENT_PORT, channel=EVENT_CHANNEL, data1=0, data2=0)",
                     {P("type", K::EventType), P("port", K::PortRef, field(EventField::Port)),
                      P("channel", K::ChannelRef, field(EventField::Channel)), P("data1", K::IntRef, integer(0)),
                      P("data2", K::IntRef, integer(0))})},
                  "Replaces each event by an event of the given type; the only way to make system common and "
                  "realtime events."));
    t.push_back(U("NoteOn", F::Generator,
                  generator("NoteOn", {P("note", K::NoteRef), P("velocity", K::VelocityRef)}, "NoteOn(note, velocity)",
                            "NoteOn(port, channel, note, velocity)"),
                  "Replaces each event by a note-on; omitted port and channel come from the event."));
    t.push_back(U("NoteOff", F::Generator,
                  generator("NoteOff", {P("note", K::NoteRef), P("velocity", K::VelocityRef, integer(0))},
                            "NoteOff(note, velocity=0)", "NoteOff(port, channel, note, velocity=0)"),
                  "Replaces each event by a note-off."));
    t.push_back(U("Ctrl", F::Generator,
                  generator("Ctrl", {P("ctrl", K::CtrlRef), P("value", K::CtrlValueRef)}, "Ctrl(ctrl, value)",
                            "Ctrl(port, channel, ctrl, value)"),
                  "Replaces each event by a control change."));
    t.push_back(U("Pitchbend", F::Generator,
                  generator("Pitchbend", {P("value", K::IntRef)}, "Pitchbend(value)", "Pitchbend(port, channel, value)"),
                  "Replaces each event by a pitch bend (-8192..8191)."));
    t.push_back(U("Aftertouch", F::Generator,
                  generator("Aftertouch", {P("value", K::IntRef)}, "Aftertouch(value)", "Aftertouch(port, channel, value)"),
                  "Replaces each event by a channel aftertouch."));
    t.push_back(U("PolyAftertouch", F::Generator,
                  generator("PolyAftertouch", {P("note", K::NoteRef), P("value", K::IntRef)}, "PolyAftertouch(note, value)",
                            "PolyAftertouch(port, channel, note, value)"),
                  "Replaces each event by a polyphonic aftertouch."));
    t.push_back(U("Program", F::Generator,
                  generator("Program", {P("program", K::ProgramRef)}, "Program(program)", "Program(port, channel, program)"),
                  "Replaces each event by a program change."));
    t.push_back(U("SysEx", F::Generator,
                  {O("SysEx(sysex)", {P("sysex", K::SysEx)}), O("SysEx(port, sysex)", {P("port", K::PortRef), P("sysex", K::SysEx)})},
                  "Replaces each event by a SysEx message."));

    // ---- init ------------------------------------------------------------------------------
    t.push_back(U("Init", F::Init, {O("Init(patch)", {P("patch", K::Patch)})},
                  "Adds patch to the init patch of the scene that contains this unit; here it discards."));
    t.push_back(U("Exit", F::Init, {O("Exit(patch)", {P("patch", K::Patch)})},
                  "Adds patch to the exit patch of the scene that contains this unit; here it discards."));
    t.push_back(U("Output", F::Init,
                  {O("Output(port=None, channel=None, program=None, volume=None, pan=None, expression=None, ctrls={})",
                     {P("port", K::OptPort, none()), P("channel", K::OptChannel, none()),
                      P("program", K::OutputProgram, none()), P("volume", K::OptCtrlValue, none()),
                      P("pan", K::OptCtrlValue, none()), P("expression", K::OptCtrlValue, none()),
                      P("ctrls", K::CtrlDict, empty_dict())})},
                  "Routes events to a port and channel; when its scene starts, sends bank select and program, "
                  "volume, pan, expression and other controllers."));
    t.push_back(U("OutputTemplate", F::Init,
                  {O("OutputTemplate(*args, **kwargs)",
                       {P("port", K::OptPort, none()), P("channel", K::OptChannel, none()),
                        P("program", K::OutputProgram, none()), P("volume", K::OptCtrlValue, none()),
                        P("pan", K::OptCtrlValue, none()), P("expression", K::OptCtrlValue, none()),
                        P("ctrls", K::CtrlDict, empty_dict())})},
                  "A partial Output(): call it with the remaining arguments to get an Output."));

    // ---- modifiers ---------------------------------------------------------------------------
    t.push_back(U("Port", F::Modifier, {O("Port(port)", {P("port", K::Port)})}, "Sets the port of every event."));
    t.push_back(U("Channel", F::Modifier, {O("Channel(channel)", {P("channel", K::Channel)})},
                  "Sets the channel of every channel event."));
    t.push_back(U("Transpose", F::Modifier,
                  {O("Transpose(offset)", {P("offset", K::Int)}), O("Transpose(octaves=...)", {P("octaves", K::Int)})},
                  "Transposes notes and poly-aftertouch by semitones (or octaves)."));
    t.push_back(U("Key", F::Modifier, {O("Key(note)", {P("note", K::Note)})}, "Sets the note of note events."));
    t.push_back(U("Velocity", F::Modifier,
                  {O("Velocity(offset)", {P("offset", K::Int)}), O("Velocity(multiply=...)", {P("multiply", K::Number)}),
                   O("Velocity(fixed=...)", {P("fixed", K::Velocity)}), O("Velocity(gamma=...)", {P("gamma", K::Number)}),
                   O("Velocity(curve=...)", {P("curve", K::Number)}),
                   O("Velocity(multiply, offset)", {P("multiply", K::Number), P("offset", K::Int)})},
                  "Changes note-on velocity: add an offset, multiply, set, or apply a gamma or exponential curve."));
    t.push_back(U("VelocitySlope", F::Modifier,
                  {O("VelocitySlope(notes, offset)", {P("notes", K::NoteLimitList), P("offset", K::IntList)}),
                   O("VelocitySlope(notes, multiply=...)", {P("notes", K::NoteLimitList), P("multiply", K::NumberList)}),
                   O("VelocitySlope(notes, fixed=...)", {P("notes", K::NoteLimitList), P("fixed", K::VelocityList)}),
                   O("VelocitySlope(notes, gamma=...)", {P("notes", K::NoteLimitList), P("gamma", K::NumberList)}),
                   O("VelocitySlope(notes, curve=...)", {P("notes", K::NoteLimitList), P("curve", K::NumberList)}),
                   O("VelocitySlope(notes, multiply, offset)",
                     {P("notes", K::NoteLimitList), P("multiply", K::NumberList), P("offset", K::IntList)})},
                  "Changes velocity with parameters interpolated linearly between notes."));
    t.push_back(U("VelocityLimit", F::Modifier,
                  {O("VelocityLimit(min, max)", {P("min", K::VelocityLimit), P("max", K::VelocityLimit)}),
                   O("VelocityLimit(max=...)", {P("max", K::VelocityLimit)}),
                   O("VelocityLimit(min)", {P("min", K::VelocityLimit)})},
                  "Confines note-on velocity to [min, max]."));
    t.push_back(U("CtrlMap", F::Modifier, {O("CtrlMap(ctrl_in, ctrl_out)", {P("ctrl_in", K::Ctrl), P("ctrl_out", K::Ctrl)})},
                  "Renames a controller."));
    t.push_back(U("CtrlRange", F::Modifier,
                  {O("CtrlRange(ctrl, min, max, in_min=0, in_max=127)",
                     {P("ctrl", K::Ctrl), P("min", K::Int), P("max", K::Int), P("in_min", K::Int, integer(0)),
                      P("in_max", K::Int, integer(127))})},
                  "Maps a controller's value range [in_min, in_max] linearly onto [min, max]."));
    t.push_back(U("CtrlCurve", F::Modifier,
                  {O("CtrlCurve(ctrl, gamma)", {P("ctrl", K::Ctrl), P("gamma", K::Number)}),
                   O("CtrlCurve(ctrl, curve=...)", {P("ctrl", K::Ctrl), P("curve", K::Number)}),
                   O("CtrlCurve(ctrl, offset=...)", {P("ctrl", K::Ctrl), P("offset", K::Int)}),
                   O("CtrlCurve(ctrl, multiply=...)", {P("ctrl", K::Ctrl), P("multiply", K::Number)}),
                   O("CtrlCurve(ctrl, multiply, offset)", {P("ctrl", K::Ctrl), P("multiply", K::Number), P("offset", K::Int)})},
                  "Applies a velocity-style transform to a controller's value."));
    t.push_back(U("PitchbendRange", F::Modifier,
                  {O("PitchbendRange(min, max, in_min=-8192, in_max=8191)",
                     {P("min", K::Int), P("max", K::Int), P("in_min", K::Int, integer(-8192)), P("in_max", K::Int, integer(8191))}),
                   O("PitchbendRange(down, up, range=...)", {P("down", K::Int), P("up", K::Int), P("range", K::Int)})},
                  "Rescales pitch bend, separately below and above the centre; or by semitones of a synth's range."));

    // ---- printing ------------------------------------------------------------------------
    t.push_back(U("Print", F::Call,
                  {O("Print(name=None, portnames=None)", {P("name", K::OptStr, none()), P("portnames", K::PortNamesMode, none())}),
                   O("Print(string=...)", {P("string", K::StrOrCallable)})},
                  "Prints each event (or a string, or what a function of the event returns); the event passes."));

    // ---- splits ----------------------------------------------------------------------------
    t.push_back(U("PortSplit", F::Split, {O("PortSplit(mapping)", {P("mapping", K::MapPorts)})},
                  "Sends events to the patch of their port; system events reach no branch."));
    t.push_back(U("ChannelSplit", F::Split, {O("ChannelSplit(mapping)", {P("mapping", K::MapChannels)})},
                  "Sends events to the patch of their channel; system events reach no branch."));
    t.push_back(U("KeySplit", F::Split,
                  {O("KeySplit(threshold, patch_lower, patch_upper)",
                     {P("threshold", K::NoteLimit), P("patch_lower", K::Patch), P("patch_upper", K::Patch)}),
                   O("KeySplit(mapping)", {P("mapping", K::MapNoteRanges)})},
                  "Splits notes by key; other events go to every branch."));
    t.push_back(U("VelocitySplit", F::Split,
                  {O("VelocitySplit(threshold, patch_lower, patch_upper)",
                     {P("threshold", K::VelocityLimit), P("patch_lower", K::Patch), P("patch_upper", K::Patch)}),
                   O("VelocitySplit(mapping)", {P("mapping", K::MapVelocityRanges)})},
                  "Splits note-ons by velocity; note-offs and other events go to every branch."));
    t.push_back(U("CtrlSplit", F::Split, {O("CtrlSplit(mapping)", {P("mapping", K::MapCtrls)})},
                  "Splits control changes by controller; other events are dropped."));
    t.push_back(U("CtrlValueSplit", F::Split,
                  {O("CtrlValueSplit(threshold, patch_lower, patch_upper)",
                     {P("threshold", K::CtrlLimit), P("patch_lower", K::Patch), P("patch_upper", K::Patch)}),
                   O("CtrlValueSplit(mapping)", {P("mapping", K::MapCtrlRanges)})},
                  "Splits control changes by value; other events are dropped."));
    t.push_back(U("ProgramSplit", F::Split, {O("ProgramSplit(mapping)", {P("mapping", K::MapPrograms)})},
                  "Splits program changes by program; other events are dropped."));
    t.push_back(U("SysExSplit", F::Split,
                  {O("SysExSplit(mapping)", {P("mapping", K::MapSysEx)}),
                   O("SysExSplit(manufacturers=...)", {P("manufacturers", K::MapManufacturers)})},
                  "Splits SysEx messages by data prefix or manufacturer; other events are dropped."));

    // ---- mididings.extra -------------------------------------------------------------------
    t.push_back(X("CtrlToSysEx",
                  {O("CtrlToSysEx(ctrl, sysex, index, checksum_start=None)",
                     {P("ctrl", K::Ctrl), P("sysex", K::SysEx), P("index", K::Int), P("checksum_start", K::OptInt, none())})},
                  "Turns a controller into a SysEx message: the value goes into byte index, with an optional "
                  "Roland checksum."));
    UnitInfo dbus = X("SendDBUS",
                      {Oargs("SendDBUS(service, path, interface, method, *args)",
                           {P("service", K::Str), P("path", K::Str), P("interface", K::Str), P("method", K::Str)})},
                      "Calls a DBus method (refused by mdc).");
    dbus.refused = "use System('dbus-send --session ...') or a Python Call() instead";
    t.push_back(dbus);
    t.push_back(X("Restart", {O("Restart()", {})}, "Restarts mdc with the same arguments."));
    t.push_back(X("Quit", {O("Quit()", {})}, "Stops mdc."));
    t.push_back(X("FloatingKeySplit",
                  {O("FloatingKeySplit(threshold_lower, threshold_upper, patch_lower, patch_upper, hold_time=1.0, "
                     "margin_lower=12, margin_upper=12)",
                     {P("threshold_lower", K::NoteLimit), P("threshold_upper", K::NoteLimit), P("patch_lower", K::Patch),
                      P("patch_upper", K::Patch), P("hold_time", K::Number, real(1.0)), P("margin_lower", K::Int, integer(12)),
                      P("margin_upper", K::Int, integer(12))})},
                  "A key split whose split point follows the hands between two thresholds: it lies midway between "
                  "the highest note of the lower region and the lowest of the upper one (notes released less than "
                  "hold_time seconds ago count), at most margin_* beyond the thresholds; note-offs follow their "
                  "note-ons; other events go to both patches."));
    UnitInfo harmonize = X("Harmonize",
                           {O("Harmonize(tonic, scale, interval, non_harmonic='below')",
                              {P("tonic", K::Tonic), P("scale", K::Scale), P("interval", K::Interval),
                               P("non_harmonic", K::NonHarmonic, text("below"))})},
                           "Adds diatonic harmony voices in a key and scale.");
    harmonize.stdlib_body = "Harmonize";  // stdlib/harmonize.mdp
    t.push_back(harmonize);
    t.push_back(X("AutoRestart",
                  {O("AutoRestart(modules=True, filenames=[])", {P("modules", K::Bool, boolean(true)), P("filenames", K::Any, {D::EmptyList})})},
                  "A hook that restarts when files change (mdc: use `mdc run --watch`)."));
    UnitInfo key_color = X("KeyColorFilter", {O("KeyColorFilter(color)", {P("color", K::KeyColor)})},
                           "Passes only black or only white keys (a KeyFilter; other events pass).");
    key_color.stdlib_body = "KeyColorFilter";  // stdlib/key_color.mdp
    t.push_back(key_color);
    t.push_back(X("LatchNotes",
                  {O("LatchNotes(polyphonic=False, reset=None)", {P("polyphonic", K::Bool, boolean(false)), P("reset", K::OptNote, none())})},
                  "Holds notes after release until the next note (or a second press, or the reset note)."));
    t.push_back(X("MemorizeScene", {O("MemorizeScene(memo_file)", {P("memo_file", K::Str)})},
                  "A hook that remembers the current scene in a file across runs."));
    t.push_back(X("OSCInterface",
                  {O("OSCInterface(port=56418, notify_ports=[56419])",
                     {P("port", K::OptInt, integer(56418)), P("notify_ports", K::OscTargets, int_list("56419"))})},
                  "A hook that lets OSC clients (livedings) switch scenes and query state, and notifies them of "
                  "scene changes (port=None: notifications only)."));
    t.push_back(X("SendOSC", {Oargs("SendOSC(target, path, *args)", {P("target", K::OscTarget), P("path", K::Str)})},
                  "Sends an OSC message for each event; arguments may be functions of the event."));
    t.push_back(X("Panic", {O("Panic(bypass=True)", {P("bypass", K::Bool, boolean(true))})},
                  "Sends all-notes-off and sustain-off on every channel of every output port."));
    t.push_back(X("PedalToNoteoff",
                  {O("PedalToNoteoff(ctrl=64, sostenuto=False)", {P("ctrl", K::Ctrl, integer(64)), P("sostenuto", K::Bool, boolean(false))})},
                  "Turns a sustain (or sostenuto) pedal into delayed note-offs."));
    t.push_back(X("PerChannel", {O("PerChannel(factory)", {P("factory", K::Callable)})},
                  "Keeps one state object per port and channel for a Python Process or Call: factory() makes it "
                  "for the first event of each."));
    t.push_back(X("LimitPolyphony",
                  {O("LimitPolyphony(max_polyphony, remove_oldest=True)",
                     {P("max_polyphony", K::Int), P("remove_oldest", K::Bool, boolean(true))})},
                  "Limits the number of held notes per port and channel."));
    t.push_back(X("MakeMonophonic", {O("MakeMonophonic()", {})},
                  "Plays one note at a time per port and channel, last-note priority, retriggering held notes."));
    t.push_back(X("SuppressPC", {O("SuppressPC()", {})},
                  "Drops a program change equal to the previous one on the same port and channel."));
    t.push_back(X("VoiceFilter",
                  {O("VoiceFilter(voice='highest', time=0.1, retrigger=False)",
                     {P("voice", K::Voice, text("highest")), P("time", K::Number, real(0.1)), P("retrigger", K::Bool, boolean(false))})},
                  "Keeps one voice of the chords played on each port and channel (0 lowest, -1 highest); a new note "
                  "changes the voice's note only within time seconds of its note-on (always for 'highest' and "
                  "'lowest', or with retrigger)."));
    UnitInfo voice_split = X("VoiceSplit",
                  {O("VoiceSplit(patches, fallback='highest', time=0.1, retrigger=False)",
                     {P("patches", K::Patches), P("fallback", K::Voice, text("highest")), P("time", K::Number, real(0.1)),
                      P("retrigger", K::Bool, boolean(false))})},
                  "Sends each voice of a chord to its own patch: a fork of VoiceFilter(voice) >> patch, the last "
                  "patch (or with fallback='lowest' the first) taking what the other voices cannot.");
    voice_split.stdlib_body = "VoiceSplit";  // stdlib/voice_split.mdp
    t.push_back(voice_split);
    // What each unit does to event types (mididings.md 2.4-2.11): filters' applies-to sets and
    // whether other types pass, the types modifiers act on, generators' output, consumers.
    using namespace engine;
    const uint32_t notes = NOTE | POLY_AFTERTOUCH;
    const uint32_t channel_events = ANY & ~SYSTEM & ~DUMMY;
    auto sem = [&](std::string_view name, UnitSemantics s) {
        for (UnitInfo& u : t)
            if (u.name == name) u.sem = s;
    };
    sem("Filter", {ANY, false});
    sem("PortFilter", {ANY, false});
    sem("ChannelFilter", {channel_events, false});
    sem("KeyFilter", {notes, true});
    sem("VelocityFilter", {NOTEON, true});
    sem("CtrlFilter", {CTRL, false});
    sem("CtrlValueFilter", {CTRL, false});
    sem("ProgramFilter", {PROGRAM, false});
    sem("SysExFilter", {SYSEX, false});
    sem("PortSplit", {ANY, false});
    sem("ChannelSplit", {channel_events, false});
    sem("KeySplit", {notes, true});
    sem("VelocitySplit", {NOTEON, true});
    sem("CtrlSplit", {CTRL, false});
    sem("CtrlValueSplit", {CTRL, false});
    sem("ProgramSplit", {PROGRAM, false});
    sem("SysExSplit", {SYSEX, false});
    sem("Channel", {channel_events});
    sem("Transpose", {notes});
    sem("Key", {notes});
    sem("Velocity", {NOTEON});
    sem("VelocitySlope", {NOTEON});
    sem("VelocityLimit", {NOTEON});
    sem("CtrlMap", {CTRL});
    sem("CtrlRange", {CTRL});
    sem("CtrlCurve", {CTRL});
    sem("PitchbendRange", {PITCHBEND});
    sem("SceneSwitch", {ANY, true, true});
    sem("SubSceneSwitch", {ANY, true, true});
    sem("Call", {ANY, true, true});
    sem("System", {ANY, true, true});
    sem("Init", {ANY, true, true});
    sem("Exit", {ANY, true, true});
    sem("Restart", {ANY, true, true});
    sem("Quit", {ANY, true, true});
    sem("SendOSC", {ANY, true, true});
    sem("Discard", {ANY, true, true});
    sem("NoteOn", {ANY, true, false, NOTEON});
    sem("NoteOff", {ANY, true, false, NOTEOFF});
    sem("Ctrl", {ANY, true, false, CTRL});
    sem("Pitchbend", {ANY, true, false, PITCHBEND});
    sem("Aftertouch", {ANY, true, false, AFTERTOUCH});
    sem("PolyAftertouch", {ANY, true, false, POLY_AFTERTOUCH});
    sem("Program", {ANY, true, false, PROGRAM});
    sem("SysEx", {ANY, true, false, SYSEX});
    sem("Generator", {ANY, true, false, 0});
    sem("Harmonize", {NOTE});
    sem("VoiceFilter", {NOTE});
    sem("VoiceSplit", {NOTE});
    sem("LimitPolyphony", {NOTE});
    sem("MakeMonophonic", {NOTE});
    sem("FloatingKeySplit", {notes});
    sem("PedalToNoteoff", {NOTE | CTRL});
    sem("LatchNotes", {NOTE});
    sem("SuppressPC", {PROGRAM});
    sem("CtrlToSysEx", {CTRL});
    return t;
}

}  // namespace

std::span<const UnitInfo> unit_table() {
    static const std::vector<UnitInfo> table = build_table();
    return table;
}

const UnitInfo* find_unit(std::string_view name) {
    for (const UnitInfo& u : unit_table())
        if (u.name == name) return &u;
    return nullptr;
}

std::string_view family_name(UnitFamily f) {
    switch (f) {
    case UnitFamily::Base: return "base";
    case UnitFamily::Filter: return "filters";
    case UnitFamily::Split: return "splits";
    case UnitFamily::Modifier: return "modifiers";
    case UnitFamily::Generator: return "generators";
    case UnitFamily::Engine: return "engine";
    case UnitFamily::Call: return "calls";
    case UnitFamily::Init: return "init and output";
    case UnitFamily::Extra: return "mididings.extra";
    }
    return "";
}

std::string_view arg_kind_description(ArgKind k) {
    switch (k) {
    case K::Any: return "a value";
    case K::Int: return "an integer";
    case K::Number: return "a number";
    case K::Bool: return "True or False";
    case K::Str: return "a string";
    case K::OptStr: return "a string or None";
    case K::OptInt: return "an integer or None";
    case K::IntRef: return "an integer or an EVENT_* reference";
    case K::Note: return "a note number (0..127) or name";
    case K::NoteRef: return "a note number, name or EVENT_* reference";
    case K::OptNote: return "a note number or name, or None";
    case K::NoteLimit: return "a note limit (0..128) or name";
    case K::NoteRange: return "a note range ('c3:c4', (lower, upper) or one note)";
    case K::NoteList: return "a list of notes";
    case K::NoteLimitList: return "a list of notes";
    case K::Velocity: return "a velocity (0..127)";
    case K::VelocityRef: return "a velocity (0..127) or EVENT_* reference";
    case K::VelocityLimit: return "a velocity limit (0..128)";
    case K::Ctrl: return "a controller number (0..127)";
    case K::CtrlRef: return "a controller number or EVENT_* reference";
    case K::CtrlValue: return "a controller value (0..127)";
    case K::CtrlValueRef: return "a controller value or EVENT_* reference";
    case K::OptCtrlValue: return "a controller value (0..127) or None";
    case K::CtrlLimit: return "a controller value limit (0..128)";
    case K::Port: return "a port number or name";
    case K::PortRef: return "a port number, name or EVENT_* reference";
    case K::OptPort: return "a port number or name, or None";
    case K::Channel: return "a channel number";
    case K::ChannelRef: return "a channel number or EVENT_* reference";
    case K::OptChannel: return "a channel number or None";
    case K::Program: return "a program number";
    case K::ProgramRef: return "a program number or EVENT_* reference";
    case K::OutputProgram: return "a program number, (bank, program) or None";
    case K::SceneRef: return "a scene number or EVENT_* reference";
    case K::SubsceneRef: return "a subscene number or EVENT_* reference";
    case K::EventType: return "one event type (NOTEON, CTRL, ...)";
    case K::EventTypes: return "event types (NOTE, CTRL|PROGRAM, ...)";
    case K::Ports: return "port numbers or names";
    case K::Channels: return "channel numbers";
    case K::Ctrls: return "controller numbers";
    case K::Programs: return "program numbers";
    case K::SysEx: return "SysEx data (a string like 'F0 7E 7F 09 01 F7' or a list of bytes)";
    case K::SysExPartial: return "SysEx data or a SysEx prefix";
    case K::Manufacturer: return "a manufacturer id (one byte, or three starting with 0x00)";
    case K::Patch: return "a patch";
    case K::Patches: return "patches";
    case K::Selectors: return "filters or selectors";
    case K::CtrlDict: return "a dict {controller: value}";
    case K::IntList: return "a list of integers";
    case K::NumberList: return "a list of numbers";
    case K::VelocityList: return "a list of velocities";
    case K::Callable: return "a Python function or lambda";
    case K::StrOrCallable: return "a string or a Python function";
    case K::PortNamesMode: return "'in', 'out' or None";
    case K::RemoveDuplicates: return "True, False or None";
    case K::MapTypes: return "a dict {event types: patch}";
    case K::MapPorts: return "a dict {port: patch}";
    case K::MapChannels: return "a dict {channel: patch}";
    case K::MapNoteRanges: return "a dict {note range: patch}";
    case K::MapVelocityRanges: return "a dict {velocity range: patch}";
    case K::MapCtrls: return "a dict {controller: patch}";
    case K::MapCtrlRanges: return "a dict {value range: patch}";
    case K::MapPrograms: return "a dict {program: patch}";
    case K::MapSysEx: return "a dict {sysex: patch}";
    case K::MapManufacturers: return "a dict {manufacturer id: patch}";
    case K::Tonic: return "a key name ('c', 'f#', ...) or pitch class number";
    case K::Scale: return "a scale name or a list of semitone steps";
    case K::Interval: return "an interval (number or name) or a list of them";
    case K::NonHarmonic: return "'below', 'above', 'skip' or 'same'";
    case K::Voice: return "'highest', 'lowest' or a voice index";
    case K::KeyColor: return "'black' or 'white'";
    case K::OscTarget: return "an OSC port number or address";
    case K::OscTargets: return "OSC port numbers or addresses";
    case K::OscArgs: return "OSC arguments";
    case K::IntOrIntList: return "an integer or a list of integers";
    }
    return "a value";
}

}  // namespace mdc
