// The JACK driver's client (see jack_driver.h): opening it with its ports, connecting ports by
// pattern, and driving a run (start delay, stop with releases, server loss). The periods
// themselves are in jack_cycle.cpp.
#include <chrono>
#include <thread>

#include <fmt/format.h>

#include "jack_state.h"

namespace mdc::drivers {

namespace {

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


// Whether a port (by its full name and aliases) matches one of a plan's patterns.
bool matches(const PortPlan& plan, jack_port_t* port, const char* name) {
    if (plan.patterns.empty()) return false;
    std::vector<std::string> names = {name};
    for (std::string& a : port_aliases(port)) names.push_back(std::move(a));
    return plan.matches_any(names);
}

}  // namespace

// Connects our ports to every matching port not connected yet (at start, and when ports appear).
void JackDriver::State::connect_all() {
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
    auto register_ports = [&](const std::vector<LivePort>& ports, unsigned long flags, const char* what, std::vector<jack_port_t*>& out) {
        for (const LivePort& p : ports) {
            jack_port_t* port = jack_port_register(s->client, p.name.c_str(), JACK_DEFAULT_MIDI_TYPE, flags, 0);
            if (!port) {
                error = fmt::format("JACK refused the {} port '{}'", what, p.name);
                return false;
            }
            out.push_back(port);
        }
        return true;
    };
    if (!register_ports(config.in_ports, JackPortIsInput, "input", s->in_ports) ||
        !register_ports(config.out_ports, JackPortIsOutput, "output", s->out_ports)) {
        jack_client_close(s->client);
        return nullptr;
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

engine::Clock JackDriver::clock() const { return engine::Clock::samples(jack_get_sample_rate(s_->client)); }

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
