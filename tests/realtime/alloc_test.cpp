// Proves the realtime rule for the engine: processing an event allocates nothing. Every global
// operator new is replaced by one that counts calls made while the current thread is inside
// Engine::process (a thread-local flag); a long random stream (every type, SysEx, scene switches,
// hooks with C++ stand-ins for Process, Call/System/Print and mapping taps) must count zero, and so
// must draining the inbox while another thread posts to it.
// Its own executable: the replaced operator new must not touch the other tests. Normal build only.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <new>
#include <sstream>
#include <thread>

#include "drivers/live_host.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"
#include "support/counting_new.h"
#include "support/random_events.h"

using mdc::testing::in_realtime_section;
using mdc::testing::realtime_allocations;

using namespace mdc;

TEST_CASE("the per-event path makes no heap allocation") {
    std::ifstream in(std::string(MDC_SOURCE_DIR) + "/tests/realtime/every_unit.mdp");
    std::stringstream buf;
    buf << in.rdbuf();
    auto c = compile_source("every_unit.mdp", buf.str());
    REQUIRE(c->diags.error_count() == 0);
    for (int level : {0, 2}) {
        ProgramResult r = compile_program(*c, level);
        REQUIRE(r.program);
        struct Counts {
            uint64_t processed = 0, deferred = 0, tapped = 0;
        } counts;
        engine::Hooks h;
        h.context = &counts;
        h.process = [](void* p, int32_t, const engine::Event& e, engine::EventSink& out) {
            ++static_cast<Counts*>(p)->processed;
            static const uint8_t sysex[] = {0xF0, 0x7D, 0x01, 0xF7};
            engine::Event s = e;
            s.type = engine::SYSEX;
            s.sysex = sysex;
            s.sysex_size = sizeof sysex;
            return out.push(e) && out.push(s);  // the SysEx is copied into the engine's arena
        };
        h.enqueue = [](void* p, const engine::Deferred&) {
            ++static_cast<Counts*>(p)->deferred;
            return true;
        };
        h.tap = [](void* p, const engine::Event& e, engine::EventSink& out) {
            ++static_cast<Counts*>(p)->tapped;
            engine::Event t = e;
            t.type = engine::CTRL;
            t.data1 = 20;
            out.push(t);
        };
        engine::Engine engine(*r.program, h);
        auto stream = testing::random_stream(7 + static_cast<uint64_t>(level), 200000, 2);
        uint64_t outputs = 0;
        realtime_allocations = 0;
        in_realtime_section = true;
        outputs += engine.start().size();
        for (const engine::Event& e : stream.events) outputs += engine.process(e).size();
        in_realtime_section = false;
        INFO("level -O" << level);
        CHECK(realtime_allocations.load() == 0);
        // the stream really went everywhere
        CHECK(outputs > stream.events.size());
        CHECK(counts.processed > 1000);
        CHECK(counts.deferred > 1000);
        CHECK(counts.tapped == stream.events.size());
        CHECK(engine.current_scene() >= 0);
    }
}

namespace {
// Counts the handler values the LiveHost's worker hands it (on the worker: not counted).
struct CountingGuest final : drivers::WorkerGuest {
    std::atomic<uint64_t> values{0};
    void start() override {}
    const engine::Program* expected = nullptr;
    std::atomic<uint64_t> strangers{0};  // values naming another program
    void deliver(const engine::Program* from, const drivers::HandlerValue&) override {
        values.fetch_add(1, std::memory_order_relaxed);
        if (from != expected) strangers.fetch_add(1, std::memory_order_relaxed);
    }
    void run_due() override {}
    int sleep_ms(int at_most) override { return at_most; }
    void stop() override {}
};
}  // namespace

TEST_CASE("the live tap of mapping lines makes no heap allocation") {
    // conversions.mdp maps every MIDI channel type both ways, RPN/NRPN in and out, and values into
    // a Python instance: queued for the LiveHost's worker, which hands them to its guest.
    const std::string path = std::string(MDC_SOURCE_DIR) + "/tests/behaviour/midimonster/conversions.mdp";
    std::ifstream in(path);
    std::stringstream buf;
    buf << in.rdbuf();
    auto c = compile_source(path, buf.str());
    REQUIRE(c->diags.error_count() == 0);
    ProgramResult r = compile_program(*c, 2);
    REQUIRE(r.program);
    drivers::MappingTable table(c->checked);
    drivers::LiveHost host({}, false, true);
    CountingGuest guest;
    guest.expected = &*r.program;
    host.set_guest(&guest);
    engine::Engine engine(*r.program, host.hooks(*r.program, nullptr, &table));
    host.start();
    auto stream = testing::random_stream(11, 200000, 2);
    uint64_t outputs = 0;
    realtime_allocations = 0;
    // First without waking the worker: its queue fills and what does not fit is counted.
    for (size_t i = 0; i < stream.events.size(); ++i) {
        in_realtime_section = true;
        outputs += engine.process(stream.events[i]).size();
        in_realtime_section = false;
    }
    CHECK(host.counters().dropped_deferred.load() > 0);
    // Then as a driver runs it: one wake-up at the end of each cycle of 32 events.
    for (size_t i = 0; i < stream.events.size(); ++i) {
        in_realtime_section = true;
        outputs += engine.process(stream.events[i]).size();
        if (i % 32 == 31) host.end_cycle();
        in_realtime_section = false;
    }
    host.stop();
    CHECK(realtime_allocations.load() == 0);
    CHECK(outputs > 1000);  // MIDI-to-MIDI lines (the patch discards everything)
    CHECK(guest.values.load() > 1000);
    CHECK(guest.strangers.load() == 0);
}

TEST_CASE("draining the inbox while another thread posts makes no heap allocation") {
    std::ifstream in(std::string(MDC_SOURCE_DIR) + "/tests/realtime/every_unit.mdp");
    std::stringstream buf;
    buf << in.rdbuf();
    auto c = compile_source("every_unit.mdp", buf.str());
    REQUIRE(c->diags.error_count() == 0);
    ProgramResult r = compile_program(*c, 2);
    REQUIRE(r.program);
    engine::Engine engine(*r.program);
    engine.start();
    engine::EngineInbox inbox(512, 8192);
    auto stream = testing::random_stream(11, 50000, 2);
    std::atomic<bool> done{false};
    std::thread producer([&] {  // not the realtime thread: its allocations are not counted
        uint32_t k = 0;
        for (const engine::Event& e : stream.events) {
            while (!(k % 3 == 0 ? inbox.post_input(e) : k % 3 == 1 ? inbox.post_output(e) : inbox.post_switch(static_cast<int32_t>(k % 4))))
                std::this_thread::yield();
            ++k;
        }
        done = true;
    });
    uint64_t messages = 0, outputs = 0;
    realtime_allocations = 0;
    auto count = [&](std::span<const engine::Event> events) { outputs += events.size(); };
    while (!done.load()) {
        in_realtime_section = true;
        messages += engine.drain(inbox, 0, count);
        in_realtime_section = false;
    }
    producer.join();
    in_realtime_section = true;
    messages += engine.drain(inbox, 0, count);
    in_realtime_section = false;
    CHECK(realtime_allocations.load() == 0);
    CHECK(messages == stream.events.size());
    CHECK(outputs > stream.events.size() / 2);
}

TEST_CASE("the counter sees an allocation in the realtime section") {
    realtime_allocations = 0;
    in_realtime_section = true;
    void* p = ::operator new(16);  // a direct call: new-expressions may be elided
    in_realtime_section = false;
    ::operator delete(p);
    CHECK(realtime_allocations.load() == 1);
}
