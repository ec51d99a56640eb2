// Port patterns (see port_patterns.h), on libc's POSIX regular expressions.
#include "port_patterns.h"

#include <fmt/format.h>

namespace mdc::drivers {

struct PortPattern::Compiled {
    regex_t re{};
    bool ok = false;
    ~Compiled() {
        if (ok) regfree(&re);
    }
};

std::string PortPattern::compile(const std::string& pattern, PortPattern& out) {
    auto c = std::make_shared<Compiled>();
    const std::string anchored = "^(" + pattern + ")$";
    if (int rc = regcomp(&c->re, anchored.c_str(), REG_EXTENDED | REG_NOSUB); rc != 0) {
        char buf[256];
        regerror(rc, &c->re, buf, sizeof buf);
        return buf;
    }
    c->ok = true;
    out.re_ = std::move(c);
    out.text_ = pattern;
    return "";
}

bool PortPattern::matches(const std::string& name) const { return re_ && regexec(&re_->re, name.c_str(), 0, nullptr, 0) == 0; }

bool PortPlan::matches_any(std::span<const std::string> names) const {
    for (const PortPattern& p : patterns)
        for (const std::string& n : names)
            if (p.matches(n)) return true;
    return false;
}

std::string make_port_plans(const std::vector<LivePort>& ports, const char* direction, std::vector<PortPlan>& out) {
    out.clear();
    for (const LivePort& port : ports) {
        PortPlan plan{port.name, {}};
        for (const std::string& p : port.patterns) {
            PortPattern compiled;
            if (std::string err = PortPattern::compile(p, compiled); !err.empty())
                return fmt::format("{} port '{}': pattern '{}': {}", direction, port.name, p, err);
            plan.patterns.push_back(std::move(compiled));
        }
        out.push_back(std::move(plan));
    }
    return "";
}

std::array<std::string, 4> alsa_port_forms(int client, std::string_view client_name, int port, std::string_view port_name) {
    return {fmt::format("{}:{}", client, port), fmt::format("{}:{}", client, port_name), fmt::format("{}:{}", client_name, port),
            fmt::format("{}:{}", client_name, port_name)};
}

}  // namespace mdc::drivers
