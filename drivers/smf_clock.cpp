// Tempo map to clock segments (see smf_clock.h).
#include "smf_clock.h"

#include <algorithm>
#include <vector>

namespace mdc::drivers {

engine::Clock smf_clock(const SmfFile& file, std::span<const uint8_t> bytes) {
    if (file.division & 0x8000) {  // SMPTE: frames per second (29 is 29.97 drop-frame) times ticks per frame
        const int fps = -static_cast<int8_t>(file.division >> 8);
        const uint64_t ticks_per_frame = std::max(file.division & 0xFF, 1);
        if (fps == 29) return engine::Clock({{0, 0, 1'000'000'000ull * 1001, 30000 * ticks_per_frame}});
        return engine::Clock({{0, 0, 1'000'000'000, std::max(fps, 1) * ticks_per_frame}});
    }
    const uint64_t division = std::max<uint16_t>(file.division, 1);
    struct Change {
        uint64_t tick;
        uint32_t tempo;  // microseconds per quarter note
    };
    std::vector<Change> changes;
    for (const SmfTrack& t : file.tracks)
        for (const SmfEvent& e : t.events) {
            // FF 51 03 tt tt tt: the bytes after the delta time
            if (e.kind != SmfKind::Meta || e.status != 0x51 || e.size < 6 || static_cast<size_t>(e.at) + 6 > bytes.size()) continue;
            const uint8_t* d = bytes.data() + e.at;
            if (d[2] != 3) continue;
            const uint32_t tempo = static_cast<uint32_t>(d[3]) << 16 | static_cast<uint32_t>(d[4]) << 8 | d[5];
            if (tempo > 0) changes.push_back({e.tick, tempo});
        }
    std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) { return a.tick < b.tick; });
    std::vector<engine::ClockSegment> segments{{0, 0, 500'000ull * 1000, division}};
    for (const Change& c : changes) {
        const engine::ClockSegment& last = segments.back();
        const int64_t ns = last.ns + static_cast<int64_t>(static_cast<unsigned __int128>(c.tick - last.frame) * last.num / last.den);
        segments.push_back({c.tick, ns, static_cast<uint64_t>(c.tempo) * 1000, division});
    }
    return engine::Clock(std::move(segments));
}

}  // namespace mdc::drivers
