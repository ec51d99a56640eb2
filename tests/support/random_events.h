// Random MIDI event streams for tests, fuzzers and the benchmark: every event type, the given
// ports, all channels, edge values, and SysEx of random length (bytes kept in the stream).
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <vector>

#include "engine/event.h"

namespace mdc::testing {

struct RandomStream {
    std::vector<engine::Event> events;
    std::deque<std::vector<uint8_t>> sysex;  // stable addresses for the events' SysEx bytes
};

inline RandomStream random_stream(uint64_t seed, size_t count, int ports) {
    using namespace engine;
    RandomStream out;
    std::mt19937_64 rng(seed);
    auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
    auto data = [&]() { return pick(0, 9) == 0 ? (pick(0, 1) ? 0 : 127) : pick(0, 127); };
    static constexpr uint32_t types[] = {NOTEON, NOTEOFF, CTRL, PITCHBEND, AFTERTOUCH, POLY_AFTERTOUCH, PROGRAM, SYSEX,
                                         SYSCM_QFRAME, SYSCM_SONGPOS, SYSCM_SONGSEL, SYSCM_TUNEREQ, SYSRT_CLOCK, SYSRT_START,
                                         SYSRT_CONTINUE, SYSRT_STOP, SYSRT_SENSING, SYSRT_RESET};
    // Notes and controllers dominate real streams: weight them.
    static constexpr int weights[] = {30, 25, 20, 5, 3, 3, 5, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    std::discrete_distribution<int> type_dist(std::begin(weights), std::end(weights));
    for (size_t i = 0; i < count; ++i) {
        Event e;
        e.type = types[type_dist(rng)];
        e.port = pick(0, ports - 1);
        e.frame = i;
        if (!is_system(e.type)) e.channel = pick(0, 15);
        switch (e.type) {
        case NOTEON: e.data1 = data(); e.data2 = pick(1, 127); if (pick(0, 20) == 0) e.data2 = pick(0, 1) ? 1 : 127; break;
        case NOTEOFF: case CTRL: case POLY_AFTERTOUCH: e.data1 = data(); e.data2 = data(); break;
        case PITCHBEND: e.data2 = pick(0, 3) == 0 ? (pick(0, 1) ? -8192 : 8191) : pick(-8192, 8191); break;
        case AFTERTOUCH: case PROGRAM: e.data2 = data(); break;
        case SYSCM_QFRAME: case SYSCM_SONGSEL: e.data1 = data(); break;
        case SYSCM_SONGPOS: e.data1 = data(); e.data2 = data(); break;
        case SYSEX: {
            std::vector<uint8_t> b(static_cast<size_t>(pick(0, 8) == 0 ? pick(2, 600) : pick(2, 12)));
            for (auto& x : b) x = static_cast<uint8_t>(pick(0, 127));
            b.front() = 0xF0;
            b.back() = 0xF7;
            if (b.size() > 3 && pick(0, 3) == 0) { b[1] = 0x43; }  // a common manufacturer
            out.sysex.push_back(std::move(b));
            e.sysex = out.sysex.back().data();
            e.sysex_size = static_cast<uint32_t>(out.sysex.back().size());
            break;
        }
        default: break;
        }
        out.events.push_back(e);
    }
    return out;
}

}  // namespace mdc::testing
