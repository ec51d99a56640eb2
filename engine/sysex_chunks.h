// SysExChunks: the bytes of SysEx messages travelling beside a queue of fixed-size records from
// one thread to another (EngineInbox into the engine, LiveHost out to its worker). The producer
// copies a message's bytes in 64-byte chunks before it publishes the record; the consumer copies
// them out into its scratch when it takes the record, so records and bytes stay in step. One
// producer and one consumer at a time; fixed capacity; nothing allocates after construction, and
// neither side waits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "engine/spsc_queue.h"

namespace mdc::engine {

class SysExChunks {
public:
    explicit SysExChunks(uint32_t bytes) : capacity_(chunks_for(std::max(bytes, chunk_size))), chunks_(capacity_), scratch_(capacity_ * chunk_size) {}

    // Producer: whether `size` more bytes fit. Only the consumer takes meanwhile, so the room can
    // only grow until write().
    bool has_room(uint32_t size) const { return chunks_.size_approx() + chunks_for(size) <= capacity_; }
    // Producer, after has_room(size).
    void write(const uint8_t* data, uint32_t size) {
        for (uint32_t c = 0; c < chunks_for(size); ++c) {
            Chunk chunk{};
            std::memcpy(chunk.bytes, data + c * chunk_size, std::min(chunk_size, size - c * chunk_size));
            chunks_.try_enqueue(chunk);
        }
    }
    // Consumer: the bytes of the next message, `size` long (null for 0), valid until the next read.
    const uint8_t* read(uint32_t size) {
        Chunk chunk;
        for (uint32_t c = 0; c < chunks_for(size); ++c) {
            chunks_.try_dequeue(chunk);  // always there: written before the record was published
            std::memcpy(scratch_.data() + c * chunk_size, chunk.bytes, chunk_size);
        }
        return size ? scratch_.data() : nullptr;
    }

private:
    static constexpr uint32_t chunk_size = 64;
    struct Chunk {
        uint8_t bytes[chunk_size];
    };
    static uint32_t chunks_for(uint32_t size) { return (size + chunk_size - 1) / chunk_size; }
    const uint32_t capacity_;  // chunks
    moodycamel::ReaderWriterQueue<Chunk> chunks_;
    std::vector<uint8_t> scratch_;
};

}  // namespace mdc::engine
