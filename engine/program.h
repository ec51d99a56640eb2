// engine::Program: what the compiler hands the engine. Flat arrays of fixed-size instructions that
// refer to each other by index (no pointers), a constant pool (integers, floats, SysEx bytes), a
// side table from each instruction back to its source span, and the scene table. The compiler's
// lowering (lang/lower.cpp) builds it; the engine (engine.h) runs it; print_program shows it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mdc::engine {

// Every opcode, once: its name (as dumps print it) and what its operands mean.
#define MDC_OPCODES(X)                                                                                   \
    X(Chain, "chain", "a: first link, b: count")                                                         \
    X(Fork, "fork", "a: first link, b: count, flags: dedup")                                             \
    X(Dispatch, "dispatch", "a: first link, b: count, c: table, d: other-types mask, sub: key, flags: dedup") \
    X(Pass, "pass", "")                                                                                  \
    X(Discard, "discard", "")                                                                            \
    X(TypeFilter, "filter.type", "a: types")                                                             \
    X(PortFilter, "filter.port", "c: int set")                                                           \
    X(ChannelFilter, "filter.channel", "a: channel mask")                                                \
    X(KeyRangeFilter, "filter.key", "a: lower, b: upper (0: open)")                                      \
    X(KeySetFilter, "filter.keys", "c: int set")                                                         \
    X(VelocityFilter, "filter.velocity", "a: lower, b: upper (0: open)")                                 \
    X(CtrlFilter, "filter.ctrl", "c: int set")                                                           \
    X(CtrlValueFilter, "filter.ctrlvalue", "a: lower, b: upper (0: open)")                               \
    X(ProgramFilter, "filter.program", "c: int set")                                                     \
    X(SysExFilter, "filter.sysex", "c: bytes, d: size, sub: 1 exact / 0 prefix")                         \
    X(Port, "port", "a: port")                                                                           \
    X(Channel, "channel", "a: channel")                                                                  \
    X(Transpose, "transpose", "a: offset")                                                               \
    X(Key, "key", "a: note")                                                                             \
    X(Velocity, "velocity", "sub: transform, f: parameter")                                              \
    X(VelocityLimit, "velocity.limit", "a: min, b: max (0: none)")                                       \
    X(VelocitySlope, "velocity.slope", "sub: transform, a: notes, b: params, c: count")                  \
    X(CtrlMap, "ctrl.map", "a: from, b: to")                                                             \
    X(CtrlRange, "ctrl.range", "a: ctrl, b: min, c: max, d: in_min, e: in_max")                          \
    X(CtrlCurve, "ctrl.curve", "a: ctrl, sub: transform, f: parameter")                                  \
    X(PitchbendRange, "pitchbend.range", "a: min, b: max, c: in_min, d: in_max")                         \
    X(SuppressPC, "suppress.pc", "a: state (the last program per port < 64 and channel)")                       \
    X(CtrlToSysEx, "ctrl.to_sysex", "a: ctrl, b: index, c: bytes, d: size, e: checksum start (-1: none)")          \
    X(VoiceFilter, "voice.filter", "a: state, b: voice, c/d: time in ns (low/high), e: ports tracked, flags: 1 retrigger") \
    X(FloatingKeySplit, "split.floating", "a: first link, b: count (2), c: state, d: ints: thresholds, margins, hold ns (low/high), e: ports tracked, flags: dedup") \
    X(LimitPolyphony, "notes.limit", "a: state, b: max polyphony, flags: 1 remove oldest")                 \
    X(MakeMonophonic, "notes.mono", "a: state")                                                          \
    X(PedalToNoteoff, "notes.pedal", "a: state, b: ctrl, sub: 1 sostenuto")                              \
    X(LatchNotes, "notes.latch", "a: state, b: reset note (-1: none), flags: 1 polyphonic")               \
    X(Panic, "panic", "a: output ports (sent straight out, the event consumed)")                         \
    X(Restart, "restart", "")                                                                            \
    X(Quit, "quit", "")                                                                                  \
    X(SendOsc, "send.osc", "a: target URL, b: path (strings), c: args (ints: tag, value pairs), d: count, e: Python values + 1") \
    X(Generate, "generate", "sub: type bit, a..d: port channel data1 data2 (SysEx: c bytes, d size), flags: which are EVENT_* fields") \
    X(Sanitize, "sanitize", "")                                                                          \
    X(SceneSwitch, "scene.switch", "a: number, flags: 1 EVENT_* field, 2 offset")                       \
    X(SubSceneSwitch, "subscene.switch", "a: number, flags: 1 EVENT_* field, 2 offset, 4 wrap")          \
    X(Process, "process", "a: callable")                                                                 \
    X(Call, "call", "a: callable, flags: 1 thread")                                                      \
    X(System, "system", "a: command string or callable, flags: 1 callable")                              \
    X(Print, "print", "a: name string (or none), b: portnames 0/1 in/2 out")                             \
    X(PrintString, "print.string", "a: string or callable, flags: 1 callable")

enum class OpCode : uint8_t {
#define MDC_OPCODE_ENUM(name, text, operands) name,
    MDC_OPCODES(MDC_OPCODE_ENUM)
#undef MDC_OPCODE_ENUM
};

std::string_view opcode_name(OpCode op);
std::string_view opcode_operands(OpCode op);

// Filters: how the result of the test is used (mididings' Filter / ~Filter / -Filter).
enum FilterFlags : uint8_t { FILTER_INVERT = 1, FILTER_NEGATE = 2 };
// Fork, Dispatch: duplicate removal per input event.
inline constexpr uint8_t FORK_DEDUP = 1;

// One instruction: 32 bytes, operands by index into the program's arrays.
struct Instr {
    OpCode op = OpCode::Pass;
    uint8_t sub = 0;    // a sub-kind: transform mode, generated type index, dispatch key...
    uint8_t flags = 0;  // FilterFlags, FORK_DEDUP, EVENT_* field bits...
    uint8_t pad = 0;
    int32_t a = 0, b = 0, c = 0, d = 0, e = 0;
    float f = 0;
    uint32_t applies = 0;  // filters: the event types the test applies to (others: pass_other)
};
static_assert(sizeof(Instr) == 32);

// What a Dispatch looks at to choose branches.
enum class DispatchKey : uint8_t { Type, Port, Channel, Note, Velocity, Ctrl, CtrlValue, Program };
inline constexpr int dispatch_domain(DispatchKey k) { return k == DispatchKey::Type ? 32 : k == DispatchKey::Port ? 64 : k == DispatchKey::Channel ? 16 : 128; }

struct SourceRef {  // where an instruction came from: file index and byte offsets
    uint32_t file = 0, begin = 0, end = 0;
};

struct SceneSlot {
    int32_t number = 0;    // raw scene number
    int32_t subscene = 0;  // index within its group (0 for a plain scene)
    int32_t patch = -1, init = -1, exit = -1;  // instruction indices, -1: none
    std::string name;      // scene (or subscene) name
};

struct Program {
    std::vector<Instr> code;
    std::vector<SourceRef> spans;  // one per instruction
    std::vector<uint32_t> links;   // child lists of chains, forks and dispatches
    std::vector<int32_t> ints;     // int sets (bitsets: word count first), notes, dispatch tables
    std::vector<float> floats;
    std::vector<uint8_t> bytes;    // SysEx constants
    std::vector<uint64_t> masks;   // dispatch tables: one branch mask per key value
    std::vector<std::string> strings;  // Print names, System commands, callable references

    std::vector<SceneSlot> scenes;  // sorted by (number, subscene)
    int32_t control = -1, pre = -1, post = -1;
    int32_t initial_slot = 0;
    uint32_t out_ports = 1;         // Sanitize's bound where the backend has one
    int data_offset = 1;            // for printing user numbers
    bool has_python = false;        // Process, Call, System with a callable, Print(string=f)
    uint32_t state_size = 0;        // int32 slots of unit state (SuppressPC, ...), all -1 at start (state_slots.h)
    static constexpr int32_t state_ports = 64;  // ports that per-port-and-channel state covers
    bool has_bypass = false;        // some unit sends events straight out (Panic): the engine keeps room

    // Adds an instruction with its span; returns its index.
    int32_t add(const Instr& i, SourceRef span) {
        code.push_back(i);
        spans.push_back(span);
        return static_cast<int32_t>(code.size() - 1);
    }
    int32_t add_int_set(const std::vector<int32_t>& values);  // a bitset of the non-negative values
    bool in_int_set(int32_t set, int32_t v) const {
        if (v < 0) return false;
        int32_t words = ints[static_cast<size_t>(set)];
        if (v / 32 >= words) return false;
        return (static_cast<uint32_t>(ints[static_cast<size_t>(set + 1 + v / 32)]) >> (v % 32)) & 1u;
    }
};

// Stable, readable text: one instruction per line, with its source line.
struct SourceLines {  // lets the printer show source text without depending on lang/
    virtual ~SourceLines() = default;
    virtual std::string location(const SourceRef& r) const = 0;  // "file:line:col"
};
std::string print_program(const Program& p, const SourceLines* sources);

}  // namespace mdc::engine
