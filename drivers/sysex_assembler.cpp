// SysEx reassembly (see sysex_assembler.h).
#include "sysex_assembler.h"

#include <algorithm>

namespace mdc::drivers {

SysexAssembler::SysexAssembler(size_t ports, size_t reserve, size_t limit) : ports_(ports), limit_(limit) {
    for (Port& p : ports_) p.bytes.reserve(reserve);
}

SysexAssembler::Piece SysexAssembler::feed(size_t port, const uint8_t* bytes, size_t size) {
    Piece out;
    if (port >= ports_.size() || size == 0) return out;
    Port& p = ports_[port];
    if (p.done) {
        p.bytes.clear();
        p.done = false;
    }
    if (bytes[0] == 0xF0) {
        out.broken = !p.bytes.empty();  // the one before never ended
        p.bytes.clear();
        p.skipping = false;
    } else if (p.bytes.empty()) {
        // A continuation: of a message over the limit (dropped quietly, it was reported), or of nothing.
        if (!p.skipping) out.broken = true;
        if (std::find(bytes, bytes + size, 0xF7) != bytes + size) p.skipping = false;
        return out;
    }
    const uint8_t* end = std::find(bytes, bytes + size, 0xF7);
    const bool complete = end != bytes + size;
    const size_t take = complete ? static_cast<size_t>(end - bytes) + 1 : size;
    if (complete && take < size) out.broken = true;  // bytes after the F7 belong to no message
    if (p.bytes.size() + take > limit_) {
        out.broken = true;
        p.bytes.clear();
        p.skipping = !complete;
        return out;
    }
    p.bytes.insert(p.bytes.end(), bytes, bytes + take);
    if (complete) {
        p.done = true;
        out.message = p.bytes;
    }
    return out;
}

}  // namespace mdc::drivers
