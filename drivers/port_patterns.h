// Port patterns of `in_ports`/`out_ports` (`('name', 'pattern', ...)`): POSIX extended regular
// expressions matched against a whole port name (anchored at both ends), as mididings does.
// Compiled once; matching is for the connection thread, never the realtime one.
#pragma once

#include <regex.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mdc::drivers {

class PortPattern {
public:
    // "" or what is wrong with the pattern (regerror's words).
    static std::string compile(const std::string& pattern, PortPattern& out);
    bool matches(const std::string& name) const;
    const std::string& text() const { return text_; }

private:
    struct Compiled;
    std::shared_ptr<Compiled> re_;
    std::string text_;
};

// One of our ports and the patterns of the ports it connects to.
struct PortPlan {
    std::string name;                  // our port's short name
    std::vector<PortPattern> patterns;
};

// Builds the plans of ports from names and pattern texts; "" or the first error
// ("in port 'keys': pattern '(': parentheses not balanced").
std::string make_port_plans(const std::vector<std::pair<std::string, std::vector<std::string>>>& ports, const char* direction,
                            std::vector<PortPlan>& out);

}  // namespace mdc::drivers
