// Conversion through patches (drivers/smf_convert.h): port = track, outputs at the time of their
// input in the track of their port, new tracks (format 0 becomes 1), End-of-Track after each
// track's last event, init patches at time 0 and exit patches at the end of the file, how changed
// events are written (the form of their input kept), SysEx packets, and the limits of the format.
#include <doctest/doctest.h>

#include <string>

#include "drivers/smf_convert.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"
#include "support/smf_builder.h"

using namespace mdc;
using namespace mdc::testing;

namespace {

drivers::SmfConversion convert(const bytes& in, const std::string& patch) {
    auto c = compile_source("test.mdp", "from mididings import *\n" + patch + "\n");
    ProgramResult r = compile_program(*c, 2, /*any_port=*/true);
    INFO(render_all(c->diags, c->sources));
    REQUIRE(r.program);
    engine::EngineOptions o;
    o.bound_out_ports = false;
    engine::Engine e(*r.program, {}, o);
    drivers::SmfConvertOptions co;
    co.data_offset = c->checked.config.data_offset;
    return drivers::convert_smf(in, e, co);
}

const bytes tempo = meta(0, 0x51, {0x07, 0xA1, 0x20});

}  // namespace

TEST_CASE("Transpose: notes move, each keeps the form it was read in (running status, note-on velocity 0)") {
    const bytes in = smf(0, 96, {track(cat({tempo, {0x00, 0x90, 60, 100}, {0x00, 64, 90}, {0x10, 60, 0}, {0x00, 0x80, 64, 0}, {0x00, 0xB0, 7, 9}}))});
    drivers::SmfConversion c = convert(in, "run(Transpose(12))");
    REQUIRE(c.error == "");
    CHECK(c.bytes == smf(0, 96, {track(cat({tempo, {0x00, 0x90, 72, 100}, {0x00, 76, 90}, {0x10, 72, 0}, {0x00, 0x80, 76, 0}, {0x00, 0xB0, 7, 9}}))}));
}

TEST_CASE("changed events: a new status is written where running status no longer holds") {
    // Channel(2) on the first note only: the running-status note after it needs its status byte.
    const bytes in = smf(0, 96, {track(cat({{0x00, 0x90, 60, 100}, {0x00, 64, 90}}))});
    drivers::SmfConversion c = convert(in, "run(KeyFilter(60) % Channel(2))");
    REQUIRE(c.error == "");
    CHECK(c.bytes == smf(0, 96, {track(cat({{0x00, 0x91, 60, 100}, {0x00, 0x90, 64, 90}}))}));
    // Velocity changes: a note-off read as a note-on of velocity 0 stays one.
    c = convert(in, "run(Velocity(multiply=0.5))");
    CHECK(c.bytes == smf(0, 96, {track(cat({{0x00, 0x90, 60, 50}, {0x00, 64, 45}}))}));
}

TEST_CASE("port = track: events go to the track of their port, new tracks for new ports, format 0 becomes 1") {
    const bytes in = smf(0, 96, {track(cat({tempo, {0x00, 0x90, 60, 100}, {0x10, 0x80, 60, 0}}), true, 50)});
    drivers::SmfConversion c = convert(in, "run(Port(3))");
    REQUIRE(c.error == "");
    CHECK(c.tracks_out == 3);
    CHECK(c.warnings == std::vector<std::string>{"the patch sends events to ports without a track: the format-0 file becomes format 1, with 3 tracks"});
    CHECK(c.bytes == smf(1, 96, {track(tempo, true, 0x42), track({}), track(cat({{0x00, 0x90, 60, 100}, {0x10, 0x80, 60, 0}}))}));
    // data_offset 0: Port(0) is the first track.
    c = convert(in, "config(data_offset=0)\nrun(Port(0))");
    CHECK(c.bytes == in);
}

TEST_CASE("outputs come at the time of their input, in order, and End-of-Track moves after the last") {
    // Track 2's notes go to track 1, whose End-of-Track (tick 5) moves to tick 100; track 2 keeps its end.
    const bytes in = smf(1, 96, {track({0x00, 0x90, 60, 1}, true, 5), track(cat({{0x10, 0x91, 61, 1}, {0x54, 0x81, 61, 0}}))});
    drivers::SmfConversion c = convert(in, "run(Port(1))");
    REQUIRE(c.error == "");
    CHECK(c.bytes == smf(1, 96, {track(cat({{0x00, 0x90, 60, 1}, {0x10, 0x91, 61, 1}, {0x54, 0x81, 61, 0}})), track({}, true, 100)}));
    // A fork's outputs keep their order; the changed note keeps the form of its input (a status byte).
    c = convert(smf(0, 96, {track({0x00, 0x90, 60, 1})}), "run([Pass(), Transpose(12), Port(2)])");
    CHECK(c.bytes == smf(1, 96, {track(cat({{0x00, 0x90, 60, 1}, {0x00, 0x90, 72, 1}})), track({0x00, 0x90, 60, 1})}));
}

TEST_CASE("init patches run at time 0 and exit patches at the end of the file") {
    const bytes in = smf(1, 96, {track(cat({tempo, {0x10, 0x90, 60, 1}}), true, 0x20), track({0x00, 0xB0, 1, 1}, true, 0x7F)});
    drivers::SmfConversion c = convert(in, "run(Output(2, 1, program=5))");
    REQUIRE(c.error == "");
    // Output routes everything to port 2 (track 2): the program change first, at time 0.
    CHECK(c.bytes == smf(1, 96, {track(tempo, true, 0x30), track(cat({{0x00, 0xC0, 4}, {0x00, 0xB0, 1, 1}, {0x10, 0x90, 60, 1}}), true, 0x6F)}));
    c = convert(in, "run(scenes={1: Scene('s', Pass(), init_patch=Ctrl(1, 1, 100, 1), exit_patch=Ctrl(1, 1, 101, 2))})");
    // The exit patch's event goes to track 1 at the end of the file (tick 127, track 2's end).
    CHECK(c.bytes == smf(1, 96, {track(cat({{0x00, 0xB0, 100, 1}, tempo, {0x10, 0x90, 60, 1}, {0x6F, 0xB0, 101, 2}})), track({0x00, 0xB0, 1, 1}, true, 0x7F)}));
}

TEST_CASE("meta events stay in their track at their time, whatever the patch does") {
    const bytes in = smf(1, 96, {track(cat({tempo, {0x00, 0x90, 60, 1}, meta(5, 0x06, {'x'}), {0x00, 0x80, 60, 0}}), true, 3)});
    drivers::SmfConversion c = convert(in, "run(Discard())");
    REQUIRE(c.error == "");
    CHECK(c.bytes == smf(1, 96, {track(cat({tempo, meta(5, 0x06, {'x'})}), true, 3)}));
}

TEST_CASE("SysEx: in its packets when unchanged and alone in its track, else in one packet") {
    const bytes packets = cat({sysex(0, {0x43, 0x12}), sysex(10, {0x00}, 0xF7), meta(0, 0x06, {'m'}), sysex(10, {0x01, 0xF7}, 0xF7)});
    const bytes whole = sysex(0, {0x43, 0x12, 0x00, 0x01, 0xF7});
    const bytes in = smf(1, 96, {track(packets), track({0x05, 0x90, 60, 1})});
    CHECK(convert(in, "run(Pass())").bytes == in);
    // Track 2's note lands between the packets in track 1: the SysEx is written in one packet.
    CHECK(convert(in, "run(Port(1))").bytes == smf(1, 96, {track(cat({whole, {0x05, 0x90, 60, 1}, meta(5, 0x06, {'m'})}), true, 10), track({}, true, 5)}));
    // Sent to another track, it goes there in one packet; its F7 packets are not left behind.
    CHECK(convert(in, "run(Filter(SYSEX) % Port(2))").bytes == smf(1, 96, {track(meta(10, 0x06, {'m'}), true, 10), track(cat({whole, {0x05, 0x90, 60, 1}}))}));
    // Escapes and new SysEx: unchanged ones as read, made ones as F0 packets, system messages in escapes.
    const bytes esc = smf(0, 96, {track(cat({sysex(0, {0xF0, 0x01, 0xF7}, 0xF7), sysex(0, {0xF3, 0x05}, 0xF7), {0x00, 0x90, 60, 1}}))});
    CHECK(convert(esc, "run(Pass())").bytes == esc);
    CHECK(convert(esc, "run(Filter(NOTE) % SysEx('F0 7D 01 F7'))").bytes ==
          smf(0, 96, {track(cat({sysex(0, {0xF0, 0x01, 0xF7}, 0xF7), sysex(0, {0xF3, 0x05}, 0xF7), sysex(0, {0x7D, 0x01, 0xF7})}))}));
    CHECK(convert(esc, "run(Filter(NOTE) % Generator(SYSCM_SONGSEL, data1=9))").bytes ==
          smf(0, 96, {track(cat({sysex(0, {0xF0, 0x01, 0xF7}, 0xF7), sysex(0, {0xF3, 0x05}, 0xF7), sysex(0, {0xF3, 0x09}, 0xF7)}))}));
}

TEST_CASE("what a MIDI file cannot hold is an error, and nothing is written") {
    const bytes in = smf(0, 96, {track({0x00, 0x90, 60, 1})});
    drivers::SmfConversion c = convert(in, "config(data_offset=0)\nrun(Port(65535))");
    CHECK(c.error == "the patch sends an event to port 65535, but a MIDI file holds at most 65535 tracks (ports 0 to 65534)");
    CHECK(c.bytes.empty());
    // Two events of one output track 2^28 ticks apart: no delta time can say that.
    const bytes far = smf(1, 96, {track({0x00, 0x90, 60, 1}), track(cat({meta(0x7F, 0x06, {'m'}), {0xFF, 0xFF, 0xFF, 0x7F, 0x90, 61, 1}, {0x10, 0x90, 62, 1}}))});
    c = convert(far, "run(Port(1))");
    CHECK(c.error == "track 1: 268435582 ticks between two events at 0 and 268435582: more than a MIDI file can hold (268435455)");
    CHECK(c.bytes.empty());
}
