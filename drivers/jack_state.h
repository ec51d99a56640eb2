// The JACK driver's shared state (private to drivers/jack_*.cpp): the client and ports, the
// realtime scratch sized up front, the flags the threads hand over, the rings of the buffered mode,
// and the small per-event helpers of the process callback. jack_cycle.cpp runs the periods (both
// modes); jack_driver.cpp opens the client, connects ports and drives a run.
#pragma once

#include <jack/jack.h>
#include <jack/midiport.h>
#include <jack/ringbuffer.h>
#include <semaphore.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "held_notes.h"
#include "jack_driver.h"
#include "midi_bytes.h"
#include "port_patterns.h"

namespace mdc::drivers {

constexpr size_t ring_bytes = 1u << 20;  // each direction of the buffered mode

// A MIDI message in a ring (buffered mode), followed by its bytes.
struct RingRecord {
    uint64_t cycle = 0;   // in: the frame time of the period it arrived in; out: of the period it is due in
    uint32_t offset = 0;  // frame offset within that period
    uint32_t port = 0;
    uint32_t size = 0;
};

// Puts a record and its bytes in a ring in one step: the reader never sees a header without its
// bytes (two plain writes would publish the header first). False when there is no room.
bool ring_put(jack_ringbuffer_t* ring, const RingRecord& r, const uint8_t* bytes);

struct JackDriver::State {
    LiveConfig config;
    jack_client_t* client = nullptr;
    std::vector<jack_port_t*> in_ports, out_ports;
    std::vector<PortPlan> in_plans, out_plans;
    std::string own_prefix;  // "client:"
    uint32_t period = 0;

    // Set for run().
    EngineSwap* engines = nullptr;
    engine::EngineInbox* inbox = nullptr;
    LiveHost* host = nullptr;
    std::unique_ptr<HeldNotes> held;

    // Realtime scratch, sized up front.
    std::vector<void*> in_buffers, out_buffers;
    std::vector<uint32_t> in_counts, in_next;
    std::vector<jack_midi_event_t> in_events;
    std::vector<uint32_t> out_written;  // last offset written per out port this period

    std::atomic<bool> go{false};              // start_delay over: the engine may start
    std::atomic<bool> stop_requested{false};  // Ctrl-C: release and stop
    std::atomic<bool> released{false};        // the callback sent the releases
    std::atomic<bool> server_gone{false};
    std::atomic<bool> ports_changed{false};
    bool deactivated = false;
    bool started = false;  // realtime thread (jack-rt) or engine thread (jack): engine.start() ran

    // Buffered mode.
    jack_ringbuffer_t* in_ring = nullptr;
    jack_ringbuffer_t* out_ring = nullptr;
    sem_t engine_wake{};
    std::atomic<uint64_t> last_cycle{0};
    std::atomic<bool> engine_stop{false};
    std::atomic<bool> engine_done{false};  // the engine thread has returned
    std::vector<uint8_t> engine_scratch;

    ~State() {
        if (in_ring) jack_ringbuffer_free(in_ring);
        if (out_ring) jack_ringbuffer_free(out_ring);
    }

    // --- realtime helpers -------------------------------------------------------------------
    void clear_outputs(jack_nframes_t nframes) {
        for (size_t p = 0; p < out_ports.size(); ++p) {
            out_buffers[p] = jack_port_get_buffer(out_ports[p], nframes);
            jack_midi_clear_buffer(out_buffers[p]);
            out_written[p] = 0;
        }
    }

    // Writes bytes to an out port at `offset` (never before what was written there this period).
    void write_bytes(uint32_t port, uint32_t offset, const uint8_t* bytes, size_t size) {
        if (port >= out_ports.size() || size == 0) return;
        offset = std::max(offset, out_written[port]);
        jack_midi_data_t* dst = jack_midi_event_reserve(out_buffers[port], offset, size);
        if (!dst) {
            host->counters().dropped_output.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        std::memcpy(dst, bytes, size);
        out_written[port] = offset;
    }

    // An engine output event, written now (jack-rt).
    void write_event(const engine::Event& e, uint32_t offset) {
        uint8_t small[3];
        size_t n = e.type == engine::SYSEX ? e.sysex_size : encode_midi(e, small, sizeof small);
        const uint8_t* bytes = e.type == engine::SYSEX ? e.sysex : small;
        if (!n || !bytes) return;
        held->observe(e);
        host->trace_out(e);
        write_bytes(static_cast<uint32_t>(e.port), offset, bytes, n);
    }

    void release_held(uint32_t offset) {
        held->release([&](const engine::Event& e) { write_event(e, offset); });
    }

    // Visits this period's input in order: frame, then port, then arrival.
    template <typename Visit>
    void merged_input(jack_nframes_t nframes, Visit&& visit) {
        const size_t ports = in_ports.size();
        for (size_t p = 0; p < ports; ++p) {
            in_buffers[p] = jack_port_get_buffer(in_ports[p], nframes);
            in_counts[p] = jack_midi_get_event_count(in_buffers[p]);
            in_next[p] = 0;
            if (in_counts[p]) jack_midi_event_get(&in_events[p], in_buffers[p], 0);
        }
        for (;;) {
            size_t best = ports;
            for (size_t p = 0; p < ports; ++p)
                if (in_next[p] < in_counts[p] && (best == ports || in_events[p].time < in_events[best].time)) best = p;
            if (best == ports) return;
            visit(static_cast<uint32_t>(best), in_events[best]);
            if (++in_next[best] < in_counts[best]) jack_midi_event_get(&in_events[best], in_buffers[best], in_next[best]);
        }
    }

    // --- the periods (jack_cycle.cpp) -----------------------------------------------------------
    int process_realtime(jack_nframes_t nframes);  // jack-rt: the engine in the callback
    int process_buffered(jack_nframes_t nframes);  // jack: rings to and from the engine thread
    void engine_thread();                          // jack: the engine, one period behind

    // --- connections (jack_driver.cpp, main thread) -----------------------------------------------
    void connect_all();
};

}  // namespace mdc::drivers
