// Each IR pass pinned on small graphs: the structure before and after, and the verifier after
// every pass (including on every example and golden patch, through `mdc dump --stage opt`).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "lang/compile.h"
#include "lang/ir.h"
#include "lang/parse.h"
#include "lang/passes/pass.h"

using namespace mdc;

namespace {

std::unique_ptr<Compilation> compile(const std::string& body) {
    auto c = compile_source("t.mdp", "from mididings import *\n" + body + "\n");
    REQUIRE_MESSAGE(c->diags.error_count() == 0, render_all(c->diags, c->sources));
    return c;
}

// The graph's shape after running one pass (verified).
std::string after(const std::string& body, std::string_view pass, bool expect_change = true) {
    auto c = compile(body);
    const ir::PassInfo* p = ir::find_pass(pass);
    REQUIRE(p != nullptr);
    const ir::PassInfo* list[] = {p};
    ir::PassReport r = ir::run_passes(c->graph, list, true);
    CHECK_MESSAGE(r.error.empty(), r.error);
    CHECK(r.changed.empty() == !expect_change);
    std::string s = ir::print_shape(c->graph);
    return s.substr(0, s.size() - 1);
}

std::string before(const std::string& body) {
    auto c = compile(body);
    std::string s = ir::print_shape(c->graph);
    return s.substr(0, s.size() - 1);
}

}  // namespace

TEST_CASE("flatten splices nested chains and same-kind forks, and unwraps one-element chains") {
    CHECK(before("run(Chain(Chain(Transpose(1), Channel(2)), Port(1)))") ==
          "patch: Chain[Chain[Transpose(offset=1), Channel(channel=2)], Port(port=1)]");
    CHECK(after("run(Chain(Chain(Transpose(1), Channel(2)), Port(1)))", "flatten") ==
          "patch: Chain[Transpose(offset=1), Channel(channel=2), Port(port=1)]");
    CHECK(after("run(Fork([Fork([Pass(), Transpose(1)]), Channel(2)]))", "flatten") ==
          "patch: Fork[Pass(), Transpose(offset=1), Channel(channel=2)]");
    // A fork that keeps duplicates stays a fork of its own inside a deduplicating one.
    CHECK(after("run(Fork([Fork([Pass(), Pass()], remove_duplicates=False), Channel(2)]))", "flatten", false) ==
          "patch: Fork[Fork!dedup[Pass(), Pass()], Channel(channel=2)]");
    CHECK(after("run(Chain(Transpose(1)))", "flatten") == "patch: Transpose(offset=1)");
    CHECK(after("run(Chain(Chain(Chain(Chain(Transpose(1), Port(1))), Port(2))))", "flatten") ==
          "patch: Chain[Transpose(offset=1), Port(port=1), Port(port=2)]");
}

TEST_CASE("fold-modifiers merges neighbours that compose") {
    CHECK(after("run(Transpose(3) >> Transpose(4))", "fold-modifiers") == "patch: Chain[Transpose(offset=7)]");
    CHECK(after("run(Transpose(octaves=1) >> Transpose(-2))", "fold-modifiers") == "patch: Chain[Transpose(offset=10)]");
    CHECK(after("run(Channel(2) >> Channel(5) >> Port(1))", "fold-modifiers") == "patch: Chain[Channel(channel=5), Port(port=1)]");
    CHECK(after("run(Transpose(12) >> Key(60))", "fold-modifiers") == "patch: Chain[Key(note=60)]");
    CHECK(after("run(Velocity(10) >> Velocity(-4))", "fold-modifiers") == "patch: Chain[Velocity(offset=6)]");
    CHECK(after("run(Filter(NOTE|CTRL) >> Filter(CTRL|PROGRAM))", "fold-modifiers") == "patch: Chain[Filter(types=CTRL)]");
    CHECK(after("run(ChannelFilter(1, 2, 3) >> ChannelFilter(2, 3, 4))", "fold-modifiers") ==
          "patch: Chain[ChannelFilter(channels=[2, 3])]");
    // Identities go while something stays.
    CHECK(after("run(Transpose(5) >> Transpose(-5) >> Channel(3))", "fold-modifiers") == "patch: Chain[Channel(channel=3)]");
    CHECK(after("run(Pass() >> Transpose(1))", "fold-modifiers") == "patch: Chain[Transpose(offset=1)]");
}

TEST_CASE("fold-modifiers runs modifiers on constant generators with the engine's functions") {
    CHECK(after("run(Ctrl(7, 100) >> CtrlRange(7, 0, 64))", "fold-modifiers") == "patch: Chain[Ctrl(ctrl=7, value=50)]");
    CHECK(after("run(NoteOn(60, 42) >> Velocity(gamma=2.0) >> Transpose(-12))", "fold-modifiers") ==
          "patch: Chain[NoteOn(note=48, velocity=73)]");
    // A value taken from the incoming event is not a constant; Port and Channel stay units.
    CHECK(after("run(NoteOn(EVENT_NOTE, 100) >> Transpose(12))", "fold-modifiers", false) ==
          "patch: Chain[NoteOn(note=EVENT_DATA1, velocity=100), Transpose(offset=12)]");
    CHECK(after("run(Ctrl(7, 1) >> Channel(2))", "fold-modifiers", false) == "patch: Chain[Ctrl(ctrl=7, value=1), Channel(channel=2)]");
}

TEST_CASE("fold-modifiers leaves what does not compose exactly") {
    // A negative first offset may take velocity to 0 or below, where the second does not apply.
    CHECK(after("run(Velocity(-10) >> Velocity(4))", "fold-modifiers", false) ==
          "patch: Chain[Velocity(offset=-10), Velocity(offset=4)]");
    CHECK(after("run(Transpose(1) >> KeyFilter('c3:c4') >> Transpose(1))", "fold-modifiers", false) ==
          "patch: Chain[Transpose(offset=1), KeyFilter(note_range=(60, 72)), Transpose(offset=1)]");
    CHECK(after("run(Velocity(multiply=2) >> Velocity(multiply=3))", "fold-modifiers", false) ==
          "patch: Chain[Velocity(multiply=2), Velocity(multiply=3)]");
}

TEST_CASE("remove-dead drops what never receives an event") {
    CHECK(after("run(Filter(NOTE) >> KeySplit({'c3:c4': Channel(2), ':c2': Channel(3), None: Pass()}) )", "remove-dead", false) ==
          "patch: Chain[Filter(types=NOTE), KeySplit{(60, 72): Channel(channel=2), (0, 48): Channel(channel=3), else: Pass()}]");
    CHECK(after("run(KeyFilter('c3:c4') >> Filter(NOTE) >> KeySplit({'c5:c6': Channel(2), None: Pass()}))", "remove-dead") ==
          "patch: Chain[KeyFilter(note_range=(60, 72)), Filter(types=NOTE), KeySplit{else: Pass()}]");
    CHECK(after("run(Filter(NOTE) >> Split({NOTE: Pass(), CTRL: Channel(2), None: Port(1)}))", "remove-dead") ==
          "patch: Chain[Filter(types=NOTE), Split{NOTE: Pass()}]");
    CHECK(after("run(Filter(CTRL) >> Filter(NOTE) >> Transpose(1) >> Channel(2))", "remove-dead") ==
          "patch: Chain[Filter(types=CTRL), Filter(types=NOTE)]");
    // Output and Init act when a scene starts, whatever events do: they stay.
    CHECK(after("run(Filter(CTRL) >> Filter(NOTE) >> Output(1, 2, program=3))", "remove-dead", false) ==
          "patch: Chain[Filter(types=CTRL), Filter(types=NOTE), Output(port=1, channel=2, program=3)]");
}

TEST_CASE("drop-dedup turns off duplicate removal only where branches cannot make equal events") {
    CHECK(after("run([Filter(NOTE) >> Channel(1), Filter(CTRL) >> Channel(2)])", "drop-dedup") ==
          "patch: Fork!dedup[Chain[Filter(types=NOTE), Channel(channel=1)], Chain[Filter(types=CTRL), Channel(channel=2)]]");
    CHECK(after("run([Filter(NOTE) >> Channel(1), Filter(NOTE) >> Channel(2)])", "drop-dedup") ==
          "patch: Fork!dedup[Chain[Filter(types=NOTE), Channel(channel=1)], Chain[Filter(types=NOTE), Channel(channel=2)]]");
    // Both branches may pass the same event: duplicates are possible.
    CHECK(after("run([Pass(), Transpose(12)])", "drop-dedup", false) == "patch: Fork[Pass(), Transpose(offset=12)]");
    // System events carry no channel, so different channels do not make them differ.
    CHECK(after("run([Channel(1), Channel(2)])", "drop-dedup", false) == "patch: Fork[Channel(channel=1), Channel(channel=2)]");
    // A branch that may make several events per input could repeat itself.
    CHECK(after("run([Filter(NOTE) >> [Pass(), Pass()], Filter(CTRL)])", "drop-dedup", false) ==
          "patch: Fork[Chain[Filter(types=NOTE), Fork[Pass(), Pass()]], Filter(types=CTRL)]");
}

TEST_CASE("split-tables marks splits that fit a table, and not SysEx splits") {
    CHECK(after("run(ChannelSplit({1: Transpose(1), 2: Transpose(2)}))", "split-tables") ==
          "patch: ChannelSplit@table{[0]: Transpose(offset=1), [1]: Transpose(offset=2)}");
    CHECK(after("run(SysExSplit({'F0 7E': Pass()}))", "split-tables", false) == "patch: SysExSplit{'F0 7E': Pass()}");
}

TEST_CASE("fork-tables marks forks whose branches start with filters") {
    CHECK(after("run([ChannelFilter(1) >> Transpose(1), ChannelFilter(2) >> Transpose(2)])", "fork-tables") ==
          "patch: Fork@table[Chain[ChannelFilter(channels=[1]), Transpose(offset=1)], Chain[ChannelFilter(channels=[2]), Transpose(offset=2)]]");
    CHECK(after("run([~Filter(NOTE), Transpose(2)])", "fork-tables") == "patch: Fork@table[~Filter(types=NOTE), Transpose(offset=2)]");
    // Nothing to look up when no branch starts with a test.
    CHECK(after("run([Transpose(1), Channel(2) >> Filter(NOTE)])", "fork-tables", false) ==
          "patch: Fork[Transpose(offset=1), Chain[Channel(channel=2), Filter(types=NOTE)]]");
}

TEST_CASE("the verifier names what is broken") {
    auto c = compile("run(Transpose(1) >> Channel(2))");
    CHECK(ir::verify(c->graph) == "");
    ir::Graph g = c->graph;
    g.nodes[g.roots[0].node].children.push_back(g.nodes[g.roots[0].node].children[0]);
    CHECK(ir::verify(g).find("reached twice") != std::string::npos);
    ir::Graph h = c->graph;
    h.nodes[h.roots[0].node].in.types = 0;
    CHECK(ir::verify(h).find("stale types") != std::string::npos);
    ir::Graph k = c->graph;
    k.roots[0].node = 9999;
    CHECK(ir::verify(k).find("does not exist") != std::string::npos);
    auto s = compile("run(KeySplit('c3', Pass(), Discard()))");
    ir::Graph split = s->graph;
    split.nodes[split.roots[0].node].children.pop_back();
    CHECK(ir::verify(split).find("branches for 2 keys") != std::string::npos);
}

TEST_CASE("-O2 over every example keeps the IR valid after every pass") {
    std::filesystem::path examples = std::filesystem::path(MDC_SOURCE_DIR) / "examples";
    int count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(examples)) {
        if (entry.path().extension() != ".mdp") continue;
        std::ifstream in(entry.path());
        std::stringstream text;
        text << in.rdbuf();
        auto c = compile_source(entry.path().string(), text.str());
        REQUIRE_MESSAGE(c->diags.error_count() == 0, render_all(c->diags, c->sources));
        ir::PassReport r = ir::optimize(c->graph, true);
        CHECK_MESSAGE(r.error.empty(), std::string(entry.path().string() + ": " + r.error));
        ++count;
    }
    CHECK(count >= 8);
}

namespace {
// The pass must leave the graph as it is (the static types cannot prove the change safe).
void unchanged(const std::string& body, std::string_view pass) {
    CAPTURE(body);
    CHECK(after(body, pass, false) == before(body));
}
}  // namespace

TEST_CASE("types stay sound where events can surprise (review findings)") {
    // What scene switches send goes through post.
    unchanged("run(scenes={1: Scene('a', Filter(NOTE), init_patch=Program(5))}, post=Filter(PROGRAM) >> Channel(2))", "remove-dead");
    // Notes are not clamped between units: -10 comes back as 10.
    unchanged("run(Filter(NOTE) >> Transpose(-20) >> Port(1) >> Transpose(20) >> KeyFilter(upper=20) >> Channel(2))", "remove-dead");
    unchanged("run(Transpose(12) >> Port(1) >> Transpose(-12) >> KeyFilter(116, 128) >> Channel(2))", "remove-dead");
    // A generator on a system event makes an event on channel 0 (user channel 1).
    unchanged("run(Channel(3) >> Program(5) >> ChannelFilter(1) >> Port(1))", "remove-dead");
    unchanged("run([Channel(3) >> Program(5), Channel(1) >> Program(5)])", "drop-dedup");
    unchanged("config(out_ports=64)\nrun(Filter(NOTEON) >> Ctrl(EVENT_NOTE, 1, 7, 100) >> PortFilter(61) >> Port(1))", "remove-dead");
    // Extras: other controllers pass CtrlToSysEx; Panic makes CCs on every channel; latching
    // makes note-offs from note-ons; Harmonize adds notes outside the input range.
    unchanged("from mididings.extra import *\nrun(CtrlToSysEx(7, 'F0 41 10 00 F7', 3) >> Filter(CTRL) >> Channel(2))", "remove-dead");
    unchanged("from mididings.extra import *\nrun(ChannelFilter(1) >> Panic(bypass=False) >> ChannelFilter(2) >> Port(1))", "remove-dead");
    unchanged("from mididings.extra import *\nrun(Filter(NOTEON) >> LatchNotes() >> {NOTEON: Channel(1), NOTEOFF: Channel(2)})", "remove-dead");
    unchanged("from mididings.extra import *\nrun(Filter(NOTE) >> KeyFilter(60, 61) >> Harmonize('c', 'major', 'third') >> KeyFilter(lower=62) >> Transpose(12))", "remove-dead");
    // The keys of a split that drops other types are what keeps them from the else branch.
    unchanged("run(Filter(NOTE) >> CtrlSplit({7: Ctrl(7, 0), None: Transpose(12)}))", "remove-dead");
    unchanged("run(Channel(3) >> ChannelSplit({1: Transpose(12), None: Port(1)}))", "remove-dead");
}

TEST_CASE("the verifier accepts ~ and - of an inverted or negated filter") {
    auto c = compile("run((~ChannelFilter(1)) % Transpose(12))");
    CHECK(ir::verify(c->graph) == "");
    ir::PassReport r = ir::optimize(c->graph, true);
    CHECK_MESSAGE(r.error.empty(), r.error);
}
