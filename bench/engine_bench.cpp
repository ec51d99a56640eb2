// The engine benchmark (not a test): input and output events/s and ns per input event through the
// engine alone, for Pass(), Transpose(12) >> Velocity(multiply=0.8) and liveset50.mdp, over the
// reference stream of ../shared/bench/README.md: every non-meta event of the 31 MIDI files of
// Debian's openttd-openmsx, port = track, in file order, decoded before timing. Each figure is the
// median of several runs; mididings' figures on the same stream are printed beside ours.
//   usage: mdc_engine_bench [--files DIR] [--runs N] [-O 0|2] [patch.mdp ...]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "drivers/file_io.h"
#include "drivers/smf_reader.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"

using namespace mdc;
namespace fs = std::filesystem;

namespace {

struct Case {
    std::string name, text;
    double mididings_meps;  // mididings' input events/s (millions), 0 if unknown
};

struct Stream {
    std::vector<engine::Event> events;
    std::vector<drivers::SmfFile> files;  // own the SysEx bytes
};

// Every event for the patch (not the meta events), merged in file order as convert sees them.
void add_events(const drivers::SmfFile& f, std::vector<engine::Event>& out) {
    drivers::SmfMerge merge(f);
    uint32_t track, index;
    while (merge.next(track, index)) {
        const drivers::SmfEvent& e = f.tracks[track].events[index];
        if (e.kind == drivers::SmfKind::Channel || e.kind == drivers::SmfKind::SysEx || e.kind == drivers::SmfKind::System)
            out.push_back(drivers::smf_engine_event(f, track, e));
    }
}

Stream load(const std::string& dir) {
    Stream s;
    std::vector<fs::path> paths;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".mid") paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    s.files.reserve(paths.size());
    for (const fs::path& p : paths) {
        std::vector<uint8_t> bytes;
        if (std::string err = drivers::read_file_bytes(p.string(), bytes); !err.empty()) {
            fmt::print(stderr, "{}: {}\n", p.string(), err);
            std::exit(74);
        }
        s.files.push_back(drivers::read_smf(bytes));
        if (!s.files.back().error.empty()) {
            fmt::print(stderr, "{}: {}\n", p.string(), s.files.back().error);
            std::exit(65);
        }
        add_events(s.files.back(), s.events);
    }
    fmt::print("stream: {} events from {} files in {}\n", s.events.size(), paths.size(), dir);
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "/usr/share/games/openttd/baseset/openmsx";
    int runs = 7, level = 2;
    std::vector<Case> cases = {
        {"Pass()", "from mididings import *\nrun(Pass())\n", 4.39},
        {"Transpose(12) >> Velocity(multiply=0.8)", "from mididings import *\nrun(Transpose(12) >> Velocity(multiply=0.8))\n", 4.15},
    };
    std::vector<std::string> files;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--files" && i + 1 < argc) dir = argv[++i];
        else if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else if (a == "-O" && i + 1 < argc) level = std::atoi(argv[++i]);
        else if (a == "-O0" || a == "-O2") level = a[2] - '0';
        else files.push_back(a);
    }
    if (files.empty()) files.push_back(std::string(MDC_SOURCE_DIR) + "/bench/liveset50.mdp");
    for (const std::string& f : files) {
        std::string text;
        if (std::string err = read_source_file(f, text); !err.empty()) {
            fmt::print(stderr, "{}: {}\n", f, err);
            return 74;
        }
        cases.push_back({fs::path(f).filename().string(), text, fs::path(f).filename() == "liveset50.mdp" ? 0.78 : 0});
    }
    if (!fs::is_directory(dir)) {
        fmt::print(stderr, "no MIDI files in {}: install them with `apt-get install openttd-openmsx`, or pass --files DIR\n", dir);
        return 74;
    }
    Stream stream = load(dir);
    fmt::print("engine alone, -O{}, median of {} runs\n\n", level, runs);
    fmt::print("{:<44} {:>12} {:>12} {:>10} {:>14} {:>8}\n", "patch", "in Mev/s", "out Mev/s", "ns/event", "mididings Mev/s", "ratio");
    for (const Case& k : cases) {
        auto c = compile_source(k.name, k.text);
        ProgramResult r = compile_program(*c, level, /*any_port=*/true);
        if (!r.program) {
            fmt::print(stderr, "{}", render_all(c->diags, c->sources));
            return 65;
        }
        engine::EngineOptions o;
        o.bound_out_ports = false;  // as mididings' engine without a backend
        std::vector<double> seconds;
        uint64_t outputs = 0;
        for (int run = 0; run <= runs; ++run) {  // run 0 warms up
            engine::Engine e(*r.program, {}, o);
            e.start();
            uint64_t out = 0;
            auto t0 = std::chrono::steady_clock::now();
            for (const engine::Event& ev : stream.events) out += e.process(ev).size();
            auto t1 = std::chrono::steady_clock::now();
            if (run > 0) seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
            outputs = out;
        }
        std::sort(seconds.begin(), seconds.end());
        double s = seconds[seconds.size() / 2];
        double in_rate = static_cast<double>(stream.events.size()) / s / 1e6;
        double out_rate = static_cast<double>(outputs) / s / 1e6;
        std::string md = k.mididings_meps > 0 ? fmt::format("{:.2f}", k.mididings_meps) : "-";
        std::string ratio = k.mididings_meps > 0 ? fmt::format("{:.1f}x", in_rate / k.mididings_meps) : "-";
        fmt::print("{:<44} {:>12.2f} {:>12.2f} {:>10.1f} {:>14} {:>8}\n", k.name, in_rate, out_rate, s * 1e9 / static_cast<double>(stream.events.size()),
                   md, ratio);
    }
    return 0;
}
