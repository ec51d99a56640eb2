// The JACK driver (see jack_driver.h).
#include "jack_driver.h"

#include <jack/jack.h>
#include <jack/midiport.h>
#include <jack/ringbuffer.h>
#include <semaphore.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "held_notes.h"
#include "midi_bytes.h"
#include "port_patterns.h"

namespace mdc::drivers {

namespace {

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

void silence_jack_errors() {
    // libjack prints "Cannot connect to server socket" and the like on stderr; mdc says it better.
    jack_set_error_function([](const char*) {});
    jack_set_info_function([](const char*) {});
}

// A port's aliases (JACK keeps up to two; ALSA ports bridged by a2jmidid have their names there).
std::vector<std::string> port_aliases(jack_port_t* port) {
    const auto size = static_cast<size_t>(jack_port_name_size());
    std::vector<char> a0(size), a1(size);
    char* aliases[2] = {a0.data(), a1.data()};
    int n = jack_port_get_aliases(port, aliases);
    std::vector<std::string> out;
    for (int i = 0; i < n; ++i) out.emplace_back(aliases[i]);
    return out;
}

}  // namespace

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

    // --- jack-rt ------------------------------------------------------------------------------
    int process_realtime(jack_nframes_t nframes) {
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

    // --- jack (buffered) -----------------------------------------------------------------------
    int process_buffered(jack_nframes_t nframes) {
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
    void engine_thread() {
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

    // --- connections (main thread) ----------------------------------------------------------
    bool matches(const PortPlan& plan, jack_port_t* port, const char* name) const {
        if (plan.patterns.empty()) return false;
        std::vector<std::string> names = {name};
        for (std::string& a : port_aliases(port)) names.push_back(std::move(a));
        return plan.matches_any(names);
    }

    void connect_all() {
        auto connect_side = [&](const std::vector<jack_port_t*>& ours, const std::vector<PortPlan>& plans, bool ours_are_inputs) {
            const char** others = jack_get_ports(client, nullptr, JACK_DEFAULT_MIDI_TYPE, ours_are_inputs ? JackPortIsOutput : JackPortIsInput);
            if (!others) return;
            for (size_t i = 0; i < ours.size(); ++i) {
                for (const char** name = others; *name; ++name) {
                    if (std::string_view(*name).starts_with(own_prefix)) continue;  // never to ourselves
                    jack_port_t* other = jack_port_by_name(client, *name);
                    if (!other || !matches(plans[i], other, *name) || jack_port_connected_to(ours[i], *name)) continue;
                    const char* mine = jack_port_name(ours[i]);
                    int rc = ours_are_inputs ? jack_connect(client, *name, mine) : jack_connect(client, mine, *name);
                    if (rc != 0 && rc != EEXIST) fmt::print(stderr, "mdc: warning: could not connect {} to {}\n", ours_are_inputs ? *name : mine, ours_are_inputs ? mine : *name);
                }
            }
            jack_free(others);
        };
        connect_side(in_ports, in_plans, true);
        connect_side(out_ports, out_plans, false);
    }
};

JackDriver::JackDriver(std::unique_ptr<State> s) : s_(std::move(s)) {}

JackDriver::~JackDriver() {
    if (s_ && s_->client) {
        if (!s_->server_gone.load() && !s_->deactivated) jack_deactivate(s_->client);
        jack_client_close(s_->client);  // after server loss too: it joins libjack's threads
    }
    if (s_) sem_destroy(&s_->engine_wake);
}

std::unique_ptr<JackDriver> JackDriver::open(const LiveConfig& config, std::string& error) {
    auto s = std::make_unique<State>();
    s->config = config;
    error = make_live_port_plans(config, s->in_plans, s->out_plans);
    if (!error.empty()) return nullptr;
    silence_jack_errors();
    jack_status_t status{};
    s->client = jack_client_open(config.client_name.c_str(), JackNoStartServer, &status);
    if (!s->client) {
        error = (status & JackServerFailed) || (status & JackServerError) ? "no JACK server is running" : fmt::format("JACK refused the client (status 0x{:x})", static_cast<unsigned>(status));
        return nullptr;
    }
    s->own_prefix = std::string(jack_get_client_name(s->client)) + ":";
    s->period = jack_get_buffer_size(s->client);
    for (const LivePort& p : config.in_ports) {
        jack_port_t* port = jack_port_register(s->client, p.name.c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
        if (!port) {
            error = fmt::format("JACK refused the input port '{}'", p.name);
            jack_client_close(s->client);
            return nullptr;
        }
        s->in_ports.push_back(port);
    }
    for (const LivePort& p : config.out_ports) {
        jack_port_t* port = jack_port_register(s->client, p.name.c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
        if (!port) {
            error = fmt::format("JACK refused the output port '{}'", p.name);
            jack_client_close(s->client);
            return nullptr;
        }
        s->out_ports.push_back(port);
    }
    const size_t ins = s->in_ports.size(), outs = s->out_ports.size();
    s->in_buffers.resize(ins);
    s->in_counts.resize(ins);
    s->in_next.resize(ins);
    s->in_events.resize(ins);
    s->out_buffers.resize(outs);
    s->out_written.resize(outs);
    s->held = std::make_unique<HeldNotes>(static_cast<uint32_t>(outs));
    sem_init(&s->engine_wake, 0, 0);
    if (!config.realtime) {
        s->in_ring = jack_ringbuffer_create(ring_bytes);
        s->out_ring = jack_ringbuffer_create(ring_bytes);
        jack_ringbuffer_mlock(s->in_ring);
        jack_ringbuffer_mlock(s->out_ring);
    }
    State* st = s.get();
    jack_set_process_callback(
        s->client,
        [](jack_nframes_t n, void* p) {
            auto* self = static_cast<State*>(p);
            const LiveConfig& c = self->config;
            if (c.cycle_hook) c.cycle_hook(c.cycle_hook_context, true);
            int rc = c.realtime ? self->process_realtime(n) : self->process_buffered(n);
            if (c.cycle_hook) c.cycle_hook(c.cycle_hook_context, false);
            return rc;
        },
        st);
    jack_on_info_shutdown(s->client, [](jack_status_t, const char*, void* p) { static_cast<State*>(p)->server_gone.store(true); }, st);
    jack_set_port_registration_callback(s->client, [](jack_port_id_t, int registered, void* p) {
        if (registered) static_cast<State*>(p)->ports_changed.store(true);
    }, st);
    return std::unique_ptr<JackDriver>(new JackDriver(std::move(s)));
}

std::string JackDriver::describe() const {
    return fmt::format("JACK client '{}' ({}, {} frames per period)", jack_get_client_name(s_->client),
                       s_->config.realtime ? "jack-rt: in the process callback" : "jack: one period of latency", s_->period);
}

int JackDriver::run(EngineSwap& engines, engine::EngineInbox& inbox, LiveHost& host, const std::function<bool()>& should_stop) {
    State& s = *s_;
    s.engines = &engines;
    s.inbox = &inbox;
    s.host = &host;
    std::thread engine_thread;
    if (!s.config.realtime) engine_thread = std::thread([&s] { s.engine_thread(); });
    if (jack_activate(s.client) != 0) {
        fmt::print(stderr, "mdc: error: JACK did not activate the client\n");
        s.engine_stop = true;
        sem_post(&s.engine_wake);
        if (engine_thread.joinable()) engine_thread.join();
        return 69;
    }
    s.connect_all();
    const auto start_at = std::chrono::steady_clock::now() + std::chrono::duration<double>(s.config.start_delay);
    bool stop = false;
    while (!stop && !s.server_gone.load()) {
        if (!s.go.load() && std::chrono::steady_clock::now() >= start_at) s.go.store(true, std::memory_order_release);
        if (s.ports_changed.exchange(false)) s.connect_all();
        stop = should_stop();
    }
    const bool gone = s.server_gone.load();
    // Release held notes and pedals through the ports (the callback does it in its next period).
    s.stop_requested.store(true, std::memory_order_release);
    if (!s.config.realtime) {
        s.engine_stop.store(true, std::memory_order_release);
        sem_post(&s.engine_wake);
        engine_thread.join();
    }
    if (!gone) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
        while (!s.released.load(std::memory_order_acquire) && !s.server_gone.load() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        // One more period so that the releases leave the port before it closes.
        std::this_thread::sleep_for(std::chrono::microseconds(static_cast<int64_t>(2e6 * s.period / std::max<jack_nframes_t>(jack_get_sample_rate(s.client), 1))));
    }
    if (s.server_gone.load()) {
        fmt::print(stderr, "mdc: error: the JACK server went away\n");
        return 69;
    }
    jack_deactivate(s.client);  // no callback runs after this: the engines may go
    s.deactivated = true;
    return 0;
}

std::vector<JackPortInfo> JackDriver::list_ports(std::string& error) {
    silence_jack_errors();
    jack_status_t status{};
    jack_client_t* c = jack_client_open("mdc-ports", JackNoStartServer, &status);
    if (!c) {
        error = "no JACK server is running";
        return {};
    }
    std::vector<JackPortInfo> out;
    if (const char** names = jack_get_ports(c, nullptr, JACK_DEFAULT_MIDI_TYPE, 0)) {
        for (const char** n = names; *n; ++n) {
            jack_port_t* p = jack_port_by_name(c, *n);
            JackPortInfo info{*n, p && (jack_port_flags(p) & JackPortIsInput), {}};
            if (p) info.aliases = port_aliases(p);
            out.push_back(std::move(info));
        }
        jack_free(names);
    }
    jack_client_close(c);
    return out;
}

}  // namespace mdc::drivers
