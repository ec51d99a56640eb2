// SendOSC and OSCInterface arguments (see osc_args.h).
#include "osc_args.h"

#include <fmt/format.h>

#include <climits>
#include <regex>

namespace mdc {
namespace {

bool valid_port(int64_t p) { return p > 0 && p < 65536; }

bool all_digits(const std::string& s) { return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos; }

std::string real_text(double d) { return fmt::format("{}", d); }

}  // namespace

std::optional<std::string> osc_target_url(const Value& v, std::string_view what, DiagSink& diags) {
    auto bad = [&](std::string message) -> std::optional<std::string> {
        diags.error(v.span, std::move(message))
            .note("an OSC target is a port number on this machine, a (host, port) tuple, or a URL like 'osc.udp://host:port/'");
        return std::nullopt;
    };
    if (v.is(Value::Kind::Int)) {
        if (!valid_port(v.i)) return bad(fmt::format("{} port {} is not a UDP port number (1..65535)", what, v.i));
        return fmt::format("osc.udp://localhost:{}/", v.i);
    }
    if (v.is(Value::Kind::Str)) {
        if (all_digits(v.s)) {
            if (v.s.size() > 5 || !valid_port(std::stoll(v.s))) return bad(fmt::format("{} port '{}' is not a UDP port number (1..65535)", what, v.s));
            return fmt::format("osc.udp://localhost:{}/", v.s);
        }
        static const std::regex url(R"(^osc\.(udp|tcp)://([^:/]*|\[[0-9a-fA-F:.]+\]):([0-9]{1,5})/?$)");
        std::smatch m;
        if (!std::regex_match(v.s, m, url) || !valid_port(std::stoll(m[3].str())))
            return bad(fmt::format("{} '{}' is not an OSC address", what, v.s));
        return v.s.back() == '/' ? v.s : v.s + "/";
    }
    if (v.is(Value::Kind::Tuple) && v.items->size() == 2) {
        const Value& host = (*v.items)[0];
        const Value& port = (*v.items)[1];
        if (!host.is(Value::Kind::Str) || host.s.empty() || host.s.find_first_of("/ ") != std::string::npos)
            return bad(fmt::format("{} host must be a host name or address, got {}", what, what_is(host)));
        int64_t p = port.is(Value::Kind::Int) ? port.i : port.is(Value::Kind::Str) && all_digits(port.s) && port.s.size() <= 5 ? std::stoll(port.s) : -1;
        if (!valid_port(p)) return bad(fmt::format("{} port must be a UDP port number (1..65535), got {}", what, what_is(port)));
        bool v6 = host.s.find(':') != std::string::npos;
        return fmt::format("osc.udp://{}{}{}:{}/", v6 ? "[" : "", host.s, v6 ? "]" : "", p);
    }
    return bad(fmt::format("{} must be a port number, a (host, port) tuple or an OSC URL, got {}", what, what_is(v)));
}

std::optional<std::vector<OscArgSpec>> osc_arguments(const Value& args, DiagSink& diags) {
    std::vector<OscArgSpec> out;
    for (const Value& x : args.elements()) {
        OscArgSpec a;
        auto fail = [&](std::string message) {
            diags.error(x.span, std::move(message))
                .note("SendOSC data are numbers, strings, True, False, None, (typetag, value) tuples, lists of bytes, "
                      "EVENT_* attributes, or Python functions of the event");
            return std::nullopt;
        };
        switch (x.kind) {
        case Value::Kind::Bool: a.tag = x.flag ? 'T' : 'F'; break;
        case Value::Kind::None: a.tag = 'N'; break;
        case Value::Kind::Int: case Value::Kind::NoDataOffset:
            a.tag = x.i >= INT32_MIN && x.i <= INT32_MAX ? 'i' : 'h';
            a.text = std::to_string(x.i);
            break;
        case Value::Kind::Float: a.tag = 'f', a.text = real_text(x.f); break;
        case Value::Kind::Str: a.tag = 's', a.text = x.s; break;
        case Value::Kind::EventRef: a.tag = 'e', a.field = static_cast<int>(x.i); break;
        case Value::Kind::Lambda: a.tag = 'p', a.callable = x; break;
        case Value::Kind::PyRef:
            if (x.s2.empty()) return fail(fmt::format("{} is not a function SendOSC can call", what_is(x)));
            a.tag = 'p', a.callable = x;
            break;
        case Value::Kind::List: case Value::Kind::Bytes: {  // a blob
            a.tag = 'b';
            if (x.is(Value::Kind::Bytes)) {
                a.text = x.s;
                break;
            }
            for (const Value& b : x.elements()) {
                if (!b.is(Value::Kind::Int) || b.i < 0 || b.i > 255) return fail(fmt::format("a blob is a list of bytes (0..255), got {}", what_is(b)));
                a.text.push_back(static_cast<char>(b.i));
            }
            break;
        }
        case Value::Kind::Tuple: {  // (typetag, value), as pyliblo takes it
            const auto& t = x.elements();
            if (t.empty() || t.size() > 2 || !t[0].is(Value::Kind::Str) || t[0].s.size() != 1)
                return fail("a typed OSC argument is a tuple (typetag, value), e.g. ('f', 1)");
            a.tag = t[0].s[0];
            const Value* v = t.size() == 2 ? &t[1] : nullptr;
            const bool number = v && (v->is(Value::Kind::Int) || v->is(Value::Kind::Float));
            switch (a.tag) {
            case 'i': case 'h':
                if (!v || !v->is(Value::Kind::Int)) return fail(fmt::format("OSC type '{}' takes an integer", a.tag));
                if (a.tag == 'i' && (v->i < INT32_MIN || v->i > INT32_MAX)) return fail(fmt::format("{} does not fit OSC type 'i' (32 bits)", v->i));
                a.text = std::to_string(v->i);
                break;
            case 'f': case 'd':
                if (!number) return fail(fmt::format("OSC type '{}' takes a number", a.tag));
                a.text = v->is(Value::Kind::Int) ? std::to_string(v->i) : real_text(v->f);
                break;
            case 's': case 'S':
                if (!v || !v->is(Value::Kind::Str)) return fail(fmt::format("OSC type '{}' takes a string", a.tag));
                a.text = v->s;
                break;
            case 'c':
                if (!v || !((v->is(Value::Kind::Str) && v->s.size() == 1) || (v->is(Value::Kind::Int) && v->i >= 0 && v->i < 256)))
                    return fail("OSC type 'c' takes one character");
                a.text = v->is(Value::Kind::Str) ? v->s : std::string(1, static_cast<char>(v->i));
                break;
            case 'T': case 'F': case 'N': case 'I':
                if (v && !v->is(Value::Kind::None)) return fail(fmt::format("OSC type '{}' takes no value", a.tag));
                break;
            default: return fail(fmt::format("'{}' is not an OSC type tag mdc sends (i h f d s S c T F N I)", t[0].s));
            }
            break;
        }
        default: return fail(fmt::format("SendOSC cannot send {}", what_is(x)));
        }
        out.push_back(std::move(a));
    }
    return out;
}

}  // namespace mdc
