// Standard MIDI File reader (see smf_reader.h). The chunks are walked first (header, tracks,
// skipped chunks), then each track's events; every read is checked against the end of its chunk.
// Byte offsets in messages count from 0, tracks from 1.
#include "smf_reader.h"

#include <algorithm>
#include <string_view>

#include <fmt/format.h>

namespace mdc::drivers {

namespace {

uint32_t be32(std::span<const uint8_t> b, size_t at) {
    return static_cast<uint32_t>(b[at]) << 24 | static_cast<uint32_t>(b[at + 1]) << 16 | static_cast<uint32_t>(b[at + 2]) << 8 | b[at + 3];
}
uint16_t be16(std::span<const uint8_t> b, size_t at) { return static_cast<uint16_t>(b[at] << 8 | b[at + 1]); }

// A chunk type for messages: printable ASCII as it is, other bytes as \xHH.
std::string chunk_name(std::span<const uint8_t> b, size_t at) {
    std::string s;
    for (size_t i = at; i < at + 4; ++i)
        s += b[i] >= 0x20 && b[i] < 0x7F && b[i] != '"' && b[i] != '\\' ? std::string(1, static_cast<char>(b[i])) : fmt::format("\\x{:02X}", b[i]);
    return s;
}

std::string skipped_chunk(std::span<const uint8_t> b, uint32_t at, uint32_t length) {
    if (b[at] == 'M' && b[at + 1] == 'T' && b[at + 2] == 'h' && b[at + 3] == 'd')
        return fmt::format("byte {}: skipped a second header chunk \"MThd\" ({} bytes)", at, length);
    return fmt::format("byte {}: skipped a chunk of unknown type \"{}\" ({} bytes)", at, chunk_name(b, at), length);
}

const char* channel_message_name(uint8_t status) {
    switch (status & 0xF0) {
    case 0x80: return "Note Off";
    case 0x90: return "Note On";
    case 0xA0: return "Poly Aftertouch";
    case 0xB0: return "Control Change";
    case 0xC0: return "Program Change";
    case 0xD0: return "Channel Aftertouch";
    default: return "Pitch Bend";
    }
}

// How many data bytes a system message in an F7 escape has; -1: not a message the patch knows.
int system_data_bytes(uint8_t status) {
    switch (status) {
    case 0xF1: case 0xF3: return 1;
    case 0xF2: return 2;
    case 0xF6: case 0xF8: case 0xFA: case 0xFB: case 0xFC: case 0xFE: case 0xFF: return 0;
    default: return -1;
    }
}

// A file with millions of odd events keeps the first warnings and counts the rest.
inline constexpr size_t max_warnings = 100;

void add_warning(SmfFile& f, std::string message) {
    if (f.warnings.size() < max_warnings) f.warnings.push_back(std::move(message));
    else ++f.more_warnings;
}

class TrackReader {
public:
    TrackReader(std::span<const uint8_t> bytes, uint32_t begin, uint32_t end, uint32_t number, SmfFile& file, SmfTrack& track)
        : b_(bytes), pos_(begin), end_(end), number_(number), file_(file), track_(track) {}

    // Reads the events; false after an error (in file_.error).
    bool read();

private:
    std::span<const uint8_t> b_;
    uint32_t pos_, end_;
    uint32_t number_;  // 1-based, for messages
    SmfFile& file_;
    SmfTrack& track_;
    uint64_t tick_ = 0;
    uint8_t status_ = 0;        // running status: the last channel status byte
    bool after_other_ = false;  // a meta, SysEx or escape came since the last channel message
    int64_t open_sysex_ = -1;   // the event index of a SysEx still waiting for its final F7

    bool fail(uint32_t at, std::string_view what) {
        file_.error = fmt::format("track {}, byte {}: {}", number_, at, what);
        return false;
    }
    void warn(uint32_t at, std::string_view what) { add_warning(file_, fmt::format("track {}, byte {}: {}", number_, at, what)); }
    // A variable-length number of at most 4 bytes ("what" names it in messages).
    bool vlq(uint32_t& out, std::string_view what) {
        out = 0;
        const uint32_t start = pos_;
        for (int i = 0; i < 4; ++i) {
            if (pos_ >= end_) return fail(pos_, fmt::format("the track ends inside {}", what));
            const uint8_t c = b_[pos_++];
            out = out << 7 | (c & 0x7Fu);
            if (!(c & 0x80)) return true;
        }
        return fail(start, fmt::format("{} is longer than 4 bytes", what));
    }
    bool length_fits(uint32_t at, uint32_t length, std::string_view what) {
        if (length <= end_ - pos_) return true;
        return fail(at, fmt::format("{} of {} bytes runs past the end of the track ({} bytes left)", what, length, end_ - pos_));
    }
    void push(const SmfEvent& e) {
        track_.events.push_back(e);
        ++file_.events;
    }
    bool meta(uint32_t at);
    bool sysex(uint32_t at);
    bool escape(uint32_t at);
    bool channel(uint32_t at, uint8_t c);
    void close_unterminated_sysex();
};

bool TrackReader::read() {
    track_.events.reserve(std::min<uint32_t>((end_ - pos_) / 3, 1u << 20));  // an event takes 3 bytes or more
    while (pos_ < end_) {
        uint32_t delta;
        if (!vlq(delta, "a delta time")) return false;
        tick_ += delta;
        const uint32_t at = pos_;
        if (pos_ >= end_) return fail(at, "the track ends after a delta time, without an event");
        const uint8_t c = b_[pos_];
        if (c == 0xFF) {
            if (!meta(at)) return false;
            if (track_.has_end) break;
        } else if (c == 0xF0) {
            if (!sysex(at)) return false;
        } else if (c == 0xF7) {
            if (!escape(at)) return false;
        } else if (!channel(at, c)) {
            return false;
        }
    }
    if (open_sysex_ >= 0) close_unterminated_sysex();
    if (!track_.has_end) track_.end_tick = tick_;
    if (pos_ < end_) warn(pos_, fmt::format("{} bytes after End-of-Track are ignored", end_ - pos_));
    return true;
}

bool TrackReader::meta(uint32_t at) {
    ++pos_;
    if (pos_ >= end_) return fail(at, "the track ends inside a meta event");
    const uint8_t type = b_[pos_++];
    uint32_t length;
    if (!vlq(length, "a meta event's length") || !length_fits(at, length, "a meta event")) return false;
    pos_ += length;
    SmfEvent e;
    e.tick = tick_;
    e.at = at;
    e.size = pos_ - at;
    e.status = type;
    if (type == 0x2F) {  // End-of-Track: the track's end, not an event of its own
        track_.has_end = true;
        track_.end_tick = tick_;
        track_.end_at = at;
        track_.end_size = e.size;
        ++file_.events;
        return true;
    }
    e.kind = SmfKind::Meta;
    push(e);
    after_other_ = true;
    return true;
}

bool TrackReader::sysex(uint32_t at) {
    ++pos_;
    uint32_t length;
    if (!vlq(length, "a SysEx length") || !length_fits(at, length, "a SysEx")) return false;
    if (open_sysex_ >= 0) close_unterminated_sysex();
    SmfEvent e;
    e.tick = tick_;
    e.at = at;
    e.size = pos_ + length - at;
    e.kind = SmfKind::SysEx;
    e.sysex = static_cast<uint32_t>(file_.sysex.size());
    SmfSysEx x;
    x.begin = static_cast<uint32_t>(file_.sysex_bytes.size());
    x.size = length + 1;
    file_.sysex_bytes.push_back(0xF0);
    file_.sysex_bytes.insert(file_.sysex_bytes.end(), b_.begin() + pos_, b_.begin() + pos_ + length);
    file_.sysex.push_back(x);
    pos_ += length;
    if (length == 0 || b_[pos_ - 1] != 0xF7) open_sysex_ = static_cast<int64_t>(track_.events.size());  // F7 packets follow
    push(e);
    after_other_ = true;
    return true;
}

bool TrackReader::escape(uint32_t at) {
    ++pos_;
    uint32_t length;
    if (!vlq(length, "an F7 packet's length") || !length_fits(at, length, "an F7 packet")) return false;
    const uint32_t data = pos_;
    pos_ += length;
    after_other_ = true;
    SmfEvent e;
    e.tick = tick_;
    e.at = at;
    e.size = pos_ - at;
    if (open_sysex_ >= 0) {  // a continuation of the open SysEx
        SmfEvent& head = track_.events[static_cast<size_t>(open_sysex_)];
        SmfSysEx& x = file_.sysex[head.sysex];
        // Only the last SysEx grows, so its bytes are at the end of the pool.
        file_.sysex_bytes.insert(file_.sysex_bytes.end(), b_.begin() + data, b_.begin() + pos_);
        x.size += length;
        ++x.continuations;
        e.kind = SmfKind::Continuation;
        e.sysex = static_cast<uint32_t>(open_sysex_);
        push(e);
        if (length > 0 && b_[pos_ - 1] == 0xF7) open_sysex_ = -1;
        return true;
    }
    if (length >= 2 && b_[data] == 0xF0 && b_[pos_ - 1] == 0xF7) {  // a whole SysEx in an escape
        e.kind = SmfKind::SysEx;
        e.sysex = static_cast<uint32_t>(file_.sysex.size());
        file_.sysex.push_back({static_cast<uint32_t>(file_.sysex_bytes.size()), length, 0});
        file_.sysex_bytes.insert(file_.sysex_bytes.end(), b_.begin() + data, b_.begin() + pos_);
        push(e);
        return true;
    }
    const int n = length > 0 ? system_data_bytes(b_[data]) : -1;
    bool one_message = n >= 0 && length == static_cast<uint32_t>(n) + 1;
    for (uint32_t i = 1; one_message && i < length; ++i) one_message = b_[data + i] < 0x80;
    if (one_message) {
        e.kind = SmfKind::System;
        e.status = b_[data];
        if (n >= 1) e.data1 = b_[data + 1];
        if (n >= 2) e.data2 = b_[data + 2];
    } else {
        e.kind = SmfKind::Opaque;
        if (length > 0) warn(at, "an F7 escape that is not one MIDI message is copied as read, not run through the patch");
    }
    push(e);
    return true;
}

bool TrackReader::channel(uint32_t at, uint8_t c) {
    SmfEvent e;
    e.tick = tick_;
    e.at = at;
    if (c & 0x80) {
        if (c > 0xEF) return fail(at, fmt::format("status byte {:02X} is not allowed in a track (system messages need an F7 escape)", c));
        status_ = c;
        ++pos_;
    } else {
        if (!status_) return fail(at, fmt::format("data byte {:02X} where an event should start, with no running status", c));
        e.form = after_other_ ? StatusForm::RunningAfterOther : StatusForm::Running;
    }
    e.status = status_;
    const int needed = (status_ & 0xE0) == 0xC0 ? 1 : 2;  // Cn and Dn have one data byte
    uint8_t data[2] = {0, 0};
    for (int i = 0; i < needed; ++i) {
        if (pos_ >= end_) return fail(pos_, fmt::format("the track ends inside a {} event", channel_message_name(status_)));
        data[i] = b_[pos_];
        if (data[i] & 0x80)
            return fail(pos_, fmt::format("a {} event is missing a data byte (found byte {:02X})", channel_message_name(status_), data[i]));
        ++pos_;
    }
    e.data1 = data[0];
    e.data2 = data[1];
    e.size = pos_ - at;
    if (open_sysex_ >= 0) close_unterminated_sysex();
    push(e);
    after_other_ = false;
    return true;
}

// The open SysEx never got its final F7: its packets are copied as read, not run through the patch.
void TrackReader::close_unterminated_sysex() {
    const size_t head = static_cast<size_t>(open_sysex_);
    open_sysex_ = -1;
    warn(track_.events[head].at, "a SysEx without its final F7 is copied as read, not run through the patch");
    track_.events[head].kind = SmfKind::Opaque;
    for (size_t i = head + 1; i < track_.events.size(); ++i)
        if (track_.events[i].kind == SmfKind::Continuation && track_.events[i].sysex == head) track_.events[i].kind = SmfKind::Opaque;
}

}  // namespace

SmfFile read_smf(std::span<const uint8_t> b) {
    SmfFile f;
    auto fail = [&](std::string message) {
        f.error = std::move(message);
        return std::move(f);
    };
    if (b.empty()) return fail("the file is empty");
    auto starts = [&](size_t at, std::string_view s) { return b.size() >= at + s.size() && std::equal(s.begin(), s.end(), b.begin() + at); };
    if (starts(0, "RIFF") && starts(8, "RMID")) return fail("an RMID file (a MIDI file inside RIFF): mdc reads Standard MIDI Files, which start with \"MThd\"");
    if (!starts(0, "MThd")) return fail("not a MIDI file: it does not start with \"MThd\"");
    if (b.size() > UINT32_MAX) return fail("the file is larger than 4 GiB");
    const uint32_t size = static_cast<uint32_t>(b.size());
    if (size < 14) return fail(fmt::format("byte {}: the file ends inside its header", size));
    const uint32_t header_length = be32(b, 4);
    if (header_length < 6) return fail(fmt::format("byte 4: the header is {} bytes long; it must be at least 6", header_length));
    if (header_length > size - 8) return fail(fmt::format("byte 4: the header's length {} runs past the end of the file", header_length));
    f.format = be16(b, 8);
    const uint16_t announced = be16(b, 10);
    f.division = be16(b, 12);
    if (f.format > 2) return fail(fmt::format("byte 8: unknown format {} (MIDI files have format 0, 1 or 2)", f.format));
    if (header_length > 6) add_warning(f, fmt::format("byte 14: the header's {} bytes beyond the 6 that mdc reads are not copied", header_length - 6));
    f.tracks.reserve(announced);
    uint32_t at = 8 + header_length;
    while (f.tracks.size() < announced) {
        const size_t number = f.tracks.size() + 1;
        if (at == size)
            return fail(fmt::format("byte {}: the file ends after {} of the {} track{} its header announces", at, f.tracks.size(), announced,
                                    announced == 1 ? "" : "s"));
        if (size - at < 8) return fail(fmt::format("byte {}: the file ends inside the chunk header of track {}", at, number));
        const uint32_t length = be32(b, at + 4);
        const bool is_track = b[at] == 'M' && b[at + 1] == 'T' && b[at + 2] == 'r' && b[at + 3] == 'k';
        if (length > size - at - 8) {
            if (is_track)
                return fail(fmt::format("track {}, byte {}: the track's length {} runs past the end of the file ({} bytes left)", number, at + 4, length,
                                        size - at - 8));
            return fail(fmt::format("byte {}: the length {} of a chunk of type \"{}\" runs past the end of the file ({} bytes left)", at + 4, length,
                                    chunk_name(b, at), size - at - 8));
        }
        if (!is_track) {
            add_warning(f, skipped_chunk(b, at, length));
            at += 8 + length;
            continue;
        }
        SmfTrack& t = f.tracks.emplace_back();
        t.chunk_at = at;
        if (!TrackReader(b, at + 8, at + 8 + length, static_cast<uint32_t>(number), f, t).read()) return f;
        at += 8 + length;
    }
    // What follows the announced tracks is skipped.
    while (at < size) {
        if (size - at < 8 || be32(b, at + 4) > size - at - 8) {
            add_warning(f, fmt::format("byte {}: {} bytes after the last chunk are ignored", at, size - at));
            break;
        }
        const uint32_t length = be32(b, at + 4);
        if (b[at] == 'M' && b[at + 1] == 'T' && b[at + 2] == 'r' && b[at + 3] == 'k')
            add_warning(f, fmt::format("byte {}: skipped a track chunk ({} bytes) beyond the {} track{} the header announces", at, length, announced,
                                             announced == 1 ? "" : "s"));
        else
            add_warning(f, skipped_chunk(b, at, length));
        at += 8 + length;
    }
    if (f.more_warnings) f.warnings.push_back(fmt::format("{} more warnings", f.more_warnings));
    return f;
}

}  // namespace mdc::drivers
