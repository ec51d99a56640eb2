// Port patterns: anchored POSIX extended regular expressions, and the four forms of an ALSA port's
// address that mididings matches them against.
#include <doctest/doctest.h>

#include "drivers/port_patterns.h"

using namespace mdc::drivers;

namespace {

PortPlan plan(std::vector<std::string> patterns) {
    std::vector<PortPlan> plans;
    REQUIRE(make_port_plans({{"in_1", std::move(patterns)}}, "input", plans) == "");
    return plans.at(0);
}

bool alsa_matches(const std::string& pattern, int client, const char* client_name, int port, const char* port_name) {
    const auto forms = alsa_port_forms(client, client_name, port, port_name);
    return plan({pattern}).matches_any(forms);
}

}  // namespace

TEST_CASE("ALSA ports go by number and name, client and port each") {
    const auto forms = alsa_port_forms(14, "Midi Through", 0, "Midi Through Port-0");
    CHECK(forms[0] == "14:0");
    CHECK(forms[1] == "14:Midi Through Port-0");
    CHECK(forms[2] == "Midi Through:0");
    CHECK(forms[3] == "Midi Through:Midi Through Port-0");
}

TEST_CASE("a pattern matches any of the four forms, anchored at both ends") {
    CHECK(alsa_matches("14:0", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK(alsa_matches("14:Midi Through Port-0", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK(alsa_matches("Midi Through:0", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK(alsa_matches("Midi Through:Midi Through Port-0", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK(alsa_matches("Midi Through:.*", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK(alsa_matches("[0-9]+:0", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK(alsa_matches("(Keystation|Midi Through):0", 14, "Midi Through", 0, "Midi Through Port-0"));
    // Anchored: a prefix, a suffix or a middle part is not enough.
    CHECK_FALSE(alsa_matches("Midi", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK_FALSE(alsa_matches("Through:0", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK_FALSE(alsa_matches("4:0", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK_FALSE(alsa_matches("14:", 14, "Midi Through", 0, "Midi Through Port-0"));
    CHECK_FALSE(alsa_matches("14:1", 14, "Midi Through", 0, "Midi Through Port-0"));
    // An alternation is anchored as a whole, not just its first and last branch.
    CHECK_FALSE(alsa_matches("x|Midi", 14, "Midi Through", 0, "Midi Through Port-0"));
    // Any of several patterns of one port.
    CHECK(plan({"nothing", "14:.*"}).matches_any(alsa_port_forms(14, "Midi Through", 0, "Midi Through Port-0")));
    CHECK_FALSE(plan({}).matches_any(alsa_port_forms(14, "Midi Through", 0, "Midi Through Port-0")));
}

TEST_CASE("a bad pattern is refused with its port and regcomp's words") {
    std::vector<PortPlan> plans;
    const std::string err = make_port_plans({{"keys", {"ok", "a(b"}}}, "input", plans);
    CHECK(err.rfind("input port 'keys': pattern 'a(b': ", 0) == 0);
    CHECK(err.size() > std::string("input port 'keys': pattern 'a(b': ").size());
}
