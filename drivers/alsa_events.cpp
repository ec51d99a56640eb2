// ALSA sequencer events <-> engine events (see alsa_events.h).
#include "alsa_events.h"

#include <new>

#include "midi_bytes.h"

namespace mdc::drivers {

namespace {

// The length of a message that starts with `status` (0: SysEx or undefined).
size_t message_size(uint8_t status) {
    if (status < 0xF0) return (status & 0xE0) == 0xC0 ? 2 : 3;  // C0, D0: two bytes
    switch (status) {
    case 0xF1: case 0xF3: return 2;
    case 0xF2: return 3;
    case 0xF6: case 0xF8: case 0xFA: case 0xFB: case 0xFC: case 0xFE: case 0xFF: return 1;
    default: return 0;
    }
}

}  // namespace

AlsaCodec::AlsaCodec() {
    if (snd_midi_event_new(16, &coder_) < 0) throw std::bad_alloc();
    snd_midi_event_no_status(coder_, 1);
}

AlsaCodec::~AlsaCodec() { snd_midi_event_free(coder_); }

AlsaCodec::Decoded AlsaCodec::decode(const snd_seq_event_t& ev) {
    Decoded out;
    uint8_t bytes[12];  // the longest: an (N)RPN event, four controller messages
    const long n = snd_midi_event_decode(coder_, bytes, sizeof bytes, &ev);
    if (n <= 0) return out;  // -ENOENT: not a MIDI event
    out.kind = Decoded::Kind::Midi;
    for (long at = 0; at < n;) {
        const size_t size = message_size(bytes[at]);
        if (size == 0 || at + static_cast<long>(size) > n || out.count == 4 || !decode_midi(bytes + at, size, out.events[out.count])) {
            out.kind = Decoded::Kind::Invalid;
            out.count = 0;
            return out;
        }
        ++out.count;
        at += static_cast<long>(size);
    }
    return out;
}

bool AlsaCodec::encode_short(const engine::Event& e, snd_seq_event_t& out) {
    uint8_t bytes[3];
    const size_t n = encode_midi(e, bytes, sizeof bytes);
    if (n == 0) return false;
    snd_seq_ev_clear(&out);
    snd_midi_event_reset_encode(coder_);
    return snd_midi_event_encode(coder_, bytes, static_cast<long>(n), &out) == static_cast<long>(n) && out.type != SND_SEQ_EVENT_NONE;
}

}  // namespace mdc::drivers
