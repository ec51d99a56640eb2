// The mapping lines' lookup table (see mapping_table.h).
#include "mapping_table.h"

#include <algorithm>
#include <map>

namespace mdc::drivers {

namespace {

MidiChannel midi_of(const MappingEndpoint& ep) { return {ep.port, ep.channel, ep.what, ep.number}; }

std::string channel_name(const MappingEndpoint& ep) { return ep.text.substr(ep.instance.size() + 1); }

}  // namespace

MappingTable::MappingTable(const CheckedPatch& patch) : lines_(patch.mappings) {
    for (const PythonInstance& pi : patch.instances) instances_.push_back({pi.name, {}});
    auto instance_of = [&](const std::string& name) {
        for (size_t i = 0; i < instances_.size(); ++i)
            if (instances_[i].name == name) return static_cast<int32_t>(i);
        instances_.push_back({name, {}});  // not reached for a checked patch
        return static_cast<int32_t>(instances_.size() - 1);
    };
    auto channel_of = [&](int32_t inst, const std::string& name) {
        auto& chans = instances_[static_cast<size_t>(inst)].channels;
        for (size_t i = 0; i < chans.size(); ++i)
            if (chans[i].name == name) return static_cast<int32_t>(i);
        chans.push_back({name, "", -1, 0, 0});
        return static_cast<int32_t>(chans.size() - 1);
    };
    // Channels in order of first mention (either side), then targets grouped by source.
    std::map<uint64_t, std::vector<MapTarget>> midi_targets;
    std::map<std::pair<int32_t, int32_t>, std::vector<MapTarget>> python_targets;
    for (size_t i = 0; i < lines_.size(); ++i) {
        const MappingLine& l = lines_[i];
        MapTarget t;
        t.line = static_cast<int32_t>(i);
        int32_t src_inst = -1, src_chan = -1;
        // Left to right in the line as written: MIDIMonster creates channels as it reads them.
        const MappingEndpoint* sides[2] = {&l.from, &l.to};
        if (l.to.span.begin < l.from.span.begin) std::swap(sides[0], sides[1]);
        for (const MappingEndpoint* ep : sides) {
            if (ep->kind != MappingEndpoint::Kind::Python) continue;
            int32_t inst = instance_of(ep->instance);
            int32_t ch = channel_of(inst, channel_name(*ep));
            if (ep == &l.to) {
                t.python = true, t.instance = inst, t.channel = ch;
                MappedChannel& mc = instances_[static_cast<size_t>(inst)].channels[static_cast<size_t>(ch)];
                if (mc.handler.empty()) mc.handler = ep->handler, mc.handler_line = t.line;
                has_python_ = true;
            } else {
                src_inst = inst, src_chan = ch;
            }
        }
        if (l.to.kind == MappingEndpoint::Kind::Midi) t.midi = midi_of(l.to);
        if (l.from.kind == MappingEndpoint::Kind::Midi) {
            if (l.from.what == MidiWhat::Rpn || l.from.what == MidiWhat::Nrpn) reads_epn_ = true;
            midi_targets[channel_key(midi_of(l.from))].push_back(t);
        } else {
            has_python_ = true;
            python_targets[{src_inst, src_chan}].push_back(t);
        }
    }
    for (auto& [key, ts] : midi_targets) {
        midi_.push_back({key, static_cast<uint32_t>(targets_.size()), static_cast<uint32_t>(ts.size())});
        targets_.insert(targets_.end(), ts.begin(), ts.end());
    }
    for (auto& [key, ts] : python_targets) {
        MappedChannel& mc = instances_[static_cast<size_t>(key.first)].channels[static_cast<size_t>(key.second)];
        mc.first = static_cast<uint32_t>(targets_.size());
        mc.count = static_cast<uint32_t>(ts.size());
        targets_.insert(targets_.end(), ts.begin(), ts.end());
    }
}

std::span<const MapTarget> MappingTable::targets(const MidiChannel& c) const {
    const uint64_t key = channel_key(c);
    auto it = std::lower_bound(midi_.begin(), midi_.end(), key, [](const MidiSource& s, uint64_t k) { return s.key < k; });
    if (it == midi_.end() || it->key != key) return {};
    return {targets_.data() + it->first, it->count};
}

std::span<const MapTarget> MappingTable::targets(int32_t instance, int32_t channel) const {
    const MappedChannel& mc = instances_[static_cast<size_t>(instance)].channels[static_cast<size_t>(channel)];
    return {targets_.data() + mc.first, mc.count};
}

MappingInput::MappingInput(const MappingTable& table, uint32_t in_ports) : table_(table), epn_(table.reads_epn() ? static_cast<size_t>(in_ports) * 16 : 0) {}

}  // namespace mdc::drivers
