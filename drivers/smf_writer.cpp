// Standard MIDI File writer (see smf_writer.h): the header, then one MTrk chunk per output track.
#include "smf_writer.h"

#include <unordered_set>

#include <fmt/format.h>

namespace mdc::drivers {

namespace {

void put32(std::vector<uint8_t>& out, size_t at, uint32_t v) {
    out[at] = static_cast<uint8_t>(v >> 24);
    out[at + 1] = static_cast<uint8_t>(v >> 16);
    out[at + 2] = static_cast<uint8_t>(v >> 8);
    out[at + 3] = static_cast<uint8_t>(v);
}

class TrackWriter {
public:
    TrackWriter(const SmfFile& in, std::span<const uint8_t> in_bytes, const SmfOut& out, std::vector<uint8_t>& bytes)
        : in_(in), in_bytes_(in_bytes), out_(out), b_(bytes) {}

    // Appends the MTrk chunk of output track `number` (0-based); false after an error.
    bool write(const SmfOutTrack& t, uint32_t number, std::string& error, uint64_t& events);

private:
    const SmfFile& in_;
    std::span<const uint8_t> in_bytes_;
    const SmfOut& out_;
    std::vector<uint8_t>& b_;
    uint64_t last_ = 0;
    uint8_t running_ = 0;   // the last channel status written
    bool after_other_ = false;
    std::unordered_set<uint32_t> unpacked_;  // SysEx written in one packet: skip their F7 packets

    void bytes(const uint8_t* p, size_t n) { b_.insert(b_.end(), p, p + n); }
    void input_bytes(uint32_t at, uint32_t size) { bytes(in_bytes_.data() + at, size); }
    bool packets_fit(const std::vector<SmfOutItem>& items, size_t head);
};

// A SysEx is written in the packets it was read in only when nothing but meta events and its own
// packets come between its F0 packet and its last F7 packet in this track.
bool TrackWriter::packets_fit(const std::vector<SmfOutItem>& items, size_t head) {
    const uint32_t index = items[head].size;
    uint32_t left = in_.sysex[in_.tracks[items[head].at].events[index].sysex].continuations;
    for (size_t j = head + 1; j < items.size() && left > 0; ++j) {
        const SmfOutItem& x = items[j];
        if (x.kind == SmfOutKind::Packet && x.at == items[head].at && in_.tracks[x.at].events[x.size].sysex == index) --left;
        else if (!(x.kind == SmfOutKind::Bytes && x.meta)) return false;
    }
    return left == 0;
}

bool TrackWriter::write(const SmfOutTrack& t, uint32_t number, std::string& error, uint64_t& events) {
    const size_t chunk = b_.size();
    static constexpr uint8_t mtrk[8] = {'M', 'T', 'r', 'k', 0, 0, 0, 0};
    bytes(mtrk, sizeof mtrk);
    auto delta = [&](uint64_t tick) {
        if (tick - last_ > smf_max_vlq) {
            error = fmt::format("track {}: {} ticks between two events at {} and {}: more than a MIDI file can hold ({})", number + 1, tick - last_, last_,
                                tick, smf_max_vlq);
            return false;
        }
        append_vlq(b_, static_cast<uint32_t>(tick - last_));
        last_ = tick;
        return true;
    };
    for (size_t i = 0; i < t.items.size(); ++i) {
        const SmfOutItem& x = t.items[i];
        if (x.kind == SmfOutKind::Packet && !unpacked_.empty() && unpacked_.count(in_.tracks[x.at].events[x.size].sysex)) continue;
        if (!delta(x.tick)) return false;
        ++events;
        switch (x.kind) {
        case SmfOutKind::Channel: {
            const bool omit = x.status == running_ && (x.form == StatusForm::RunningAfterOther || (x.form == StatusForm::Running && !after_other_));
            if (!omit) b_.push_back(x.status);
            b_.push_back(x.data1);
            if ((x.status & 0xE0) != 0xC0) b_.push_back(x.data2);
            running_ = x.status;
            after_other_ = false;
            break;
        }
        case SmfOutKind::Bytes:
            if (x.pooled) bytes(out_.pool.data() + x.at, x.size);
            else input_bytes(x.at, x.size);
            after_other_ = true;
            break;
        case SmfOutKind::PacketHead: {
            const SmfEvent& e = in_.tracks[x.at].events[x.size];
            if (packets_fit(t.items, i)) {
                input_bytes(e.at, e.size);
            } else {  // one F0 packet with the whole SysEx
                const SmfSysEx& s = in_.sysex[e.sysex];
                if (s.size - 1 > smf_max_vlq) {
                    error = fmt::format("track {}: a SysEx of {} bytes is too long to write in one packet", number + 1, s.size);
                    return false;
                }
                b_.push_back(0xF0);
                append_vlq(b_, s.size - 1);
                bytes(in_.sysex_data(e.sysex) + 1, s.size - 1);
                unpacked_.insert(x.size);
            }
            after_other_ = true;
            break;
        }
        case SmfOutKind::Packet: {
            const SmfEvent& e = in_.tracks[x.at].events[x.size];
            input_bytes(e.at, e.size);
            after_other_ = true;
            break;
        }
        }
    }
    if (!delta(std::max(t.end_tick, last_))) return false;
    ++events;
    if (t.input >= 0 && in_.tracks[static_cast<size_t>(t.input)].has_end) {
        const SmfTrack& in_track = in_.tracks[static_cast<size_t>(t.input)];
        input_bytes(in_track.end_at, in_track.end_size);
    } else {
        static constexpr uint8_t end[3] = {0xFF, 0x2F, 0x00};
        bytes(end, sizeof end);
    }
    const size_t length = b_.size() - chunk - 8;
    if (length > UINT32_MAX) {
        error = fmt::format("track {} would be larger than 4 GiB", number + 1);
        return false;
    }
    put32(b_, chunk + 4, static_cast<uint32_t>(length));
    return true;
}

}  // namespace

SmfWritten write_smf(const SmfOut& out, const SmfFile& in, std::span<const uint8_t> in_bytes) {
    SmfWritten w;
    size_t guess = 14;
    for (const SmfOutTrack& t : out.tracks) guess += 12 + t.items.size() * 4;
    w.bytes.reserve(guess);
    const uint8_t header[14] = {'M', 'T', 'h', 'd', 0, 0, 0, 6,
                                static_cast<uint8_t>(out.format >> 8), static_cast<uint8_t>(out.format),
                                static_cast<uint8_t>(out.tracks.size() >> 8), static_cast<uint8_t>(out.tracks.size()),
                                static_cast<uint8_t>(out.division >> 8), static_cast<uint8_t>(out.division)};
    w.bytes.insert(w.bytes.end(), header, header + sizeof header);
    for (uint32_t n = 0; n < out.tracks.size(); ++n) {
        if (!TrackWriter(in, in_bytes, out, w.bytes).write(out.tracks[n], n, w.error, w.events)) {
            w.bytes.clear();
            return w;
        }
    }
    return w;
}

}  // namespace mdc::drivers
