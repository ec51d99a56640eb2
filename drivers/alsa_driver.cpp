// The ALSA sequencer driver (see alsa_driver.h).
#include "alsa_driver.h"

#include <alsa/asoundlib.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "alsa_events.h"
#include "alsa_output.h"
#include "held_notes.h"
#include "midi_bytes.h"
#include "port_patterns.h"
#include "sysex_assembler.h"

namespace mdc::drivers {

namespace {

constexpr size_t input_pool = 2000;           // events the kernel holds for us (its maximum)
constexpr size_t buffer_bytes = 64 * 1024;    // libasound's input and output buffers: a full pool

uint64_t monotonic_ns() {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
}

// Calls visit(client, client_name, port, port_name, capabilities) for every port of every other
// client that others may connect to (not NO_EXPORT; not the System client's timer and announce).
template <typename Visit>
void for_each_port(snd_seq_t* seq, int own_client, Visit&& visit) {
    snd_seq_client_info_t* ci;
    snd_seq_port_info_t* pi;
    snd_seq_client_info_alloca(&ci);
    snd_seq_port_info_alloca(&pi);
    snd_seq_client_info_set_client(ci, -1);
    while (snd_seq_query_next_client(seq, ci) >= 0) {
        const int client = snd_seq_client_info_get_client(ci);
        if (client == own_client || client == SND_SEQ_CLIENT_SYSTEM) continue;
        snd_seq_port_info_set_client(pi, client);
        snd_seq_port_info_set_port(pi, -1);
        while (snd_seq_query_next_port(seq, pi) >= 0) {
            const unsigned caps = snd_seq_port_info_get_capability(pi);
            if (caps & SND_SEQ_PORT_CAP_NO_EXPORT) continue;
            visit(client, snd_seq_client_info_get_name(ci), snd_seq_port_info_get_port(pi), snd_seq_port_info_get_name(pi), caps);
        }
    }
}

bool readable(unsigned caps) { return (caps & SND_SEQ_PORT_CAP_READ) && (caps & SND_SEQ_PORT_CAP_SUBS_READ); }
bool writable(unsigned caps) { return (caps & SND_SEQ_PORT_CAP_WRITE) && (caps & SND_SEQ_PORT_CAP_SUBS_WRITE); }

}  // namespace

struct AlsaDriver::State {
    LiveConfig config;
    snd_seq_t* seq = nullptr;
    int client = -1;
    std::vector<int> in_ports, out_ports;  // our ALSA port numbers
    std::vector<int> input_index;          // ALSA port number -> index in in_ports, or -1
    int announce_port = -1;
    std::vector<PortPlan> in_plans, out_plans;
    bool any_patterns = false;
    int stop_fd = -1;  // eventfd: wakes the input thread to stop

    std::atomic<bool> stop{false};
    std::atomic<bool> failed{false};
    std::string failure;  // written by the input thread before `failed`

    // The input thread's own.
    EngineSwap* engines = nullptr;
    engine::EngineInbox* inbox = nullptr;
    LiveHost* host = nullptr;
    std::unique_ptr<HeldNotes> held;
    std::unique_ptr<SysexAssembler> sysex;
    AlsaCodec codec;
    std::unique_ptr<AlsaOutput> output;
    std::vector<pollfd> fds;
    bool started = false;

    ~State() {
        if (seq) {
            snd_seq_close(seq);
            snd_config_update_free_global();  // libasound's cache of its configuration files
        }
        if (stop_fd >= 0) close(stop_fd);
    }

    // --- output ---------------------------------------------------------------------------------
    void send(const engine::Event& e) {
        if (e.port < 0 || static_cast<size_t>(e.port) >= out_ports.size()) return;
        held->observe(e);
        host->trace_out(e);
        codec.encode(e, [&](snd_seq_event_t& ev) { output->send(static_cast<size_t>(e.port), ev); });
    }

    void send_all(std::span<const engine::Event> events) {
        for (const engine::Event& e : events) send(e);
    }

    // --- input ------------------------------------------------------------------------------------
    void process(engine::Event& e, int32_t port) {
        e.port = port;
        e.frame = monotonic_ns();
        host->trace_in(e);
        send_all(engines->route(e).process(e));
    }

    void invalid() { host->counters().invalid_input.fetch_add(1, std::memory_order_relaxed); }

    // One event from the sequencer. Returns true when the set of ports changed (connect again).
    bool receive(const snd_seq_event_t& ev) {
        if (ev.dest.port == announce_port) {
            switch (ev.type) {
            case SND_SEQ_EVENT_CLIENT_START: case SND_SEQ_EVENT_CLIENT_CHANGE:
            case SND_SEQ_EVENT_PORT_START: case SND_SEQ_EVENT_PORT_CHANGE: return true;
            case SND_SEQ_EVENT_PORT_SUBSCRIBED: case SND_SEQ_EVENT_PORT_UNSUBSCRIBED:
                if (ev.data.connect.sender.client == client) output->subscriptions_changed();
                return false;
            default: return false;
            }
        }
        if (ev.dest.port >= input_index.size() || input_index[ev.dest.port] < 0 || !started) return false;
        const int32_t port = input_index[ev.dest.port];
        if (ev.type == SND_SEQ_EVENT_SYSEX) {
            if (!snd_seq_ev_is_variable(&ev)) return false;
            const SysexAssembler::Piece piece = sysex->feed(static_cast<size_t>(port), static_cast<const uint8_t*>(ev.data.ext.ptr), ev.data.ext.len);
            if (piece.broken) invalid();
            if (piece.message.empty()) return false;
            engine::Event e;
            if (!decode_midi(piece.message.data(), piece.message.size(), e)) {
                invalid();
                return false;
            }
            process(e, port);
            return false;
        }
        AlsaCodec::Decoded d = codec.decode(ev);
        if (d.kind == AlsaCodec::Decoded::Kind::Invalid) invalid();
        for (uint32_t i = 0; i < d.count; ++i) process(d.events[i], port);
        return false;
    }

    // Everything waiting in the sequencer. False when the sequencer failed.
    bool read_input(bool& ports_changed) {
        for (;;) {
            snd_seq_event_t* ev = nullptr;
            const int rc = snd_seq_event_input(seq, &ev);
            if (rc == -EAGAIN) return true;
            if (rc == -ENOSPC) {  // the kernel's queue for us overflowed and was emptied
                host->counters().input_overruns.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            if (rc < 0) {
                failure = fmt::format("reading from the ALSA sequencer failed: {}", snd_strerror(rc));
                return false;
            }
            if (ev && receive(*ev)) ports_changed = true;
        }
    }

    // --- connections ------------------------------------------------------------------------------
    void connect(int mine, int other_client, int other_port, bool ours_is_input) {
        const int rc = ours_is_input ? snd_seq_connect_from(seq, mine, other_client, other_port) : snd_seq_connect_to(seq, mine, other_client, other_port);
        if (rc < 0 && rc != -EBUSY)
            fmt::print(stderr, "mdc: warning: could not connect {} {}:{}: {}\n", ours_is_input ? "from" : "to", other_client, other_port, snd_strerror(rc));
    }

    void connect_all() {
        if (!any_patterns) return;
        for_each_port(seq, client, [&](int c, const char* cname, int p, const char* pname, unsigned caps) {
            const std::array<std::string, 4> forms = alsa_port_forms(c, cname, p, pname);
            if (readable(caps))
                for (size_t i = 0; i < in_plans.size(); ++i)
                    if (in_plans[i].matches_any(forms)) connect(in_ports[i], c, p, true);
            if (writable(caps))
                for (size_t i = 0; i < out_plans.size(); ++i)
                    if (out_plans[i].matches_any(forms)) connect(out_ports[i], c, p, false);
        });
    }

    // --- the input thread ---------------------------------------------------------------------
    void input_thread() {
        output = std::make_unique<AlsaOutput>(seq, out_ports, host->counters());
        connect_all();
        const auto start_at = std::chrono::steady_clock::now() + std::chrono::duration<double>(config.start_delay);
        if (config.start_delay <= 0) {  // before the first input is read: none of it is lost
            started = true;
            send_all(engines->current().start());
        }
        for (;;) {
            poll(fds.data(), static_cast<nfds_t>(fds.size()), 10);
            if (stop.load(std::memory_order_acquire)) break;
            bool ports_changed = false;
            if (!read_input(ports_changed)) {
                failed.store(true, std::memory_order_release);
                return;
            }
            if (ports_changed) connect_all();
            if (!started && std::chrono::steady_clock::now() >= start_at) {
                started = true;
                send_all(engines->current().start());
            }
            if (started) {
                auto send_span = [&](std::span<const engine::Event> out) { send_all(out); };
                engines->begin_cycle(monotonic_ns(), send_span);  // a reloaded patch takes over here
                engines->current().drain(*inbox, monotonic_ns(), send_span);
            }
            output->flush();
            host->end_cycle();
        }
        held->release([&](const engine::Event& e) { send(e); });
        output->flush();
        host->end_cycle();
    }
};

AlsaDriver::AlsaDriver(std::unique_ptr<State> s) : s_(std::move(s)) {}
AlsaDriver::~AlsaDriver() = default;

std::unique_ptr<AlsaDriver> AlsaDriver::open(const LiveConfig& config, std::string& error) {
    auto s = std::make_unique<State>();
    s->config = config;
    error = make_live_port_plans(config, s->in_plans, s->out_plans);
    if (!error.empty()) return nullptr;
    for (const auto* plans : {&s->in_plans, &s->out_plans})
        for (const PortPlan& p : *plans) s->any_patterns |= !p.patterns.empty();
    if (int rc = snd_seq_open(&s->seq, "default", SND_SEQ_OPEN_DUPLEX, SND_SEQ_NONBLOCK); rc < 0) {
        s->seq = nullptr;
        error = fmt::format("cannot open the ALSA sequencer: {}", snd_strerror(rc));
        return nullptr;
    }
    s->client = snd_seq_client_id(s->seq);
    auto fail = [&](std::string what, int rc) {
        error = fmt::format("{}: {}", what, snd_strerror(rc));
        return nullptr;
    };
    if (int rc = snd_seq_set_client_name(s->seq, config.client_name.c_str()); rc < 0)
        return fail(fmt::format("ALSA refused the client name '{}'", config.client_name), rc);
    // Room for bursts and long SysEx: the kernel's queue for us, and libasound's buffers.
    snd_seq_set_client_pool_input(s->seq, input_pool);
    snd_seq_set_input_buffer_size(s->seq, buffer_bytes);
    snd_seq_set_output_buffer_size(s->seq, buffer_bytes);
    const unsigned type = SND_SEQ_PORT_TYPE_MIDI_GENERIC | SND_SEQ_PORT_TYPE_APPLICATION;
    for (const LivePort& p : config.in_ports) {
        const int port = snd_seq_create_simple_port(s->seq, p.name.c_str(), SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_SUBS_WRITE, type);
        if (port < 0) return fail(fmt::format("ALSA refused the input port '{}'", p.name), port);
        s->in_ports.push_back(port);
    }
    for (const LivePort& p : config.out_ports) {
        const int port = snd_seq_create_simple_port(s->seq, p.name.c_str(), SND_SEQ_PORT_CAP_READ | SND_SEQ_PORT_CAP_SUBS_READ, type);
        if (port < 0) return fail(fmt::format("ALSA refused the output port '{}'", p.name), port);
        s->out_ports.push_back(port);
    }
    // A private port (after ours, so that their numbers are as in mididings) for the System
    // client's announcements of ports and clients that appear or change.
    s->announce_port = snd_seq_create_simple_port(s->seq, "mdc announcements", SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_NO_EXPORT,
                                                  SND_SEQ_PORT_TYPE_APPLICATION);
    if (s->announce_port < 0) return fail("ALSA refused a port for announcements", s->announce_port);
    if (int rc = snd_seq_connect_from(s->seq, s->announce_port, SND_SEQ_CLIENT_SYSTEM, SND_SEQ_PORT_SYSTEM_ANNOUNCE); rc < 0)
        return fail("cannot follow the ALSA sequencer's announcements", rc);
    for (size_t i = 0; i < s->in_ports.size(); ++i) {
        const auto port = static_cast<size_t>(s->in_ports[i]);
        if (s->input_index.size() <= port) s->input_index.resize(port + 1, -1);
        s->input_index[port] = static_cast<int>(i);
    }
    s->held = std::make_unique<HeldNotes>(static_cast<uint32_t>(s->out_ports.size()));
    s->sysex = std::make_unique<SysexAssembler>(s->in_ports.size());
    s->stop_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (s->stop_fd < 0) {
        error = "cannot create an eventfd for the input thread";
        return nullptr;
    }
    const int n = snd_seq_poll_descriptors_count(s->seq, POLLIN);
    s->fds.resize(static_cast<size_t>(n) + 1);
    snd_seq_poll_descriptors(s->seq, s->fds.data(), static_cast<unsigned>(n), POLLIN);
    s->fds[static_cast<size_t>(n)] = pollfd{s->stop_fd, POLLIN, 0};
    return std::unique_ptr<AlsaDriver>(new AlsaDriver(std::move(s)));
}

std::string AlsaDriver::describe() const {
    std::string ports;
    auto list = [&](const std::vector<LivePort>& names, const std::vector<int>& numbers) {
        for (size_t i = 0; i < names.size(); ++i) ports += fmt::format("{}{} = {}:{}", ports.empty() ? "" : ", ", names[i].name, s_->client, numbers[i]);
    };
    list(s_->config.in_ports, s_->in_ports);
    list(s_->config.out_ports, s_->out_ports);
    return fmt::format("ALSA sequencer client '{}' ({}{}{})", s_->config.client_name, s_->client, ports.empty() ? "" : ": ", ports);
}

int AlsaDriver::run(EngineSwap& engines, engine::EngineInbox& inbox, LiveHost& host, const std::function<bool()>& should_stop) {
    State& s = *s_;
    s.engines = &engines;
    s.inbox = &inbox;
    s.host = &host;
    std::thread input([&s] { s.input_thread(); });
    while (!s.failed.load(std::memory_order_acquire) && !should_stop()) {}
    s.stop.store(true, std::memory_order_release);
    const uint64_t one = 1;
    if (write(s.stop_fd, &one, sizeof one) < 0) {}  // poll() wakes within 10 ms anyway
    input.join();
    if (s.failed.load()) {
        fmt::print(stderr, "mdc: error: {}\n", s.failure);
        return 69;
    }
    return 0;
}

std::vector<AlsaPortInfo> AlsaDriver::list_ports(std::string& error) {
    snd_seq_t* seq = nullptr;
    if (int rc = snd_seq_open(&seq, "default", SND_SEQ_OPEN_DUPLEX, 0); rc < 0) {
        error = fmt::format("cannot open the ALSA sequencer: {}", snd_strerror(rc));
        return {};
    }
    snd_seq_set_client_name(seq, "mdc ports");
    std::vector<AlsaPortInfo> out;
    for_each_port(seq, snd_seq_client_id(seq), [&](int c, const char* cname, int p, const char* pname, unsigned caps) {
        if (readable(caps) || writable(caps)) out.push_back({c, p, cname, pname, readable(caps), writable(caps)});
    });
    snd_seq_close(seq);
    snd_config_update_free_global();
    return out;
}

}  // namespace mdc::drivers
