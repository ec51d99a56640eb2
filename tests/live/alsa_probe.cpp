// An ALSA sequencer client for end-to-end tests of `mdc run --backend alsa`: sends scripted MIDI
// from its output ports and prints everything that reaches its input ports, in arrival order, so
// a test can compare events and order with the text backend's. It shares no code with mdc: MIDI
// bytes become sequencer events through libasound's own encoder, and SysEx pieces are put
// together here.
//   usage: mdc_alsa_probe --name NAME [--to ADDR]... [--from ADDR]... [--script FILE]
//                         [--expect N] [--timeout S] [--sysex-piece BYTES]
//                         [--input-pool EVENTS] [--read-pause MS]
// --to ADDR connects output port out_K (K-th --to) to ADDR ("client:port", by name or number),
// waiting for it to appear; --to auto waits instead for someone else to connect out_K. --from
// is the same for the input ports in_K. Output ports are made first (out_1 is port 0), then the
// input ports. Script lines: `PORT HEXBYTES` (PORT: 1-based output port), `#` comments. SysEx
// leaves in events of at most --sysex-piece bytes (default: whole). --input-pool and --read-pause
// make a slow receiver with a small kernel queue. Printed lines:
//   ready                  (all connections made, about to send)
//   sent PORT HEX          recv PORT HEX
// It stops once N events arrived after the script was sent, or after the timeout (exit 1).
#include <alsa/asoundlib.h>
#include <poll.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
    std::string name = "mdc_alsa_probe";
    std::vector<std::string> to, from;
    std::string script;
    size_t expect = 0;
    double timeout = 10;
    size_t sysex_piece = 1 << 20;
    size_t input_pool = 2000;  // events the kernel holds for us
    int read_pause_ms = 0;     // a slow receiver: pause this long after each read
};

std::string hex(const uint8_t* b, size_t n) {
    std::string s;
    char buf[4];
    for (size_t i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, "%s%02X", i ? " " : "", b[i]);
        s += buf;
    }
    return s;
}

struct Probe {
    Options opt;
    snd_seq_t* seq = nullptr;
    std::vector<int> outs, ins;
    std::vector<std::vector<uint8_t>> sysex;  // per input port: a SysEx being put together
    snd_midi_event_t* decoder = nullptr;
    size_t received = 0;
    std::chrono::steady_clock::time_point deadline;

    bool timed_out() const { return std::chrono::steady_clock::now() > deadline; }

    // Someone other than us is subscribed to our port (`read`: reads from it).
    bool has_subscriber(int port, bool read) {
        snd_seq_query_subscribe_t* q;
        snd_seq_query_subscribe_alloca(&q);
        snd_seq_addr_t root{static_cast<unsigned char>(snd_seq_client_id(seq)), static_cast<unsigned char>(port)};
        snd_seq_query_subscribe_set_root(q, &root);
        snd_seq_query_subscribe_set_type(q, read ? SND_SEQ_QUERY_SUBS_READ : SND_SEQ_QUERY_SUBS_WRITE);
        snd_seq_query_subscribe_set_index(q, 0);
        return snd_seq_query_port_subscribers(seq, q) == 0;
    }

    // "client:port", each by name or number; false while no such port exists.
    bool resolve(const std::string& addr, int& client, int& port) {
        const size_t colon = addr.rfind(':');
        if (colon == std::string::npos) return false;
        const std::string want_client = addr.substr(0, colon), want_port = addr.substr(colon + 1);
        snd_seq_client_info_t* ci;
        snd_seq_port_info_t* pi;
        snd_seq_client_info_alloca(&ci);
        snd_seq_port_info_alloca(&pi);
        snd_seq_client_info_set_client(ci, -1);
        while (snd_seq_query_next_client(seq, ci) >= 0) {
            const int c = snd_seq_client_info_get_client(ci);
            if (want_client != snd_seq_client_info_get_name(ci) && want_client != std::to_string(c)) continue;
            snd_seq_port_info_set_client(pi, c);
            snd_seq_port_info_set_port(pi, -1);
            while (snd_seq_query_next_port(seq, pi) >= 0) {
                const int p = snd_seq_port_info_get_port(pi);
                if (want_port == snd_seq_port_info_get_name(pi) || want_port == std::to_string(p)) {
                    client = c;
                    port = p;
                    return true;
                }
            }
        }
        return false;
    }

    bool connect(int port, const std::string& addr, bool ours_is_output) {
        while (!timed_out()) {
            if (addr == "auto") {
                if (has_subscriber(port, ours_is_output)) return true;
            } else {
                int client = 0, other = 0;
                if (resolve(addr, client, other)) {
                    int rc = ours_is_output ? snd_seq_connect_to(seq, port, client, other) : snd_seq_connect_from(seq, port, client, other);
                    if (rc == 0 || rc == -EBUSY) return true;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        std::fprintf(stderr, "probe: %s never appeared\n", addr.c_str());
        return false;
    }

    void print_received(int port, const uint8_t* b, size_t n) {
        std::printf("recv %d %s\n", port + 1, hex(b, n).c_str());
        std::fflush(stdout);
        ++received;
    }

    void receive_all() {
        snd_seq_event_t* ev = nullptr;
        int rc;
        while ((rc = snd_seq_event_input(seq, &ev)) >= 0 || rc == -ENOSPC) {
            if (rc == -ENOSPC) {
                std::fprintf(stderr, "probe: input overrun\n");
                continue;
            }
            int port = -1;
            for (size_t i = 0; i < ins.size(); ++i)
                if (ins[i] == ev->dest.port) port = static_cast<int>(i);
            if (port < 0) continue;
            if (ev->type == SND_SEQ_EVENT_SYSEX) {
                auto& buf = sysex[static_cast<size_t>(port)];
                const auto* b = static_cast<const uint8_t*>(ev->data.ext.ptr);
                buf.insert(buf.end(), b, b + ev->data.ext.len);
                if (!buf.empty() && buf.back() == 0xF7) {
                    print_received(port, buf.data(), buf.size());
                    buf.clear();
                }
                continue;
            }
            uint8_t bytes[16];
            long n = snd_midi_event_decode(decoder, bytes, sizeof bytes, ev);
            if (n > 0) print_received(port, bytes, static_cast<size_t>(n));
        }
    }

    // Sends one message as sequencer events (libasound's encoder; SysEx in pieces).
    bool send(size_t port, const std::vector<uint8_t>& bytes) {
        snd_midi_event_t* enc = nullptr;
        snd_midi_event_new(opt.sysex_piece, &enc);
        size_t at = 0;
        while (at < bytes.size()) {
            snd_seq_event_t ev;
            snd_seq_ev_clear(&ev);
            long used = snd_midi_event_encode(enc, bytes.data() + at, static_cast<long>(bytes.size() - at), &ev);
            if (used <= 0) break;
            at += static_cast<size_t>(used);
            if (ev.type == SND_SEQ_EVENT_NONE) continue;
            snd_seq_ev_set_source(&ev, outs[port]);
            snd_seq_ev_set_subs(&ev);
            snd_seq_ev_set_direct(&ev);
            int rc;
            while ((rc = snd_seq_event_output_direct(seq, &ev)) == -EAGAIN && !timed_out()) {
                receive_all();  // the receiver may be waiting for us to read
                std::this_thread::sleep_for(std::chrono::microseconds(200));
            }
            if (rc < 0) {
                std::fprintf(stderr, "probe: sending failed: %s\n", snd_strerror(rc));
                snd_midi_event_free(enc);
                return false;
            }
        }
        snd_midi_event_free(enc);
        std::printf("sent %zu %s\n", port + 1, hex(bytes.data(), bytes.size()).c_str());
        std::fflush(stdout);
        return true;
    }
};

bool parse_args(int argc, char** argv, Options& o) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (i + 1 >= argc) return false;
        std::string v = argv[++i];
        if (a == "--name") o.name = v;
        else if (a == "--to") o.to.push_back(v);
        else if (a == "--from") o.from.push_back(v);
        else if (a == "--script") o.script = v;
        else if (a == "--expect") o.expect = std::stoul(v);
        else if (a == "--timeout") o.timeout = std::stod(v);
        else if (a == "--sysex-piece") o.sysex_piece = std::stoul(v);
        else if (a == "--input-pool") o.input_pool = std::stoul(v);
        else if (a == "--read-pause") o.read_pause_ms = std::stoi(v);
        else return false;
    }
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Probe p;
    if (!parse_args(argc, argv, p.opt)) {
        std::fprintf(stderr, "usage: mdc_alsa_probe --name NAME [--to ADDR]... [--from ADDR]... [--script FILE] [--expect N] [--timeout S]\n"
                             "                      [--sysex-piece N] [--input-pool EVENTS] [--read-pause MS]\n");
        return 64;
    }
    std::vector<std::pair<size_t, std::vector<uint8_t>>> script;
    if (!p.opt.script.empty()) {
        std::ifstream in(p.opt.script);
        std::string line;
        while (std::getline(in, line)) {
            if (line.empty() || line[0] == '#') continue;
            std::istringstream ls(line);
            size_t port = 0;
            ls >> port;
            std::vector<uint8_t> bytes;
            std::string b;
            while (ls >> b) bytes.push_back(static_cast<uint8_t>(std::stoul(b, nullptr, 16)));
            if (port < 1 || port > p.opt.to.size() || bytes.empty()) {
                std::fprintf(stderr, "probe: bad script line: %s\n", line.c_str());
                return 64;
            }
            script.emplace_back(port - 1, std::move(bytes));
        }
    }
    p.deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(p.opt.timeout));
    if (int rc = snd_seq_open(&p.seq, "default", SND_SEQ_OPEN_DUPLEX, SND_SEQ_NONBLOCK); rc < 0) {
        std::fprintf(stderr, "probe: no sequencer: %s\n", snd_strerror(rc));
        return 69;
    }
    snd_seq_set_client_name(p.seq, p.opt.name.c_str());
    snd_seq_set_client_pool_input(p.seq, p.opt.input_pool);
    snd_seq_set_input_buffer_size(p.seq, 64 * 1024);
    snd_midi_event_new(16, &p.decoder);
    snd_midi_event_no_status(p.decoder, 1);
    const unsigned type = SND_SEQ_PORT_TYPE_MIDI_GENERIC | SND_SEQ_PORT_TYPE_APPLICATION;
    for (size_t i = 0; i < p.opt.to.size(); ++i)
        p.outs.push_back(snd_seq_create_simple_port(p.seq, ("out_" + std::to_string(i + 1)).c_str(), SND_SEQ_PORT_CAP_READ | SND_SEQ_PORT_CAP_SUBS_READ, type));
    for (size_t i = 0; i < p.opt.from.size(); ++i)
        p.ins.push_back(snd_seq_create_simple_port(p.seq, ("in_" + std::to_string(i + 1)).c_str(), SND_SEQ_PORT_CAP_WRITE | SND_SEQ_PORT_CAP_SUBS_WRITE, type));
    p.sysex.resize(p.ins.size());
    for (size_t i = 0; i < p.opt.from.size(); ++i)
        if (!p.connect(p.ins[i], p.opt.from[i], false)) return 1;
    for (size_t i = 0; i < p.opt.to.size(); ++i)
        if (!p.connect(p.outs[i], p.opt.to[i], true)) return 1;
    std::printf("ready\n");
    std::fflush(stdout);
    for (const auto& [port, bytes] : script) {
        if (!p.send(port, bytes)) return 1;
        p.receive_all();
    }
    std::vector<pollfd> fds(static_cast<size_t>(snd_seq_poll_descriptors_count(p.seq, POLLIN)));
    snd_seq_poll_descriptors(p.seq, fds.data(), static_cast<unsigned>(fds.size()), POLLIN);
    while (p.received < p.opt.expect && !p.timed_out()) {
        poll(fds.data(), fds.size(), 20);
        p.receive_all();
        if (p.opt.read_pause_ms) std::this_thread::sleep_for(std::chrono::milliseconds(p.opt.read_pause_ms));
    }
    const bool ok = p.received >= p.opt.expect;
    if (!ok) std::fprintf(stderr, "probe: %zu of %zu events arrived before the timeout\n", p.received, p.opt.expect);
    snd_midi_event_free(p.decoder);
    snd_seq_close(p.seq);
    return ok ? 0 : 1;
}
