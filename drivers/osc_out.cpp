// OSC messages out through liblo (see osc_out.h).
#include "osc_out.h"

#include <lo/lo.h>

#include <cstdlib>

#include <fmt/format.h>

#include "engine/event_types.h"
#include "engine/modifier.h"

namespace mdc::drivers {

OscOut::~OscOut() {
    for (auto& [url, a] : addresses_) lo_address_free(static_cast<lo_address>(a));
}

bool OscOut::send(const std::string& url, const std::string& path, const std::vector<OscValue>& args, std::string& error) {
    auto it = addresses_.find(url);
    if (it == addresses_.end()) {
        lo_address a = lo_address_new_from_url(url.c_str());
        if (!a) {
            error = fmt::format("'{}' is not an OSC address liblo can open", url);
            return false;
        }
        it = addresses_.emplace(url, a).first;
    }
    auto address = static_cast<lo_address>(it->second);
    lo_message m = lo_message_new();
    if (!m) {
        error = "out of memory";
        return false;
    }
    for (const OscValue& v : args) {
        switch (v.tag) {
        case 'i': lo_message_add_int32(m, static_cast<int32_t>(v.i)); break;
        case 'h': lo_message_add_int64(m, v.i); break;
        case 'c': lo_message_add_char(m, static_cast<char>(v.i)); break;
        case 'f': lo_message_add_float(m, static_cast<float>(v.d)); break;
        case 'd': lo_message_add_double(m, v.d); break;
        case 's': lo_message_add_string(m, v.text.c_str()); break;
        case 'S': lo_message_add_symbol(m, v.text.c_str()); break;
        case 'T': lo_message_add_true(m); break;
        case 'F': lo_message_add_false(m); break;
        case 'I': lo_message_add_infinitum(m); break;
        case 'b': {
            lo_blob b = lo_blob_new(static_cast<int32_t>(v.text.size()), v.text.data());
            lo_message_add_blob(m, b);
            lo_blob_free(b);
            break;
        }
        default: lo_message_add_nil(m); break;
        }
    }
    int sent = lo_send_message(address, path.c_str(), m);
    lo_message_free(m);
    if (sent < 0) {
        error = fmt::format("cannot send to {}: {}", url, lo_address_errstr(address) ? lo_address_errstr(address) : "unknown error");
        return false;
    }
    return true;
}

bool OscOut::send_instr(const engine::Program& program, int32_t instr, const engine::Event& e, int data_offset,
                        const std::vector<OscValue>* python) {
    const engine::Instr& in = program.code[static_cast<size_t>(instr)];
    std::vector<OscValue> args;
    args.reserve(static_cast<size_t>(in.d));
    for (int32_t k = 0; k < in.d; ++k) {
        OscValue v;
        v.tag = static_cast<char>(program.ints[static_cast<size_t>(in.c + 2 * k)]);
        const int32_t x = program.ints[static_cast<size_t>(in.c + 2 * k + 1)];
        const std::string* text = x >= 0 && v.tag != 'e' && v.tag != 'p' ? &program.strings[static_cast<size_t>(x)] : nullptr;
        switch (v.tag) {
        case 'e': {
            const auto field = static_cast<engine::EventField>(x);
            v.tag = 'i';
            v.i = engine::field_value(e, x);
            if (field == engine::EventField::Port || field == engine::EventField::Channel) v.i += data_offset;
            break;
        }
        case 'p':
            if (!python || static_cast<size_t>(x) >= python->size()) return false;
            v = (*python)[static_cast<size_t>(x)];
            break;
        case 'i': case 'h': v.i = std::strtoll(text->c_str(), nullptr, 10); break;
        case 'c': v.i = static_cast<unsigned char>((*text)[0]); break;
        case 'f': case 'd': v.d = std::strtod(text->c_str(), nullptr); break;
        case 's': case 'S': case 'b': v.text = *text; break;
        default: break;
        }
        args.push_back(std::move(v));
    }
    std::string error;
    const std::string& url = program.strings[static_cast<size_t>(in.a)];
    const std::string& path = program.strings[static_cast<size_t>(in.b)];
    if (send(url, path, args, error)) return true;
    fmt::print(stderr, "mdc: warning: SendOSC('{}', '{}'): {}\n", url, path, error);
    return false;
}

}  // namespace mdc::drivers
