// Hot reload's engine swap: the new engine takes over at a cycle start in the current scene;
// note-offs and pedal releases of what began under the old engine still go through it; the old
// engine is handed back once nothing it started is held.
#include <doctest/doctest.h>

#include "drivers/engine_swap.h"
#include "drivers/text_events.h"
#include "lang/check.h"
#include "lang/compile.h"
#include "support/make_event.h"

using namespace mdc;

namespace {

engine::Program program_of(const std::string& body) {
    auto c = compile_source("swap.mdp", "from mididings import *\n" + body + "\n");
    REQUIRE_MESSAGE(c->diags.error_count() == 0, render_all(c->diags, c->sources));
    ProgramResult r = compile_program(*c, 2);
    REQUIRE(r.program);
    return std::move(*r.program);
}

std::string text(std::span<const engine::Event> events) {
    std::string s;
    for (const engine::Event& e : events) s += (s.empty() ? "" : " ") + drivers::format_event(e, 1);
    return s;
}

constexpr auto ev = testing::make_event;

}  // namespace

TEST_CASE("engine swap: held notes and pedals release through the engine that started them") {
    engine::Program p1 = program_of("run(Transpose(12))"), p2 = program_of("run(Transpose(24))");
    engine::Engine e1(p1), e2(p2);
    e1.start();
    drivers::EngineSwap swap(&e1, 1);
    auto run = [&](const engine::Event& in) { return text(swap.route(in).process(in)); };
    CHECK(run(ev(engine::NOTEON, 0, 0, 60, 100)) == "NoteOnEvent(1, 1, 72, 100)");
    CHECK(run(ev(engine::CTRL, 0, 0, 64, 127)) == "CtrlEvent(1, 1, 64, 127)");
    CHECK(swap.offer(&e2));
    CHECK_FALSE(swap.offer(&e1));  // one takeover at a time
    CHECK(swap.begin_cycle(0, [](std::span<const engine::Event>) {}));
    CHECK(&swap.current() == &e2);
    CHECK(run(ev(engine::NOTEON, 0, 0, 62, 100)) == "NoteOnEvent(1, 1, 86, 100)");
    CHECK(run(ev(engine::NOTEOFF, 0, 0, 60, 0)) == "NoteOffEvent(1, 1, 72, 0)");  // the old program's note
    CHECK(swap.take_retired() == nullptr);  // the pedal is still down under the old program
    CHECK(run(ev(engine::CTRL, 0, 0, 64, 0)) == "CtrlEvent(1, 1, 64, 0)");
    CHECK(swap.take_retired() == nullptr);  // the caller of route() still processes with it in this cycle
    CHECK_FALSE(swap.begin_cycle(1, [](std::span<const engine::Event>) {}));
    CHECK(swap.take_retired() == &e1);
    CHECK(run(ev(engine::NOTEOFF, 0, 0, 62, 0)) == "NoteOffEvent(1, 1, 86, 0)");
}

TEST_CASE("engine swap: the new engine starts in the scene that was current, or its initial one") {
    engine::Program p1 = program_of("run(scenes={1: Pass(), 2: Pass()}, control=Filter(PROGRAM) >> SceneSwitch())");
    engine::Program p2 = program_of("run(scenes={1: Init(Ctrl(7, 1)) >> Pass(), 2: Init(Ctrl(7, 2)) >> Pass()})");
    engine::Program p3 = program_of("run(scenes={5: Init(Ctrl(7, 5)) >> Pass()})");
    engine::Engine e1(p1), e2(p2), e3(p3);
    e1.start();
    drivers::EngineSwap swap(&e1, 1);
    swap.route(ev(engine::PROGRAM, 0, 0, 0, 1)).process(ev(engine::PROGRAM, 0, 0, 0, 1));  // to scene 2
    CHECK(e1.current_scene() == 1);
    std::string out;
    CHECK(swap.offer(&e2));
    swap.begin_cycle(0, [&](std::span<const engine::Event> events) { out = text(events); });
    CHECK(out == "CtrlEvent(1, 1, 7, 2)");
    CHECK(swap.take_retired() == &e1);  // nothing was held
    CHECK(swap.offer(&e3));
    swap.begin_cycle(0, [&](std::span<const engine::Event> events) { out = text(events); });
    CHECK(out == "CtrlEvent(1, 1, 7, 5)");  // scene 2 is gone: the initial scene
}
