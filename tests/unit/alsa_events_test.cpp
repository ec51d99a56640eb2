// ALSA sequencer events <-> engine events, and the room they take in a receiver's queue, without a
// sequencer (libasound's coder is pure).
#include <doctest/doctest.h>

#include <vector>

#include "drivers/alsa_events.h"
#include "drivers/alsa_output.h"
#include "engine/event_types.h"
#include "support/make_event.h"

using namespace mdc;
using drivers::AlsaCodec;

namespace {

constexpr auto ev = testing::make_event;

std::vector<snd_seq_event_t> encode(AlsaCodec& c, const engine::Event& e) {
    std::vector<snd_seq_event_t> out;
    REQUIRE(c.encode(e, [&](snd_seq_event_t& s) { out.push_back(s); }));
    return out;
}

}  // namespace

TEST_CASE("every kind of short message goes out and comes back as it was") {
    AlsaCodec c;
    const engine::Event events[] = {
        ev(engine::NOTEON, 0, 3, 60, 100),        ev(engine::NOTEOFF, 0, 15, 0, 64),   ev(engine::CTRL, 0, 0, 7, 127),
        ev(engine::PROGRAM, 0, 9, 0, 42),         ev(engine::PITCHBEND, 0, 1, 0, -8192), ev(engine::PITCHBEND, 0, 1, 0, 8191),
        ev(engine::AFTERTOUCH, 0, 2, 0, 33),      ev(engine::POLY_AFTERTOUCH, 0, 4, 61, 7), ev(engine::SYSCM_QFRAME, 0, 0, 0x35, 0),
        ev(engine::SYSCM_SONGPOS, 0, 0, 1, 2),    ev(engine::SYSCM_SONGSEL, 0, 0, 5, 0), ev(engine::SYSCM_TUNEREQ, 0, 0, 0, 0),
        ev(engine::SYSRT_CLOCK, 0, 0, 0, 0),      ev(engine::SYSRT_START, 0, 0, 0, 0),  ev(engine::SYSRT_CONTINUE, 0, 0, 0, 0),
        ev(engine::SYSRT_STOP, 0, 0, 0, 0),       ev(engine::SYSRT_SENSING, 0, 0, 0, 0), ev(engine::SYSRT_RESET, 0, 0, 0, 0),
    };
    for (const engine::Event& e : events) {
        CAPTURE(e.type);
        const auto out = encode(c, e);
        REQUIRE(out.size() == 1);
        const AlsaCodec::Decoded d = c.decode(out[0]);
        REQUIRE(d.kind == AlsaCodec::Decoded::Kind::Midi);
        REQUIRE(d.count == 1);
        CHECK(d.events[0].type == e.type);
        CHECK(d.events[0].channel == e.channel);
        CHECK(d.events[0].data1 == e.data1);
        CHECK(d.events[0].data2 == e.data2);
    }
}

TEST_CASE("a note-on with velocity 0 comes in as a note-off") {
    AlsaCodec c;
    snd_seq_event_t s;
    snd_seq_ev_clear(&s);
    snd_seq_ev_set_noteon(&s, 2, 60, 0);
    const AlsaCodec::Decoded d = c.decode(s);
    REQUIRE(d.count == 1);
    CHECK(d.events[0].type == engine::NOTEOFF);
    CHECK(d.events[0].channel == 2);
    CHECK(d.events[0].data1 == 60);
    CHECK(d.events[0].data2 == 0);
}

TEST_CASE("14-bit controllers and (N)RPN events come in as the controllers they stand for") {
    AlsaCodec c;
    snd_seq_event_t s;
    snd_seq_ev_clear(&s);
    s.type = SND_SEQ_EVENT_CONTROL14;
    s.data.control.channel = 1;
    s.data.control.param = 7;
    s.data.control.value = (100 << 7) | 5;
    AlsaCodec::Decoded d = c.decode(s);
    REQUIRE(d.count == 2);
    CHECK(d.events[0].type == engine::CTRL);
    CHECK((d.events[0].data1 == 7 && d.events[0].data2 == 100 && d.events[0].channel == 1));
    CHECK((d.events[1].data1 == 39 && d.events[1].data2 == 5));
    s.type = SND_SEQ_EVENT_NONREGPARAM;
    s.data.control.param = (3 << 7) | 4;
    d = c.decode(s);
    REQUIRE(d.count == 4);
    CHECK((d.events[0].data1 == 99 && d.events[0].data2 == 3));
    CHECK((d.events[1].data1 == 98 && d.events[1].data2 == 4));
    CHECK((d.events[2].data1 == 6 && d.events[2].data2 == 100));
    CHECK((d.events[3].data1 == 38 && d.events[3].data2 == 5));
}

TEST_CASE("events that carry no MIDI are not MIDI, and not invalid") {
    AlsaCodec c;
    snd_seq_event_t s;
    snd_seq_ev_clear(&s);
    s.type = SND_SEQ_EVENT_PORT_START;
    CHECK(c.decode(s).kind == AlsaCodec::Decoded::Kind::NotMidi);
    s.type = SND_SEQ_EVENT_ECHO;
    CHECK(c.decode(s).count == 0);
}

TEST_CASE("SysEx leaves in pieces that put together make the message") {
    AlsaCodec c;
    std::vector<uint8_t> bytes = {0xF0};
    for (int i = 0; i < 1000; ++i) bytes.push_back(static_cast<uint8_t>(i % 128));
    bytes.push_back(0xF7);
    engine::Event e = ev(engine::SYSEX, 0, 0, 0, 0);
    e.sysex = bytes.data();
    e.sysex_size = static_cast<uint32_t>(bytes.size());
    const auto out = encode(c, e);
    CHECK(out.size() == (bytes.size() + AlsaCodec::sysex_piece - 1) / AlsaCodec::sysex_piece);
    std::vector<uint8_t> joined;
    for (const snd_seq_event_t& s : out) {
        CHECK(s.type == SND_SEQ_EVENT_SYSEX);
        CHECK(snd_seq_ev_is_variable(&s));
        CHECK(s.data.ext.len <= AlsaCodec::sysex_piece);
        const auto* p = static_cast<const uint8_t*>(s.data.ext.ptr);
        joined.insert(joined.end(), p, p + s.data.ext.len);
    }
    CHECK(joined == bytes);
    // A short one is one event.
    const uint8_t small[] = {0xF0, 0x7E, 0xF7};
    e.sysex = small;
    e.sysex_size = sizeof small;
    CHECK(encode(c, e).size() == 1);
}

TEST_CASE("an event without a MIDI form sends nothing") {
    AlsaCodec c;
    int sent = 0;
    CHECK_FALSE(c.encode(ev(engine::DUMMY, 0, 0, 0, 0), [&](snd_seq_event_t&) { ++sent; }));
    CHECK(sent == 0);
}

TEST_CASE("the room an event takes in a receiver's queue: one cell, and one per 28 bytes of SysEx") {
    AlsaCodec c;
    CHECK(drivers::AlsaOutput::cells(encode(c, ev(engine::NOTEON, 0, 0, 60, 100)).at(0)) == 1);
    std::vector<uint8_t> bytes(AlsaCodec::sysex_piece, 0x11);
    bytes.front() = 0xF0;
    bytes.back() = 0xF7;
    engine::Event e = ev(engine::SYSEX, 0, 0, 0, 0);
    for (uint32_t size : {2u, 28u, 29u, 256u}) {
        CAPTURE(size);
        e.sysex = bytes.data();
        e.sysex_size = size;
        CHECK(drivers::AlsaOutput::cells(encode(c, e).at(0)) == 1 + (size + 27) / 28);
    }
}
