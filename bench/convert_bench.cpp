// The convert benchmark (not a test): events/s of `mdc convert` over a corpus of real MIDI files
// (default: the 31 files of Debian's openttd-openmsx, the stream of ../shared/bench/README.md),
// counting every SMF event read (meta events and End-of-Track included), median of several runs:
//   in memory    file bytes -> read, merge, engine, write -> output bytes (no disk);
//   end to end   what `mdc convert` does per file: read the file, convert, write it atomically;
//   command      `mdc convert -o DIR files...` as a process (start-up and patch compile included),
//                with --mdc PATH;
// for no patch, Transpose(12) >> Velocity(multiply=0.8) and liveset50.mdp; then libsmf 1.3's own
// load and save of the same files (C, no patch), for comparison. libsmf aborts the process on some
// legal files, so it runs in child processes: each file is tried alone first, and files it cannot
// load and save (or that kill it) are left out of its figure and listed.
//   usage: mdc_convert_bench [--files DIR] [--runs N] [--mdc PATH]
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/offline_setup.h"
#include "drivers/file_io.h"
#include "drivers/offline_host.h"
#include "drivers/smf_convert.h"
#include "drivers/smf_reader.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"

#ifdef MDC_HAVE_LIBSMF
#include <smf.h>
#endif

extern char** environ;

using namespace mdc;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Corpus {
    std::vector<std::string> paths;
    std::vector<std::vector<uint8_t>> bytes;
    uint64_t events = 0;  // SMF events, meta events and End-of-Track included
};

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Compiled {
    std::unique_ptr<Compilation> c;
    engine::Program program;
};

Compiled compile(const std::string& name, std::string text) {
    auto c = compile_source(name, std::move(text));
    ProgramResult r = compile_program(*c, 2, /*any_port=*/true);
    if (!r.program) {
        fmt::print(stderr, "{}", render_all(c->diags, c->sources));
        std::exit(65);
    }
    return {std::move(c), std::move(*r.program)};
}

// One file through the patch as convert_job.cpp does it (offline hooks, fresh engine).
drivers::SmfConversion convert(const Compiled& k, std::span<const uint8_t> bytes) {
    drivers::OfflineHost host(k.program, stdout, false, cli::print_style_for(k.program, k.c->checked.config));
    engine::EngineOptions o;
    o.bound_out_ports = false;
    engine::Engine e(k.program, host.hooks(), o);
    drivers::SmfConvertOptions co;
    co.data_offset = k.c->checked.config.data_offset;
    return drivers::convert_smf(bytes, e, co);
}

// Runs argv and waits; returns its exit status (-1 when it could not start or was killed).
int run_process(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

#ifdef MDC_HAVE_LIBSMF
// Runs `work` in a child process (stderr silenced: libsmf complains through GLib); its exit code,
// or -1 when it was killed (libsmf's assertions abort). `work` may write doubles to `out_fd`.
template <typename Work>
int in_child(Work&& work, std::vector<double>* results) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    std::fflush(nullptr);
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        FILE* null = std::fopen("/dev/null", "w");
        if (null) dup2(fileno(null), 2);
        _exit(work(fds[1]));
    }
    close(fds[1]);
    double d;
    while (read(fds[0], &d, sizeof d) == sizeof d)
        if (results) results->push_back(d);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool libsmf_load_save(const std::string& in, const std::string& out) {
    smf_t* smf = smf_load(in.c_str());
    if (!smf) return false;
    bool ok = smf_save(smf, out.c_str()) == 0;
    smf_delete(smf);
    return ok;
}

void bench_libsmf(const Corpus& corpus, int runs, const fs::path& tmp) {
    std::vector<size_t> good;
    uint64_t events = 0;
    for (size_t i = 0; i < corpus.paths.size(); ++i) {
        const std::string out = (tmp / "libsmf-check.mid").string();
        int code = in_child([&](int) { return libsmf_load_save(corpus.paths[i], out) ? 0 : 1; }, nullptr);
        if (code == 0) {
            good.push_back(i);
            events += drivers::read_smf(corpus.bytes[i]).events;
        } else {
            fmt::print("  libsmf {} {}\n", code < 0 ? "crashed on" : "cannot load and save", corpus.paths[i]);
        }
    }
    std::vector<double> times;
    in_child(
        [&](int fd) {
            for (int run = 0; run <= runs; ++run) {
                auto t0 = Clock::now();
                for (size_t i : good) libsmf_load_save(corpus.paths[i], (tmp / fmt::format("libsmf-{}.mid", i)).string());
                double s = seconds_since(t0);
                if (run > 0 && write(fd, &s, sizeof s) != sizeof s) return 1;
            }
            return 0;
        },
        &times);
    if (times.empty()) {
        fmt::print("{:<44} {:>26}\n", "libsmf 1.3 load + save (C, no patch)", "failed");
        return;
    }
    const double s = median(times);
    fmt::print("{:<44} {:>12.2f} {:>12.1f}   ({} of {} files, {} events)\n", "libsmf 1.3 load + save (C, no patch)", static_cast<double>(events) / s / 1e6,
               s * 1e3, good.size(), corpus.paths.size(), events);
}
#endif

}  // namespace

int main(int argc, char** argv) {
    std::string dir = "/usr/share/games/openttd/baseset/openmsx", mdc_path;
    int runs = 7;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--files" && i + 1 < argc) dir = argv[++i];
        else if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else if (a == "--mdc" && i + 1 < argc) mdc_path = argv[++i];
        else {
            fmt::print(stderr, "usage: mdc_convert_bench [--files DIR] [--runs N] [--mdc PATH]\n");
            return 64;
        }
    }
    if (!fs::is_directory(dir)) {
        fmt::print(stderr, "no MIDI files in {}: install them with `apt-get install openttd-openmsx`, or pass --files DIR\n", dir);
        return 74;
    }
    Corpus corpus;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().extension() == ".mid") corpus.paths.push_back(e.path().string());
    std::sort(corpus.paths.begin(), corpus.paths.end());
    for (const std::string& p : corpus.paths) {
        std::vector<uint8_t> b;
        if (std::string err = drivers::read_file_bytes(p, b); !err.empty()) {
            fmt::print(stderr, "{}: {}\n", p, err);
            return 74;
        }
        drivers::SmfFile f = drivers::read_smf(b);
        if (!f.error.empty()) {
            fmt::print(stderr, "{}: {}\n", p, f.error);
            return 65;
        }
        corpus.events += f.events;
        corpus.bytes.push_back(std::move(b));
    }
    const fs::path tmp = fs::temp_directory_path() / fmt::format("mdc-convert-bench-{}", getpid());
    fs::create_directories(tmp);
    fmt::print("corpus: {} files in {}, {} SMF events (meta events and End-of-Track included)\n", corpus.paths.size(), dir, corpus.events);
    fmt::print("median of {} runs; mididings' process_file: 0.26 M events/s (Pass), libsmf alone about 1.03 M events/s\n\n", runs);
    fmt::print("{:<44} {:>12} {:>12}\n", "", "M events/s", "ms per run");

    struct Case {
        std::string name, file, text;
    };
    std::vector<Case> cases = {
        {"no patch", "", "from mididings import *\nrun(Pass())\n"},
        {"Transpose(12) >> Velocity(multiply=0.8)", "", "from mididings import *\nrun(Transpose(12) >> Velocity(multiply=0.8))\n"},
        {"liveset50.mdp", std::string(MDC_SOURCE_DIR) + "/bench/liveset50.mdp", ""},
    };
    for (Case& k : cases) {
        if (!k.file.empty() && !read_source_file(k.file, k.text).empty()) {
            fmt::print(stderr, "{}: cannot read\n", k.file);
            return 74;
        }
        const Compiled compiled = compile(k.name, k.text);
        std::vector<double> memory, disk;
        uint64_t out_events = 0;
        for (int run = 0; run <= runs; ++run) {  // run 0 warms up
            auto t0 = Clock::now();
            uint64_t out = 0;
            for (const auto& b : corpus.bytes) out += convert(compiled, b).events_out;
            if (run > 0) memory.push_back(seconds_since(t0));
            out_events = out;
            t0 = Clock::now();
            for (const std::string& p : corpus.paths) {
                std::vector<uint8_t> b;
                if (!drivers::read_file_bytes(p, b).empty()) return 74;
                drivers::SmfConversion c = convert(compiled, b);
                if (!c.error.empty() || !drivers::write_file_atomically((tmp / fs::path(p).filename()).string(), c.bytes).empty()) return 74;
            }
            if (run > 0) disk.push_back(seconds_since(t0));
        }
        const double ev = static_cast<double>(corpus.events);
        fmt::print("{}  ({} events out)\n", k.name, out_events);
        fmt::print("  {:<42} {:>12.2f} {:>12.1f}\n", "in memory", ev / median(memory) / 1e6, median(memory) * 1e3);
        fmt::print("  {:<42} {:>12.2f} {:>12.1f}\n", "end to end (read, convert, write)", ev / median(disk) / 1e6, median(disk) * 1e3);
        if (!mdc_path.empty()) {
            std::vector<std::string> args = {mdc_path, "convert", "-o", (tmp / "cmd").string()};
            if (!k.text.empty() && k.name != "no patch") {
                const fs::path patch = tmp / "patch.mdp";
                if (!drivers::write_file_atomically(patch.string(), std::span(reinterpret_cast<const uint8_t*>(k.text.data()), k.text.size())).empty())
                    return 74;
                args.insert(args.begin() + 2, {"--patch", patch.string()});
            }
            args.insert(args.end(), corpus.paths.begin(), corpus.paths.end());
            std::vector<double> cmd;
            for (int run = 0; run <= runs; ++run) {
                auto t0 = Clock::now();
                if (run_process(args) != 0) {
                    fmt::print(stderr, "{} failed\n", mdc_path);
                    return 70;
                }
                if (run > 0) cmd.push_back(seconds_since(t0));
            }
            fmt::print("  {:<42} {:>12.2f} {:>12.1f}\n", "command (mdc convert -o DIR files...)", ev / median(cmd) / 1e6, median(cmd) * 1e3);
        }
    }
#ifdef MDC_HAVE_LIBSMF
    fmt::print("\n");
    bench_libsmf(corpus, runs, tmp);
#else
    fmt::print("\nlibsmf: not built in (apt-get install libsmf-dev and reconfigure)\n");
#endif
    std::error_code ec;
    fs::remove_all(tmp, ec);
    return 0;
}
