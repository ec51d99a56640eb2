// MIDI bytes <-> events (see midi_bytes.h).
#include "midi_bytes.h"

#include <cstring>

#include "engine/event_types.h"

namespace mdc::drivers {

using namespace engine;

bool decode_midi(const uint8_t* bytes, size_t size, Event& out) {
    if (size == 0 || !(bytes[0] & 0x80)) return false;
    const uint8_t status = bytes[0];
    if (status == 0xF0) {
        if (size < 2 || bytes[size - 1] != 0xF7) return false;
        for (size_t i = 1; i + 1 < size; ++i)
            if (bytes[i] & 0x80) return false;
        out.type = SYSEX;
        out.channel = 0;
        out.data1 = out.data2 = 0;
        out.sysex = bytes;
        out.sysex_size = static_cast<uint32_t>(size);
        return true;
    }
    for (size_t i = 1; i < size; ++i)
        if (bytes[i] & 0x80) return false;
    auto expect = [&](size_t n) { return size == n; };
    const int d1 = size > 1 ? bytes[1] : 0, d2 = size > 2 ? bytes[2] : 0;
    out.sysex = nullptr;
    out.sysex_size = 0;
    out.data1 = out.data2 = 0;
    if (status < 0xF0) {
        out.channel = status & 0x0F;
        switch (status & 0xF0) {
        case 0x80: out.type = NOTEOFF; out.data1 = d1; out.data2 = d2; return expect(3);
        case 0x90: out.type = d2 == 0 ? NOTEOFF : NOTEON; out.data1 = d1; out.data2 = d2; return expect(3);
        case 0xA0: out.type = POLY_AFTERTOUCH; out.data1 = d1; out.data2 = d2; return expect(3);
        case 0xB0: out.type = CTRL; out.data1 = d1; out.data2 = d2; return expect(3);
        case 0xC0: out.type = PROGRAM; out.data2 = d1; return expect(2);
        case 0xD0: out.type = AFTERTOUCH; out.data2 = d1; return expect(2);
        default: out.type = PITCHBEND; out.data2 = ((d2 << 7) | d1) - 8192; return expect(3);
        }
    }
    out.channel = 0;
    switch (status) {
    case 0xF1: out.type = SYSCM_QFRAME; out.data1 = d1; return expect(2);
    case 0xF2: out.type = SYSCM_SONGPOS; out.data1 = d1; out.data2 = d2; return expect(3);
    case 0xF3: out.type = SYSCM_SONGSEL; out.data1 = d1; return expect(2);
    case 0xF6: out.type = SYSCM_TUNEREQ; return expect(1);
    case 0xF8: out.type = SYSRT_CLOCK; return expect(1);
    case 0xFA: out.type = SYSRT_START; return expect(1);
    case 0xFB: out.type = SYSRT_CONTINUE; return expect(1);
    case 0xFC: out.type = SYSRT_STOP; return expect(1);
    case 0xFE: out.type = SYSRT_SENSING; return expect(1);
    case 0xFF: out.type = SYSRT_RESET; return expect(1);
    default: return false;  // F4, F5, F7 alone, F9, FD
    }
}

size_t encode_midi(const Event& e, uint8_t* out, size_t capacity) {
    auto put = [&](size_t n, uint8_t a, uint8_t b = 0, uint8_t c = 0) -> size_t {
        if (capacity < n) return 0;
        out[0] = a;
        if (n > 1) out[1] = b;
        if (n > 2) out[2] = c;
        return n;
    };
    const auto ch = static_cast<uint8_t>(e.channel & 0x0F);
    const auto d1 = static_cast<uint8_t>(e.data1 & 0x7F), d2 = static_cast<uint8_t>(e.data2 & 0x7F);
    switch (e.type) {
    case NOTEON: return put(3, 0x90 | ch, d1, d2);
    case NOTEOFF: return put(3, 0x80 | ch, d1, d2);
    case POLY_AFTERTOUCH: return put(3, 0xA0 | ch, d1, d2);
    case CTRL: return put(3, 0xB0 | ch, d1, d2);
    case PROGRAM: return put(2, 0xC0 | ch, d2);
    case AFTERTOUCH: return put(2, 0xD0 | ch, d2);
    case PITCHBEND: {
        const int v = e.data2 + 8192;
        return put(3, 0xE0 | ch, static_cast<uint8_t>(v & 0x7F), static_cast<uint8_t>((v >> 7) & 0x7F));
    }
    case SYSEX:
        if (capacity < e.sysex_size || !e.sysex) return 0;
        std::memcpy(out, e.sysex, e.sysex_size);
        return e.sysex_size;
    case SYSCM_QFRAME: return put(2, 0xF1, d1);
    case SYSCM_SONGPOS: return put(3, 0xF2, d1, d2);
    case SYSCM_SONGSEL: return put(2, 0xF3, d1);
    case SYSCM_TUNEREQ: return put(1, 0xF6);
    case SYSRT_CLOCK: return put(1, 0xF8);
    case SYSRT_START: return put(1, 0xFA);
    case SYSRT_CONTINUE: return put(1, 0xFB);
    case SYSRT_STOP: return put(1, 0xFC);
    case SYSRT_SENSING: return put(1, 0xFE);
    case SYSRT_RESET: return put(1, 0xFF);
    default: return 0;
    }
}

}  // namespace mdc::drivers
