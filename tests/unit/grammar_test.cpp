// PEGTL's grammar analysis: no rule of the .mdp grammar can loop without consuming input (a
// star<> over something that may match empty would hang the parser).
#include <doctest/doctest.h>

#include <tao/pegtl/contrib/analyze.hpp>

#include "lang/grammar.hpp"

namespace tao::pegtl {
// The hand-scanned rules: separators may match nothing; names and lambda text consume input.
template <typename Name, bool B>
struct analyze_traits<Name, mdc::grammar::separator<B>> : analyze_opt_traits<> {};
template <typename Name>
struct analyze_traits<Name, mdc::grammar::identifier> : analyze_any_traits<> {};
template <typename Name, bool B>
struct analyze_traits<Name, mdc::grammar::lambda_text<B>> : analyze_any_traits<> {};
}  // namespace tao::pegtl

TEST_CASE("the grammar has no rule that can loop without consuming input") {
    namespace g = mdc::grammar;
    CHECK(tao::pegtl::analyze<g::statement_line>(0) == 0);
    CHECK(tao::pegtl::analyze<g::def_header>(0) == 0);
    CHECK(tao::pegtl::analyze<g::def_return>(0) == 0);
    // The analysis is live: a rule that can loop on empty input is found.
    CHECK(tao::pegtl::analyze<tao::pegtl::star<tao::pegtl::opt<tao::pegtl::one<'a'>>>>(0) > 0);
    CHECK(tao::pegtl::analyze<tao::pegtl::star<g::hs>>(0) > 0);
}
