// The engine's inbox from other threads: inputs run through the patch, outputs through Sanitize,
// switches take effect; SysEx of any length up to the byte capacity arrives intact; what does not
// fit is refused and counted; and several real producer threads racing a draining engine lose
// nothing and keep each producer's order.
#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "drivers/text_events.h"
#include "engine/engine.h"
#include "engine/inbox.h"
#include "lang/check.h"
#include "lang/compile.h"
#include "support/make_event.h"

using namespace mdc;
using engine::Event;

namespace {

engine::Program program_of(const std::string& text) {
    auto c = compile_source("inbox.mdp", text);
    REQUIRE_MESSAGE(c->diags.error_count() == 0, render_all(c->diags, c->sources));
    ProgramResult r = compile_program(*c, 2);
    REQUIRE(r.program);
    return std::move(*r.program);
}

Event note(int channel, int key, int velocity) { return testing::make_event(engine::NOTEON, 0, channel, key, velocity); }

std::string drain_text(engine::Engine& e, engine::EngineInbox& inbox, uint64_t frame = 0) {
    std::string out;
    e.drain(inbox, frame, [&](std::span<const Event> events) {
        for (const Event& x : events) out += (out.empty() ? "" : " ") + drivers::format_event(x, 1);
    });
    return out;
}

}  // namespace

TEST_CASE("inbox: inputs through the patch, outputs through Sanitize, switches with their init patches") {
    engine::Program p = program_of("from mididings import *\nrun(scenes={1: Transpose(12), 2: Scene('two', Transpose(-12), "
                                   "init_patch=Ctrl(7, 100))})");
    engine::Engine e(p);
    e.start();
    engine::EngineInbox inbox;
    CHECK(inbox.post_input(note(0, 60, 100)));
    CHECK(inbox.post_output(note(0, 60, 100)));
    CHECK(inbox.post_output(note(0, 200, 100)));  // no such note: Sanitize drops it
    CHECK(inbox.post_switch(1));                   // raw scene number: scene 2
    CHECK(inbox.post_input(note(0, 60, 100)));
    CHECK(drain_text(e, inbox) ==
          "NoteOnEvent(1, 1, 72, 100) NoteOnEvent(1, 1, 60, 100) CtrlEvent(1, 1, 7, 100) NoteOnEvent(1, 1, 48, 100)");
    CHECK(e.current_scene() == 1);
    CHECK(drain_text(e, inbox).empty());  // nothing left
    CHECK(inbox.refused() == 0);
}

TEST_CASE("inbox: SysEx of any length up to its capacity arrives intact; what does not fit is refused and counted") {
    engine::Program p = program_of("from mididings import *\nrun(Pass())");
    engine::Engine e(p);
    e.start();
    engine::EngineInbox inbox(4, 10000);
    std::vector<uint8_t> big(9000);
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i % 128);
    big.front() = 0xF0;
    big.back() = 0xF7;
    Event s;
    s.type = engine::SYSEX;
    s.sysex = big.data();
    s.sysex_size = static_cast<uint32_t>(big.size());
    CHECK(inbox.post_output(s));
    CHECK_FALSE(inbox.post_output(s));  // the bytes of two do not fit
    CHECK(inbox.refused() == 1);
    big[1] = 0x55;  // the inbox copied the bytes: changing ours now changes nothing
    std::vector<uint8_t> got;
    e.drain(inbox, 0, [&](std::span<const Event> events) {
        REQUIRE(events.size() == 1);
        got.assign(events[0].sysex, events[0].sysex + events[0].sysex_size);
    });
    REQUIRE(got.size() == 9000);
    CHECK(got[1] == 1);
    CHECK(got[8998] == 8998 % 128);
    // Messages: four fit, the fifth is refused.
    for (int i = 0; i < 4; ++i) CHECK(inbox.post_switch(0));
    CHECK_FALSE(inbox.post_switch(0));
    CHECK(inbox.refused() == 2);
}

TEST_CASE("inbox: producer threads racing the engine lose nothing and keep their order") {
    engine::Program p = program_of("from mididings import *\nrun(Pass())");
    engine::Engine e(p);
    e.start();
    engine::EngineInbox inbox(256, 4096);
    constexpr int producers = 3, per_producer = 20000;
    std::atomic<int> done{0};
    std::vector<std::thread> threads;
    std::vector<int> posted(producers, 0);
    for (int t = 0; t < producers; ++t)
        threads.emplace_back([&, t] {
            const uint8_t sysex[] = {0xF0, 0x7D, static_cast<uint8_t>(t), 0x22, 0x33, 0xF7};  // says who sent it
            for (int i = 0; i < per_producer; ++i) {
                Event x = note(t, i % 128, 1 + (i / 128) % 127);
                if (i % 97 == 0) {  // now and then a SysEx: it must stay with its message
                    x = Event{};
                    x.type = engine::SYSEX;
                    x.sysex = sysex;
                    x.sysex_size = sizeof sysex;
                }
                while (!inbox.post_output(x)) std::this_thread::yield();  // full: retry, as a worker would
                ++posted[static_cast<size_t>(t)];
            }
            done.fetch_add(1);
        });
    std::vector<int> next(producers, 0);
    int received = 0;
    bool in_order = true, intact = true;
    auto check = [&](std::span<const Event> events) {
        for (const Event& x : events) {
            int t = x.type == engine::SYSEX ? x.sysex[2] : x.channel;
            int i = next[static_cast<size_t>(t)]++;
            if (x.type == engine::SYSEX) intact = intact && x.sysex_size == 6 && x.sysex[3] == 0x22 && x.sysex[5] == 0xF7 && i % 97 == 0;
            else in_order = in_order && x.data1 == i % 128 && x.data2 == 1 + (i / 128) % 127;
            ++received;
        }
    };
    while (done.load() < producers) e.drain(inbox, 0, check);
    for (std::thread& t : threads) t.join();
    e.drain(inbox, 0, check);
    CHECK(in_order);
    CHECK(intact);
    CHECK(received == producers * per_producer);
    for (int t = 0; t < producers; ++t) CHECK(next[static_cast<size_t>(t)] == per_producer);
}
