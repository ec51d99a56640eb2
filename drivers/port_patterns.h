// Port patterns of `in_ports`/`out_ports` (`('name', 'pattern', ...)`): POSIX extended regular
// expressions matched against a whole port name (anchored at both ends), as mididings does. JACK
// ports are matched by full name and aliases; ALSA ports by the four forms of their address
// (alsa_port_forms). Compiled once; matching is for connection work, never the realtime path.
#pragma once

#include <regex.h>

#include <array>
#include <memory>
#include <span>
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

// One of our ports as configured: its name and the pattern texts of the ports it connects to.
struct LivePort {
    std::string name;                   // our port's name ("in_1" when unnamed)
    std::vector<std::string> patterns;  // POSIX ERE, anchored, for automatic connection
};

// One of our ports and its compiled patterns.
struct PortPlan {
    std::string name;                  // our port's short name
    std::vector<PortPattern> patterns;

    // True when a pattern matches one of the names a port goes by.
    bool matches_any(std::span<const std::string> names) const;
};

// Compiles the patterns of configured ports; "" or the first error
// ("input port 'keys': pattern '(': parentheses not balanced").
std::string make_port_plans(const std::vector<LivePort>& ports, const char* direction, std::vector<PortPlan>& out);

// The names an ALSA sequencer port goes by for patterns, as in mididings: "client_id:port_id",
// "client_id:port_name", "client_name:port_id", "client_name:port_name" ("14:0",
// "14:Midi Through Port-0", "Midi Through:0", "Midi Through:Midi Through Port-0").
std::array<std::string, 4> alsa_port_forms(int client, std::string_view client_name, int port, std::string_view port_name);

}  // namespace mdc::drivers
