// libFuzzer target: the text event reader (drivers/text_events.h). Each input is split into lines
// and every line goes to drivers::parse_event_line. The format comes from the input's first byte:
// its low bit is the data_offset, bits 1-2 (plus one, modulo 4) the octave_offset. So a seed that
// starts with '#' reads with data_offset 1 and octave_offset 2 (mididings' defaults), one that
// starts with a newline with data_offset 0 and octave_offset 2. The input ports are
// {"keys", "", "pads"} (the second has no name).
// For every line that parses (no error, not empty) the event must be valid and must survive a round
// trip through drivers::format_event and the reader again; a line with an error must say where.
// Any violation is a __builtin_trap(), so libFuzzer saves the input as a crash.
// Build and run with `scripts/fuzz.sh SECONDS --target text_events_fuzzer` (seeds: fuzz/seeds_text/);
// reproduce one input with `build-fuzz/fuzz/text_events_fuzzer FILE`.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "drivers/text_events.h"
#include "engine/event.h"

using namespace mdc;
using engine::Event;

namespace {

[[noreturn]] void fail(const char* why, std::string_view line, const std::string& detail = {}) {
    std::fprintf(stderr, "text_events_fuzzer: %s\n  line: %.*s\n%s%s", why, static_cast<int>(line.size()), line.data(),
                 detail.empty() ? "" : "  ", detail.empty() ? "" : (detail + "\n").c_str());
    __builtin_trap();
}

bool in(int32_t v, int32_t lo, int32_t hi) { return v >= lo && v <= hi; }

bool single_type(uint32_t t) { return t != 0 && (t & (t - 1)) == 0 && t != engine::DUMMY && (t & engine::ANY) == t; }

// The event's own invariants: the reader only ever makes events the engine may receive.
void check_event(const drivers::ParsedLine& p, const drivers::TextFormat& f, std::string_view line) {
    using namespace engine;
    const Event& e = p.event;
    if (!single_type(e.type)) fail("type is not one event type", line);
    if (!in(e.port, 0, static_cast<int32_t>(f.in_ports.size()) - 1)) fail("port out of range", line);
    if (!in(e.channel, 0, 15)) fail("channel out of range", line);
    if (is_system(e.type) && e.channel != 0) fail("system event with a channel", line);
    switch (e.type) {
    case NOTEON: case NOTEOFF: case CTRL: case POLY_AFTERTOUCH:
        if (!in(e.data1, 0, 127) || !in(e.data2, 0, 127)) fail("data out of range", line);
        break;
    case PROGRAM: case AFTERTOUCH:
        if (!in(e.data2, 0, 127)) fail("value/program out of range", line);
        if (!in(e.data1, 0, 127)) fail("data1 out of range", line);
        break;
    case PITCHBEND:
        if (!in(e.data2, -8192, 8191)) fail("pitch bend out of range", line);
        if (!in(e.data1, 0, 127)) fail("data1 out of range", line);
        break;
    case SYSEX:
        break;
    default:  // system common and realtime, from MidiEvent
        if (!in(e.data1, 0, 127) || !in(e.data2, 0, 127)) fail("system data out of range", line);
        break;
    }
    if (e.type == SYSEX) {
        if (e.sysex_size < 2 || e.sysex == nullptr) fail("SysEx shorter than F0 F7", line);
        if (e.sysex != p.sysex.data() || e.sysex_size != p.sysex.size()) fail("SysEx does not point at the line's bytes", line);
        if (e.sysex[0] != 0xF0 || e.sysex[e.sysex_size - 1] != 0xF7) fail("SysEx does not start with F0 and end with F7", line);
        for (uint32_t i = 1; i + 1 < e.sysex_size; ++i)
            if (e.sysex[i] > 0x7F) fail("SysEx data byte above 7F", line);
    } else if (e.sysex_size != 0 || e.sysex != nullptr) {
        fail("a non-SysEx event with SysEx bytes", line);
    }
    if (!p.time) {
        if (e.frame != 0) fail("a frame without a time", line);
    } else {
        if (!(*p.time >= 0) || !std::isfinite(*p.time)) fail("time not finite and non-negative", line);
        double ns = *p.time * 1e9;
        if (ns < 9e18 && e.frame != static_cast<uint64_t>(std::llround(ns))) fail("frame is not the time in ns", line);
    }
}

// The fields an event of this type carries (mididings' event equality, engine::same_event: type,
// port, the data fields the type uses, the SysEx bytes, the channel of channel events) and the
// channel of every event; not the time, which format_event does not print.
bool same(Event a, Event b) {
    a.frame = b.frame = 0;
    return engine::same_event(a, b) && a.channel == b.channel;
}

std::string describe(const Event& e) {
    return "type " + std::to_string(e.type) + " port " + std::to_string(e.port) + " channel " + std::to_string(e.channel) +
           " data1 " + std::to_string(e.data1) + " data2 " + std::to_string(e.data2) + " sysex_size " +
           std::to_string(e.sysex_size);
}

void check_line(std::string_view line, const drivers::TextFormat& f) {
    drivers::ParsedLine p = drivers::parse_event_line(line, f);
    if (!p.error.empty()) {
        if (p.empty) fail("an error on an empty line", line);
        if (p.column < 1 || p.column > line.size() + 1) fail("error column outside the line", line, p.error);
        return;
    }
    if (p.empty) {
        if (p.event.type != 0) fail("an empty line with an event", line);
        return;
    }
    check_event(p, f, line);
    std::string text = drivers::format_event(p.event, f.data_offset);
    drivers::ParsedLine q = drivers::parse_event_line(text, f);
    if (!q.error.empty() || q.empty) fail("format_event's text does not read back", line, text + " -> " + q.error);
    if (q.time) fail("format_event's text has a time", line, text);
    check_event(q, f, text);
    if (!same(p.event, q.event)) fail("round trip changed the event", line, text + "\n  " + describe(p.event) + "\n  " + describe(q.event));
    if (p.event.type == engine::SYSEX && p.sysex != q.sysex) fail("round trip changed the SysEx bytes", line, text);
    // and printing is a fixed point
    if (drivers::format_event(q.event, f.data_offset) != text) fail("format_event is not stable", line, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 16 * 1024) return -1;
    if (size == 0) return 0;
    drivers::TextFormat f;
    f.data_offset = data[0] & 1;
    f.octave_offset = ((data[0] >> 1) + 1) & 3;
    f.in_ports = {"keys", "", "pads"};
    std::string_view text(reinterpret_cast<const char*>(data), size);
    size_t begin = 0;
    while (begin <= text.size()) {
        size_t end = text.find('\n', begin);
        if (end == std::string_view::npos) end = text.size();
        check_line(text.substr(begin, end - begin), f);
        begin = end + 1;
    }
    return 0;
}
