// SMF events as engine events, and the merge of the tracks in patch order (see smf.h).
#include "smf.h"

namespace mdc::drivers {

using namespace engine;

namespace {

uint32_t system_type(uint8_t status) {
    switch (status) {
    case 0xF1: return SYSCM_QFRAME;
    case 0xF2: return SYSCM_SONGPOS;
    case 0xF3: return SYSCM_SONGSEL;
    case 0xF6: return SYSCM_TUNEREQ;
    case 0xF8: return SYSRT_CLOCK;
    case 0xFA: return SYSRT_START;
    case 0xFB: return SYSRT_CONTINUE;
    case 0xFC: return SYSRT_STOP;
    case 0xFE: return SYSRT_SENSING;
    case 0xFF: return SYSRT_RESET;
    default: return 0;
    }
}

}  // namespace

Event smf_engine_event(const SmfFile& file, uint32_t track, const SmfEvent& e) {
    Event out;
    out.port = static_cast<int32_t>(track);
    out.frame = e.tick;
    switch (e.kind) {
    case SmfKind::Channel:
        out.channel = e.status & 0x0F;
        switch (e.status & 0xF0) {
        case 0x80: out.type = NOTEOFF; out.data1 = e.data1; out.data2 = e.data2; break;
        case 0x90: out.type = e.data2 ? NOTEON : NOTEOFF; out.data1 = e.data1; out.data2 = e.data2; break;
        case 0xA0: out.type = POLY_AFTERTOUCH; out.data1 = e.data1; out.data2 = e.data2; break;
        case 0xB0: out.type = CTRL; out.data1 = e.data1; out.data2 = e.data2; break;
        case 0xC0: out.type = PROGRAM; out.data2 = e.data1; break;
        case 0xD0: out.type = AFTERTOUCH; out.data2 = e.data1; break;
        default: out.type = PITCHBEND; out.data2 = (e.data2 << 7 | e.data1) - 8192; break;
        }
        break;
    case SmfKind::SysEx:
        out.type = SYSEX;
        out.sysex = file.sysex_data(e.sysex);
        out.sysex_size = file.sysex[e.sysex].size;
        break;
    case SmfKind::System:
        out.type = system_type(e.status);
        out.data1 = e.data1;
        out.data2 = e.data2;
        break;
    default: out.type = DUMMY; break;  // not an event for the patch
    }
    return out;
}

SmfMerge::SmfMerge(const SmfFile& file) : file_(file) {
    for (uint32_t t = 0; t < file.tracks.size(); ++t)
        if (!file.tracks[t].events.empty()) heap_.push_back({file.tracks[t].events[0].tick, t, 0});
    for (size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
}

namespace {
bool before(uint64_t tick_a, uint32_t track_a, uint64_t tick_b, uint32_t track_b) {
    return tick_a != tick_b ? tick_a < tick_b : track_a < track_b;
}
}  // namespace

void SmfMerge::sift_down(size_t i) {
    const size_t n = heap_.size();
    Head h = heap_[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && before(heap_[c + 1].tick, heap_[c + 1].track, heap_[c].tick, heap_[c].track)) ++c;
        if (!before(heap_[c].tick, heap_[c].track, h.tick, h.track)) break;
        heap_[i] = heap_[c];
        i = c;
    }
    heap_[i] = h;
}

bool SmfMerge::next(uint32_t& track, uint32_t& index) {
    if (heap_.empty()) return false;
    Head& top = heap_[0];
    track = top.track;
    index = top.index;
    const std::vector<SmfEvent>& events = file_.tracks[top.track].events;
    if (++top.index < events.size()) {
        const uint64_t tick = events[top.index].tick;  // never earlier: ticks do not decrease within a track
        if (tick == top.tick) return true;              // the same key: still the earliest
        top.tick = tick;
    } else {
        top = heap_.back();
        heap_.pop_back();
        if (heap_.empty()) return true;
    }
    sift_down(0);
    return true;
}

}  // namespace mdc::drivers
