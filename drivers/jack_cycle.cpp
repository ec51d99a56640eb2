// The JACK driver's periods (see jack_driver.h and jack_state.h): jack-rt runs the engine inside
// the process callback; jack moves input to a ring for the engine thread and writes what it made
// one period later. Realtime side: no allocation, lock or wait (tests/realtime/jack_realtime_test).
#include <time.h>

#include "jack_state.h"

namespace mdc::drivers {

// Puts a record and its bytes in a ring in one step: the reader never sees a header without its
// bytes (two plain writes would publish the header first). False when there is no room.
bool ring_put(jack_ringbuffer_t* ring, const RingRecord& r, const uint8_t* bytes) {
    const size_t total = sizeof r + r.size;
    if (jack_ringbuffer_write_space(ring) < total) return false;
    jack_ringbuffer_data_t vec[2];
    jack_ringbuffer_get_write_vector(ring, vec);
    size_t at = 0;
    auto copy = [&](const void* src, size_t n) {
        const auto* from = static_cast<const char*>(src);
        while (n) {
            jack_ringbuffer_data_t& v = at < vec[0].len ? vec[0] : vec[1];
            const size_t in_v = at < vec[0].len ? at : at - vec[0].len;
            const size_t k = std::min(n, v.len - in_v);
            std::memcpy(v.buf + in_v, from, k);
            from += k;
            at += k;
            n -= k;
        }
    };
    copy(&r, sizeof r);
    copy(bytes, r.size);
    jack_ringbuffer_write_advance(ring, total);
    return true;
}

// jack-rt: each input runs through the engine here; outputs leave at its frame offset.
int JackDriver::State::process_realtime(jack_nframes_t nframes) {
    clear_outputs(nframes);
    const uint64_t cycle = jack_last_frame_time(client);
    if (stop_requested.load(std::memory_order_acquire)) {
        if (!released.load(std::memory_order_relaxed)) {
            release_held(0);
            released.store(true, std::memory_order_release);
        }
        host->end_cycle();
        return 0;
    }
    if (!go.load(std::memory_order_acquire)) return 0;
    auto write_now = [&](std::span<const engine::Event> out) {
        for (const engine::Event& e : out) write_event(e, 0);
    };
    if (!started) {
        write_now(engines->current().start());
        started = true;
    }
    engines->begin_cycle(cycle, write_now);
    engines->current().drain(*inbox, cycle, write_now);
    merged_input(nframes, [&](uint32_t port, const jack_midi_event_t& m) {
        engine::Event e;
        if (!decode_midi(m.buffer, m.size, e)) {
            host->counters().invalid_input.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        e.port = static_cast<int32_t>(port);
        e.frame = cycle + m.time;
        host->trace_in(e);
        for (const engine::Event& o : engines->route(e).process(e)) write_event(o, m.time);
    });
    host->end_cycle();
    return 0;
}

// jack: input goes to a ring; what the engine thread made for this period is written.
int JackDriver::State::process_buffered(jack_nframes_t nframes) {
    clear_outputs(nframes);
    const uint64_t cycle = jack_last_frame_time(client);
    last_cycle.store(cycle, std::memory_order_release);
    if (go.load(std::memory_order_acquire) && !stop_requested.load(std::memory_order_acquire)) {
        merged_input(nframes, [&](uint32_t port, const jack_midi_event_t& m) {
            RingRecord r{cycle, m.time, port, static_cast<uint32_t>(m.size)};
            if (!ring_put(in_ring, r, m.buffer)) host->counters().dropped_input.fetch_add(1, std::memory_order_relaxed);
        });
    }
    // What the engine thread made for this period (or, late, for an earlier one).
    RingRecord r;
    while (jack_ringbuffer_read_space(out_ring) >= sizeof r) {
        jack_ringbuffer_peek(out_ring, reinterpret_cast<char*>(&r), sizeof r);
        if (r.cycle > cycle) break;
        jack_ringbuffer_read_advance(out_ring, sizeof r);
        uint32_t offset = r.offset;
        if (r.cycle < cycle) {
            host->counters().late_output.fetch_add(1, std::memory_order_relaxed);
            offset = 0;
        }
        if (r.port < out_ports.size() && r.size) {
            jack_midi_data_t* dst = jack_midi_event_reserve(out_buffers[r.port], std::max(offset, out_written[r.port]), r.size);
            if (dst) {
                jack_ringbuffer_read(out_ring, reinterpret_cast<char*>(dst), r.size);
                out_written[r.port] = std::max(offset, out_written[r.port]);
                engine::Event e;
                if (decode_midi(dst, r.size, e)) {
                    e.port = static_cast<int32_t>(r.port);
                    held->observe(e);
                }
                continue;
            }
            host->counters().dropped_output.fetch_add(1, std::memory_order_relaxed);
        }
        jack_ringbuffer_read_advance(out_ring, r.size);
    }
    // Stopping: once the engine thread is gone and all it made has been written, release.
    if (stop_requested.load(std::memory_order_acquire) && engine_done.load(std::memory_order_acquire) &&
        jack_ringbuffer_read_space(out_ring) == 0 && !released.load(std::memory_order_relaxed)) {
        release_held(out_written.empty() ? 0 : *std::max_element(out_written.begin(), out_written.end()));
        released.store(true, std::memory_order_release);
    }
    sem_post(&engine_wake);  // the one wake-up of the cycle
    return 0;
}

// The engine thread of the buffered mode: input from the ring, output to the ring, due one
// period after the period its input arrived in.
void JackDriver::State::engine_thread() {
    auto put = [&](const engine::Event& e, uint64_t due, uint32_t offset) {
        host->trace_out(e);
        uint8_t small[3];
        size_t n = e.type == engine::SYSEX ? e.sysex_size : encode_midi(e, small, sizeof small);
        const uint8_t* bytes = e.type == engine::SYSEX ? e.sysex : small;
        if (!n || !bytes) return;
        RingRecord r{due, offset, static_cast<uint32_t>(e.port), static_cast<uint32_t>(n)};
        if (!ring_put(out_ring, r, bytes)) host->counters().dropped_output.fetch_add(1, std::memory_order_relaxed);
    };
    while (!engine_stop.load(std::memory_order_acquire)) {
        timespec until{};
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 50'000'000;
        if (until.tv_nsec >= 1'000'000'000) {
            until.tv_sec += 1;
            until.tv_nsec -= 1'000'000'000;
        }
        sem_timedwait(&engine_wake, &until);
        if (stop_requested.load(std::memory_order_acquire)) break;
        if (!go.load(std::memory_order_acquire)) continue;
        const uint64_t next = last_cycle.load(std::memory_order_acquire) + period;
        auto put_next = [&](std::span<const engine::Event> out) {
            for (const engine::Event& e : out) put(e, next, 0);
        };
        if (!started) {
            put_next(engines->current().start());
            started = true;
        }
        engines->begin_cycle(next, put_next);
        engines->current().drain(*inbox, next, put_next);
        RingRecord r;
        while (jack_ringbuffer_read_space(in_ring) >= sizeof r) {
            jack_ringbuffer_read(in_ring, reinterpret_cast<char*>(&r), sizeof r);
            if (engine_scratch.size() < r.size) engine_scratch.resize(r.size);  // off the realtime thread
            jack_ringbuffer_read(in_ring, reinterpret_cast<char*>(engine_scratch.data()), r.size);
            engine::Event e;
            if (!decode_midi(engine_scratch.data(), r.size, e)) {
                host->counters().invalid_input.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            e.port = static_cast<int32_t>(r.port);
            e.frame = r.cycle + r.offset;
            host->trace_in(e);
            for (const engine::Event& o : engines->route(e).process(e)) put(o, r.cycle + period, r.offset);
        }
        host->end_cycle();
    }
    engine_done.store(true, std::memory_order_release);
}

}  // namespace mdc::drivers
