// MIDIMonster's midi-backend value conversions (drivers/midi_values.h): every 7-bit and 14-bit value
// survives the round trip, the edges, and the RPN/NRPN state machine (midimonster.md 2.2-2.3).
#include <doctest/doctest.h>

#include "drivers/midi_values.h"

using namespace mdc::drivers;
using mdc::engine::Event;

namespace {

double in_value(uint32_t type, int data1, int data2) {
    Event e;
    e.type = type, e.data1 = data1, e.data2 = data2;
    MidiChannel c;
    double v = -1;
    REQUIRE(event_value(e, c, v));
    return v;
}

Event out_one(MidiWhat what, double v, int number = 0) {
    Event out[max_value_events];
    REQUIRE(value_to_events({0, 0, what, number}, v, 0, out) == 1);
    return out[0];
}

}  // namespace

TEST_CASE("every 7-bit and 14-bit value survives the round trip") {
    for (int x = 0; x < 128; ++x) CHECK(out_one(MidiWhat::Cc, in_value(mdc::engine::CTRL, 7, x), 7).data2 == x);
    for (int x = -8192; x < 8192; ++x) CHECK(out_one(MidiWhat::Pitch, in_value(mdc::engine::PITCHBEND, 0, x)).data2 == x);
}

TEST_CASE("edges: 0 and 1, the pitch centre, clamping, note-off and velocity 0") {
    CHECK(in_value(mdc::engine::CTRL, 1, 0) == 0.0);
    CHECK(in_value(mdc::engine::CTRL, 1, 127) == 1.0);
    CHECK(in_value(mdc::engine::PITCHBEND, 0, -8192) == 0.0);
    CHECK(in_value(mdc::engine::PITCHBEND, 0, 8191) == 1.0);
    CHECK(in_value(mdc::engine::NOTEOFF, 60, 127) == 0.0);
    CHECK(out_one(MidiWhat::Pitch, 0.5).data2 == -1);  // 0.5 -> raw 8191, as MIDIMonster
    CHECK(out_one(MidiWhat::Cc, 0.5, 1).data2 == 63);
    CHECK(out_one(MidiWhat::Cc, 2.0, 1).data2 == 127);
    CHECK(out_one(MidiWhat::Cc, -1.0, 1).data2 == 0);
    Event off = out_one(MidiWhat::Note, 0.0, 60);
    CHECK(off.type == mdc::engine::NOTEON);
    CHECK(off.data2 == 0);
}

TEST_CASE("RPN and NRPN out: parameter, 14-bit value, then the null parameter") {
    Event out[max_value_events];
    REQUIRE(value_to_events({0, 3, MidiWhat::Nrpn, 1000}, 1.0, 5, out) == 6);
    int want[6][2] = {{99, 7}, {98, 104}, {6, 127}, {38, 127}, {101, 127}, {100, 127}};
    for (int i = 0; i < 6; ++i) {
        CHECK(out[i].type == mdc::engine::CTRL);
        CHECK(out[i].channel == 3);
        CHECK(out[i].frame == 5);
        CHECK(out[i].data1 == want[i][0]);
        CHECK(out[i].data2 == want[i][1]);
    }
}

TEST_CASE("the RPN/NRPN state machine") {
    EpnState s;
    MidiChannel c;
    double v = -1;
    CHECK_FALSE(epn_feed(s, 6, 1, c, v));   // nothing selected
    CHECK_FALSE(epn_feed(s, 101, 0, c, v));
    CHECK_FALSE(epn_feed(s, 6, 1, c, v));   // only the MSB of the parameter
    CHECK_FALSE(epn_feed(s, 100, 5, c, v));
    CHECK_FALSE(epn_feed(s, 38, 1, c, v));  // no value MSB yet
    CHECK_FALSE(epn_feed(s, 6, 64, c, v));
    REQUIRE(epn_feed(s, 38, 0, c, v));
    CHECK(c.what == MidiWhat::Rpn);
    CHECK(c.number == 5);
    CHECK(v == 8192 / 16383.0);
    CHECK_FALSE(epn_feed(s, 38, 0, c, v));  // a second LSB needs a new MSB
    CHECK_FALSE(epn_feed(s, 98, 1, c, v));  // NRPN: starts over, the MSB is missing
    CHECK_FALSE(epn_feed(s, 6, 64, c, v));
    CHECK_FALSE(epn_feed(s, 99, 2, c, v));
    CHECK_FALSE(epn_feed(s, 6, 127, c, v));
    REQUIRE(epn_feed(s, 38, 127, c, v));
    CHECK(c.what == MidiWhat::Nrpn);
    CHECK(c.number == 2 * 128 + 1);
    CHECK(v == 1.0);
    CHECK_FALSE(epn_feed(s, 101, 127, c, v));  // RPN null: deselects
    CHECK_FALSE(epn_feed(s, 100, 127, c, v));
    CHECK_FALSE(epn_feed(s, 6, 1, c, v));
    CHECK_FALSE(epn_feed(s, 38, 1, c, v));
}
