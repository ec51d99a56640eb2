// libFuzzer target: the optimizer must preserve meaning. The input is not patch text: its first
// bytes drive a small grammar of mididings units that writes a patch (which should check cleanly),
// the rest seeds a random event stream (tests/support/random_events.h, ~200 events on ports 1-2)
// whose notes, controllers, programs, velocities and SysEx lean towards the values the patch uses.
// The patch is compiled at -O0 and -O2 and both programs run side by side on the stream: the output
// of start() and of every process(), the scene and the subscene must be the same, and neither
// compile_program may report an internal error. A difference is a __builtin_trap() after printing
// the patch, the events sent so far and both outputs.
// Build and run with `scripts/fuzz.sh SECONDS --target differential_fuzzer` (no seeds needed);
// reproduce one input with `build-fuzz/fuzz/differential_fuzzer FILE`.
// Environment: MDC_FUZZ_STATS=1 prints, every 10000 inputs and at exit, how many generated patches
// compiled, the events in and out, and how many patches each -O2 pass changed (it optimizes each
// graph once more to find out); MDC_FUZZ_SHOW=1 prints each generated patch (and the diagnostics
// of those with errors).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "drivers/text_events.h"
#include "engine/engine.h"
#include "lang/compile.h"
#include "lang/diag.h"
#include "lang/passes/pass.h"
#include "support/random_events.h"

using namespace mdc;
using engine::Event;

namespace {

// ---- input bytes --------------------------------------------------------------------------------

class Bytes {
public:
    Bytes(const uint8_t* d, size_t n) : d_(d), n_(n) {}
    uint8_t byte() { return pos_ < n_ ? d_[pos_++] : 0; }
    // 0..n-1; 0 once the input is used up (so choice 0 must always be the simplest one)
    int pick(int n) { return n <= 1 ? 0 : static_cast<int>(byte() % static_cast<unsigned>(n)); }
    int range(int lo, int hi) {
        if (hi - lo < 255) return lo + pick(hi - lo + 1);
        unsigned v = (static_cast<unsigned>(byte()) << 8) | byte();
        return lo + static_cast<int>(v % static_cast<unsigned>(hi - lo + 1));
    }
    bool chance(int percent) { return pick(100) < percent; }
    size_t pos() const { return pos_; }

private:
    const uint8_t* d_;
    size_t n_;
    size_t pos_ = 0;
};

// ---- the patch generator ------------------------------------------------------------------------

struct Palette {
    std::vector<int> notes, ctrls, programs, velocities, values, channels;  // raw (0-based) values
    std::vector<std::vector<uint8_t>> sysex;                                // exact messages and prefixes
};

constexpr const char* single_types[] = {"NOTEON", "NOTEOFF", "CTRL", "PITCHBEND", "AFTERTOUCH", "POLY_AFTERTOUCH",
                                        "PROGRAM", "SYSEX", "SYSCM_QFRAME", "SYSCM_SONGPOS", "SYSCM_SONGSEL",
                                        "SYSCM_TUNEREQ", "SYSRT_CLOCK", "SYSRT_START", "SYSRT_CONTINUE", "SYSRT_STOP",
                                        "SYSRT_SENSING", "SYSRT_RESET"};
constexpr const char* mask_types[] = {"NOTE", "SYSCM", "SYSRT", "SYSTEM", "ANY", "NONE"};
constexpr const char* floats[] = {"0.5", "1.5", "2", "0.25", "1.0", "-1.5", "3.0", "0.9", "-2", "0"};

// SysEx messages the patches and the stream share: exact messages and prefixes.
const std::vector<std::vector<uint8_t>>& sysex_pool() {
    static const std::vector<std::vector<uint8_t>> pool = {
        {0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7}, {0xF0, 0x43, 0x10, 0x4C, 0x00, 0x00, 0x7E, 0x00, 0xF7},
        {0xF0, 0x41, 0x10, 0x42, 0x12, 0xF7}, {0xF0, 0x00, 0x20, 0x29, 0x02, 0xF7},
        {0xF0, 0x43, 0xF7},                   {0xF0, 0xF7},
    };
    return pool;
}

std::string hex(const std::vector<uint8_t>& b) {
    std::string s;
    for (size_t i = 0; i < b.size(); ++i) s += fmt::format("{}{:02X}", i ? " " : "", b[i]);
    return s;
}

class Generator {
public:
    explicit Generator(Bytes& in) : in_(in) {}
    Palette palette;
    bool scenes = false;  // SceneSwitch/SubSceneSwitch allowed

    std::string file() {
        std::string out = "from mididings import *\n";
        int mode = in_.pick(4);  // 0, 1: run(patch); 2, 3: scenes
        std::string config = "config(in_ports=2, out_ports=3";
        if (mode < 2) {
            out += config + ")\n";
            out += "run(" + patch(0) + ")\n";
            return out;
        }
        scenes = true;
        int n = 1 + in_.pick(3);
        std::vector<std::string> entries;
        std::vector<std::pair<int, int>> numbers;  // scene number, subscene count (0: a plain scene)
        for (int i = 0; i < n; ++i) {
            int number = i + 1;
            if (in_.chance(15)) number = i + 5;  // a gap in the numbering
            std::string body;
            switch (in_.pick(4)) {
            case 0: case 1:
                body = patch(1);
                numbers.emplace_back(number, 0);
                break;
            case 2: {
                std::string s = fmt::format("Scene('s{}', {}", number, patch(1));
                if (in_.chance(50)) s += ", init_patch=" + generator_unit();
                if (in_.chance(40)) s += ", exit_patch=" + generator_unit();
                body = s + ")";
                numbers.emplace_back(number, 0);
                break;
            }
            default: {
                int subs = 1 + in_.pick(3);
                std::string s = fmt::format("SceneGroup('g{}', [", number);
                for (int k = 0; k < subs; ++k) {
                    if (k) s += ", ";
                    if (in_.chance(30)) s += fmt::format("Scene('s{}_{}', {}, {})", number, k, patch(2), generator_unit());
                    else s += patch(2);
                }
                body = s + "])";
                numbers.emplace_back(number, subs);
            }
            }
            entries.push_back(fmt::format("{}: {}", number, body));
        }
        if (in_.chance(25)) {
            auto [number, subs] = numbers[static_cast<size_t>(in_.pick(static_cast<int>(numbers.size())))];
            if (subs && in_.chance(50)) config += fmt::format(", initial_scene=({}, {})", number, 1 + in_.pick(subs));
            else config += fmt::format(", initial_scene={}", number);
        }
        out += config + ")\n";
        std::string run = "run(scenes={";
        for (size_t i = 0; i < entries.size(); ++i) run += (i ? ",\n    " : "\n    ") + entries[i];
        run += "}";
        if (in_.chance(80)) run += ",\n    control=" + control();
        if (in_.chance(50)) run += ",\n    pre=" + (in_.chance(50) ? std::string("~Filter(PROGRAM)") : patch(2));
        if (in_.chance(40)) run += ",\n    post=" + patch(2);
        out += run + ")\n";
        return out;
    }

private:
    Bytes& in_;
    int budget_ = 40;  // units left; at 0 only leaves

    template <typename T> T pick_of(const std::vector<T>& v) { return v[static_cast<size_t>(in_.pick(static_cast<int>(v.size())))]; }

    // ---- values (user numbering: data_offset 1) ----
    int note_raw() {
        int n = in_.chance(70) ? 36 + in_.pick(49) : in_.range(0, 127);
        palette.notes.push_back(n);
        return n;
    }
    std::string note_name(int n) {
        static constexpr const char* sharp[] = {"c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b"};
        static constexpr const char* flat[] = {"c", "db", "d", "eb", "e", "f", "gb", "g", "ab", "a", "bb", "b"};
        int octave = n / 12 - 2;  // octave_offset 2: c3 = 60
        return fmt::format("{}{}", in_.chance(50) ? sharp[n % 12] : flat[n % 12], octave);
    }
    std::string note() {
        int n = note_raw();
        return in_.chance(50) ? std::to_string(n) : "'" + note_name(n) + "'";
    }
    int ctrl_raw() {
        static const std::vector<int> common = {1, 7, 10, 11, 64, 74, 0, 127};
        int c = in_.chance(70) ? pick_of(common) : in_.range(0, 127);
        palette.ctrls.push_back(c);
        return c;
    }
    int program_user() {  // 1..128
        int p = in_.chance(60) ? 1 + in_.pick(5) : in_.range(1, 128);
        palette.programs.push_back(p - 1);
        return p;
    }
    int velocity() {  // 1..127
        static const std::vector<int> common = {1, 32, 64, 100, 127};
        int v = in_.chance(50) ? pick_of(common) : in_.range(1, 127);
        palette.velocities.push_back(v);
        return v;
    }
    int value() {  // 0..127
        int v = in_.chance(30) ? (in_.chance(50) ? 0 : 127) : in_.range(0, 127);
        palette.values.push_back(v);
        return v;
    }
    int channel_user() {
        int c = 1 + in_.pick(16);
        palette.channels.push_back(c - 1);
        return c;
    }
    std::string flt() { return floats[in_.pick(static_cast<int>(std::size(floats)))]; }
    const std::vector<uint8_t>& sysex_bytes() {
        const auto& pool = sysex_pool();
        const auto& s = pool[static_cast<size_t>(in_.pick(static_cast<int>(pool.size())))];
        palette.sysex.push_back(s);
        return s;
    }
    std::string sysex_text(bool prefix_ok) {
        std::vector<uint8_t> b = sysex_bytes();
        if (prefix_ok && b.size() > 2 && in_.chance(40)) b.resize(static_cast<size_t>(1 + in_.pick(static_cast<int>(b.size()) - 1)));
        if (in_.chance(20)) {
            std::string s = "[";
            for (size_t i = 0; i < b.size(); ++i) s += fmt::format("{}0x{:02X}", i ? ", " : "", b[i]);
            return s + "]";
        }
        return "'" + hex(b) + "'";
    }
    // event types for Filter: several arguments (not after types=), a | b, or a list
    std::string types(bool keyword = false) {
        int n = 1 + in_.pick(3);
        std::vector<std::string> t;
        for (int i = 0; i < n; ++i)
            t.push_back(in_.chance(85) ? single_types[in_.pick(static_cast<int>(std::size(single_types)))]
                                       : mask_types[in_.pick(static_cast<int>(std::size(mask_types)))]);
        std::string sep = in_.chance(50) ? ", " : " | ";
        std::string s;
        for (size_t i = 0; i < t.size(); ++i) s += (i ? sep : "") + t[i];
        if (sep == ", " && t.size() > 1 && (keyword || in_.chance(30))) return "[" + s + "]";
        return s;
    }
    std::string port_ref() { return in_.chance(30) ? "EVENT_PORT" : std::to_string(1 + in_.pick(3)); }
    std::string channel_ref() { return in_.chance(30) ? "EVENT_CHANNEL" : std::to_string(channel_user()); }
    std::string data_ref(const std::string& literal) {
        static constexpr const char* refs[] = {"EVENT_DATA1", "EVENT_DATA2", "EVENT_NOTE", "EVENT_VELOCITY",
                                               "EVENT_CTRL", "EVENT_VALUE", "EVENT_PROGRAM", "EVENT_PARAM"};
        return in_.chance(30) ? refs[in_.pick(static_cast<int>(std::size(refs)))] : literal;
    }
    // n distinct items of a pool
    std::vector<int> distinct(int n, std::vector<int> pool) {
        std::vector<int> out;
        for (int i = 0; i < n && !pool.empty(); ++i) {
            size_t k = static_cast<size_t>(in_.pick(static_cast<int>(pool.size())));
            out.push_back(pool[k]);
            pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(k));
        }
        return out;
    }
    std::string int_list(const std::vector<int>& v) {
        std::string s;
        for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + std::to_string(v[i]);
        return s;
    }
    // an ascending list of n distinct values in [lo, hi]
    std::vector<int> ascending(int n, int lo, int hi) {
        std::vector<int> v;
        for (int i = 0; i < n; ++i) v.push_back(in_.range(lo, hi));
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        return v;
    }

    // ---- units ----
    std::string modifier() {
        switch (in_.pick(18)) {
        case 0: return "Pass()";
        case 1: return "Discard()";
        case 2: return in_.chance(80) ? fmt::format("Transpose({})", in_.range(-24, 24)) : fmt::format("Transpose(octaves={})", in_.range(-2, 2));
        case 3: return fmt::format(fmt::runtime(in_.chance(80) ? "Channel({})" : "Channel(channel={})"), channel_user());
        case 4: return fmt::format(fmt::runtime(in_.chance(80) ? "Port({})" : "Port(port={})"), 1 + in_.pick(3));
        case 5: case 6:
            switch (in_.pick(7)) {
            case 0: return fmt::format("Velocity({})", in_.range(-64, 64));
            case 1: return fmt::format("Velocity(offset={})", in_.range(-64, 64));
            case 2: return fmt::format("Velocity(multiply={})", flt());
            case 3: return fmt::format("Velocity(fixed={})", velocity());
            case 4: return fmt::format("Velocity(curve={})", flt());
            case 5: return fmt::format("Velocity(gamma={})", in_.chance(50) ? "0.5" : "2.0");
            default: return fmt::format("Velocity({}, {})", flt(), in_.range(-20, 20));
            }
        case 7:
            switch (in_.pick(3)) {
            case 0: { int a = velocity(), b = velocity(); return fmt::format("VelocityLimit({}, {})", std::min(a, b), std::max(a, b)); }
            case 1: return fmt::format("VelocityLimit(max={})", velocity());
            default: return fmt::format("VelocityLimit({})", velocity());
            }
        case 8: return fmt::format(fmt::runtime(in_.chance(70) ? "Key({})" : "Key(note={})"), note());
        case 9: return fmt::format("CtrlMap({}, {})", ctrl_raw(), ctrl_raw());
        case 10: {
            int c = ctrl_raw();
            int lo = value(), hi = value();
            switch (in_.pick(3)) {
            case 0: return fmt::format("CtrlRange({}, {}, {})", c, lo, hi);
            case 1: { int a = value(), b = value(); if (a == b) b = a == 127 ? 0 : 127; return fmt::format("CtrlRange({}, {}, {}, {}, {})", c, lo, hi, std::min(a, b), std::max(a, b)); }
            default: return fmt::format("CtrlRange({}, {}, {}, in_max={})", c, lo, hi, 1 + in_.pick(127));
            }
        }
        case 11: {
            int c = ctrl_raw();
            switch (in_.pick(5)) {
            case 0: return fmt::format("CtrlCurve({}, {})", c, in_.chance(50) ? "0.5" : "2.0");
            case 1: return fmt::format("CtrlCurve({}, curve={})", c, flt());
            case 2: return fmt::format("CtrlCurve({}, offset={})", c, in_.range(-30, 30));
            case 3: return fmt::format("CtrlCurve({}, multiply={})", c, flt());
            default: return fmt::format("CtrlCurve({}, {}, {})", c, flt(), in_.range(-10, 10));
            }
        }
        case 12:
            switch (in_.pick(4)) {
            case 0: return fmt::format("PitchbendRange({}, {})", -in_.range(0, 8192), in_.range(0, 8191));
            case 1: return fmt::format("PitchbendRange({}, {}, {}, {})", -in_.range(0, 8192), in_.range(0, 8191), -in_.range(1, 8192), in_.range(1, 8191));
            case 2: return fmt::format("PitchbendRange({}, {}, in_max={})", -in_.range(0, 8192), in_.range(0, 8191), in_.range(1, 8191));
            default: return fmt::format("PitchbendRange({}, {}, range={})", -in_.range(0, 12), in_.range(0, 12), in_.range(1, 24));
            }
        case 13: return "Sanitize()";
        case 14: {
            switch (in_.pick(3)) {
            case 0: { auto n = ascending(2 + in_.pick(2), 0, 127); if (n.size() < 2) n = {36, 96};
                      std::vector<int> o; for (size_t i = 0; i < n.size(); ++i) o.push_back(in_.range(-30, 30));
                      return fmt::format("VelocitySlope([{}], [{}])", int_list(n), int_list(o)); }
            case 1: return fmt::format("VelocitySlope([36, 96], multiply=[{}, {}])", flt(), flt());
            default: return fmt::format("VelocitySlope([{}, {}], fixed=[{}, {}])", in_.range(0, 60), in_.range(61, 127), velocity(), velocity());
            }
        }
        case 15: {  // an event-type constant as a unit
            switch (in_.pick(3)) {
            case 0: return single_types[in_.pick(static_cast<int>(std::size(single_types)))];
            case 1: return fmt::format("({} | {})", single_types[in_.pick(18)], single_types[in_.pick(18)]);
            default: return fmt::format("~{}", in_.chance(50) ? "NOTE" : single_types[in_.pick(18)]);
            }
        }
        default: return generator_unit();
        }
    }

    std::string generator_unit() {
        switch (in_.pick(10)) {
        case 0: return in_.chance(60) ? fmt::format("NoteOn({}, {})", data_ref(note()), data_ref(std::to_string(velocity())))
                                      : fmt::format("NoteOn({}, {}, {}, {})", port_ref(), channel_ref(), data_ref(note()), data_ref(std::to_string(velocity())));
        case 1: switch (in_.pick(3)) {
                case 0: return fmt::format("NoteOff({})", data_ref(note()));
                case 1: return fmt::format("NoteOff({}, {})", data_ref(note()), data_ref(std::to_string(value())));
                default: return fmt::format("NoteOff({}, {}, {})", port_ref(), channel_ref(), data_ref(note()));
                }
        case 2: return in_.chance(60) ? fmt::format("Ctrl({}, {})", data_ref(std::to_string(ctrl_raw())), data_ref(std::to_string(value())))
                                      : fmt::format("Ctrl({}, {}, {}, {})", port_ref(), channel_ref(), ctrl_raw(), data_ref(std::to_string(value())));
        case 3: {
            int v = in_.chance(30) ? (in_.chance(50) ? -8192 : 8191) : in_.range(-8192, 8191);
            return in_.chance(60) ? fmt::format("Pitchbend({})", v) : fmt::format("Pitchbend({}, {}, {})", port_ref(), channel_ref(), data_ref(std::to_string(v)));
        }
        case 4: return fmt::format("Aftertouch({})", data_ref(std::to_string(value())));
        case 5: return fmt::format("PolyAftertouch({}, {})", data_ref(note()), data_ref(std::to_string(value())));
        case 6: return in_.chance(60) ? fmt::format("Program({})", data_ref(std::to_string(program_user())))
                                      : fmt::format("Program({}, {}, {})", port_ref(), channel_ref(), program_user());
        case 7: return in_.chance(60) ? fmt::format("SysEx({})", sysex_text(false)) : fmt::format("SysEx({}, {})", 1 + in_.pick(3), sysex_text(false));
        default: {
            static constexpr const char* sys[] = {"SYSRT_CLOCK", "SYSRT_START", "SYSRT_CONTINUE", "SYSRT_STOP", "SYSRT_SENSING",
                                                  "SYSRT_RESET", "SYSCM_QFRAME", "SYSCM_SONGPOS", "SYSCM_SONGSEL", "SYSCM_TUNEREQ",
                                                  "CTRL", "NOTEON"};
            const char* t = sys[in_.pick(static_cast<int>(std::size(sys)))];
            switch (in_.pick(4)) {
            case 0: return fmt::format("Generator({})", t);
            case 1: return fmt::format("Generator({}, {})", t, port_ref());
            case 2: return fmt::format("Generator({}, {}, {}, {}, {})", t, port_ref(), channel_ref(), data_ref(std::to_string(value())), data_ref(std::to_string(value())));
            default: return fmt::format("Generator(type={}, port={}, data1={})", t, port_ref(), data_ref(std::to_string(value())));
            }
        }
        }
    }

    std::string key_range() {  // a note range for KeyFilter/KeySplit: 'c3:c4', 'c3:', ':c3', (60, 72)
        int a = note_raw(), b = note_raw();
        if (a == b) b = std::min(127, a + 1 + in_.pick(12));
        if (a > b) std::swap(a, b);
        switch (in_.pick(4)) {
        case 0: return fmt::format("'{}:{}'", note_name(a), note_name(b));
        case 1: return fmt::format("'{}:'", note_name(a));
        case 2: return fmt::format("':{}'", note_name(b));
        default: return fmt::format("({}, {})", a, b);
        }
    }

    std::string filter() {
        std::string f;
        switch (in_.pick(10)) {
        case 0: f = in_.chance(80) ? "Filter(" + types() + ")" : "Filter(types=" + types(true) + ")"; break;
        case 1: switch (in_.pick(3)) {
                case 0: f = fmt::format("PortFilter({})", 1 + in_.pick(2)); break;
                case 1: f = "PortFilter(1, 2)"; break;
                default: f = fmt::format("PortFilter(ports=[{}])", 1 + in_.pick(2)); break;
                } break;
        case 2: { auto c = distinct(1 + in_.pick(3), {1, 2, 3, 4, 10, 16}); for (int x : c) palette.channels.push_back(x - 1);
                  f = in_.chance(70) ? fmt::format("ChannelFilter({})", int_list(c)) : fmt::format("ChannelFilter([{}])", int_list(c)); break; }
        case 3: switch (in_.pick(7)) {
                case 0: f = fmt::format("KeyFilter({})", key_range()); break;
                case 1: f = fmt::format("KeyFilter({})", note()); break;
                case 2: { int a = note_raw(), b = note_raw(); if (a > b) std::swap(a, b); f = fmt::format("KeyFilter({}, {})", a, b); break; }
                case 3: f = fmt::format("KeyFilter(lower={})", note()); break;
                case 4: f = fmt::format("KeyFilter(upper={})", note()); break;
                case 5: f = fmt::format("KeyFilter(note_range={})", key_range()); break;
                default: { std::string s; int n = 1 + in_.pick(4); for (int i = 0; i < n; ++i) s += (i ? ", " : "") + note(); f = "KeyFilter(notes=[" + s + "])"; break; }
                } break;
        case 4: switch (in_.pick(4)) {
                case 0: f = fmt::format("VelocityFilter({})", velocity()); break;
                case 1: f = fmt::format("VelocityFilter(lower={})", velocity()); break;
                case 2: f = fmt::format("VelocityFilter(upper={})", velocity()); break;
                default: { int a = velocity(), b = velocity(); if (a > b) std::swap(a, b); f = fmt::format("VelocityFilter({}, {})", a, b); break; }
                } break;
        case 5: { std::vector<int> c; int n = 1 + in_.pick(3); for (int i = 0; i < n; ++i) c.push_back(ctrl_raw());
                  f = in_.chance(70) ? fmt::format("CtrlFilter({})", int_list(c)) : fmt::format("CtrlFilter(ctrls=[{}])", int_list(c)); break; }
        case 6: switch (in_.pick(4)) {
                case 0: f = fmt::format("CtrlValueFilter({})", value()); break;
                case 1: f = fmt::format("CtrlValueFilter(lower={})", value()); break;
                case 2: f = fmt::format("CtrlValueFilter(upper={})", value()); break;
                default: { int a = value(), b = value(); if (a > b) std::swap(a, b); f = fmt::format("CtrlValueFilter({}, {})", a, b); break; }
                } break;
        case 7: { std::vector<int> p; int n = 1 + in_.pick(3); for (int i = 0; i < n; ++i) p.push_back(program_user());
                  f = fmt::format("ProgramFilter({})", int_list(p)); break; }
        case 8: switch (in_.pick(3)) {
                case 0: f = fmt::format("SysExFilter({})", sysex_text(true)); break;
                case 1: f = fmt::format("SysExFilter(manufacturer=0x{:02X})", in_.chance(50) ? 0x43 : 0x41); break;
                default: f = "SysExFilter(manufacturer=(0x00, 0x20, 0x29))"; break;
                } break;
        default: f = fmt::format("Filter({})", single_types[in_.pick(8)]); break;
        }
        switch (in_.pick(5)) {
        case 0: return "~" + f;
        case 1: return "-" + f;
        default: return f;
        }
    }

    std::string selector(int depth) {
        if (depth < 3 && budget_ > 0 && in_.chance(25)) {
            --budget_;
            std::string a = selector(depth + 1), b = selector(depth + 1);
            return fmt::format("({} {} {})", a, in_.chance(50) ? "&" : "|", b);
        }
        // ~ on a selector inverts it; - is a plain unit
        std::string f = filter();
        if (f[0] == '-') f = f.substr(1);
        return f;
    }

    // a mapping {key: patch, ...} with distinct keys, optionally with a None branch
    std::string mapping(const std::vector<std::string>& keys, int depth) {
        std::string s = "{";
        for (size_t i = 0; i < keys.size(); ++i) s += (i ? ", " : "") + keys[i] + ": " + patch(depth + 1);
        if (in_.chance(40)) s += std::string(keys.empty() ? "" : ", ") + "None: " + patch(depth + 1);
        return s + "}";
    }

    std::string split(int depth) {
        int n = 1 + in_.pick(3);
        std::vector<std::string> keys;
        switch (in_.pick(11)) {
        case 0: {  // KeySplit
            if (in_.chance(40)) return fmt::format("KeySplit({}, {}, {})", note(), patch(depth + 1), patch(depth + 1));
            auto points = ascending(n + 1, 0, 127);
            for (int x : points) palette.notes.push_back(x);
            for (size_t i = 0; i + 1 < points.size(); ++i) {
                int a = points[i], b = points[i + 1];
                switch (in_.pick(3)) {
                case 0: keys.push_back(fmt::format("({}, {})", a, b)); break;
                case 1: keys.push_back(fmt::format("'{}:{}'", note_name(a), note_name(b))); break;
                default: keys.push_back(std::to_string(a)); break;  // one note
                }
            }
            if (keys.empty()) keys.push_back(fmt::format("':{}'", note_name(points[0] ? points[0] : 1)));
            return "KeySplit(" + mapping(keys, depth) + ")";
        }
        case 1: {  // ChannelSplit
            auto c = distinct(n, {1, 2, 3, 4, 10, 16});
            for (size_t i = 0; i < c.size(); ++i) {
                palette.channels.push_back(c[i] - 1);
                if (i + 1 < c.size() && in_.chance(30)) { keys.push_back(fmt::format("({}, {})", c[i], c[i + 1])); ++i; palette.channels.push_back(c[i] - 1); }
                else keys.push_back(std::to_string(c[i]));
            }
            return "ChannelSplit(" + mapping(keys, depth) + ")";
        }
        case 2: {  // PortSplit
            switch (in_.pick(3)) {
            case 0: keys = {"1"}; break;
            case 1: keys = {"1", "2"}; break;
            default: keys = {"(1, 2)"}; break;
            }
            return "PortSplit(" + mapping(keys, depth) + ")";
        }
        case 3: {  // VelocitySplit
            if (in_.chance(40)) return fmt::format("VelocitySplit({}, {}, {})", velocity(), patch(depth + 1), patch(depth + 1));
            auto points = ascending(n + 1, 1, 127);
            for (int x : points) palette.velocities.push_back(x);
            for (size_t i = 0; i + 1 < points.size(); ++i) keys.push_back(in_.chance(70) ? fmt::format("({}, {})", points[i], points[i + 1]) : std::to_string(points[i]));
            if (keys.empty()) keys.push_back(std::to_string(points[0]));
            return "VelocitySplit(" + mapping(keys, depth) + ")";
        }
        case 4: {  // CtrlSplit
            auto c = distinct(n, {1, 7, 10, 11, 64, 74, 0, 127});
            for (size_t i = 0; i < c.size(); ++i) {
                palette.ctrls.push_back(c[i]);
                if (i + 1 < c.size() && in_.chance(30)) { keys.push_back(fmt::format("({}, {})", c[i], c[i + 1])); ++i; palette.ctrls.push_back(c[i]); }
                else keys.push_back(std::to_string(c[i]));
            }
            return "CtrlSplit(" + mapping(keys, depth) + ")";
        }
        case 5: {  // CtrlValueSplit
            if (in_.chance(40)) return fmt::format("CtrlValueSplit({}, {}, {})", 1 + in_.pick(127), patch(depth + 1), patch(depth + 1));
            auto points = ascending(n + 1, 0, 127);
            for (int x : points) palette.values.push_back(x);
            for (size_t i = 0; i + 1 < points.size(); ++i) keys.push_back(in_.chance(70) ? fmt::format("({}, {})", points[i], points[i + 1]) : std::to_string(points[i]));
            if (keys.empty()) keys.push_back(std::to_string(points[0]));
            return "CtrlValueSplit(" + mapping(keys, depth) + ")";
        }
        case 6: {  // ProgramSplit
            auto p = distinct(n, {1, 2, 3, 4, 5, 128});
            for (size_t i = 0; i < p.size(); ++i) {
                palette.programs.push_back(p[i] - 1);
                if (i + 1 < p.size() && in_.chance(30)) { keys.push_back(fmt::format("({}, {})", p[i], p[i + 1])); ++i; palette.programs.push_back(p[i] - 1); }
                else keys.push_back(std::to_string(p[i]));
            }
            return "ProgramSplit(" + mapping(keys, depth) + ")";
        }
        case 7: {  // SysExSplit
            if (in_.chance(40)) {
                auto m = distinct(n, {0, 1, 2});
                for (int x : m) keys.push_back(x == 0 ? "0x43" : x == 1 ? "0x41" : "(0x00, 0x20, 0x29)");
                return "SysExSplit(manufacturers=" + mapping(keys, depth) + ")";
            }
            auto idx = distinct(n, {0, 1, 2, 3});
            for (int i : idx) {
                std::vector<uint8_t> b = sysex_pool()[static_cast<size_t>(i)];
                palette.sysex.push_back(b);
                if (in_.chance(40)) b.resize(2 + static_cast<size_t>(in_.pick(static_cast<int>(b.size()) - 2)));  // a prefix
                keys.push_back("'" + hex(b) + "'");
            }
            return "SysExSplit(" + mapping(keys, depth) + ")";
        }
        default: {  // type split: a dict or Split({...})
            static constexpr const char* k[] = {"NOTE", "NOTEON", "NOTEOFF", "CTRL", "PROGRAM", "PITCHBEND", "SYSEX",
                                                "SYSRT", "(AFTERTOUCH, POLY_AFTERTOUCH)", "SYSCM_SONGPOS | SYSCM_QFRAME"};
            // keys must not share types: NOTE excludes NOTEON/NOTEOFF
            std::vector<int> pool = {0, 3, 4, 5, 6, 7, 8, 9};
            if (in_.chance(50)) pool = {1, 2, 3, 4, 5, 6, 7, 8, 9};
            for (int i : distinct(n, pool)) keys.push_back(k[i]);
            std::string m = mapping(keys, depth);
            return in_.chance(60) ? m : "Split(" + m + ")";
        }
        }
    }

    std::string scene_switch() {
        switch (in_.pick(8)) {
        case 0: return "SceneSwitch()";
        case 1: return fmt::format("SceneSwitch({})", 1 + in_.pick(4));
        case 2: return "SceneSwitch(EVENT_VALUE)";
        case 3: return fmt::format("SceneSwitch(offset={})", in_.chance(50) ? 1 : -1);
        case 4: return fmt::format("SubSceneSwitch(offset={}, wrap={})", in_.chance(50) ? 1 : -1, in_.chance(50) ? "True" : "False");
        case 5: return fmt::format("SubSceneSwitch({})", 1 + in_.pick(3));
        case 6: return "SubSceneSwitch(EVENT_VALUE)";
        default: return fmt::format("SubSceneSwitch({}, {})", in_.chance(50) ? 1 : -1, in_.chance(50) ? "True" : "False");
        }
    }

    std::string control() {
        std::vector<std::string> parts;
        int n = 1 + in_.pick(3);
        for (int i = 0; i < n; ++i) {
            switch (in_.pick(4)) {
            case 0: parts.push_back("Filter(PROGRAM) >> SceneSwitch()"); break;
            case 1: parts.push_back(fmt::format("CtrlFilter({}) >> {}", ctrl_raw(), scene_switch())); break;
            case 2: parts.push_back(fmt::format("{} >> {}", filter(), scene_switch())); break;
            default: parts.push_back(patch(2)); break;
            }
        }
        if (parts.size() == 1) return parts[0];
        std::string s = "[";
        for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : "") + parts[i];
        return s + "]";
    }

    // What the optimizer folds: neighbours of one kind in a chain, and identities.
    std::string fold_run() {
        int n = 2 + in_.pick(3);
        int kind = in_.pick(10);
        std::string s = in_.chance(50) ? "(" : "Chain([";
        std::string sep = s == "(" ? " >> " : ", ";
        for (int i = 0; i < n; ++i) {
            std::string u;
            switch (kind) {
            case 0: u = in_.chance(20) ? "Transpose(0)" : in_.chance(80) ? fmt::format("Transpose({})", in_.range(-12, 12)) : fmt::format("Transpose(octaves={})", in_.range(-1, 1)); break;
            case 1: u = in_.chance(70) ? fmt::format("Channel({})", channel_user()) : fmt::format("ChannelFilter({})", channel_user()); break;
            case 2: u = in_.chance(70) ? fmt::format("Port({})", 1 + in_.pick(3)) : fmt::format("PortFilter({})", 1 + in_.pick(2)); break;
            case 3: u = in_.chance(50) ? fmt::format("Key({})", note()) : fmt::format("Transpose({})", in_.range(-5, 5)); break;
            case 4: u = in_.chance(20) ? "Velocity(0)" : fmt::format("Velocity({})", in_.range(-40, 40)); break;
            case 5: u = "Filter(" + types() + ")"; break;
            case 6: { auto c = distinct(1 + in_.pick(3), {1, 2, 3, 4, 10, 16}); for (int x : c) palette.channels.push_back(x - 1);
                      u = fmt::format("ChannelFilter({})", int_list(c)); break; }
            case 7: u = in_.chance(50) ? "PortFilter(1, 2)" : fmt::format("PortFilter({})", 1 + in_.pick(2)); break;
            case 8: u = in_.chance(30) ? "Pass()" : modifier(); break;
            default: u = in_.chance(50) ? filter() : modifier(); break;
            }
            s += (i ? sep : "") + u;
        }
        return s + (sep == " >> " ? ")" : "])");
    }

    // Something that narrows what a later unit sees: a type, port or channel (for remove-dead,
    // drop-dedup and the splits' dead keys).
    std::string narrowing() {
        switch (in_.pick(7)) {
        case 0: return "Filter(" + types() + ")";
        case 1: return fmt::format("Channel({})", channel_user());
        case 2: return fmt::format("Port({})", 1 + in_.pick(3));
        case 3: return fmt::format("ChannelFilter({})", channel_user());
        case 4: return fmt::format("PortFilter({})", 1 + in_.pick(2));
        case 5: return generator_unit();
        default: return filter();
        }
    }

public:
    std::string patch(int depth) {
        if (depth >= 5 || budget_ <= 0 || in_.chance(35)) {
            --budget_;
            int k = in_.pick(10);
            if (k < 6) return modifier();
            if (k < 9) return filter();
            if (scenes && in_.chance(50)) return selector(2) + " >> " + scene_switch();
            return modifier();
        }
        --budget_;
        switch (in_.pick(15)) {
        case 12: return fold_run();
        case 13: return "(" + narrowing() + " >> " + split(depth) + ")";
        case 14: {  // branches that differ by type, port or channel (drop-dedup) or may make equal events
            int n = 2 + in_.pick(2);
            std::string s = "[";
            for (int i = 0; i < n; ++i) s += (i ? ", " : "") + narrowing() + " >> " + patch(depth + 1);
            return s + "]";
        }
        case 0: return "(" + patch(depth + 1) + " >> " + patch(depth + 1) + ")";
        case 1: {
            int n = 2 + in_.pick(3);
            std::string s = "Chain([";
            for (int i = 0; i < n; ++i) s += (i ? ", " : "") + patch(depth + 1);
            return s + "])";
        }
        case 2: case 3: {
            int n = 1 + in_.pick(3);
            std::string s = "[";
            for (int i = 0; i < n; ++i) s += (i ? ", " : "") + patch(depth + 1);
            s += "]";
            if (in_.chance(30)) return "Fork(" + s + ", remove_duplicates=" + (in_.chance(70) ? "False" : "True") + ")";
            return s;
        }
        case 4: return "(" + patch(depth + 1) + " // " + patch(depth + 1) + ")";
        case 5: return "(+" + patch(depth + 1) + ")";
        case 6: return "(" + selector(0) + " % " + patch(depth + 1) + ")";
        case 7: return "(" + selector(0) + " % (" + patch(depth + 1) + ", " + patch(depth + 1) + "))";
        case 8: case 9: case 10: return split(depth);
        default: return "(" + filter() + " >> " + patch(depth + 1) + ")";
        }
    }
};

// ---- the event stream ---------------------------------------------------------------------------

uint64_t hash_bytes(const uint8_t* d, size_t n) {
    uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (size_t i = 0; i < n; ++i) h = (h ^ d[i]) * 1099511628211ull;
    return h;
}

// random_stream's events, with many values replaced by ones the patch names (and their neighbours),
// so that filters and splits see both sides of their boundaries.
testing::RandomStream make_stream(uint64_t seed, const Palette& pal) {
    testing::RandomStream s = testing::random_stream(seed, 200, 2);
    std::mt19937_64 rng(seed ^ 0x9E3779B97F4A7C15ull);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    auto lean = [&](int& field, const std::vector<int>& from, int lo, int hi) {
        if (from.empty() || pick(0, 2) == 0) return;
        int v = from[static_cast<size_t>(pick(0, static_cast<int>(from.size()) - 1))] + pick(-1, 1);
        field = std::clamp(v, lo, hi);
    };
    for (Event& e : s.events) {
        using namespace engine;
        if (e.type & (NOTE | POLY_AFTERTOUCH)) lean(e.data1, pal.notes, 0, 127);
        if (e.type == NOTEON) lean(e.data2, pal.velocities, 1, 127);
        if (e.type == NOTEON && pick(0, 30) == 0) e.data2 = 0;  // a note-on with velocity 0 stays one
        if (e.type == CTRL) { lean(e.data1, pal.ctrls, 0, 127); lean(e.data2, pal.values, 0, 127); }
        if (e.type == PROGRAM) lean(e.data2, pal.programs, 0, 127);
        if (!is_system(e.type)) lean(e.channel, pal.channels, 0, 15);
        if (e.type == SYSEX && !pal.sysex.empty() && pick(0, 1) == 0) {
            s.sysex.push_back(pal.sysex[static_cast<size_t>(pick(0, static_cast<int>(pal.sysex.size()) - 1))]);
            e.sysex = s.sysex.back().data();
            e.sysex_size = static_cast<uint32_t>(s.sysex.back().size());
        }
    }
    return s;
}

// ---- running ------------------------------------------------------------------------------------

std::string text(std::span<const Event> events) {
    std::string s;
    for (const Event& e : events) s += (s.empty() ? "" : " ") + drivers::format_event(e, 1) + fmt::format("@{}", e.frame);
    return s;
}

struct Stats {
    uint64_t inputs = 0, compiled = 0, check_errors = 0, no_program = 0, compared = 0, overflow = 0;
    uint64_t events_in = 0, events_out = 0;  // over the compared runs (-O0 side)
    std::map<std::string, uint64_t> passes;  // patches each -O2 pass changed
    void print() const {
        std::fprintf(stderr, "differential_fuzzer: %llu inputs, %llu compiled (%.1f%%), %llu with check errors, %llu without a program, %llu compared, %llu stopped on overflow; %llu events in, %llu out\n",
                     (unsigned long long)inputs, (unsigned long long)compiled, inputs ? 100.0 * compiled / inputs : 0.0,
                     (unsigned long long)check_errors, (unsigned long long)no_program, (unsigned long long)compared,
                     (unsigned long long)overflow, (unsigned long long)events_in, (unsigned long long)events_out);
        std::string p;
        for (const auto& [name, n] : passes) p += fmt::format(" {} {},", name, n);
        std::fprintf(stderr, "differential_fuzzer: patches changed by each pass:%s\n", p.c_str());
    }
};
Stats stats;
bool show_stats = false, show_patches = false;

[[noreturn]] void report(const char* what, const std::string& patch, const std::string& detail) {
    std::fprintf(stderr, "differential_fuzzer: %s\n---- patch ----\n%s---- ----\n%s\n", what, patch.c_str(), detail.c_str());
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    show_stats = std::getenv("MDC_FUZZ_STATS") != nullptr;
    show_patches = std::getenv("MDC_FUZZ_SHOW") != nullptr;
    if (show_stats) std::atexit([] { stats.print(); });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 4096) return -1;
    ++stats.inputs;
    if (show_stats && stats.inputs % 10000 == 0) stats.print();
    Bytes in(data, size);
    Generator gen(in);
    std::string patch = gen.file();
    size_t used = std::min(in.pos(), size);
    testing::RandomStream stream = make_stream(hash_bytes(data + used, size - used), gen.palette);
    if (show_patches) std::fprintf(stderr, "---- patch ----\n%s", patch.c_str());

    std::unique_ptr<Compilation> c = compile_source("fuzz.mdp", patch);
    if (c->diags.error_count() > 0) {
        ++stats.check_errors;
        if (show_patches) std::fprintf(stderr, "%s", render_all(c->diags, c->sources).c_str());
        return 0;
    }
    ProgramResult r0 = compile_program(*c, 0), r2 = compile_program(*c, 2);
    if (!r0.internal_error.empty()) report("internal error at -O0", patch, r0.internal_error);
    if (!r2.internal_error.empty()) report("internal error at -O2", patch, r2.internal_error);
    if (r0.program.has_value() != r2.program.has_value())
        report("only one optimisation level gave a program", patch, render_all(c->diags, c->sources));
    if (!r0.program) {
        ++stats.no_program;
        if (show_patches) std::fprintf(stderr, "no program:\n%s", render_all(c->diags, c->sources).c_str());
        return 0;
    }
    ++stats.compiled;
    if (show_stats) {
        ir::Graph g = c->graph;
        for (const std::string& name : ir::optimize(g, false).changed) ++stats.passes[name];
    }

    engine::Engine a(*r0.program), b(*r2.program);
    std::string sent;
    auto compare = [&](const char* step, const std::string& ta, const std::string& tb) {
        if (a.stats().overflow || b.stats().overflow || a.stats().sysex_overflow || b.stats().sysex_overflow) return false;
        if (ta != tb)
            report("-O0 and -O2 outputs differ", patch,
                   fmt::format("---- sent ----\n{}---- {} ----\n-O0: {}\n-O2: {}", sent, step, ta, tb));
        if (a.current_scene() != b.current_scene() || a.current_subscene() != b.current_subscene())
            report("-O0 and -O2 are in different scenes", patch,
                   fmt::format("---- sent ----\n{}---- {} ----\n-O0: scene {} subscene {}\n-O2: scene {} subscene {}", sent, step,
                               a.current_scene(), a.current_subscene(), b.current_scene(), b.current_subscene()));
        return true;
    };
    std::string ta = text(a.start()), tb = text(b.start());
    if (!compare("start()", ta, tb)) { ++stats.overflow; return 0; }
    for (const Event& e : stream.events) {
        sent += drivers::format_event(e, 1) + fmt::format("@{}\n", e.frame);
        auto out = a.process(e);
        stats.events_out += out.size();
        ++stats.events_in;
        ta = text(out);
        tb = text(b.process(e));
        if (!compare("process()", ta, tb)) { ++stats.overflow; return 0; }
    }
    ++stats.compared;
    return 0;
}
