// A Standard MIDI File as mdc's own SMF codec reads it: every track's events in file order, each
// with what is needed to write it back exactly as it was read (the status byte as read, whether
// running status was used, the bytes of SysEx, escapes and meta events), and the order in which
// the tracks merge for a patch (time, track, position in the track).
// libsmf is not used: it aborts on legal files and misreads long meta events (docs/convert.md).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/event.h"

namespace mdc::drivers {

enum class SmfKind : uint8_t {
    Channel,       // a channel message: status (9n with velocity 0 stays 9n), data1, data2
    SysEx,         // one SysEx for the patch: an F0 packet, an F0 packet and F7 continuations, or F0..F7 in an F7 escape
    Continuation,  // an F7 packet that continues an earlier SysEx of its track (`sysex_head`)
    System,        // one system common or realtime message in an F7 escape: status, data1, data2
    Meta,          // a meta event other than End-of-Track (FF type length data): not run through the patch
    Opaque,        // bytes the patch cannot take as one event (a SysEx without its final F7, an escape
                   // holding something else): copied as read, not run through the patch
};

// How a channel message's status byte was written.
enum class StatusForm : uint8_t {
    Explicit,            // the status byte is there
    Running,             // running status after another channel message
    RunningAfterOther,   // running status across a meta, SysEx or escape (tolerated, as most readers do)
};

struct SmfEvent {
    uint64_t tick = 0;
    uint32_t at = 0;      // offset in the file of the bytes after the delta time (SysEx, escapes, metas)
    uint32_t size = 0;    // how many bytes there
    uint32_t sysex = 0;   // SysEx: index into SmfFile::sysex; Continuation: index of its SysEx in the track
    SmfKind kind = SmfKind::Channel;
    uint8_t status = 0;   // Channel and System: the status byte (as read); Meta: the type
    uint8_t data1 = 0, data2 = 0;
    StatusForm form = StatusForm::Explicit;
};

// A SysEx as the patch sees it: F0 ... F7 in SmfFile::sysex_bytes.
struct SmfSysEx {
    uint32_t begin = 0, size = 0;
    uint32_t continuations = 0;  // F7 packets after the F0 packet (0: one packet, or an F7 escape)
};

struct SmfTrack {
    std::vector<SmfEvent> events;  // in file order, without the End-of-Track event
    uint32_t chunk_at = 0;         // offset of the MTrk chunk
    bool has_end = false;          // the track has an End-of-Track event
    uint64_t end_tick = 0;         // its time, or the time of the last event
    uint32_t end_at = 0, end_size = 0;  // its bytes (FF 2F 00 as read)
};

struct SmfFile {
    uint16_t format = 0;
    uint16_t division = 0;  // as in the header: ticks per quarter note, or SMPTE (top bit set)
    std::vector<SmfTrack> tracks;
    std::vector<uint8_t> sysex_bytes;
    std::vector<SmfSysEx> sysex;
    uint64_t events = 0;    // every event read, meta events and End-of-Track included
    std::vector<std::string> warnings;  // what was skipped or cannot go through a patch (the first 100)
    uint64_t more_warnings = 0;         // warnings beyond those
    std::string error;      // non-empty: not a readable MIDI file (what, and the track and byte)

    const uint8_t* sysex_data(uint32_t index) const { return sysex_bytes.data() + sysex[index].begin; }
};

// The engine event of a Channel, SysEx or System event: port = track, frame = tick; a note-on
// with velocity 0 becomes a note-off, as from a MIDI port. Its SysEx bytes point into `file`.
engine::Event smf_engine_event(const SmfFile& file, uint32_t track, const SmfEvent& e);

// Visits every event of every track in the order a patch sees them: by time, then track, then
// position in the track.
class SmfMerge {
public:
    explicit SmfMerge(const SmfFile& file);
    // The next event: false when all were visited.
    bool next(uint32_t& track, uint32_t& index);

private:
    struct Head {
        uint64_t tick;
        uint32_t track;
        uint32_t index;
    };
    const SmfFile& file_;
    std::vector<Head> heap_;  // a binary min-heap on (tick, track)
    void sift_down(size_t i);
};

}  // namespace mdc::drivers
