// SysEx put back together from the pieces the ALSA sequencer delivers, per port.
#include <doctest/doctest.h>

#include "drivers/sysex_assembler.h"

using mdc::drivers::SysexAssembler;

namespace {

std::vector<uint8_t> bytes(std::initializer_list<int> v) { return {v.begin(), v.end()}; }

SysexAssembler::Piece feed(SysexAssembler& a, size_t port, const std::vector<uint8_t>& b) { return a.feed(port, b.data(), b.size()); }

std::vector<uint8_t> message(const SysexAssembler::Piece& p) { return {p.message.begin(), p.message.end()}; }

}  // namespace

TEST_CASE("a whole SysEx in one piece") {
    SysexAssembler a(1);
    auto p = feed(a, 0, bytes({0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}));
    CHECK_FALSE(p.broken);
    CHECK(message(p) == bytes({0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}));
}

TEST_CASE("pieces are joined until the one that ends with F7, and the next message starts afresh") {
    SysexAssembler a(1);
    auto p = feed(a, 0, bytes({0xF0, 1, 2}));
    CHECK(p.message.empty());
    CHECK_FALSE(p.broken);
    p = feed(a, 0, bytes({3, 4}));
    CHECK(p.message.empty());
    p = feed(a, 0, bytes({5, 0xF7}));
    CHECK_FALSE(p.broken);
    CHECK(message(p) == bytes({0xF0, 1, 2, 3, 4, 5, 0xF7}));
    p = feed(a, 0, bytes({0xF0, 9, 0xF7}));
    CHECK_FALSE(p.broken);
    CHECK(message(p) == bytes({0xF0, 9, 0xF7}));
}

TEST_CASE("a long SysEx in many pieces, beyond the reserved room") {
    SysexAssembler a(1, 64);
    std::vector<uint8_t> whole = {0xF0};
    for (int i = 0; i < 5000; ++i) whole.push_back(static_cast<uint8_t>(i % 128));
    whole.push_back(0xF7);
    SysexAssembler::Piece p;
    for (size_t at = 0; at < whole.size(); at += 256) {
        CHECK(p.message.empty());
        p = a.feed(0, whole.data() + at, std::min<size_t>(256, whole.size() - at));
        CHECK_FALSE(p.broken);
    }
    CHECK(message(p) == whole);
}

TEST_CASE("ports are put together separately") {
    SysexAssembler a(2);
    feed(a, 0, bytes({0xF0, 1}));
    feed(a, 1, bytes({0xF0, 2}));
    auto p1 = feed(a, 1, bytes({0xF7}));
    CHECK(message(p1) == bytes({0xF0, 2, 0xF7}));
    auto p0 = feed(a, 0, bytes({0xF7}));
    CHECK(message(p0) == bytes({0xF0, 1, 0xF7}));
}

TEST_CASE("broken pieces: continuing nothing, cut off by a new F0, over the limit, bytes after F7") {
    SysexAssembler a(1, 16, 10);
    auto p = feed(a, 0, bytes({1, 2, 0xF7}));  // continues nothing
    CHECK(p.broken);
    CHECK(p.message.empty());
    feed(a, 0, bytes({0xF0, 1, 2}));
    p = feed(a, 0, bytes({0xF0, 3, 0xF7}));  // the first never ended: dropped, the second is whole
    CHECK(p.broken);
    CHECK(message(p) == bytes({0xF0, 3, 0xF7}));
    p = feed(a, 0, bytes({0xF0, 1, 2, 3, 4, 5, 6, 7}));
    CHECK_FALSE(p.broken);
    p = feed(a, 0, bytes({8, 9, 10}));  // over the limit of 10 bytes: reported once...
    CHECK(p.broken);
    p = feed(a, 0, bytes({11, 12}));  // ...and the rest dropped quietly up to its F7
    CHECK_FALSE(p.broken);
    CHECK(p.message.empty());
    p = feed(a, 0, bytes({13, 0xF7}));
    CHECK_FALSE(p.broken);
    CHECK(p.message.empty());
    p = feed(a, 0, bytes({0xF0, 4, 0xF7, 5}));  // a byte after the F7 belongs to nothing
    CHECK(p.broken);
    CHECK(message(p) == bytes({0xF0, 4, 0xF7}));
    p = feed(a, 0, bytes({}));
    CHECK_FALSE(p.broken);
    CHECK(p.message.empty());
}
