// Mapping lines as a lookup table (PRODUCT.md section 2): for a MIDI channel or a Python
// instance's channel, where its values go. Built once from the checked patch's lines; the lookups
// allocate nothing, so the engine's tap can use them on the realtime thread. Python channels are
// numbered per instance in MIDIMonster's order (first mention in the mapping lines).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "midi_values.h"

namespace mdc::drivers {

struct MapTarget {
    bool python = false;
    MidiChannel midi;          // !python: the MIDI channel written
    int32_t instance = -1;     // python: the instance and its channel whose handler runs
    int32_t channel = -1;
    int32_t line = -1;         // index into CheckedPatch::mappings (for messages)
};

struct MappedChannel {            // one channel of a Python instance
    std::string name;             // as the instance sees it: "my_handlers.in1", "strip3", "out1"
    std::string handler;          // "module.function" when values are mapped into it, else ""
    int32_t handler_line = -1;    // the first mapping line that maps into it
    uint32_t first = 0, count = 0;  // its targets (when the instance outputs on it)
};

struct MappedInstance {
    std::string name;
    std::vector<MappedChannel> channels;
};

class MappingTable {
public:
    explicit MappingTable(const CheckedPatch& patch);

    bool empty() const { return lines_.empty(); }
    bool has_python() const { return has_python_; }
    const std::vector<MappedInstance>& instances() const { return instances_; }
    const std::vector<MappingLine>& lines() const { return lines_; }

    // Where a MIDI channel's values go (empty when nothing maps it).
    std::span<const MapTarget> targets(const MidiChannel& c) const;
    // Where an instance's output channel goes.
    std::span<const MapTarget> targets(int32_t instance, int32_t channel) const;
    // Whether any line reads RPN/NRPN channels (else the state machine is skipped).
    bool reads_epn() const { return reads_epn_; }

private:
    struct MidiSource {
        uint64_t key;
        uint32_t first, count;
    };
    std::vector<MappingLine> lines_;
    std::vector<MappedInstance> instances_;
    std::vector<MidiSource> midi_;  // sorted by key
    std::vector<MapTarget> targets_;
    bool has_python_ = false, reads_epn_ = false;
};

// The input side of the mapping lines for one running engine: the RPN/NRPN state per port and
// channel and the lookup. Realtime-safe after construction.
class MappingInput {
public:
    MappingInput(const MappingTable& table, uint32_t in_ports);

    // Calls visit(const MapTarget&, double value) for every target of `e`, in line order.
    template <typename Visit>
    void route(const engine::Event& e, Visit&& visit) {
        MidiChannel c;
        double v;
        if (!event_value(e, c, v)) return;
        for (const MapTarget& t : table_.targets(c)) visit(t, v);
        if (e.type != engine::CTRL || !table_.reads_epn() || e.port < 0 || static_cast<size_t>(e.port) * 16 >= epn_.size()) return;
        if (epn_feed(epn_[static_cast<size_t>(e.port) * 16 + static_cast<size_t>(e.channel & 15)], e.data1, e.data2, c, v))
            for (const MapTarget& t : table_.targets(c)) visit(t, v);
    }
    const MappingTable& table() const { return table_; }

private:
    const MappingTable& table_;
    std::vector<EpnState> epn_;
};

}  // namespace mdc::drivers
