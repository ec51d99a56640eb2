// The standard library (lang/standard_library.h): the embedded stdlib/*.mdp files parse and check
// cleanly, a unit whose body is a stdlib def builds from them, the patch's names stay apart from
// the library's, and a diagnostic inside a library body points to `<stdlib>/file.mdp:L:C` with a
// note at the use in the patch.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include <fmt/format.h>

#include "lang/compile.h"
#include "lang/evaluator.h"
#include "lang/parse.h"
#include "lang/standard_library.h"
#include "lang/units.h"

using namespace mdc;

TEST_CASE("the embedded standard library is every stdlib/*.mdp and checks cleanly") {
    REQUIRE(!stdlib_files().empty());
    bool key_color = false;
    for (const StdlibFile& f : stdlib_files()) key_color |= f.name == "key_color.mdp";
    CHECK(key_color);
    auto c = compile_source("t.mdp", "from mididings import *\nfrom mididings.extra import *\nrun(KeyColorFilter('white'))\n");
    CHECK_MESSAGE(c->diags.error_count() == 0, render_all(c->diags, c->sources));
    CHECK(c->diags.warning_count() == 0);
    // Every unit that names a stdlib body finds it.
    for (const UnitInfo& u : unit_table())
        if (!u.stdlib_body.empty()) {
            CHECK_MESSAGE(u.module == UnitModule::Extra, u.name);
        }
}

TEST_CASE("a diagnostic inside a stdlib body points into <stdlib>/ and to the use") {
    SourceSet sources;
    DiagSink diags;
    std::vector<ast::Module> stdlib;
    stdlib.push_back(parse_module(sources, sources.add("<stdlib>/key_color.mdp", "def KeyColorFilter(color):\n    return KeyFiltr(notes=[1])\n"), diags));
    uint32_t f = sources.add("t.mdp", "from mididings.extra import *\nKeyFiltr = Pass()\nrun(KeyColorFilter('black'))\n");
    ast::Module module = parse_module(sources, f, diags);
    Evaluator(sources, diags, EvalOptions{}).run(module, stdlib);
    std::string text = render_all(diags, sources);
    CHECK(diags.error_count() == 1);
    CHECK_MESSAGE(text.find("<stdlib>/key_color.mdp:2:12: error: unknown name 'KeyFiltr'") != std::string::npos, text);
    CHECK_MESSAGE(text.find("t.mdp:3:5") != std::string::npos, text);  // in this use of 'KeyColorFilter'
}

TEST_CASE("the stdlib files share one namespace: no name is defined in two of them") {
    SourceSet sources;
    DiagSink diags;
    std::map<std::string, std::string> defined_in;
    for (const StdlibFile& f : stdlib_files()) {
        ast::Module m = parse_module(sources, sources.add(std::string(stdlib_prefix) + std::string(f.name), std::string(f.text)), diags);
        REQUIRE_MESSAGE(diags.error_count() == 0, render_all(diags, sources));
        for (const ast::Stmt& s : m.body) {
            std::vector<std::string> names;
            if (const auto* d = std::get_if<ast::Def>(&s.node)) names.push_back(d->name);
            if (const auto* a = std::get_if<ast::Assign>(&s.node)) names = a->targets;
            for (const std::string& n : names) {
                auto [it, fresh] = defined_in.emplace(n, std::string(f.name));
                CHECK_MESSAGE((fresh || it->second == f.name), fmt::format("'{}' is defined in {} and in {}", n, it->second, f.name));
            }
        }
    }
    CHECK(defined_in.count("Harmonize") == 1);
}
