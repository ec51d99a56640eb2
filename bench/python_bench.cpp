// The Python benchmark (not a test): what Process(f) costs per event, with a trivial f (returns the
// event), offline (the text backend's and convert's path: engine, OfflineHost, the bound
// callable) and live (the same through LiveCalls, taking the GIL per call as the engine's thread
// does), beside the cost of calling the same f in a plain Python loop: on one event made before
// the loop, and on a new event each time. Then each patch named on the command line over a
// stream of chords, sustain pedal and releases on four channels (scripts/bench.sh: the stateful
// mididings.extra units natively, bench/extra_native.mdp, and as mididings runs them, in Python
// per event, bench/extra_python.mdp). Each figure is the median of several runs.
//   usage: mdc_python_bench [--events N] [--runs N] [patch.mdp ...]
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "drivers/live_host.h"
#include "drivers/offline_host.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"
#include "python/live_calls.h"
#include "python/runtime.h"

using namespace mdc;

namespace {

constexpr const char* module_text = R"PY(
import time
from mididings import NoteOnEvent

def f(ev):
    return ev

def loop_same(n):
    ev = NoteOnEvent(1, 1, 60, 100)
    t = time.perf_counter()
    for i in range(n):
        f(ev)
    return time.perf_counter() - t

def loop_new(n):
    t = time.perf_counter()
    for i in range(n):
        f(NoteOnEvent(1, 1, 60 + i % 60, 100))
    return time.perf_counter() - t
)PY";

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// ns per event of engine.process over `events`, median of `runs`.
double time_engine(engine::Engine& e, const std::vector<engine::Event>& events, int runs) {
    std::vector<double> ns;
    size_t out = 0;
    for (int r = 0; r < runs; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        for (const engine::Event& ev : events) out += e.process(ev).size();
        std::chrono::duration<double, std::nano> d = std::chrono::steady_clock::now() - t0;
        ns.push_back(d.count() / static_cast<double>(events.size()));
    }
    if (out != events.size() * static_cast<size_t>(runs)) fmt::print(stderr, "warning: {} outputs for {} inputs\n", out, events.size() * runs);
    return median(ns);
}

// ns per call of the module's loop function `name`, median of `runs` (the GIL held).
double time_python_loop(const char* name, long n, int runs) {
    PyObject* m = PyImport_ImportModule("mdc_bench_module");
    PyObject* fn = m ? PyObject_GetAttrString(m, name) : nullptr;
    std::vector<double> ns;
    for (int r = 0; fn && r < runs; ++r) {
        PyObject* s = PyObject_CallFunction(fn, "l", n);
        if (!s) break;
        ns.push_back(PyFloat_AsDouble(s) * 1e9 / static_cast<double>(n));
        Py_DECREF(s);
    }
    if (PyErr_Occurred()) PyErr_Print();
    Py_XDECREF(fn);
    Py_XDECREF(m);
    return ns.empty() ? 0 : median(ns);
}

// Chords of three notes, the pedal down, the chord released, one more note, the pedal up: on
// channels 1..4 in turn, transposed as it goes. Frames 1 ms apart.
std::vector<engine::Event> chord_stream(size_t n) {
    std::vector<engine::Event> out;
    for (uint32_t bar = 0; out.size() < n; ++bar) {
        const int32_t ch = static_cast<int32_t>(bar % 4), root = 48 + static_cast<int32_t>(bar % 24);
        auto add = [&](uint32_t type, int32_t d1, int32_t d2) {
            engine::Event e;
            e.type = type;
            e.channel = ch;
            e.data1 = d1;
            e.data2 = d2;
            e.frame = out.size() * 1'000'000ull;
            out.push_back(e);
        };
        for (int32_t k : {0, 4, 7}) add(engine::NOTEON, root + k, 90);
        add(engine::CTRL, 64, 127);
        for (int32_t k : {0, 4, 7}) add(engine::NOTEOFF, root + k, 0);
        add(engine::NOTEON, root + 12, 80);
        add(engine::NOTEOFF, root + 12, 0);
        add(engine::CTRL, 64, 0);
    }
    out.resize(n);
    return out;
}

// ns per input event of a patch file (its Python bound), median of `runs`; 0 after an error.
double time_patch(python::Runtime& runtime, const std::string& path, const std::vector<engine::Event>& stream, int runs) {
    std::string text;
    if (std::string err = read_source_file(path, text); !err.empty()) {
        fmt::print(stderr, "{}: {}\n", path, err);
        return 0;
    }
    auto c = compile_source(path, std::move(text));
    ProgramResult r = compile_program(*c, 2);
    if (!r.program) {
        fmt::print(stderr, "{}", render_all(c->diags, c->sources));
        return 0;
    }
    python::BindOptions options;
    options.paths = {std::filesystem::absolute(path).parent_path().string()};
    DiagSink diags;
    std::unique_ptr<python::Bound> bound = r.program->has_python ? runtime.bind(*r.program, c->sources, options, diags) : nullptr;
    if (r.program->has_python && !bound) {
        fmt::print(stderr, "{}", render_all(diags, c->sources));
        return 0;
    }
    drivers::OfflineHost host(*r.program, stderr, true, {});
    host.set_python(bound.get());
    std::vector<double> ns;
    for (int i = 0; i < runs; ++i) {  // a fresh engine (and fresh unit state) per run
        engine::Engine e(*r.program, host.hooks());
        if (bound) bound->attach(&e);
        e.start();
        auto t0 = std::chrono::steady_clock::now();
        for (const engine::Event& ev : stream) e.process(ev);
        std::chrono::duration<double, std::nano> d = std::chrono::steady_clock::now() - t0;
        ns.push_back(d.count() / static_cast<double>(stream.size()));
        if (bound) bound->attach(nullptr);
    }
    return median(ns);
}

}  // namespace

int main(int argc, char** argv) {
    long n = 200000;
    int runs = 7;
    std::vector<std::string> patches;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--events" && i + 1 < argc) n = std::stol(argv[++i]);
        else if (a == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
        else patches.push_back(a);
    }
    const std::string folder = fmt::format("/tmp/mdc_python_bench_{}", getpid());
    mkdir(folder.c_str(), 0700);
    if (std::FILE* f = std::fopen((folder + "/mdc_bench_module.py").c_str(), "w")) {
        std::fputs(module_text, f);
        std::fclose(f);
    }
    std::string error;
    std::unique_ptr<python::Runtime> runtime = python::Runtime::start({}, error);
    if (!runtime) {
        fmt::print(stderr, "{}\n", error);
        return 70;
    }
    auto c = compile_source(folder + "/bench.mdp", "from mididings import *\nimport mdc_bench_module\nrun(Process(mdc_bench_module.f))\n");
    ProgramResult r = compile_program(*c, 2);
    if (!r.program) {
        fmt::print(stderr, "{}", render_all(c->diags, c->sources));
        return 65;
    }
    python::BindOptions options;
    options.paths = {folder};
    DiagSink diags;
    std::unique_ptr<python::Bound> bound = runtime->bind(*r.program, c->sources, options, diags);
    if (!bound) {
        fmt::print(stderr, "{}", render_all(diags, c->sources));
        return 65;
    }
    std::vector<engine::Event> events(static_cast<size_t>(n));
    for (size_t i = 0; i < events.size(); ++i) {
        events[i].type = engine::NOTEON;
        events[i].data1 = static_cast<int32_t>(36 + i % 60);
        events[i].data2 = 100;
        events[i].frame = i;
    }
    fmt::print("Process(f), f returning its event, {} events, median of {} runs:\n", n, runs);

    // Offline: the bound callable inline, the GIL held by this thread throughout.
    drivers::OfflineHost host(*r.program, stderr, true, {});
    host.set_python(bound.get());
    double offline, loop_same, loop_new;
    {
        engine::Engine e(*r.program, host.hooks());
        bound->attach(&e);
        e.start();
        offline = time_engine(e, events, runs);
        bound->attach(nullptr);
    }
    loop_same = time_python_loop("loop_same", n, runs);
    loop_new = time_python_loop("loop_new", n, runs);
    fmt::print("  offline Process(f)                      {:7.0f} ns/event\n", offline);
    fmt::print("  plain Python loop, f(ev) on one event   {:7.0f} ns/call   (Process: {:.1f}x)\n", loop_same, offline / loop_same);
    fmt::print("  plain Python loop, f(NoteOnEvent(...))  {:7.0f} ns/call   (Process: {:.1f}x)\n", loop_new, offline / loop_new);

    // Live: through LiveCalls, which takes the GIL for each call (uncontended here).
    python::LiveCalls live(std::move(bound));
    double live_ns;
    {
        python::GilReleased released;
        drivers::LiveHost live_host({}, false, true);
        engine::Engine e(*r.program, live_host.hooks(*r.program, &live), {});
        {
            python::GilHeld gil;
            live.bound().attach(&e);
        }
        e.start();
        live_ns = time_engine(e, events, runs);
        python::GilHeld gil;
        live.bound().attach(nullptr);
    }
    fmt::print("  live Process(f) (GIL taken per call)    {:7.0f} ns/event\n", live_ns);
    if (!patches.empty()) {
        std::vector<engine::Event> stream = chord_stream(static_cast<size_t>(n));
        fmt::print("\nPatches over {} events of chords, sustain pedal and releases on four channels, median of {} runs:\n", stream.size(), runs);
        python::GilHeld gil;
        for (const std::string& path : patches) {
            double ns = time_patch(*runtime, path, stream, runs);
            if (ns > 0) fmt::print("  {:<40} {:7.0f} ns/event  ({:.2f} M events/s)\n", path, ns, 1e3 / ns);
        }
    }
    std::remove((folder + "/mdc_bench_module.py").c_str());
    rmdir(folder.c_str());
    return 0;
}
