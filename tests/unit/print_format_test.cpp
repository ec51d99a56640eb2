// Print()'s lines, as mididings writes them (MidiEvent.to_string and the Print unit's name column).
#include <doctest/doctest.h>

#include "drivers/print_format.h"
#include "engine/event_types.h"
#include "support/make_event.h"

using namespace mdc;

namespace {
constexpr auto ev = testing::make_event;
}  // namespace

TEST_CASE("Print lines: every type in mididings' words and columns") {
    drivers::PrintStyle s;
    CHECK(drivers::format_print(s, ev(engine::NOTEON, 0, 0, 60, 100), "", 0) == "[ 1,  1] Note On:   60 100  (c3)");
    CHECK(drivers::format_print(s, ev(engine::NOTEOFF, 1, 15, 0, 0), "", 0) == "[ 2, 16] Note Off:   0   0  (c-2)");
    CHECK(drivers::format_print(s, ev(engine::CTRL, 0, 0, 64, 127), "", 0) == "[ 1,  1] Ctrl:      64 127  (Sustain)");
    CHECK(drivers::format_print(s, ev(engine::CTRL, 0, 0, 20, 5), "", 0) == "[ 1,  1] Ctrl:      20   5");
    CHECK(drivers::format_print(s, ev(engine::PITCHBEND, 0, 0, 0, -8192), "", 0) == "[ 1,  1] Pitchbend:  -8192");
    CHECK(drivers::format_print(s, ev(engine::AFTERTOUCH, 0, 0, 0, 7), "", 0) == "[ 1,  1] Aftertouch:     7");
    CHECK(drivers::format_print(s, ev(engine::POLY_AFTERTOUCH, 0, 0, 61, 7), "", 0) == "[ 1,  1] Poly Aftertouch:  61   7  (c#3)");
    CHECK(drivers::format_print(s, ev(engine::PROGRAM, 0, 2, 0, 4), "", 0) == "[ 1,  3] Program:        5");
    CHECK(drivers::format_print(s, ev(engine::SYSRT_CLOCK, 0, 0, 0, 0), "", 0) == "[ 1,  1] SysRt Clock");
    CHECK(drivers::format_print(s, ev(engine::SYSCM_SONGPOS, 0, 0, 1, 2), "", 0) == "[ 1,  1] SysCm SongPos:  1   2");
    static const uint8_t bytes[] = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7};
    engine::Event x = ev(engine::SYSEX, 0, 0, 0, 0);
    x.sysex = bytes;
    x.sysex_size = sizeof bytes;
    CHECK(drivers::format_print(s, x, "", 0) == "[ 1,  1] SysEx:          6  [f0 7e 7f 06 01 f7]");
    // data_offset 0 and another octave_offset
    s.data_offset = 0;
    s.octave_offset = 1;
    CHECK(drivers::format_print(s, ev(engine::NOTEON, 0, 0, 60, 100), "", 0) == "[ 0,  0] Note On:   60 100  (c4)");
}

TEST_CASE("Print lines: names line up in one column, port names where asked for") {
    drivers::PrintStyle s;
    s.name_width = 5;  // the longest name in the patch, e.g. "drums"
    CHECK(drivers::format_print(s, ev(engine::NOTEON, 0, 0, 60, 100), "in", 0) == "in:    [ 1,  1] Note On:   60 100  (c3)");
    CHECK(drivers::format_print(s, ev(engine::NOTEON, 0, 0, 60, 100), "drums", 0) == "drums: [ 1,  1] Note On:   60 100  (c3)");
    CHECK(drivers::format_print(s, ev(engine::NOTEON, 0, 0, 60, 100), "", 0) == "       [ 1,  1] Note On:   60 100  (c3)");
    s = {};
    s.in_ports = {"keyboard", "pads"};
    s.portname_width = 8;
    CHECK(drivers::format_print(s, ev(engine::NOTEON, 1, 0, 60, 100), "", 1) == "[    pads,  1] Note On:   60 100  (c3)");
    CHECK(drivers::format_print(s, ev(engine::NOTEON, 2, 0, 60, 100), "", 1) == "[       3,  1] Note On:   60 100  (c3)");
}
