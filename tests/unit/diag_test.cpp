// Diagnostics tests: rendering (location, source line, caret and '~' span, tabs, UTF-8 columns,
// notes with and without a location, help), source-order sorting in render_all, dropping of
// identical diagnostics, error/warning counts, and the "did you mean" matcher.
#include <doctest/doctest.h>

#include "lang/diag.h"

using namespace mdc;

namespace {

// The span of the n-th occurrence of `needle` in file `f` of `sources`.
Span find_span(const SourceSet& sources, uint32_t f, std::string_view needle, int occurrence = 0) {
    std::string_view text = sources.file(f).text();
    size_t at = text.find(needle);
    for (int i = 0; i < occurrence && at != std::string_view::npos; ++i) at = text.find(needle, at + 1);
    REQUIRE_MESSAGE(at != std::string_view::npos, "needle not found: " << needle);
    return {f, static_cast<uint32_t>(at), static_cast<uint32_t>(at + needle.size())};
}

// A caret line's marks under a span of n characters: '^' and n-1 '~'.
std::string marks(size_t n) { return "^" + std::string(n - 1, '~'); }

}  // namespace

// ---- source positions ------------------------------------------------------------------------

TEST_CASE("line and column lookup counts lines from 1 and columns in code points") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "ab\nc\xc3\xa9" "d\n\tx\n");
    const SourceFile& file = sources.file(f);
    CHECK(file.line_col(0).line == 1);
    CHECK(file.line_col(0).col == 1);
    CHECK(file.line_col(1).col == 2);
    CHECK(file.line_col(3).line == 2);
    CHECK(file.line_col(3).col == 1);
    // 'd' follows the two bytes of U+00E9: byte 6, code point column 3
    CHECK(file.line_col(6).line == 2);
    CHECK(file.line_col(6).col == 3);
    // a tab counts as one column
    CHECK(file.line_col(9).line == 3);
    CHECK(file.line_col(9).col == 2);
    CHECK(file.line_text(1) == "ab");
    CHECK(file.line_text(2) == "c\xc3\xa9" "d");
    CHECK(file.line_text(3) == "\tx");
    CHECK(file.line_text(99) == "");
    CHECK(sources.text({f, 0, 2}) == "ab");
    CHECK(sources.text({}) == "");
}

TEST_CASE("CRLF line endings are not part of the shown line") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "run(x)\r\nnext\r\n");
    CHECK(sources.file(f).line_text(1) == "run(x)");
    CHECK(sources.file(f).line_text(2) == "next");
}

// ---- rendering -----------------------------------------------------------------------------

TEST_CASE("an error renders as file:line:col, the source line and a caret with '~' under the span") {
    SourceSet sources;
    uint32_t f = sources.add("patch.mdp", "from mididings import *\nrun(Tranpose(12))\n");
    DiagSink diags;
    Span s = find_span(sources, f, "Tranpose");
    diags.error(s, "unknown name 'Tranpose'");
    CHECK(render(diags.all()[0], sources) ==
          "patch.mdp:2:5: error: unknown name 'Tranpose'\n"
          "run(Tranpose(12))\n"
          "    " + marks(8) + "\n");
}

TEST_CASE("a one-character span and an empty span both get a single caret") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "x = (1, 2\n");
    DiagSink diags;
    diags.error({f, 4, 5}, "one");
    diags.error({f, 9, 9}, "empty at end of line");
    CHECK(render(diags.all()[0], sources) == "t.mdp:1:5: error: one\nx = (1, 2\n    ^\n");
    CHECK(render(diags.all()[1], sources) == "t.mdp:1:10: error: empty at end of line\nx = (1, 2\n         ^\n");
}

TEST_CASE("a span running over several lines is underlined to the end of its first line") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "run([Pass(),\n     Discard()])\n");
    DiagSink diags;
    Span s = {f, 4, static_cast<uint32_t>(std::string_view("run([Pass(),\n     Discard()]").size())};
    diags.error(s, "multi-line");
    CHECK(render(diags.all()[0], sources) ==
          "t.mdp:1:5: error: multi-line\n"
          "run([Pass(),\n"
          "    " + marks(8) + "\n");
}

TEST_CASE("warnings render with 'warning:'") {
    SourceSet sources;
    uint32_t f = sources.add("w.mdp", "Pass()\n");
    DiagSink diags;
    diags.warning(find_span(sources, f, "Pass()"), "this patch is built but never used");
    CHECK(render(diags.all()[0], sources) ==
          "w.mdp:1:1: warning: this patch is built but never used\n"
          "Pass()\n" +
          marks(6) + "\n");
}

TEST_CASE("tabs before the span are kept in the caret line so it lines up") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "x = [\n\t\tFoo(1),\n]\n");
    DiagSink diags;
    diags.error(find_span(sources, f, "Foo"), "unknown name 'Foo'");
    CHECK(render(diags.all()[0], sources) ==
          "t.mdp:2:3: error: unknown name 'Foo'\n"
          "\t\tFoo(1),\n"
          "\t\t" + marks(3) + "\n");
}

TEST_CASE("mixed tabs and spaces are copied one for one") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", " \t x\n");
    DiagSink diags;
    diags.error(find_span(sources, f, "x"), "here");
    CHECK(render(diags.all()[0], sources) == "t.mdp:1:4: error: here\n \t x\n \t ^\n");
}

TEST_CASE("UTF-8 text before the span counts one column per character") {
    SourceSet sources;
    // 'é' (2 bytes) and '→' (3 bytes) before the span
    uint32_t f = sources.add("t.mdp", "s = '\xc3\xa9\xe2\x86\x92' + Bad\n");
    DiagSink diags;
    diags.error(find_span(sources, f, "Bad"), "unknown name 'Bad'");
    CHECK(render(diags.all()[0], sources) ==
          "t.mdp:1:12: error: unknown name 'Bad'\n"
          "s = '\xc3\xa9\xe2\x86\x92' + Bad\n"
          "           " + marks(3) + "\n");
}

TEST_CASE("a span over UTF-8 text gets one mark per character") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "x = '\xc3\xa9\xc3\xa9\xc3\xa9'\n");
    DiagSink diags;
    diags.error(find_span(sources, f, "'\xc3\xa9\xc3\xa9\xc3\xa9'"), "string");
    CHECK(render(diags.all()[0], sources) ==
          "t.mdp:1:5: error: string\n"
          "x = '\xc3\xa9\xc3\xa9\xc3\xa9'\n"
          "    " + marks(5) + "\n");
}

TEST_CASE("notes with a location show their own snippet; notes without one are a single line") {
    SourceSet sources;
    uint32_t f = sources.add("m.mdp", "def Layer(ch): return Channel(ch)\nrun(Layer())\n");
    DiagSink diags;
    diags.error(find_span(sources, f, "Layer()"), "'Layer' is missing its argument 'ch'")
        .note("'Layer' is defined here", find_span(sources, f, "Layer"))
        .note("a patch macro is 'def Name(args): return patch-expression'");
    CHECK(render(diags.all()[0], sources) ==
          "m.mdp:2:5: error: 'Layer' is missing its argument 'ch'\n"
          "run(Layer())\n"
          "    " + marks(7) + "\n"
          "m.mdp:1:5: note: 'Layer' is defined here\n"
          "def Layer(ch): return Channel(ch)\n"
          "    " + marks(5) + "\n"
          "note: a patch macro is 'def Name(args): return patch-expression'\n");
}

TEST_CASE("the help line comes after the notes") {
    SourceSet sources;
    uint32_t f = sources.add("h.mdp", "run(Chanel(1))\n");
    DiagSink diags;
    diags.error(find_span(sources, f, "Chanel"), "unknown name 'Chanel'")
        .with_help("did you mean 'Channel'?")
        .note("names are case-sensitive");
    CHECK(render(diags.all()[0], sources) ==
          "h.mdp:1:5: error: unknown name 'Chanel'\n"
          "run(Chanel(1))\n"
          "    " + marks(6) + "\n"
          "note: names are case-sensitive\n"
          "help: did you mean 'Channel'?\n");
}

TEST_CASE("a diagnostic without a location renders without a snippet") {
    SourceSet sources;
    sources.add("t.mdp", "x\n");
    DiagSink diags;
    diags.error({}, "cannot read the file").with_help("check the path");
    CHECK(render(diags.all()[0], sources) == "error: cannot read the file\nhelp: check the path\n");
}

TEST_CASE("locations name the file the span points into") {
    SourceSet sources;
    uint32_t a = sources.add("a.mdp", "one\n");
    uint32_t b = sources.add("lib/b.mdp", "\n\n  two\n");
    DiagSink diags;
    diags.error(find_span(sources, b, "two"), "in b");
    diags.error(find_span(sources, a, "one"), "in a");
    CHECK(render(diags.all()[0], sources) == "lib/b.mdp:3:3: error: in b\n  two\n  ^~~\n");
    CHECK(render(diags.all()[1], sources) == "a.mdp:1:1: error: in a\none\n^~~\n");
}

// ---- collecting ------------------------------------------------------------------------------

TEST_CASE("render_all sorts diagnostics in source order, files in the order they were added") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "aaa\nbbb\nccc\n");
    uint32_t g = sources.add("u.mdp", "zzz\n");
    DiagSink diags;
    diags.error(find_span(sources, g, "zzz"), "fourth");
    diags.error(find_span(sources, f, "ccc"), "third");
    diags.warning(find_span(sources, f, "aaa"), "first");
    diags.error(find_span(sources, f, "bbb"), "second");
    diags.error({}, "no location comes first");
    std::string out = render_all(diags, sources);
    CHECK(out ==
          "error: no location comes first\n"
          "t.mdp:1:1: warning: first\naaa\n^~~\n"
          "t.mdp:2:1: error: second\nbbb\n^~~\n"
          "t.mdp:3:1: error: third\nccc\n^~~\n"
          "u.mdp:1:1: error: fourth\nzzz\n^~~\n");
    // the sink itself keeps the order of reporting
    CHECK(diags.all()[0].message == "fourth");
}

TEST_CASE("render_all keeps the reporting order of diagnostics at the same position") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "xy\n");
    DiagSink diags;
    diags.error({f, 0, 1}, "first reported");
    diags.error({f, 0, 2}, "second reported");
    diags.warning({f, 0, 1}, "third reported");
    std::string out = render_all(diags, sources);
    size_t a = out.find("first reported"), b = out.find("second reported"), c = out.find("third reported");
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    REQUIRE(c != std::string::npos);
    CHECK(a < b);
    CHECK(b < c);
}

TEST_CASE("render_all of an empty sink is empty") {
    SourceSet sources;
    sources.add("t.mdp", "x\n");
    DiagSink diags;
    CHECK(render_all(diags, sources) == "");
    CHECK(diags.error_count() == 0);
    CHECK(diags.warning_count() == 0);
}

TEST_CASE("an identical diagnostic is reported once, and notes added to the repeat are dropped") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "Foo\n");
    DiagSink diags;
    Span s = find_span(sources, f, "Foo");
    diags.error(s, "unknown name 'Foo'").with_help("did you mean 'For'?");
    diags.error(s, "unknown name 'Foo'").note("a second note").with_help("changed");
    REQUIRE(diags.all().size() == 1);
    CHECK(diags.error_count() == 1);
    CHECK(diags.all()[0].notes.empty());
    CHECK(diags.all()[0].help == "did you mean 'For'?");
    CHECK(render_all(diags, sources) == "t.mdp:1:1: error: unknown name 'Foo'\nFoo\n^~~\nhelp: did you mean 'For'?\n");
}

TEST_CASE("diagnostics that differ in message, span or severity are all kept") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "Foo Bar\n");
    DiagSink diags;
    Span foo = find_span(sources, f, "Foo");
    diags.error(foo, "one");
    diags.error(foo, "two");                      // other message
    diags.error({f, foo.begin, foo.end + 1}, "one");  // other span end
    diags.error(find_span(sources, f, "Bar"), "one"); // other place
    diags.warning(foo, "one");                    // other severity
    CHECK(diags.all().size() == 5);
    CHECK(diags.error_count() == 4);
    CHECK(diags.warning_count() == 1);
}

TEST_CASE("error and warning counts") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "a b c d\n");
    DiagSink diags;
    diags.warning({f, 0, 1}, "w1");
    diags.error({f, 2, 3}, "e1");
    diags.warning({f, 4, 5}, "w2");
    diags.error({f, 6, 7}, "e2").note("a note is not counted");
    diags.error({f, 6, 7}, "e2");  // a repeat is not counted
    CHECK(diags.error_count() == 2);
    CHECK(diags.warning_count() == 2);
    CHECK(diags.all().size() == 4);
}

TEST_CASE("already_reported knows about errors at a position, not warnings") {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", "a b\n");
    DiagSink diags;
    diags.warning({f, 0, 1}, "w");
    CHECK_FALSE(diags.already_reported({f, 0, 1}));
    diags.error({f, 2, 3}, "e");
    CHECK(diags.already_reported({f, 2, 3}));
    CHECK_FALSE(diags.already_reported({f, 0, 1}));
}

// ---- did you mean ----------------------------------------------------------------------------

TEST_CASE("closest_match finds typos") {
    std::vector<std::string_view> units = {"Transpose", "Channel", "Velocity", "KeyFilter", "Port"};
    CHECK(closest_match("Tranpose", units) == "Transpose");   // a letter missing
    CHECK(closest_match("Transpse", units) == "Transpose");
    CHECK(closest_match("Chanel", units) == "Channel");
    CHECK(closest_match("Velocty", units) == "Velocity");
    CHECK(closest_match("KeyFilterr", units) == "KeyFilter"); // a letter too many
    CHECK(closest_match("KeyFiltar", units) == "KeyFilter");  // a wrong letter
}

TEST_CASE("closest_match counts a transposition of neighbours as one edit") {
    std::vector<std::string_view> names = {"Chain", "Channel", "Velocity"};
    CHECK(closest_match("Chian", names) == "Chain");
    CHECK(closest_match("Vleocity", names) == "Velocity");
    // 'Chian' is 1 edit from 'Chain' only by transposition: 2 plain edits would exceed the limit
    // of a 3-letter word, so check that a short word still matches by transposition
    std::vector<std::string_view> shorts = {"abc", "xyz"};
    CHECK(closest_match("bac", shorts) == "abc");
}

TEST_CASE("closest_match prefers a candidate the word abbreviates") {
    std::vector<std::string_view> params = {"port", "channel", "program", "volume", "pan"};
    CHECK(closest_match("prog", params) == "program");
    CHECK(closest_match("vol", params) == "volume");
    CHECK(closest_match("chan", params) == "channel");
    std::vector<std::string_view> scene = {"name", "patch", "init_patch", "exit_patch"};
    CHECK(closest_match("init", scene) == "init_patch");
    // a prefix of two letters is too short to count as an abbreviation
    CHECK(closest_match("pr", std::vector<std::string_view>{"program"}) == "");
}

TEST_CASE("closest_match gives nothing when every candidate is too far") {
    std::vector<std::string_view> units = {"Transpose", "Channel", "Velocity"};
    CHECK(closest_match("xyz", units) == "");
    CHECK(closest_match("Foo", units) == "");
    CHECK(closest_match("Quantize", units) == "");
    CHECK(closest_match("anything", std::vector<std::string_view>{}) == "");
    // 6 letters allow 2 edits, not 3
    CHECK(closest_match("abcdef", std::vector<std::string_view>{"abcdxy"}) == "abcdxy");
    CHECK(closest_match("abcdef", std::vector<std::string_view>{"abcxyz"}) == "");
}

TEST_CASE("closest_match suggests the right case, but never the word itself") {
    std::vector<std::string_view> units = {"Transpose", "Channel"};
    CHECK(closest_match("transpose", units) == "Transpose");
    CHECK(closest_match("CHANNEL", units) == "Channel");
    CHECK(closest_match("Channel", units) == "");
}

TEST_CASE("closest_match takes the nearest candidate, the first on a tie") {
    std::vector<std::string_view> names = {"Velocity", "VelocityFilter", "VelocityLimit", "VelocitySplit"};
    CHECK(closest_match("VelocityLimt", names) == "VelocityLimit");
    CHECK(closest_match("VelocitySpilt", names) == "VelocitySplit");
    CHECK(closest_match("cat", std::vector<std::string_view>{"bat", "cut"}) == "bat");
    CHECK(closest_match("cat", std::vector<std::string_view>{"cut", "bat"}) == "cut");
}

TEST_CASE("closest_match works on owned strings too") {
    std::vector<std::string> names = {"keys", "synth", "pads"};
    CHECK(closest_match("synht", names) == "synth");
    CHECK(closest_match("drums", names) == "");
}
