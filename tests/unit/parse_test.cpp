// Parser tests: precedence and grouping (printed fully parenthesised), every statement form,
// literals, and syntax errors with their positions.
#include <doctest/doctest.h>

#include "lang/parse.h"

using namespace mdc;

namespace {

struct Parsed {
    std::string ast;
    std::string errors;
};

Parsed parse_text(const std::string& text, bool statements = false) {
    SourceSet sources;
    uint32_t f = sources.add("t.mdp", text);
    DiagSink diags;
    ast::Module m = parse_module(sources, f, diags);
    std::string out;
    for (const ast::Stmt& s : m.body) {
        if (statements) break;
        if (auto* e = std::get_if<ast::ExprStmt>(&s.node)) out += ast::print_expr(*e->value) + "\n";
    }
    return {out.empty() ? ast::print(m, sources) : out, render_all(diags, sources)};
}

std::string expr(const std::string& text) {
    Parsed p = parse_text(text + "\n");
    CHECK_MESSAGE(p.errors.empty(), p.errors);
    std::string s = p.ast;
    if (!s.empty() && s.back() == '\n') s.pop_back();
    return s;
}

std::string first_error(const std::string& text) {
    Parsed p = parse_text(text);
    return p.errors.substr(0, p.errors.find('\n'));
}

}  // namespace

TEST_CASE("operator precedence follows Python") {
    CHECK(expr("a >> b // c") == "(a >> (b // c))");
    CHECK(expr("a | b & c") == "(a | (b & c))");
    CHECK(expr("a ^ b | c") == "((a ^ b) | c)");
    CHECK(expr("a & b >> c") == "(a & (b >> c))");
    CHECK(expr("a >> b + c") == "(a >> (b + c))");
    CHECK(expr("a + b * c") == "(a + (b * c))");
    CHECK(expr("-a ** b") == "(-(a ** b))");
    CHECK(expr("a ** -b") == "(a ** (-b))");
    CHECK(expr("a ** b ** c") == "(a ** (b ** c))");
    CHECK(expr("~F % X") == "((~F) % X)");
    CHECK(expr("a >> b >> c") == "((a >> b) >> c)");
    CHECK(expr("a - b - c") == "((a - b) - c)");
    CHECK(expr("not a or b and c") == "((not a) or (b and c))");
    CHECK(expr("a if b else c if d else e") == "(a if b else (c if d else e))");
    CHECK(expr("a < b < c") == "(a < b < c)");
    CHECK(expr("(a in b) == c") == "((a in b) == c)");  // parentheses end a chain
    CHECK(expr("a == (b < c)") == "(a == (b < c))");
    CHECK(expr("x not in y") == "(x not in y)");
    CHECK(expr("x is not None") == "(x is not None)");
    CHECK(expr("(a >> b) // c") == "((a >> b) // c)");
    CHECK(expr("+a") == "(+a)");
}

TEST_CASE("atoms, displays and trailers") {
    CHECK(expr("0x7F") == "127");
    CHECK(expr("1_000") == "1000");
    CHECK(expr("0o17") == "15");
    CHECK(expr("0b101") == "5");
    CHECK(expr("1.5e3") == "1500");
    CHECK(expr(".5") == "0.5");
    CHECK(expr("'a\\tb'") == "'a\\tb'");
    CHECK(expr("'ab' \"cd\"") == "'abcd'");
    CHECK(expr("r'\\d'") == "'\\\\d'");
    CHECK(expr("'\\x41\\u00e9'") == "'A\xc3\xa9'");
    CHECK(expr("'''multi\nline'''") == "'multi\\nline'");
    CHECK(expr("()") == "()");
    CHECK(expr("(1,)") == "(1,)");
    CHECK(expr("(1, 2)") == "(1, 2)");
    CHECK(expr("[1, 2,]") == "[1, 2]");
    CHECK(expr("{1: a, 2: b}") == "{1: a, 2: b}");
    CHECK(expr("{}") == "{}");
    CHECK(expr("{a, b}") == "{a, b}");
    CHECK(expr("[c for c in range(1, 5) if c > 2]") == "[c for c in range(1, 5) if (c > 2)]");
    CHECK(expr("{k: v for k, v in x}") == "{k: v for k, v in x}");
    CHECK(expr("f(x for x in y)") == "f((x for x in y))");
    CHECK(expr("f(a, *b, c=1, **d)") == "f(a, *b, **d, c=1)");
    CHECK(expr("a.b.c") == "a.b.c");
    CHECK(expr("x[1]") == "x[1]");
    CHECK(expr("x[1:2]") == "x[1:2]");
    CHECK(expr("x[::2]") == "x[::2]");
    CHECK(expr("x[a, b]") == "x[(a, b)]");
    CHECK(expr("f()(1)[0].a") == "f()(1)[0].a");
    CHECK(expr("None") == "None");
    CHECK(expr("True") == "True");
}

TEST_CASE("newlines inside brackets are whitespace") {
    CHECK(expr("f(1,\n  2,  # comment\n  3)") == "f(1, 2, 3)");
    CHECK(expr("[\n a >>\n b\n]") == "[(a >> b)]");
    CHECK(expr("a + \\\n b") == "(a + b)");
}

TEST_CASE("lambdas are kept as source text") {
    CHECK(expr("Process(lambda ev: ev.note + 1)") == "Process(<lambda 'lambda ev: ev.note + 1'>)");
    CHECK(expr("Process(lambda ev: [ev, f(ev, ')')], x)") == "Process(<lambda 'lambda ev: [ev, f(ev, \\')\\')]'>, x)");
    CHECK(expr("{NOTE: lambda e: e, CTRL: b}") == "{NOTE: <lambda 'lambda e: e'>, CTRL: b}");
    CHECK(expr("lambda: 1") == "<lambda 'lambda: 1'>");
}

TEST_CASE("statements") {
    Parsed p = parse_text(
        "from mididings import *\n"
        "import handlers as h, os.path\n"
        "from handlers import (f,\n   g as gg)\n"
        "x = 1\n"
        "a, b = 1, 2\n"
        "x += 2\n"
        "def Layer(ch, t=0): return Channel(ch) >> Transpose(t)\n"
        "def Block(x):\n"
        "    return Pass()\n"
        "py1.mod.in1 < keys.ch0.cc7\n"
        "py1.out{1..4} > synth.ch{0..3}.cc10\n"
        "a.b <> c.d\n"
        "run(Pass()); x = 2\n", true);
    CHECK(p.errors == "");
    CHECK(p.ast ==
          "   1:1   from mididings import *\n"
          "   2:1   import handlers as h, os.path\n"
          "   3:1   from handlers import f, g as gg\n"
          "   5:1   x = 1\n"
          "   6:1   a, b = (1, 2)\n"
          "   7:1   x += 2\n"
          "   8:1   def Layer(ch, t=0): return (Channel(ch) >> Transpose(t))\n"
          "   9:1   def Block(x): return Pass()\n"
          "  11:1   py1.mod.in1 < keys.ch0.cc7\n"
          "  12:1   py1.out{1..4} > synth.ch{0..3}.cc10\n"
          "  13:1   a.b <> c.d\n"
          "  14:1   run(Pass())\n"
          "  14:14  x = 2\n");
}

TEST_CASE("a def with a Python body is kept as text") {
    Parsed p = parse_text("def f(ev):\n    ev.note += 1\n    return ev\nx = 1\n", true);
    CHECK(p.errors == "");
    CHECK(p.ast == "   1:1   def f(ev): <python body>\n   4:1   x = 1\n");
}

TEST_CASE("syntax errors point at the problem and parsing goes on") {
    CHECK(first_error("x = Transpose(12\ny = 1\n") == "t.mdp:2:1: error: expected ',' or ')', found 'y'");
    CHECK(parse_text("x = Transpose(12\ny = 1\n").errors.find("t.mdp:1:14: note: to match this '('") != std::string::npos);
    CHECK(first_error("x = Transpose(12") == "t.mdp:1:14: error: '(' was never closed");
    CHECK(first_error("x = 'abc\n") == "t.mdp:1:5: error: unterminated string");
    CHECK(first_error("x = 1 +\n") == "t.mdp:1:8: error: expected an expression after the operator, found end of line");
    CHECK(first_error("x = 1 2\n") == "t.mdp:1:7: error: unexpected '2' after the statement");
    CHECK(first_error("  x = 1\n") == "t.mdp:1:3: error: unexpected indentation");
    CHECK(first_error("x = 007\n") == "t.mdp:1:5: error: leading zeros in a decimal integer are not allowed");
    CHECK(first_error("Process(lambda e: f(e)\n") == "t.mdp:1:8: error: '(' was never closed");
    CHECK(first_error("Process(lambda e: 'x)\n") == "t.mdp:1:19: error: unterminated string in lambda");
    Parsed two = parse_text("a = (\nb = 1 +\nc = 2\n");
    CHECK(two.errors.find("t.mdp:2:8") != std::string::npos);
}

TEST_CASE("nesting depth is bounded") {
    std::string deep(5000, '(');
    Parsed p = parse_text("x = " + deep + "\n");
    CHECK(p.errors.find("nested too deeply") != std::string::npos);
}

TEST_CASE("a macro's return may continue in brackets on lines in any column") {
    Parsed p = parse_text("def Layer(ch):\n    return [Channel(ch),\nTranspose(12)]\nx = Layer(2)\n", true);
    CHECK(p.errors == "");
    CHECK(p.ast == "   1:1   def Layer(ch): return [Channel(ch), Transpose(12)]\n   4:1   x = Layer(2)\n");
    Parsed q = parse_text("def F(a):\n    return Pass()\n    x = 1\ny = 2\n", true);
    CHECK(q.ast == "   1:1   def F(a): <python body>\n   4:1   y = 2\n");
}
