// Writes a Standard MIDI File from output tracks whose items say how each event is written:
// a channel message from its status and data (with running status where its input used it), bytes
// copied from the input file or from the output's own pool (meta events, SysEx, escapes), or a
// SysEx in the F0 and F7 packets it was read in. Each track ends with End-of-Track at its end time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "smf.h"

namespace mdc::drivers {

enum class SmfOutKind : uint8_t {
    Channel,     // status, data1, data2 (a program change or channel pressure writes data1 only)
    Bytes,       // `size` bytes at `at`, in the input file, or in the pool when `pooled`
    PacketHead,  // the input SysEx event (`at` = input track, `size` = its index) in its F0 and F7 packets
    Packet,      // an F7 continuation of a PacketHead (`at` = input track, `size` = its index)
};

struct SmfOutItem {
    uint64_t tick = 0;
    uint32_t at = 0, size = 0;
    SmfOutKind kind = SmfOutKind::Channel;
    bool pooled = false;
    bool meta = false;  // Bytes: a meta event (it may sit between the packets of a SysEx)
    uint8_t status = 0, data1 = 0, data2 = 0;
    // Channel: Explicit writes the status byte; Running omits it when it repeats the last status
    // written after another channel message; RunningAfterOther also across metas and SysEx (as read).
    StatusForm form = StatusForm::Explicit;
};

struct SmfOutTrack {
    std::vector<SmfOutItem> items;  // ticks never decrease
    uint64_t end_tick = 0;          // End-of-Track goes at the later of this and the last item
    int32_t input = -1;             // the input track whose End-of-Track bytes are kept, if it had one
};

struct SmfOut {
    uint16_t format = 1;
    uint16_t division = 96;
    std::vector<SmfOutTrack> tracks;
    std::vector<uint8_t> pool;  // bytes of events made by the patch (SysEx, escapes)
};

struct SmfWritten {
    std::vector<uint8_t> bytes;
    uint64_t events = 0;  // meta events and End-of-Track included, each SysEx packet counted
    std::string error;    // non-empty: the tracks cannot be written as a MIDI file (bytes empty)
};

// `in` and `in_bytes` are the file that `Bytes`, `PacketHead` and `Packet` items refer to.
SmfWritten write_smf(const SmfOut& out, const SmfFile& in, std::span<const uint8_t> in_bytes);

inline constexpr uint32_t smf_max_vlq = 0x0FFFFFFF;  // the largest number of 4 bytes

inline void append_vlq(std::vector<uint8_t>& out, uint32_t v) {
    uint8_t buf[5];
    int n = 0;
    buf[n++] = v & 0x7F;
    while (v >>= 7) buf[n++] = static_cast<uint8_t>(0x80 | (v & 0x7F));
    while (n) out.push_back(buf[--n]);
}

}  // namespace mdc::drivers
