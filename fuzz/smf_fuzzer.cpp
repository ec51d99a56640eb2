// libFuzzer target: the Standard MIDI File codec (drivers/smf_reader.h, smf_writer.h) and the
// conversion around it (drivers/smf_convert.h). Each input is a MIDI file. The invariants:
//   - read_smf never crashes; an error names what is wrong;
//   - a file that reads converts through Pass() without an error, and the output reads back with
//     the same events in every track (kind, time, status and data, SysEx bytes, meta and escape
//     bytes, End-of-Track time) and without warnings other than "copied as read";
//   - converting the output again gives the same bytes (a fixed point);
//   - through a patch that changes, routes and copies events (new tracks, changed SysEx, events
//     between SysEx packets), the conversion either succeeds with an output that reads back
//     without an error, or refuses with an error about what a MIDI file cannot hold.
// Any violation is a __builtin_trap(), so libFuzzer saves the input as a crash.
// Build and run with `scripts/fuzz.sh SECONDS --target smf_fuzzer` (seeds: the files of
// tests/convert/make_files.py and, when installed, openttd-openmsx's); reproduce one input with
// `build-fuzz/fuzz/smf_fuzzer FILE`.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/smf.h"
#include "drivers/smf_convert.h"
#include "drivers/smf_reader.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"

using namespace mdc;
using drivers::SmfEvent;
using drivers::SmfFile;
using drivers::SmfKind;

namespace {

[[noreturn]] void fail(const char* why, const std::string& detail = {}) {
    std::fprintf(stderr, "smf_fuzzer: %s\n%s%s", why, detail.c_str(), detail.empty() ? "" : "\n");
    __builtin_trap();
}

struct Programs {
    engine::Program pass, busy;
};

engine::Program compile(const char* text) {
    auto c = compile_source("fuzz.mdp", text);
    ProgramResult r = compile_program(*c, 2, /*any_port=*/true);
    if (!r.program) fail("a fuzzer patch does not compile", render_all(c->diags, c->sources));
    return std::move(*r.program);
}

// Compiled once, for all inputs.
const Programs& programs() {
    static const Programs p{
        compile("from mididings import *\nrun(Pass())\n"),
        compile("from mididings import *\n"
                "run(scenes={1: Scene('s', [Pass(), Filter(NOTE) >> Transpose(3) >> Port(3), Filter(SYSEX) >> Port(2), "
                "Filter(CTRL) % SysEx('F0 7D 01 F7'), Filter(PROGRAM) % Generator(SYSCM_SONGSEL, data1=EVENT_PROGRAM), Port(1)], "
                "init_patch=Ctrl(5, 1, 7, 100), exit_patch=Ctrl(4, 1, 123, 0))})\n"),
    };
    return p;
}

drivers::SmfConversion convert(std::span<const uint8_t> bytes, const engine::Program& program) {
    engine::EngineOptions o;
    o.bound_out_ports = false;
    o.max_events = 64;  // small buffers: every input builds a fresh engine
    o.sysex_arena = 1 << 16;
    o.note_routes = 16;
    engine::Engine e(program, {}, o);
    return drivers::convert_smf(bytes, e);
}

// The bytes an event stands for, for comparing two files: SysEx as the patch sees them; meta
// events, escapes and packets as read.
std::vector<uint8_t> event_bytes(const SmfFile& f, std::span<const uint8_t> file, const SmfEvent& e) {
    if (e.kind == SmfKind::SysEx) return {f.sysex_data(e.sysex), f.sysex_data(e.sysex) + f.sysex[e.sysex].size};
    if (e.kind == SmfKind::Channel) return {e.status, e.data1, e.data2};
    if (e.kind == SmfKind::System) return {e.status, e.data1, e.data2};
    return {file.data() + e.at, file.data() + e.at + e.size};
}

void same_events(const SmfFile& a, std::span<const uint8_t> a_bytes, const SmfFile& b, std::span<const uint8_t> b_bytes) {
    if (a.tracks.size() != b.tracks.size()) fail("the output has another number of tracks");
    if (a.division != b.division) fail("the output has another division");
    if (a.format != b.format && !(a.format == 0 && b.format == 1 && a.tracks.size() != 1)) fail("the output has another format");
    for (size_t t = 0; t < a.tracks.size(); ++t) {
        const auto& x = a.tracks[t].events;
        const auto& y = b.tracks[t].events;
        if (x.size() != y.size()) fail("a track of the output has another number of events", "track " + std::to_string(t + 1));
        for (size_t i = 0; i < x.size(); ++i) {
            if (x[i].kind != y[i].kind || x[i].tick != y[i].tick) fail("an event changed kind or time", "track " + std::to_string(t + 1) + " event " + std::to_string(i));
            if (event_bytes(a, a_bytes, x[i]) != event_bytes(b, b_bytes, y[i]))
                fail("an event changed its bytes", "track " + std::to_string(t + 1) + " event " + std::to_string(i));
        }
        if (!b.tracks[t].has_end) fail("an output track has no End-of-Track");
        if (a.tracks[t].end_tick != b.tracks[t].end_tick) fail("End-of-Track moved", "track " + std::to_string(t + 1));
    }
}

bool only_copied_as_read(const std::vector<std::string>& warnings) {
    for (const std::string& w : warnings)
        if (w.find("copied as read") == std::string::npos && !w.ends_with(" more warnings")) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    programs();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 256 * 1024) return -1;
    const std::span<const uint8_t> in(data, size);
    const SmfFile f = drivers::read_smf(in);
    if (!f.error.empty()) return 0;

    const drivers::SmfConversion c = convert(in, programs().pass);
    if (!c.error.empty()) fail("a file that reads does not convert through Pass()", c.error);
    if (c.events_in != f.events) fail("events_in is not the number of events read");
    const SmfFile g = drivers::read_smf(c.bytes);
    if (!g.error.empty()) fail("the output does not read back", g.error);
    if (!only_copied_as_read(g.warnings)) fail("the output reads back with a warning", g.warnings.front());
    same_events(f, in, g, c.bytes);
    if (c.events_out != g.events) fail("events_out is not the number of events in the output");
    const drivers::SmfConversion again = convert(c.bytes, programs().pass);
    if (again.bytes != c.bytes) fail("converting the output again changes it");

    const drivers::SmfConversion busy = convert(in, programs().busy);
    if (!busy.error.empty()) {
        if (busy.error.find("more than a MIDI file can hold") == std::string::npos && busy.error.find("too long") == std::string::npos)
            fail("a conversion through a patch failed", busy.error);
        return 0;
    }
    const SmfFile h = drivers::read_smf(busy.bytes);
    if (!h.error.empty()) fail("the output of a patch does not read back", h.error);
    if (!only_copied_as_read(h.warnings)) fail("the output of a patch reads back with a warning", h.warnings.front());
    if (busy.events_out != h.events) fail("events_out is not the number of events in the patch's output");
    return 0;
}
