// The MIDIMonster handler benchmark (not a test): events/s and ns per event through a mapping line
// into a Python handler that outputs one value, mapped to MIDI (the seed's example module:
// `midimonster.output("out1", 1 - value)`), offline, engine and Python included; beside it the
// same through a MIDI-to-MIDI line (no Python). MIDIMonster moves handler events at ~0.34 us each.
//   usage: mdc_handler_bench [--events N] [--runs N]
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "drivers/mapping_table.h"
#include "drivers/offline_host.h"
#include "engine/engine.h"
#include "lang/compile.h"
#include "python/handlers.h"
#include "python/runtime.h"

using namespace mdc;
namespace fs = std::filesystem;

namespace {

constexpr std::string_view module_text = "import midimonster\n\ndef in1(value):\n    midimonster.output(\"out1\", 1 - value)\n";
constexpr std::string_view patch_text =
    "from mididings import *\n"
    "py1 = python(\"bench_handlers.py\")\n"
    "py1.bench_handlers.in1 < in_1.ch0.cc7\n"
    "py1.out1 > out_1.ch0.cc10\n"
    "in_1.ch0.cc8 > out_1.ch0.cc11\n"
    "run(Discard())\n";

struct Result {
    double ns_per_event;      // this thread's CPU time (steady on a busy machine)
    double wall_ns_per_event;
    uint64_t out;
};

double thread_cpu_ns() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_nsec);
}

Result run_once(const engine::Program& program, drivers::MappingTable& table, python::Handlers* handlers, int controller, uint64_t n) {
    drivers::OfflineHost host(program, stderr, true, {});
    drivers::MappingInput input(table, 1);
    host.set_mapping(&input, handlers);
    engine::Engine engine(program, host.hooks());
    engine.start();
    engine::Event e;
    e.type = engine::CTRL;
    e.data1 = controller;
    uint64_t out = 0;
    auto t0 = std::chrono::steady_clock::now();
    const double c0 = thread_cpu_ns();
    for (uint64_t i = 0; i < n; ++i) {
        e.data2 = static_cast<int32_t>(i & 127);
        out += engine.process(e).size();
    }
    const double cpu = thread_cpu_ns() - c0;
    std::chrono::duration<double, std::nano> dt = std::chrono::steady_clock::now() - t0;
    return {cpu / static_cast<double>(n), dt.count() / static_cast<double>(n), out};
}

}  // namespace

int main(int argc, char** argv) {
    uint64_t events = 1'000'000;
    int runs = 5;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--events") events = std::strtoull(argv[i + 1], nullptr, 10);
        else if (a == "--runs") runs = std::atoi(argv[i + 1]);
    }
    fs::path dir = fs::temp_directory_path() / fmt::format("mdc_handler_bench_{}", ::getpid());
    fs::create_directories(dir);
    std::ofstream(dir / "bench_handlers.py") << module_text;
    const std::string patch = (dir / "bench.mdp").string();
    auto c = compile_source(patch, std::string(patch_text));
    ProgramResult r = compile_program(*c, 2);
    if (c->diags.error_count() || !r.program) {
        std::fputs(render_all(c->diags, c->sources).c_str(), stderr);
        return 1;
    }
    std::string error;
    auto runtime = python::Runtime::start({}, error);
    if (!runtime) {
        fmt::print(stderr, "{}\n", error);
        return 1;
    }
    drivers::MappingTable table(c->checked);
    DiagSink diags;
    python::HandlerOptions options;
    options.paths.push_back(dir.string());
    auto handlers = python::Handlers::load(*runtime, c->checked, table, c->sources, options, diags);
    if (!handlers) {
        std::fputs(render_all(diags, c->sources).c_str(), stderr);
        return 1;
    }
    struct Nowhere final : python::HandlerOutput {
        void emit(const engine::Event&) override {}
    } nowhere;
    handlers->start(0, nowhere);  // from here on output() routes
    auto median = [&](int controller) {
        std::vector<double> ns, wall;
        uint64_t out = 0;
        for (int i = 0; i < runs; ++i) {
            Result x = run_once(*r.program, table, handlers.get(), controller, events);
            ns.push_back(x.ns_per_event);
            wall.push_back(x.wall_ns_per_event);
            out = x.out;
        }
        std::sort(ns.begin(), ns.end());
        std::sort(wall.begin(), wall.end());
        return Result{ns[ns.size() / 2], wall[wall.size() / 2], out};
    };
    Result py = median(7), midi = median(8);
    fmt::print("median of {} runs of {} events; CPU time of the thread (wall time in brackets)\n", runs, events);
    fmt::print("handler through a mapping line (CC in -> Python -> CC out): {:7.1f} ns/event  {:6.2f} M events/s  [{:.1f} ns]  ({} out per run; MIDIMonster: ~340 ns)\n",
               py.ns_per_event, 1e3 / py.ns_per_event, py.wall_ns_per_event, py.out);
    fmt::print("MIDI-to-MIDI mapping line (no Python):                      {:7.1f} ns/event  {:6.2f} M events/s  [{:.1f} ns]\n", midi.ns_per_event,
               1e3 / midi.ns_per_event, midi.wall_ns_per_event);
    fmt::print("handler calls: {}, exceptions: {}\n", handlers->stats().calls, handlers->stats().exceptions);
    handlers.reset();
    fs::remove_all(dir);
    return 0;
}
