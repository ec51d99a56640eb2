// A MIDI file through an engine (see smf_convert.h): read, merge, process, place, write.
#include "smf_convert.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include <fmt/format.h>

#include "smf_reader.h"
#include "smf_writer.h"

namespace mdc::drivers {

using namespace engine;

namespace {

inline constexpr uint32_t max_tracks = 65535;

bool unchanged(const Event& out, const Event& in) {
    return out.type == in.type && out.channel == in.channel && out.data1 == in.data1 && out.data2 == in.data2 && out.sysex_size == in.sysex_size &&
           (out.sysex == in.sysex || out.sysex_size == 0 || std::memcmp(out.sysex, in.sysex, out.sysex_size) == 0);
}

// The F7-escape status byte of a system common or realtime event type.
uint8_t system_status(uint32_t type) {
    switch (type) {
    case SYSCM_QFRAME: return 0xF1;
    case SYSCM_SONGPOS: return 0xF2;
    case SYSCM_SONGSEL: return 0xF3;
    case SYSCM_TUNEREQ: return 0xF6;
    case SYSRT_CLOCK: return 0xF8;
    case SYSRT_START: return 0xFA;
    case SYSRT_CONTINUE: return 0xFB;
    case SYSRT_STOP: return 0xFC;
    case SYSRT_SENSING: return 0xFE;
    case SYSRT_RESET: return 0xFF;
    default: return 0;
    }
}

class Converter {
public:
    Converter(const SmfFile& in, Engine& engine, const SmfConvertOptions& options) : in_(in), engine_(engine), options_(options) {}
    // Fills out_; false after an error (in error_).
    bool run();

    SmfOut out_;
    std::string error_;
    std::vector<std::string> warnings_;

private:
    const SmfFile& in_;
    Engine& engine_;
    const SmfConvertOptions& options_;
    std::unordered_set<uint64_t> packed_heads_;  // (track << 32 | index) of SysEx written in their packets

    bool place_all(std::span<const Event> outputs, uint64_t tick, const SmfEvent* source, const Event* source_event, uint32_t track, uint32_t index);
    SmfOutTrack* track_for(int32_t port);
    void encode(const Event& e, uint64_t tick, StatusForm form, bool note_on_zero, SmfOutTrack& t);
    // The bytes from `begin` to the end of the pool, as one event of `t`.
    void pooled(SmfOutTrack& t, uint64_t tick, uint32_t begin) {
        SmfOutItem x;
        x.tick = tick;
        x.kind = SmfOutKind::Bytes;
        x.pooled = true;
        x.at = begin;
        x.size = static_cast<uint32_t>(out_.pool.size()) - begin;
        t.items.push_back(x);
    }
};

SmfOutTrack* Converter::track_for(int32_t port) {
    const uint32_t p = static_cast<uint32_t>(port);  // Sanitize let no negative port through
    if (p < out_.tracks.size()) [[likely]]
        return &out_.tracks[p];
    if (p >= max_tracks) {
        error_ = fmt::format("the patch sends an event to port {}, but a MIDI file holds at most {} tracks (ports {} to {})",
                             static_cast<int64_t>(p) + options_.data_offset, max_tracks, options_.data_offset, max_tracks - 1 + options_.data_offset);
        return nullptr;
    }
    out_.tracks.resize(p + 1);
    return &out_.tracks[p];
}

void Converter::encode(const Event& e, uint64_t tick, StatusForm form, bool note_on_zero, SmfOutTrack& t) {
    SmfOutItem x;
    x.tick = tick;
    x.form = form;
    const uint8_t ch = static_cast<uint8_t>(e.channel & 0x0F);
    const uint8_t d1 = static_cast<uint8_t>(e.data1 & 0x7F), d2 = static_cast<uint8_t>(e.data2 & 0x7F);
    switch (e.type) {
    case NOTEON: x.status = 0x90 | ch; x.data1 = d1; x.data2 = d2; break;
    case NOTEOFF: x.status = (note_on_zero && e.data2 == 0 ? 0x90 : 0x80) | ch; x.data1 = d1; x.data2 = d2; break;
    case POLY_AFTERTOUCH: x.status = 0xA0 | ch; x.data1 = d1; x.data2 = d2; break;
    case CTRL: x.status = 0xB0 | ch; x.data1 = d1; x.data2 = d2; break;
    case PROGRAM: x.status = 0xC0 | ch; x.data1 = d2; break;
    case AFTERTOUCH: x.status = 0xD0 | ch; x.data1 = d2; break;
    case PITCHBEND: {
        const uint32_t v = static_cast<uint32_t>(std::clamp(e.data2, -8192, 8191) + 8192);
        x.status = 0xE0 | ch;
        x.data1 = v & 0x7F;
        x.data2 = static_cast<uint8_t>(v >> 7);
        break;
    }
    case SYSEX: {  // Sanitize let only F0 ... F7 through
        const uint32_t begin = static_cast<uint32_t>(out_.pool.size());
        out_.pool.push_back(0xF0);
        append_vlq(out_.pool, e.sysex_size - 1);
        out_.pool.insert(out_.pool.end(), e.sysex + 1, e.sysex + e.sysex_size);
        pooled(t, tick, begin);
        return;
    }
    default: {  // system common and realtime: in an F7 escape
        const uint8_t status = system_status(e.type);
        if (!status) return;
        const int n = e.type == SYSCM_SONGPOS ? 2 : e.type & (SYSCM_QFRAME | SYSCM_SONGSEL) ? 1 : 0;
        const uint32_t begin = static_cast<uint32_t>(out_.pool.size());
        out_.pool.push_back(0xF7);
        out_.pool.push_back(static_cast<uint8_t>(n + 1));
        out_.pool.push_back(status);
        if (n >= 1) out_.pool.push_back(d1);
        if (n >= 2) out_.pool.push_back(d2);
        pooled(t, tick, begin);
        return;
    }
    }
    t.items.push_back(x);
}

// The outputs of one input event (or of the init or exit patch, without a source).
bool Converter::place_all(std::span<const Event> outputs, uint64_t tick, const SmfEvent* source, const Event* source_event, uint32_t track,
                          uint32_t index) {
    bool packed = false;  // a SysEx in packets is written in them once, in its own track
    for (const Event& o : outputs) {
        SmfOutTrack* t = track_for(o.port);
        if (!t) return false;
        if (o.type == SYSEX && o.sysex_size - 1 > smf_max_vlq) {
            error_ = fmt::format("the patch made a SysEx of {} bytes, too long for a MIDI file", o.sysex_size);
            return false;
        }
        if (source && unchanged(o, *source_event)) {
            SmfOutItem x;
            x.tick = tick;
            if (source->kind == SmfKind::Channel) {
                x.status = source->status;
                x.data1 = source->data1;
                x.data2 = source->data2;
                x.form = source->form;
                t->items.push_back(x);
                continue;
            }
            if (source->kind == SmfKind::SysEx && in_.sysex[source->sysex].continuations > 0) {
                if (!packed && static_cast<uint32_t>(o.port) == track) {
                    packed = true;
                    x.kind = SmfOutKind::PacketHead;
                    x.at = track;
                    x.size = index;
                    packed_heads_.insert(static_cast<uint64_t>(track) << 32 | index);
                    t->items.push_back(x);
                    continue;
                }
            } else {  // a SysEx or system message, as read
                x.kind = SmfOutKind::Bytes;
                x.at = source->at;
                x.size = source->size;
                t->items.push_back(x);
                continue;
            }
        }
        const bool derived = source && source->kind == SmfKind::Channel;
        encode(o, tick, derived ? source->form : StatusForm::Running, derived && (source->status & 0xF0) == 0x90 && source->data2 == 0, *t);
        if (out_.pool.size() > UINT32_MAX) {
            error_ = "the patch made more than 4 GiB of SysEx";
            return false;
        }
    }
    return true;
}

bool Converter::run() {
    out_.format = in_.format;
    out_.division = in_.division;
    out_.tracks.resize(in_.tracks.size());
    uint64_t end = 0;
    for (uint32_t i = 0; i < in_.tracks.size(); ++i) {
        out_.tracks[i].input = static_cast<int32_t>(i);
        out_.tracks[i].end_tick = in_.tracks[i].end_tick;
        out_.tracks[i].items.reserve(in_.tracks[i].events.size());
        end = std::max(end, in_.tracks[i].end_tick);
    }
    if (!place_all(engine_.start(), 0, nullptr, nullptr, 0, 0)) return false;
    for (const Event& e : options_.initial_output)
        if (!place_all(engine_.output(e), 0, nullptr, nullptr, 0, 0)) return false;
    SmfMerge merge(in_);
    uint32_t track, index;
    while (merge.next(track, index)) {
        const SmfEvent& e = in_.tracks[track].events[index];
        switch (e.kind) {
        case SmfKind::Meta: case SmfKind::Opaque: {
            SmfOutItem x;
            x.tick = e.tick;
            x.kind = SmfOutKind::Bytes;
            x.at = e.at;
            x.size = e.size;
            x.meta = e.kind == SmfKind::Meta;
            out_.tracks[track].items.push_back(x);
            break;
        }
        case SmfKind::Continuation:
            if (packed_heads_.count(static_cast<uint64_t>(track) << 32 | e.sysex)) {
                SmfOutItem x;
                x.tick = e.tick;
                x.kind = SmfOutKind::Packet;
                x.at = track;
                x.size = index;
                out_.tracks[track].items.push_back(x);
            }
            break;
        default: {
            const Event in = smf_engine_event(in_, track, e);
            if (!place_all(engine_.process(in), e.tick, &e, &in, track, index)) return false;
        }
        }
    }
    if (!place_all(engine_.finish(end), end, nullptr, nullptr, 0, 0)) return false;
    const size_t n = out_.tracks.size();
    if (in_.format == 0 && n != 1) {
        out_.format = 1;
        if (n > in_.tracks.size())
            warnings_.push_back(fmt::format("the patch sends events to ports without a track: the format-0 file becomes format 1, with {} tracks", n));
        else
            warnings_.push_back(fmt::format("a format-0 file with {} tracks is written as format 1", n));
    }
    return true;
}

}  // namespace

SmfConversion convert_smf(std::span<const uint8_t> input, Engine& engine, const SmfConvertOptions& options) {
    SmfConversion c;
    SmfFile in = read_smf(input);
    c.warnings = std::move(in.warnings);
    if (!in.error.empty()) {
        c.error = std::move(in.error);
        return c;
    }
    c.events_in = in.events;
    Converter conv(in, engine, options);
    if (!conv.run()) {
        c.error = std::move(conv.error_);
        return c;
    }
    c.warnings.insert(c.warnings.end(), conv.warnings_.begin(), conv.warnings_.end());
    SmfWritten w = write_smf(conv.out_, in, input);
    if (!w.error.empty()) {
        c.error = std::move(w.error);
        return c;
    }
    c.bytes = std::move(w.bytes);
    c.events_out = w.events;
    c.tracks_out = static_cast<uint32_t>(conv.out_.tracks.size());
    return c;
}

}  // namespace mdc::drivers
