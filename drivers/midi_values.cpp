// MIDIMonster's value conversions (see midi_values.h).
#include "midi_values.h"

#include <algorithm>

namespace mdc::drivers {

namespace {

enum : uint8_t { epn_nrpn = 1, epn_param_hi = 2, epn_param_lo = 4, epn_value_hi = 8 };

engine::Event channel_event(const MidiChannel& c, uint32_t type, int32_t data1, int32_t data2, uint64_t frame) {
    engine::Event e;
    e.type = type;
    e.port = c.port;
    e.channel = c.channel;
    e.data1 = data1;
    e.data2 = data2;
    e.frame = frame;
    return e;
}

}  // namespace

int value_to_events(const MidiChannel& c, double value, uint64_t frame, engine::Event out[max_value_events]) {
    value = std::clamp(value, 0.0, 1.0);
    const auto v7 = static_cast<int32_t>(value * 127.0);
    const auto v14 = static_cast<int32_t>(static_cast<uint16_t>(value * 16383.0));
    using W = MidiWhat;
    switch (c.what) {
    case W::Cc: out[0] = channel_event(c, engine::CTRL, c.number, v7, frame); return 1;
    case W::Note: out[0] = channel_event(c, engine::NOTEON, c.number, v7, frame); return 1;  // 0.0: a note-on with velocity 0
    case W::Pressure: out[0] = channel_event(c, engine::POLY_AFTERTOUCH, c.number, v7, frame); return 1;
    case W::Aftertouch: out[0] = channel_event(c, engine::AFTERTOUCH, 0, v7, frame); return 1;
    case W::Program: out[0] = channel_event(c, engine::PROGRAM, 0, v7, frame); return 1;
    case W::Pitch: out[0] = channel_event(c, engine::PITCHBEND, 0, v14 - 8192, frame); return 1;
    case W::Rpn: case W::Nrpn: {
        const bool rpn = c.what == W::Rpn;
        out[0] = channel_event(c, engine::CTRL, rpn ? 101 : 99, (c.number >> 7) & 127, frame);
        out[1] = channel_event(c, engine::CTRL, rpn ? 100 : 98, c.number & 127, frame);
        out[2] = channel_event(c, engine::CTRL, 6, v14 >> 7, frame);
        out[3] = channel_event(c, engine::CTRL, 38, v14 & 127, frame);
        out[4] = channel_event(c, engine::CTRL, 101, 127, frame);  // the null parameter, as MIDIMonster's default epn-tx
        out[5] = channel_event(c, engine::CTRL, 100, 127, frame);
        return 6;
    }
    }
    return 0;
}

bool epn_feed(EpnState& s, int32_t controller, int32_t data, MidiChannel& out, double& value) {
    switch (controller) {
    case 101: case 100: case 99: case 98: {
        const bool nrpn = controller <= 99;
        if (nrpn != ((s.flags & epn_nrpn) != 0)) s.flags = nrpn ? epn_nrpn : 0;  // switching kind: start over
        s.flags &= static_cast<uint8_t>(~epn_value_hi);
        if (controller == 101 || controller == 99) {
            s.parameter = static_cast<uint16_t>((s.parameter & 0x7F) | ((data & 127) << 7));
            if (controller == 101 && data == 127) s.flags &= static_cast<uint8_t>(~epn_param_hi);
            else s.flags |= epn_param_hi;
        } else {
            s.parameter = static_cast<uint16_t>((s.parameter & 0x3F80) | (data & 127));
            if (controller == 100 && data == 127) s.flags &= static_cast<uint8_t>(~epn_param_lo);
            else s.flags |= epn_param_lo;
        }
        return false;
    }
    case 6:
        if ((s.flags & (epn_param_hi | epn_param_lo)) != (epn_param_hi | epn_param_lo)) return false;
        s.value = static_cast<uint16_t>((data & 127) << 7);
        s.flags |= epn_value_hi;
        return false;
    case 38:
        if (!(s.flags & epn_value_hi)) return false;
        s.value = static_cast<uint16_t>((s.value & 0x3F80) | (data & 127));
        s.flags &= static_cast<uint8_t>(~epn_value_hi);
        out.what = (s.flags & epn_nrpn) ? MidiWhat::Nrpn : MidiWhat::Rpn;
        out.number = s.parameter;
        value = s.value / 16383.0;
        return true;
    default: return false;
    }
}

bool event_value(const engine::Event& e, MidiChannel& out, double& value) {
    out.port = e.port;
    out.channel = e.channel;
    out.number = 0;
    using W = MidiWhat;
    switch (e.type) {
    case engine::NOTEON: out.what = W::Note, out.number = e.data1, value = e.data2 / 127.0; return true;
    case engine::NOTEOFF: out.what = W::Note, out.number = e.data1, value = 0.0; return true;  // release velocity discarded
    case engine::CTRL: out.what = W::Cc, out.number = e.data1, value = e.data2 / 127.0; return true;
    case engine::POLY_AFTERTOUCH: out.what = W::Pressure, out.number = e.data1, value = e.data2 / 127.0; return true;
    case engine::AFTERTOUCH: out.what = W::Aftertouch, value = e.data2 / 127.0; return true;
    case engine::PROGRAM: out.what = W::Program, value = e.data2 / 127.0; return true;
    case engine::PITCHBEND: out.what = W::Pitch, value = (e.data2 + 8192) / 16383.0; return true;
    default: return false;
    }
}

}  // namespace mdc::drivers
