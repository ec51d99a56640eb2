// The engine on small programs compiled from patch text: fork order and duplicate removal,
// filters and their ~/- forms, Sanitize, scenes and note-off routing, the hooks with C++
// stand-ins, buffer overflow; and the optimizer's proof obligation: every golden patch gives the
// same output at -O0 and -O2 on a long random stream.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "drivers/text_events.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"
#include "support/make_event.h"
#include "support/random_events.h"

using namespace mdc;
using engine::Event;

namespace {

struct Compiled {
    std::unique_ptr<Compilation> c;
    engine::Program o0, o2;
};

Compiled compile(const std::string& text, const std::string& name = "test.mdp") {
    Compiled out;
    out.c = compile_source(name, text);
    INFO(render_all(out.c->diags, out.c->sources));
    REQUIRE(out.c->diags.error_count() == 0);
    ProgramResult r0 = compile_program(*out.c, 0), r2 = compile_program(*out.c, 2);
    REQUIRE(r0.internal_error == "");
    REQUIRE(r2.internal_error == "");
    REQUIRE(r0.program);
    REQUIRE(r2.program);
    out.o0 = std::move(*r0.program);
    out.o2 = std::move(*r2.program);
    return out;
}

constexpr auto ev = testing::make_event;

std::string text(std::span<const Event> events, int off = 1) {
    std::string s;
    for (const Event& e : events) s += (s.empty() ? "" : " ") + drivers::format_event(e, off);
    return s;
}

// Runs the events through a fresh engine at both levels; both must agree.
std::string run(const std::string& patch, std::vector<Event> in) {
    Compiled c = compile(patch);
    std::string results[2];
    for (int level = 0; level < 2; ++level) {
        engine::Engine e(level ? c.o2 : c.o0);
        std::string out = text(e.start());
        for (const Event& x : in) {
            std::string t = text(e.process(x));
            if (!t.empty()) out += (out.empty() ? "" : " | ") + t;
        }
        results[level] = out;
    }
    CHECK(results[0] == results[1]);
    return results[1];
}

constexpr uint32_t NOTEON = engine::NOTEON, NOTEOFF = engine::NOTEOFF, CTRL = engine::CTRL, PROGRAM = engine::PROGRAM;

}  // namespace

TEST_CASE("forks: input event, then branch order; duplicates removed per input event") {
    // mididings.md 1.4: this vector gives 60, 48, 72, 60.
    CHECK(run("from mididings import *\nrun(Fork([Pass(), Transpose(12)]) >> [Pass(), Transpose(-12)])", {ev(NOTEON, 0, 0, 60, 100)}) ==
          "NoteOnEvent(1, 1, 60, 100) NoteOnEvent(1, 1, 48, 100) NoteOnEvent(1, 1, 72, 100) NoteOnEvent(1, 1, 60, 100)");
    CHECK(run("from mididings import *\nrun([Pass(), Pass()])", {ev(NOTEON, 0, 0, 60, 100)}) == "NoteOnEvent(1, 1, 60, 100)");
    CHECK(run("from mididings import *\nrun(Fork([Pass(), Pass()], remove_duplicates=False))", {ev(NOTEON, 0, 0, 60, 100)}) ==
          "NoteOnEvent(1, 1, 60, 100) NoteOnEvent(1, 1, 60, 100)");
    CHECK(run("from mididings import *\nrun(+Transpose(12))", {ev(CTRL, 0, 0, 7, 1)}) == "CtrlEvent(1, 1, 7, 1)");
    CHECK(run("from mididings import *\nrun([])", {ev(NOTEON, 0, 0, 60, 100)}) == "");
}

TEST_CASE("filters: ~ keeps the other-types rule, - negates everything") {
    std::vector<Event> in = {ev(CTRL, 0, 0, 64, 127), ev(CTRL, 0, 0, 7, 1), ev(NOTEON, 0, 0, 60, 100)};
    CHECK(run("from mididings import *\nrun(CtrlFilter(64))", in) == "CtrlEvent(1, 1, 64, 127)");
    CHECK(run("from mididings import *\nrun(~CtrlFilter(64))", in) == "CtrlEvent(1, 1, 7, 1)");
    CHECK(run("from mididings import *\nrun(-CtrlFilter(64))", in) == "CtrlEvent(1, 1, 7, 1) | NoteOnEvent(1, 1, 60, 100)");
    CHECK(run("from mididings import *\nrun(KeyFilter('c3:c4'))", {ev(NOTEON, 0, 0, 59, 1), ev(NOTEON, 0, 0, 60, 1), ev(NOTEON, 0, 0, 72, 1)}) ==
          "NoteOnEvent(1, 1, 60, 1)");
}

TEST_CASE("splits: else branches, other types, and the table form agree") {
    std::string p = "from mididings import *\nrun(KeySplit({':c3': Channel(2), 'c3:c4': Channel(3), None: Channel(4)}))";
    CHECK(run(p, {ev(NOTEON, 0, 0, 40, 1), ev(NOTEON, 0, 0, 65, 1), ev(NOTEON, 0, 0, 80, 1), ev(CTRL, 0, 0, 1, 1)}) ==
          "NoteOnEvent(1, 2, 40, 1) | NoteOnEvent(1, 3, 65, 1) | NoteOnEvent(1, 4, 80, 1) | CtrlEvent(1, 2, 1, 1) CtrlEvent(1, 3, 1, 1) CtrlEvent(1, 4, 1, 1)");
    // CtrlSplit drops other types even with an else branch
    CHECK(run("from mididings import *\nrun(CtrlSplit({7: Pass(), None: Channel(5)}))", {ev(NOTEON, 0, 0, 60, 1), ev(CTRL, 0, 0, 1, 1)}) ==
          "CtrlEvent(1, 5, 1, 1)");
}

TEST_CASE("fork tables: the key that rules out most branches, and only branches that would drop the event") {
    // Channel filters in front of every branch: one lookup by channel.
    Compiled c = compile("from mididings import *\nrun([ChannelFilter(1) >> Transpose(1), ChannelFilter(2) >> Transpose(2), "
                         "ChannelFilter(2, 3) >> Transpose(3), Transpose(4)])");
    const engine::Instr& root = c.o2.code[static_cast<size_t>(c.o2.scenes[0].patch)];
    REQUIRE(root.op == engine::OpCode::Dispatch);
    CHECK(static_cast<engine::DispatchKey>(root.sub) == engine::DispatchKey::Channel);
    auto mask = [&](uint32_t entry) { return c.o2.masks[static_cast<size_t>(root.c) + entry]; };
    CHECK(mask(0) == 0b1001);
    CHECK(mask(1) == 0b1110);
    CHECK(mask(2) == 0b1100);
    CHECK(mask(5) == 0b1000);
    CHECK(mask(16 + 2) == 0b1000);  // system events: channel filters drop them
    // A type filter among them: one lookup by type.
    Compiled t = compile("from mididings import *\nrun([Filter(NOTE) >> Transpose(1), Filter(CTRL) >> Channel(2), ~Filter(NOTE) >> Port(2), "
                         "ChannelFilter(1) >> Port(3)])");
    const engine::Instr& troot = t.o2.code[static_cast<size_t>(t.o2.scenes[0].patch)];
    REQUIRE(troot.op == engine::OpCode::Dispatch);
    CHECK(static_cast<engine::DispatchKey>(troot.sub) == engine::DispatchKey::Type);
    auto tmask = [&](uint32_t type) { return t.o2.masks[static_cast<size_t>(troot.c) + static_cast<uint32_t>(std::countr_zero(type))]; };
    CHECK(tmask(NOTEON) == 0b1001);
    CHECK(tmask(CTRL) == 0b1110);
    CHECK(tmask(engine::SYSEX) == 0b0100);
    // And the same events come out as from the plain fork (run() compares -O0 with -O2).
    CHECK(run("from mididings import *\nrun([ChannelFilter(1) >> Transpose(1), ChannelFilter(2) >> Transpose(2), "
              "ChannelFilter(2, 3) >> Transpose(3), Transpose(4)])",
              {ev(NOTEON, 0, 0, 60, 1), ev(NOTEON, 0, 1, 60, 1), ev(NOTEON, 0, 2, 60, 1), ev(PROGRAM, 0, 9, 0, 5)}) ==
          "NoteOnEvent(1, 1, 61, 1) NoteOnEvent(1, 1, 64, 1) | NoteOnEvent(1, 2, 62, 1) NoteOnEvent(1, 2, 63, 1) NoteOnEvent(1, 2, 64, 1) | "
          "NoteOnEvent(1, 3, 63, 1) NoteOnEvent(1, 3, 64, 1) | ProgramEvent(1, 10, 6)");
}

TEST_CASE("Sanitize: drops what names nothing, clamps values") {
    CHECK(run("from mididings import *\nrun(Transpose(100))", {ev(NOTEON, 0, 0, 60, 1), ev(engine::POLY_AFTERTOUCH, 0, 0, 60, 1)}) == "");
    CHECK(run("from mididings import *\nrun(Velocity(+100))", {ev(NOTEON, 0, 0, 60, 100)}) == "NoteOnEvent(1, 1, 60, 127)");
    CHECK(run("from mididings import *\nrun(Port(2))", {ev(NOTEON, 0, 0, 60, 100)}) == "");  // one output port
    CHECK(run("from mididings import *\nrun(Pitchbend(-8192))", {ev(NOTEON, 0, 0, 60, 100)}) == "PitchbendEvent(1, 1, -8192)");
}

TEST_CASE("scenes: switches after the event, exit before init, note-offs to the scene of the note-on") {
    std::string p =
        "from mididings import *\n"
        "run(scenes={1: Scene('a', Channel(1), init_patch=Ctrl(1, 1), exit_patch=Ctrl(2, 2)),\n"
        "            2: Scene('b', Channel(2), init_patch=Ctrl(3, 3))},\n"
        "    control=Filter(PROGRAM) >> SceneSwitch(), pre=~Filter(PROGRAM))";
    CHECK(run(p, {ev(NOTEON, 0, 5, 60, 100), ev(PROGRAM, 0, 0, 0, 1), ev(NOTEOFF, 0, 5, 60, 0), ev(NOTEON, 0, 5, 61, 100)}) ==
          "CtrlEvent(1, 1, 1, 1) | NoteOnEvent(1, 1, 60, 100) | CtrlEvent(1, 1, 2, 2) CtrlEvent(1, 1, 3, 3) | "
          "NoteOffEvent(1, 1, 60, 0) | NoteOnEvent(1, 2, 61, 100)");
}

TEST_CASE("SubSceneSwitch wraps without dividing by zero") {
    std::string p = "from mididings import *\nrun(scenes={1: SceneGroup('g', [Channel(1), Channel(2), Channel(3)])},\n"
                    "    control=Filter(CTRL) >> SubSceneSwitch(offset=-1))";
    CHECK(run(p, {ev(CTRL, 0, 0, 1, 1), ev(NOTEON, 0, 0, 60, 1)}) == "CtrlEvent(1, 1, 1, 1) | NoteOnEvent(1, 3, 60, 1)");
}

TEST_CASE("hooks: Process replaces events, taps add after the scene path, Call consumes") {
    Compiled c = compile("from mididings import *\nimport os\nrun([Process(lambda ev: ev), Call(lambda ev: None)])");
    struct Ctx {
        int calls = 0;
        int enqueued = 0;
    } ctx;
    engine::Hooks h;
    h.context = &ctx;
    h.process = [](void* p, int32_t, const Event& in, engine::EventSink& out) {
        ++static_cast<Ctx*>(p)->calls;
        Event a = in, b = in;
        b.data1 += 1;
        return out.push(a) && out.push(b);
    };
    h.enqueue = [](void* p, const engine::Deferred&) {
        ++static_cast<Ctx*>(p)->enqueued;
        return true;
    };
    h.tap = [](void*, const Event& in, engine::EventSink& out) {
        Event t = in;
        t.type = CTRL;
        t.data1 = 9;
        out.push(t);
    };
    engine::Engine e(c.o2, h);
    e.start();
    CHECK(text(e.process(ev(NOTEON, 0, 0, 60, 100))) == "NoteOnEvent(1, 1, 60, 100) NoteOnEvent(1, 1, 61, 100) CtrlEvent(1, 1, 9, 100)");
    CHECK(ctx.calls == 1);
    CHECK(ctx.enqueued == 1);
}

TEST_CASE("a full buffer drops and counts, never crashes") {
    Compiled c = compile("from mididings import *\nrun(Fork([Transpose(i) for i in range(100)]) >> Fork([Channel(c) for c in range(1, 17)]))");
    engine::EngineOptions o;
    o.max_events = 256;
    engine::Engine e(c.o0, {}, o);
    e.start();
    auto out = e.process(ev(NOTEON, 0, 0, 0, 100));
    CHECK(out.size() <= 256);
    CHECK(e.stats().overflow > 0);
}

TEST_CASE("-O0 and -O2 give the same output on every golden patch") {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (const char* dir : {"examples", "tests/golden", "tests/accept", "tests/warnings"})
        for (const auto& entry : fs::directory_iterator(fs::path(MDC_SOURCE_DIR) / dir))
            if (entry.path().extension() == ".mdp") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    size_t compared = 0;
    for (const fs::path& f : files) {
        std::ifstream in(f);
        std::stringstream buf;
        buf << in.rdbuf();
        auto c = compile_source(f.string(), buf.str());
        if (c->diags.error_count() > 0) continue;
        ProgramResult r0 = compile_program(*c, 0), r2 = compile_program(*c, 2);
        CHECK(r2.internal_error == "");
        if (!r0.program || !r2.program) continue;  // units the engine cannot run yet (mididings.extra)
        int ports = static_cast<int>(c->checked.config.in_ports.size());
        auto stream = testing::random_stream(std::hash<std::string>{}(f.filename().string()), 20000, std::max(ports, 1));
        engine::Engine a(*r0.program), b(*r2.program);
        INFO(f.string());
        REQUIRE(text(a.start()) == text(b.start()));
        for (size_t i = 0; i < stream.events.size(); ++i) {
            auto x = a.process(stream.events[i]);
            std::string ta = text(x);
            std::string tb = text(b.process(stream.events[i]));
            if (ta != tb) {
                INFO("event " << i << ": " << drivers::format_event(stream.events[i], 1));
                REQUIRE(ta == tb);
            }
        }
        ++compared;
    }
    CHECK(compared >= 40);
}

TEST_CASE("the clock turns frames into nanoseconds: as they are, at a sample rate, through a tempo map") {
    CHECK(engine::Clock().ns(123456789) == 123456789);
    const engine::Clock jack = engine::Clock::samples(48000);
    CHECK(jack.ns(48000) == 1'000'000'000);
    CHECK(jack.ns(4800) == 100'000'000);
    CHECK(jack.ns(1) == 20833);  // 20833.3 ns, truncated
    // division 480: 120 bpm, then 240 bpm from tick 960 (1 s)
    const engine::Clock tempo({{0, 0, 500'000'000, 480}, {960, 1'000'000'000, 250'000'000, 480}});
    CHECK(tempo.ns(48) == 50'000'000);
    CHECK(tempo.ns(960) == 1'000'000'000);
    CHECK(tempo.ns(960 + 144) == 1'075'000'000);
    CHECK(engine::seconds_to_ns(0.1) == 100'000'000);
    CHECK(engine::seconds_to_ns(0.3) == 300'000'000);
}
