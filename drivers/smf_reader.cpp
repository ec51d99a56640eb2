// Standard MIDI File reader (see smf_reader.h). Bounds are checked on every byte read; a problem
// stops the read with a message naming the track and byte offset.
#include "smf_reader.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

namespace mdc::drivers {

using namespace engine;

namespace {

class Reader {
public:
    Reader(const std::vector<uint8_t>& b, size_t begin, size_t end) : b_(b), pos_(begin), end_(end) {}
    bool at_end() const { return pos_ >= end_; }
    size_t pos() const { return pos_; }
    bool byte(uint8_t& out) {
        if (pos_ >= end_) return false;
        out = b_[pos_++];
        return true;
    }
    bool vlq(uint32_t& out) {
        out = 0;
        for (int i = 0; i < 4; ++i) {
            uint8_t c;
            if (!byte(c)) return false;
            out = (out << 7) | (c & 0x7F);
            if (!(c & 0x80)) return true;
        }
        return false;  // more than 4 bytes
    }
    bool take(size_t n, std::vector<uint8_t>& out) {
        if (end_ - pos_ < n) return false;
        out.insert(out.end(), b_.begin() + static_cast<std::ptrdiff_t>(pos_), b_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
        pos_ += n;
        return true;
    }

private:
    const std::vector<uint8_t>& b_;
    size_t pos_, end_;
};

uint32_t be32(const std::vector<uint8_t>& b, size_t at) {
    return static_cast<uint32_t>(b[at]) << 24 | static_cast<uint32_t>(b[at + 1]) << 16 | static_cast<uint32_t>(b[at + 2]) << 8 | b[at + 3];
}
uint16_t be16(const std::vector<uint8_t>& b, size_t at) { return static_cast<uint16_t>(b[at] << 8 | b[at + 1]); }

}  // namespace

SmfFile read_smf(const std::vector<uint8_t>& b) {
    SmfFile f;
    if (b.size() < 14 || std::string(b.begin(), b.begin() + 4) != "MThd" || be32(b, 4) < 6) {
        f.error = "not a Standard MIDI File (no MThd header)";
        return f;
    }
    f.format = be16(b, 8);
    f.tracks = be16(b, 10);
    f.division = be16(b, 12);
    size_t at = 8 + be32(b, 4);
    struct Indexed {
        SmfEvent e;
        size_t order;
    };
    std::vector<Indexed> all;
    for (uint32_t track = 0; track < f.tracks; ++track) {
        if (at + 8 > b.size()) {
            f.error = fmt::format("track {}: the file ends before the track's header (byte {})", track + 1, at);
            return f;
        }
        uint32_t len = be32(b, at + 4);
        bool is_track = std::string(b.begin() + static_cast<std::ptrdiff_t>(at), b.begin() + static_cast<std::ptrdiff_t>(at + 4)) == "MTrk";
        if (len > b.size() - at - 8) {
            f.error = fmt::format("track {}: its length {} runs past the end of the file", track + 1, len);
            return f;
        }
        if (!is_track) {  // unknown chunks are skipped (the standard says so); they do not count as tracks
            at += 8 + len;
            --track;
            if (at >= b.size()) break;
            continue;
        }
        Reader r(b, at + 8, at + 8 + len);
        at += 8 + len;
        uint64_t tick = 0;
        uint8_t status = 0;
        auto fail = [&](std::string_view what) {
            f.error = fmt::format("track {}: {} (byte {})", track + 1, what, r.pos());
            return f;
        };
        while (!r.at_end()) {
            uint32_t delta;
            if (!r.vlq(delta)) return fail("bad delta time");
            tick += delta;
            uint8_t c;
            if (!r.byte(c)) return fail("the track ends inside an event");
            if (c == 0xFF) {
                uint8_t type;
                uint32_t n;
                SmfMeta m{track, tick, {0xFF}};
                if (!r.byte(type) || !r.vlq(n)) return fail("bad meta event");
                m.bytes.push_back(type);
                if (!r.take(n, m.bytes)) return fail("a meta event runs past the end of its track");
                f.meta.push_back(std::move(m));
                if (type == 0x2F) break;  // end of track
                continue;
            }
            if (c == 0xF0 || c == 0xF7) {
                uint32_t n;
                if (!r.vlq(n)) return fail("bad SysEx length");
                std::vector<uint8_t> data;
                if (c == 0xF0) data.push_back(0xF0);
                if (!r.take(n, data)) return fail("a SysEx message runs past the end of its track");
                status = 0;  // SysEx cancels running status
                if (data.empty()) continue;
                f.sysex.push_back(std::move(data));
                Event e;
                e.type = SYSEX;
                e.sysex = f.sysex.back().data();
                e.sysex_size = static_cast<uint32_t>(f.sysex.back().size());
                all.push_back({{track, tick, e}, all.size()});
                continue;
            }
            uint8_t d1 = 0, d2 = 0;
            if (c & 0x80) {
                if (c >= 0xF0) return fail(fmt::format("status byte {:02X} is not allowed in a MIDI file", c));
                status = c;
                if (!r.byte(d1)) return fail("the track ends inside an event");
            } else {
                if (!status) return fail("a data byte without a status byte (no running status)");
                d1 = c;
            }
            uint8_t kind = status & 0xF0;
            if (kind != 0xC0 && kind != 0xD0 && !r.byte(d2)) return fail("the track ends inside an event");
            if ((d1 | d2) & 0x80) return fail("a data byte above 7F");
            Event e;
            e.channel = status & 0x0F;
            switch (kind) {
            case 0x80: e.type = NOTEOFF; e.data1 = d1; e.data2 = d2; break;
            case 0x90: e.type = d2 ? NOTEON : NOTEOFF; e.data1 = d1; e.data2 = d2; break;
            case 0xA0: e.type = POLY_AFTERTOUCH; e.data1 = d1; e.data2 = d2; break;
            case 0xB0: e.type = CTRL; e.data1 = d1; e.data2 = d2; break;
            case 0xC0: e.type = PROGRAM; e.data2 = d1; break;
            case 0xD0: e.type = AFTERTOUCH; e.data2 = d1; break;
            case 0xE0: e.type = PITCHBEND; e.data2 = (d2 << 7 | d1) - 8192; break;
            }
            all.push_back({{track, tick, e}, all.size()});
        }
    }
    std::stable_sort(all.begin(), all.end(), [](const Indexed& a, const Indexed& c) {
        return a.e.tick != c.e.tick ? a.e.tick < c.e.tick : a.e.track != c.e.track ? a.e.track < c.e.track : a.order < c.order;
    });
    f.events.reserve(all.size());
    for (Indexed& x : all) {
        x.e.event.port = static_cast<int32_t>(x.e.track);
        x.e.event.frame = x.e.tick;
        f.events.push_back(x.e);
    }
    return f;
}

SmfFile read_smf_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        SmfFile f;
        f.error = "cannot open the file";
        return f;
    }
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return read_smf(bytes);
}

}  // namespace mdc::drivers
