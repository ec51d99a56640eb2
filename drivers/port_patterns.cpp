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

std::string make_port_plans(const std::vector<std::pair<std::string, std::vector<std::string>>>& ports, const char* direction,
                            std::vector<PortPlan>& out) {
    out.clear();
    for (const auto& [name, patterns] : ports) {
        PortPlan plan{name, {}};
        for (const std::string& p : patterns) {
            PortPattern compiled;
            if (std::string err = PortPattern::compile(p, compiled); !err.empty())
                return fmt::format("{} port '{}': pattern '{}': {}", direction, name, p, err);
            plan.patterns.push_back(std::move(compiled));
        }
        out.push_back(std::move(plan));
    }
    return "";
}

}  // namespace mdc::drivers
