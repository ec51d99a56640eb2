// The SMF codec (drivers/smf_reader.h, smf_writer.h, smf.h): what the reader keeps of each event,
// the merge order, and that a file without a patch comes back byte for byte, for the generated
// test files of the issue (format 0, SMPTE, running status, 300-byte and 64 KiB SysEx, note-on
// velocity 0, many tracks) and the legal oddities (F7 escapes and packets, no End-of-Track,
// running status after a SysEx or meta event, long meta events), and for random files.
#include <doctest/doctest.h>

#include <random>

#include "drivers/smf.h"
#include "drivers/smf_convert.h"
#include "drivers/smf_reader.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"
#include "support/smf_builder.h"

using namespace mdc;
using namespace mdc::testing;
using drivers::SmfKind;
using drivers::StatusForm;

namespace {

// The file through Pass(): what `mdc convert` without a patch writes.
drivers::SmfConversion pass_through(const bytes& in) {
    auto c = compile_source("pass.mdp", "from mididings import *\nrun(Pass())\n");
    ProgramResult r = compile_program(*c, 2, /*any_port=*/true);
    REQUIRE(r.program);
    engine::EngineOptions o;
    o.bound_out_ports = false;
    engine::Engine e(*r.program, {}, o);
    return drivers::convert_smf(in, e);
}

void check_exact(const bytes& in) {
    drivers::SmfConversion c = pass_through(in);
    REQUIRE(c.error == "");
    CHECK(c.warnings.empty());
    CHECK(c.bytes == in);
    CHECK(c.events_out == c.events_in);
}

const bytes tempo = meta(0, 0x51, {0x07, 0xA1, 0x20});

}  // namespace

TEST_CASE("reader: channel messages, running status and how each status byte was written") {
    const bytes file = smf(0, 96, {track(cat({{0x00, 0x90, 60, 100}, {0x00, 64, 90}, tempo, {0x05, 60, 0}, {0x00, 0xC3, 7}, {0x00, 8},
                                              {0x00, 0xE0, 0x00, 0x00}, {0x01, 0xE0, 0x7F, 0x7F}, {0x00, 0x80, 1, 2}}))});
    drivers::SmfFile f = drivers::read_smf(file);
    REQUIRE(f.error == "");
    CHECK(f.format == 0);
    CHECK(f.division == 96);
    REQUIRE(f.tracks.size() == 1);
    const auto& ev = f.tracks[0].events;
    REQUIRE(ev.size() == 9);
    CHECK(f.events == 10);  // End-of-Track counts
    CHECK(ev[0].form == StatusForm::Explicit);
    CHECK(ev[1].form == StatusForm::Running);
    CHECK(ev[1].status == 0x90);
    CHECK(ev[2].kind == SmfKind::Meta);
    CHECK(ev[3].form == StatusForm::RunningAfterOther);
    CHECK(ev[3].tick == 5);
    CHECK(ev[5].form == StatusForm::Running);
    CHECK(ev[5].data1 == 8);
    // As engine events: port = track, frame = tick, a note-on of velocity 0 is a note-off.
    engine::Event x = drivers::smf_engine_event(f, 0, ev[3]);
    CHECK(x.type == engine::NOTEOFF);
    CHECK(x.data1 == 60);
    CHECK(x.frame == 5);
    CHECK(drivers::smf_engine_event(f, 0, ev[5]).type == engine::PROGRAM);
    CHECK(drivers::smf_engine_event(f, 0, ev[5]).data2 == 8);
    CHECK(drivers::smf_engine_event(f, 0, ev[5]).channel == 3);
    CHECK(drivers::smf_engine_event(f, 0, ev[6]).data2 == -8192);
    CHECK(drivers::smf_engine_event(f, 0, ev[7]).data2 == 8191);
    CHECK(f.tracks[0].has_end);
    CHECK(f.tracks[0].end_tick == 6);
    check_exact(file);
}

TEST_CASE("reader: SysEx in one packet, in packets, in escapes; system messages in escapes") {
    bytes big(65534);
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7 % 128);
    big.push_back(0xF7);
    bytes b300(298, 0x11);
    b300.push_back(0xF7);
    const bytes file = smf(0, 96, {track(cat({sysex(0, b300), sysex(1, big), sysex(1, {0xF0, 0x7E, 0x7F, 0x09, 0x01, 0xF7}, 0xF7),
                                              sysex(1, {0x43, 0x12}), sysex(10, {0x43, 0x12}, 0xF7), meta(0, 0x06, {'m'}), sysex(10, {0x00, 0xF7}, 0xF7),
                                              sysex(1, {0xF3, 0x05}, 0xF7), sysex(0, {0xF2, 0x10, 0x20}, 0xF7), sysex(0, {0xF8}, 0xF7)}))});
    drivers::SmfFile f = drivers::read_smf(file);
    REQUIRE(f.error == "");
    const auto& ev = f.tracks[0].events;
    REQUIRE(ev.size() == 10);
    CHECK(ev[0].kind == SmfKind::SysEx);
    CHECK(f.sysex[ev[0].sysex].size == 300);
    CHECK(f.sysex_data(ev[0].sysex)[0] == 0xF0);
    CHECK(f.sysex[ev[1].sysex].size == 65536);
    CHECK(ev[2].kind == SmfKind::SysEx);  // F0 ... F7 in an escape
    CHECK(f.sysex[ev[2].sysex].size == 6);
    // One SysEx in three packets, a meta event between them: the patch sees it whole, at its start.
    CHECK(ev[3].kind == SmfKind::SysEx);
    CHECK(f.sysex[ev[3].sysex].continuations == 2);
    CHECK(ev[4].kind == SmfKind::Continuation);
    CHECK(ev[4].sysex == 3);
    CHECK(ev[5].kind == SmfKind::Meta);
    CHECK(ev[6].kind == SmfKind::Continuation);
    engine::Event x = drivers::smf_engine_event(f, 0, ev[3]);
    CHECK(x.type == engine::SYSEX);
    CHECK(x.frame == 3);
    CHECK(bytes(x.sysex, x.sysex + x.sysex_size) == bytes{0xF0, 0x43, 0x12, 0x43, 0x12, 0x00, 0xF7});
    CHECK(ev[7].kind == SmfKind::System);
    CHECK(drivers::smf_engine_event(f, 0, ev[7]).type == engine::SYSCM_SONGSEL);
    CHECK(drivers::smf_engine_event(f, 0, ev[7]).data1 == 5);
    CHECK(drivers::smf_engine_event(f, 0, ev[8]).type == engine::SYSCM_SONGPOS);
    CHECK(drivers::smf_engine_event(f, 0, ev[8]).data2 == 0x20);
    CHECK(drivers::smf_engine_event(f, 0, ev[9]).type == engine::SYSRT_CLOCK);
    check_exact(file);
}

TEST_CASE("reader: what cannot go through a patch is copied as read, with a warning") {
    // A SysEx that never gets its F7, and an escape that holds two messages.
    const bytes file = smf(0, 96, {track(cat({sysex(0, {0x7E, 0x7F}), {0x00, 0x90, 60, 1}, sysex(0, {0xF8, 0xF8}, 0xF7), sysex(0, {}, 0xF7)}))});
    drivers::SmfFile f = drivers::read_smf(file);
    REQUIRE(f.error == "");
    CHECK(f.tracks[0].events[0].kind == SmfKind::Opaque);
    CHECK(f.tracks[0].events[2].kind == SmfKind::Opaque);
    CHECK(f.tracks[0].events[3].kind == SmfKind::Opaque);
    CHECK(f.warnings == std::vector<std::string>{"track 1, byte 23: a SysEx without its final F7 is copied as read, not run through the patch",
                                                 "track 1, byte 32: an F7 escape that is not one MIDI message is copied as read, not run through the patch"});
    drivers::SmfConversion c = pass_through(file);
    CHECK(c.bytes == file);
}

TEST_CASE("reader: meta events of any length, End-of-Track, divisions and formats") {
    const bytes m129(129, 'a'), m70k(70000, 'c');
    const bytes file = smf(1, 0xE728, {track(cat({meta(0, 0x01, m129), meta(0, 0x7F, m70k), {0x00, 0x90, 60, 1}}), true, 500),
                                       track({0x03, 0x91, 61, 1}, false)});
    drivers::SmfFile f = drivers::read_smf(file);
    REQUIRE(f.error == "");
    CHECK(f.division == 0xE728);  // SMPTE: 25 frames of 40 ticks, kept as it is
    CHECK(f.tracks[0].events[0].size == 2 + 2 + 129);
    CHECK(f.tracks[0].events[1].size == 2 + 3 + 70000);
    CHECK(f.tracks[0].end_tick == 500);
    CHECK(!f.tracks[1].has_end);
    CHECK(f.tracks[1].end_tick == 3);
    // A track without End-of-Track gets one after its last event; nothing else changes.
    drivers::SmfConversion c = pass_through(file);
    CHECK(c.bytes == smf(1, 0xE728, {track(cat({meta(0, 0x01, m129), meta(0, 0x7F, m70k), {0x00, 0x90, 60, 1}}), true, 500),
                                     track({0x03, 0x91, 61, 1})}));
}

TEST_CASE("merge order: time, then track, then position in the track") {
    const bytes file = smf(1, 96, {track(cat({{0x00, 0x90, 1, 1}, {0x05, 0x90, 2, 1}, {0x00, 0x90, 3, 1}})), track(cat({{0x05, 0x90, 4, 1}, {0x00, 0x90, 5, 1}})),
                                   track(cat({{0x00, 0x90, 6, 1}, {0x10, 0x90, 7, 1}}))});
    drivers::SmfFile f = drivers::read_smf(file);
    drivers::SmfMerge merge(f);
    std::vector<int> notes;
    uint32_t t, i;
    while (merge.next(t, i)) notes.push_back(f.tracks[t].events[i].data1);
    CHECK(notes == std::vector<int>{1, 6, 2, 3, 4, 5, 7});
}

TEST_CASE("no patch: the issue's generated files come back byte for byte") {
    // Format 0 with running status and note-ons of velocity 0.
    check_exact(smf(0, 96, {track(cat({tempo, {0x00, 0x90, 60, 100}, {0x00, 64, 90}, {0x60, 60, 0}, {0x00, 64, 0}, {0x00, 0x90, 72, 1}, {0x30, 0x90, 72, 0}}))}));
    // SMPTE divisions.
    check_exact(smf(1, 0xE728, {track(tempo), track(cat({{0x00, 0x91, 50, 90}, {0x87, 0x68, 0x81, 50, 0}}))}));
    check_exact(smf(0, 0xE350, {track(cat({{0x00, 0x90, 50, 90}, {0x10, 50, 0}}))}));
    // Running status after a SysEx and after a meta event (libsmf aborts on the first).
    check_exact(smf(0, 96, {track(cat({{0x00, 0x90, 60, 100}, sysex(0, {0x7E, 0x7F, 0x09, 0x01, 0xF7}), {0x0A, 60, 0}}))}));
    check_exact(smf(0, 96, {track(cat({{0x00, 0xB0, 7, 100}, meta(0, 0x06, {'v'}), {0x0A, 10, 20}}))}));
    // Format 2, an empty file, a track of End-of-Track only, End-of-Track long after the last event.
    check_exact(smf(2, 96, {track({0x00, 0x90, 60, 1}), track({0x03, 0x90, 62, 1}), track({})}));
    check_exact(smf(1, 96, {}));
    check_exact(smf(1, 96, {track({0x00, 0x90, 60, 1}, true, 5000)}));
    // Many tracks.
    bytes many = header(1, 1000, 96);
    for (int t = 0; t < 1000; ++t) {
        const bytes tr = track(cat({vlq(static_cast<uint32_t>(t)), {static_cast<uint8_t>(0x90 | t % 16), static_cast<uint8_t>(t % 128), 1}}));
        many.insert(many.end(), tr.begin(), tr.end());
    }
    check_exact(many);
}

TEST_CASE("no patch: random files, with every form the reader keeps, come back byte for byte") {
    std::mt19937 rng(20240611);
    auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
    for (int file = 0; file < 200; ++file) {
        const uint16_t tracks = static_cast<uint16_t>(1 + pick(6));
        bytes out = header(tracks == 1 && pick(2) ? 0 : 1, tracks, pick(4) ? 96 : 0xE728);
        uint64_t events = 0;
        for (uint16_t t = 0; t < tracks; ++t) {
            bytes body;
            uint8_t status = 0;
            const uint32_t n = pick(60);
            for (uint32_t k = 0; k < n; ++k) {
                const bytes delta = vlq(pick(3) ? pick(100) : pick(1u << 27));
                const uint32_t what = pick(20);
                if (what == 0) {  // a meta event, sometimes long
                    body = cat({body, meta(pick(50), static_cast<uint8_t>(pick(0x2F)), bytes(pick(3) ? pick(10) : 129 + pick(400), 'x'))});
                } else if (what == 1) {  // a SysEx: one packet, an escape, or packets
                    bytes data(pick(300), 0x22);
                    data.push_back(0xF7);
                    if (pick(2)) {
                        body = cat({body, sysex(pick(9), data)});
                    } else if (pick(2)) {
                        data.insert(data.begin(), 0xF0);
                        body = cat({body, sysex(pick(9), data, 0xF7)});
                    } else {
                        body = cat({body, sysex(pick(9), {0x01, 0x02}), sysex(pick(9), {0x03}, 0xF7), sysex(pick(9), data, 0xF7)});
                        events += 2;
                    }
                } else {  // a channel message, with running status when it may
                    static constexpr uint8_t kinds[] = {0x80, 0x90, 0xA0, 0xB0, 0xC0, 0xD0, 0xE0};
                    const uint8_t s = pick(3) == 0 && status ? status : static_cast<uint8_t>(kinds[pick(7)] | pick(16));
                    bytes ev = delta;
                    if (s != status || pick(2)) ev.push_back(s);
                    ev.push_back(static_cast<uint8_t>(pick(128)));
                    if ((s & 0xE0) != 0xC0) ev.push_back(static_cast<uint8_t>(pick(4) ? pick(128) : 0));
                    body = cat({body, ev});
                    status = s;
                }
                ++events;
            }
            const bytes tr = track(body, true, pick(100));
            out.insert(out.end(), tr.begin(), tr.end());
            ++events;
        }
        drivers::SmfConversion c = pass_through(out);
        REQUIRE(c.error == "");
        CHECK(c.events_in == events);
        CHECK(c.bytes == out);
    }
}

TEST_CASE("reader: errors name the track and the byte") {
    auto error = [](const bytes& b) { return drivers::read_smf(b).error; };
    CHECK(error({}) == "the file is empty");
    CHECK(error({'M', 'T', 'h', 'd', 0, 0}) == "byte 6: the file ends inside its header");
    CHECK(error(cat({header(1, 2, 96), track({0x00, 0x90, 60, 1})})) == "byte 30: the file ends after 1 of the 2 tracks its header announces");
    CHECK(error(smf(0, 96, {track({0x00, 0x90, 60, 0x80, 60, 0})})) == "track 1, byte 25: a Note On event is missing a data byte (found byte 80)");
    CHECK(error(smf(0, 96, {chunk("MTrk", {0x00, 0xC0})})) == "track 1, byte 24: the track ends inside a Program Change event");
    CHECK(error(smf(0, 96, {track({0x00, 0x40, 0x40})})) == "track 1, byte 23: data byte 40 where an event should start, with no running status");
    CHECK(error(smf(0, 96, {track({0x00, 0xF4})})) == "track 1, byte 23: status byte F4 is not allowed in a track (system messages need an F7 escape)");
    CHECK(error(smf(0, 96, {chunk("MTrk", {0x00, 0xF0, 0x81})})) == "track 1, byte 25: the track ends inside a SysEx length");
    CHECK(error(smf(0, 96, {chunk("MTrk", {0x00, 0xFF, 0x01, 0x80, 0x80, 0x80, 0x80, 0x00})})) == "track 1, byte 25: a meta event's length is longer than 4 bytes");
}
