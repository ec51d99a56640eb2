// The engine's clock: turns a driver's time stamp (Event::frame) into nanoseconds, which the units
// that measure time (VoiceFilter's `time`, FloatingKeySplit's `hold_time`) and Python's
// engine.time() read. Each backend says what its frames are: nanoseconds (text, test, ALSA),
// samples at a rate (JACK), or MIDI file ticks under a tempo map (convert), so offline results are
// exact. Integer nanoseconds keep comparisons exact; reading the clock allocates nothing.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace mdc::engine {

// From `frame` on, time is `ns + (f - frame) * num / den` nanoseconds.
struct ClockSegment {
    uint64_t frame = 0;
    int64_t ns = 0;
    uint64_t num = 1, den = 1;
};

class Clock {
public:
    Clock() : segments_{ClockSegment{}} {}  // frames are nanoseconds
    static Clock nanoseconds() { return {}; }
    static Clock samples(uint32_t rate) { return Clock({ClockSegment{0, 0, 1'000'000'000, std::max<uint32_t>(rate, 1)}}); }
    // Segments sorted by frame, the first at frame 0 (a tempo map).
    explicit Clock(std::vector<ClockSegment> segments) : segments_(std::move(segments)) {
        if (segments_.empty() || segments_.front().frame != 0) segments_.insert(segments_.begin(), ClockSegment{});
    }

    int64_t ns(uint64_t frame) const {
        const ClockSegment* s = &segments_.front();
        if (segments_.size() > 1) {
            auto it = std::upper_bound(segments_.begin(), segments_.end(), frame, [](uint64_t f, const ClockSegment& c) { return f < c.frame; });
            s = &*(it - 1);
        }
        const uint64_t d = frame - s->frame;
        if (s->den == 1) return s->ns + static_cast<int64_t>(d * s->num);
        return s->ns + static_cast<int64_t>(static_cast<unsigned __int128>(d) * s->num / s->den);
    }

    const std::vector<ClockSegment>& segments() const { return segments_; }

private:
    std::vector<ClockSegment> segments_;
};

// Seconds (a unit's `time=0.1`) as the clock's nanoseconds, rounded as text input's `@` times are.
inline int64_t seconds_to_ns(double seconds) { return std::llround(seconds * 1e9); }

}  // namespace mdc::engine
