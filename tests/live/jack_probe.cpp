// A JACK client for end-to-end tests of `mdc run`: sends scripted MIDI at chosen periods and frame
// offsets from its output ports, records everything that reaches its input ports with the frame
// it arrived at, and prints both, so a test can compare events, order and latency in frames.
//   usage: mdc_jack_probe --name NAME --to PORT... --from PORT... --script FILE --expect N [--timeout S]
// `--to auto` waits for another client to connect that output port instead of connecting it.
// The sender and the receiver are two clients (NAME_send, NAME_recv), so that JACK orders them
// sender -> mdc -> receiver within one period: latency is measured, not the loop back to a client.
// Script lines: `PERIOD OFFSET PORT HEXBYTES` (PERIOD counts from the first period after every
// connection is made; PORT is the probe's output port, 1-based), `#` comments. Output lines:
//   sent PORT FRAME HEX    recv PORT FRAME HEX    (FRAME counts from the first sending period)
#include <jack/jack.h>
#include <jack/midiport.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Scheduled {
    uint32_t period = 0, offset = 0, port = 0;
    std::vector<uint8_t> bytes;
};

struct Received {
    uint32_t port = 0;
    uint64_t frame = 0;
    uint32_t size = 0;
    uint8_t bytes[64];
};

struct Probe {
    jack_client_t* client = nullptr;       // the sender
    jack_client_t* recv_client = nullptr;  // the receiver
    std::vector<jack_port_t*> outs, ins;
    std::vector<Scheduled> script;
    std::atomic<bool> ready{false};
    bool started = false;
    std::atomic<uint64_t> start_frame{0};
    std::atomic<bool> start_known{false};
    uint32_t period_index = 0;
    size_t next = 0;
    std::vector<Received> received = std::vector<Received>(100000);
    std::atomic<size_t> received_count{0};
    std::atomic<bool> all_sent{false};
    std::vector<uint64_t> sent_frames;

    int send(jack_nframes_t n) {
        for (jack_port_t* p : outs) jack_midi_clear_buffer(jack_port_get_buffer(p, n));
        const uint64_t now = jack_last_frame_time(client);
        if (ready.load()) {
            if (!started) {
                started = true;
                start_frame = now;
                start_known = true;
            }
            while (next < script.size() && script[next].period <= period_index) {
                const Scheduled& s = script[next];
                void* buf = jack_port_get_buffer(outs[s.port], n);
                jack_midi_event_write(buf, s.offset, s.bytes.data(), s.bytes.size());
                sent_frames[next] = now - start_frame + s.offset;
                ++next;
            }
            if (next == script.size()) all_sent = true;
            ++period_index;
        }
        return 0;
    }

    int receive(jack_nframes_t n) {
        const uint64_t now = jack_last_frame_time(recv_client);
        const uint64_t start = start_known.load() ? start_frame.load() : now;
        for (size_t p = 0; p < ins.size(); ++p) {
            void* buf = jack_port_get_buffer(ins[p], n);
            uint32_t count = jack_midi_get_event_count(buf);
            for (uint32_t i = 0; i < count; ++i) {
                jack_midi_event_t ev;
                jack_midi_event_get(&ev, buf, i);
                size_t k = received_count.load();
                if (k >= received.size()) break;
                Received& r = received[k];
                r.port = static_cast<uint32_t>(p);
                r.frame = now + ev.time - start;
                r.size = static_cast<uint32_t>(std::min<size_t>(ev.size, sizeof r.bytes));
                std::memcpy(r.bytes, ev.buffer, r.size);
                received_count.store(k + 1);
            }
        }
        return 0;
    }
};

std::string hex(const uint8_t* b, size_t n) {
    std::string s;
    char buf[4];
    for (size_t i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, "%02X", b[i]);
        s += (i ? " " : "") + std::string(buf);
    }
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    std::string name = "probe", script_file;
    std::vector<std::string> to, from;
    size_t expect = 0;
    double timeout = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i], v = argv[i + 1];
        if (a == "--name") name = v;
        else if (a == "--to") to.push_back(v);
        else if (a == "--from") from.push_back(v);
        else if (a == "--script") script_file = v;
        else if (a == "--expect") expect = std::stoul(v);
        else if (a == "--timeout") timeout = std::stod(v);
        else {
            std::fprintf(stderr, "jack_probe: unknown option %s\n", a.c_str());
            return 64;
        }
    }
    Probe probe;
    std::ifstream in(script_file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        Scheduled s;
        ls >> s.period >> s.offset >> s.port;
        s.port -= 1;
        std::string byte;
        while (ls >> byte) s.bytes.push_back(static_cast<uint8_t>(std::stoul(byte, nullptr, 16)));
        probe.script.push_back(std::move(s));
    }
    probe.sent_frames.resize(probe.script.size());
    jack_status_t status{};
    probe.client = jack_client_open((name + "_send").c_str(), JackNoStartServer, &status);
    probe.recv_client = probe.client ? jack_client_open((name + "_recv").c_str(), JackNoStartServer, &status) : nullptr;
    if (!probe.client || !probe.recv_client) {
        std::fprintf(stderr, "jack_probe: no JACK server\n");
        return 69;
    }
    for (size_t i = 0; i < to.size(); ++i)
        probe.outs.push_back(jack_port_register(probe.client, ("out_" + std::to_string(i + 1)).c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0));
    for (size_t i = 0; i < from.size(); ++i)
        probe.ins.push_back(jack_port_register(probe.recv_client, ("in_" + std::to_string(i + 1)).c_str(), JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0));
    jack_set_process_callback(probe.client, [](jack_nframes_t n, void* p) { return static_cast<Probe*>(p)->send(n); }, &probe);
    jack_set_process_callback(probe.recv_client, [](jack_nframes_t n, void* p) { return static_cast<Probe*>(p)->receive(n); }, &probe);
    jack_activate(probe.client);
    jack_activate(probe.recv_client);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout);
    // Connect (the targets may take a moment to appear), then start sending.
    for (;;) {
        bool all = true;
        for (size_t i = 0; i < to.size(); ++i) {
            if (to[i] == "auto") {  // someone else (mdc's patterns) connects this port
                if (jack_port_connected(probe.outs[i]) == 0) all = false;
                continue;
            }
            if (!jack_port_connected_to(probe.outs[i], to[i].c_str()) && jack_connect(probe.client, jack_port_name(probe.outs[i]), to[i].c_str()) != 0) all = false;
        }
        for (size_t i = 0; i < from.size(); ++i)
            if (!jack_port_connected_to(probe.ins[i], from[i].c_str()) && jack_connect(probe.recv_client, from[i].c_str(), jack_port_name(probe.ins[i])) != 0) all = false;
        if (all) break;
        if (std::chrono::steady_clock::now() > deadline) {
            std::fprintf(stderr, "jack_probe: could not connect\n");
            return 69;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let the patch start (its init output is not counted)
    probe.received_count = 0;
    probe.ready = true;
    while (std::chrono::steady_clock::now() < deadline && !(probe.all_sent && probe.received_count.load() >= expect))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // anything beyond what was expected
    jack_deactivate(probe.client);
    jack_deactivate(probe.recv_client);
    for (size_t i = 0; i < probe.script.size(); ++i)
        std::printf("sent %u %llu %s\n", probe.script[i].port + 1, static_cast<unsigned long long>(probe.sent_frames[i]),
                    hex(probe.script[i].bytes.data(), probe.script[i].bytes.size()).c_str());
    for (size_t i = 0; i < probe.received_count.load(); ++i) {
        const Received& r = probe.received[i];
        std::printf("recv %u %llu %s\n", r.port + 1, static_cast<unsigned long long>(r.frame), hex(r.bytes, r.size).c_str());
    }
    jack_client_close(probe.client);
    jack_client_close(probe.recv_client);
    return probe.received_count.load() >= expect ? 0 : 1;
}
