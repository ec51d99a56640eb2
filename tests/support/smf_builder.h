// Standard MIDI Files built byte by byte for tests: chunks, variable-length numbers, events.
// Events are written as raw bytes (`bytes{0x00, 0x90, 60, 100}`: delta, status, data), so a test
// says exactly which form (running status, escapes, packets) it means.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

namespace mdc::testing {

using bytes = std::vector<uint8_t>;

inline bytes vlq(uint32_t v) {
    bytes out{static_cast<uint8_t>(v & 0x7F)};
    while (v >>= 7) out.insert(out.begin(), static_cast<uint8_t>(0x80 | (v & 0x7F)));
    return out;
}

inline bytes cat(std::initializer_list<bytes> parts) {
    bytes out;
    for (const bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

inline bytes chunk(std::string_view id, const bytes& body) {
    bytes out(id.begin(), id.end());
    const uint32_t n = static_cast<uint32_t>(body.size());
    out.insert(out.end(), {static_cast<uint8_t>(n >> 24), static_cast<uint8_t>(n >> 16), static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

inline bytes header(uint16_t format, uint16_t tracks, uint16_t division) {
    return chunk("MThd", {static_cast<uint8_t>(format >> 8), static_cast<uint8_t>(format), static_cast<uint8_t>(tracks >> 8),
                          static_cast<uint8_t>(tracks), static_cast<uint8_t>(division >> 8), static_cast<uint8_t>(division)});
}

// A track chunk: the events, then End-of-Track `end_delta` ticks after the last (unless !end).
inline bytes track(const bytes& events, bool end = true, uint32_t end_delta = 0) {
    bytes body = events;
    if (end) body = cat({body, vlq(end_delta), {0xFF, 0x2F, 0x00}});
    return chunk("MTrk", body);
}

inline bytes smf(uint16_t format, uint16_t division, std::initializer_list<bytes> tracks) {
    bytes out = header(format, static_cast<uint16_t>(tracks.size()), division);
    for (const bytes& t : tracks) out.insert(out.end(), t.begin(), t.end());
    return out;
}

// delta, F0 (or F7), length, payload
inline bytes sysex(uint32_t delta, const bytes& payload, uint8_t start = 0xF0) {
    return cat({vlq(delta), {start}, vlq(static_cast<uint32_t>(payload.size())), payload});
}

inline bytes meta(uint32_t delta, uint8_t type, const bytes& data) { return cat({vlq(delta), {0xFF, type}, vlq(static_cast<uint32_t>(data.size())), data}); }

}  // namespace mdc::testing

// Failed checks show the bytes in hex.
template <>
struct doctest::StringMaker<std::vector<uint8_t>> {
    static doctest::String convert(const std::vector<uint8_t>& b) { return fmt::format("{:02X}", fmt::join(b, " ")).c_str(); }
};
