// ALSA sequencer events <-> engine events, for the ALSA driver. Input goes through MIDI bytes as
// in mididings (libasound's snd_midi_event decoder, no running status, then decode_midi): so a
// note-on with velocity 0 arrives as a note-off, and a 14-bit controller or an (N)RPN event
// arrives as the controller messages it stands for. Output is the other way round; a SysEx leaves
// in pieces of `sysex_piece` bytes (the receiving client puts them back together), so that no
// receiver needs room for the whole message at once. SysEx input is put together by the caller
// (sysex_assembler.h). Nothing here allocates after construction.
#pragma once

#include <alsa/asoundlib.h>

#include <algorithm>
#include <cstdint>

#include "engine/event.h"
#include "engine/event_types.h"

namespace mdc::drivers {

class AlsaCodec {
public:
    static constexpr uint32_t sysex_piece = 256;

    AlsaCodec();
    ~AlsaCodec();
    AlsaCodec(const AlsaCodec&) = delete;
    AlsaCodec& operator=(const AlsaCodec&) = delete;

    struct Decoded {
        enum class Kind : uint8_t { Midi, NotMidi, Invalid } kind = Kind::NotMidi;
        uint32_t count = 0;          // Midi: events[0 .. count)
        engine::Event events[4];     // port and frame left for the caller
    };
    // One sequencer event that is not SysEx. NotMidi: it carries no MIDI message (announcements,
    // echoes, queue control); Invalid: its bytes are not MIDI.
    Decoded decode(const snd_seq_event_t& ev);

    // The sequencer events of one engine event, each handed to `put(snd_seq_event_t&)` with only
    // its type and data set (the caller addresses it). False when the event has no MIDI form.
    template <typename Put>
    bool encode(const engine::Event& e, Put&& put) {
        snd_seq_event_t ev;
        if (e.type != engine::SYSEX) {
            if (!encode_short(e, ev)) return false;
            put(ev);
            return true;
        }
        if (!e.sysex || e.sysex_size == 0) return false;
        for (uint32_t at = 0; at < e.sysex_size; at += sysex_piece) {
            snd_seq_ev_clear(&ev);
            snd_seq_ev_set_sysex(&ev, std::min(sysex_piece, e.sysex_size - at), const_cast<uint8_t*>(e.sysex + at));
            put(ev);
        }
        return true;
    }

private:
    bool encode_short(const engine::Event& e, snd_seq_event_t& out);
    snd_midi_event_t* coder_ = nullptr;
};

}  // namespace mdc::drivers
