// SysEx that arrives in pieces (the ALSA sequencer delivers a long SysEx, or one from a hardware
// port, as several SYSEX events: the first starts with F0, the last ends with F7), put back
// together per input port, as mididings does. A piece that continues nothing, a message cut off
// by a new F0, or one longer than the limit is reported broken and dropped. Each port's buffer is
// reserved up front and grows only when a message longer than any before arrives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace mdc::drivers {

class SysexAssembler {
public:
    SysexAssembler(size_t ports, size_t reserve = 64 * 1024, size_t limit = 16 * 1024 * 1024);

    struct Piece {
        std::span<const uint8_t> message;  // a whole F0 ... F7 message when this piece completed one
        bool broken = false;               // bytes were dropped (see above)
    };

    // One piece received on `port`. The message stays valid until the next feed on that port.
    Piece feed(size_t port, const uint8_t* bytes, size_t size);

private:
    struct Port {
        std::vector<uint8_t> bytes;
        bool done = false;      // bytes holds a message already handed out
        bool skipping = false;  // the rest of a message over the limit: dropped up to its F7
    };
    std::vector<Port> ports_;
    size_t limit_;
};

}  // namespace mdc::drivers
