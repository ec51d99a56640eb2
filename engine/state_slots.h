// Unit state lives in the engine's int32 slots (Program::state_size, all -1 at start); times on the
// engine's clock are int64 nanoseconds, kept in two slots, and so are instruction operands that
// hold a duration. These helpers read and write them.
#pragma once

#include <cstdint>

namespace mdc::engine {

inline int64_t join64(int32_t low, int32_t high) {
    return static_cast<int64_t>(static_cast<uint64_t>(static_cast<uint32_t>(high)) << 32 | static_cast<uint32_t>(low));
}
inline int32_t low32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v))); }
inline int32_t high32(int64_t v) { return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(v) >> 32)); }

inline int64_t load64(const int32_t* slot) { return join64(slot[0], slot[1]); }
inline void store64(int32_t* slot, int64_t v) {
    slot[0] = low32(v);
    slot[1] = high32(v);
}

}  // namespace mdc::engine
