// `mdc convert [--patch P] in.mid out.mid` and `mdc convert [--patch P] -o DIR a.mid b.mid ...`:
// Standard MIDI Files through a patch (without one, event for event as they are). One file: silent
// on success. Several: one line per file, or on a terminal, for long batches, a progress line and a
// summary. Warnings and errors go to stderr; the exit code is the most severe of all files.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "convert_job.h"
#include "python_setup.h"
#include "lang/check.h"
#include "lang/compile.h"

namespace mdc::cli {

namespace {

namespace fs = std::filesystem;

inline constexpr size_t long_batch = 10;  // files from which a terminal gets a progress line

struct Job {
    std::string input, output;
};

// What the user sees of a batch: one line per file, or a progress line on a terminal.
class BatchReport {
public:
    BatchReport(size_t total, bool live) : total_(total), live_(live), start_(std::chrono::steady_clock::now()) {}

    void done(const Job& job, const FileOutcome& r) {
        ++done_;
        if (r.code == exit_ok) {
            ++converted_;
            events_ += r.events_in;
        }
        if (live_ && !r.messages.empty()) std::fputs("\r\x1b[K", stderr);
        for (const std::string& m : r.messages) fmt::print(stderr, "{}\n", m);
        if (!live_) {
            if (r.code == exit_ok)
                fmt::print("{} -> {}: {} event{}, {} track{}\n", job.input, job.output, r.events_in, r.events_in == 1 ? "" : "s", r.tracks,
                           r.tracks == 1 ? "" : "s");
            std::fflush(stdout);
            return;
        }
        const auto now = std::chrono::steady_clock::now();
        if (done_ == total_ || now - last_draw_ > std::chrono::milliseconds(100)) {
            last_draw_ = now;
            fmt::print(stderr, "\r\x1b[Kconverting {}/{}: {}", done_, total_, fs::path(job.input).filename().string());
            std::fflush(stderr);
        }
    }
    void finish() {
        if (!live_) return;
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        fmt::print(stderr, "\r\x1b[K{} of {} files converted ({} events in {:.2f} s){}\n", converted_, total_, events_, seconds,
                   converted_ < total_ ? fmt::format(", {} failed", total_ - converted_) : "");
    }

private:
    size_t total_, done_ = 0, converted_ = 0;
    uint64_t events_ = 0;
    bool live_;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

// The jobs the arguments ask for; a usage problem is reported and gives exit_usage.
int plan(const ConvertArgs& args, std::vector<Job>& jobs) {
    auto usage = [](const std::string& message) {
        fmt::print(stderr, "mdc convert: error: {}\n  usage: mdc convert [--patch P] in.mid out.mid\n         mdc convert [--patch P] -o DIR a.mid b.mid ...\n",
                   message);
        return exit_usage;
    };
    if (args.out_dir.empty()) {
        if (args.files.size() != 2) return usage("give an input and an output file, or -o DIR and the input files");
        std::string out = args.files[1];
        std::error_code ec;
        if (fs::is_directory(out, ec)) out = (fs::path(out) / fs::path(args.files[0]).filename()).string();
        jobs.push_back({args.files[0], out});
        return exit_ok;
    }
    std::error_code ec;
    if (fs::exists(args.out_dir, ec) && !fs::is_directory(args.out_dir, ec)) return usage(fmt::format("-o {}: not a folder", args.out_dir));
    for (const std::string& f : args.files) jobs.push_back({f, (fs::path(args.out_dir) / fs::path(f).filename()).string()});
    return exit_ok;
}

}  // namespace

int run_convert(const ConvertArgs& args) {
    std::vector<Job> jobs;
    if (int code = plan(args, jobs); code != exit_ok) return code;

    std::string name = args.patch, text = "from mididings import *\nrun(Pass())\n";
    if (name.empty()) {
        name = "<no patch>";
    } else if (std::string err = read_source_file(name, text); !err.empty()) {
        fmt::print(stderr, "{}: error: {}\n", name, err);
        return exit_io;
    }
    PythonSession python;
    auto c = compile_source(name, std::move(text), /*any_port=*/true, &python);  // ports are tracks
    ProgramResult r = compile_program(*c, args.opt_level, /*any_port=*/true);
    std::fputs(render_all(c->diags, c->sources).c_str(), stderr);
    if (!r.internal_error.empty()) {
        fmt::print(stderr, "mdc: internal error: {}\n", r.internal_error);
        return exit_internal;
    }
    if (c->diags.error_count() > 0 || !r.program) return exit_data;
    if (!c->checked.run && !c->checked.process_file) {
        fmt::print(stderr, "{}: error: the patch has no run(...) or process_file(...) entry point\n", name);
        return exit_data;
    }

    int code_of_bind = exit_ok;
    if (!args.out_dir.empty()) {
        std::error_code ec;
        fs::create_directories(args.out_dir, ec);
        if (ec) {
            fmt::print(stderr, "{}: error: cannot create the folder: {}\n", args.out_dir, ec.message());
            return exit_io;
        }
    }
    std::unique_ptr<python::Bound> py = python.bind(*c, *r.program, name, /*print_to_stderr=*/false, /*output_event=*/false, code_of_bind);
    if (code_of_bind != exit_ok) return code_of_bind;
    const bool batch = !args.out_dir.empty();
    BatchReport report(jobs.size(), batch && jobs.size() >= long_batch && ::isatty(STDERR_FILENO));
    std::set<std::string> outputs;  // two inputs of the same name would write one output
    int code = exit_ok;
    for (const Job& job : jobs) {
        FileOutcome o;
        std::error_code ec;
        if (!outputs.insert(fs::weakly_canonical(job.output, ec).string()).second) {
            o.code = exit_usage;
            o.messages.push_back(fmt::format("{}: error: its output {} is also the output of an earlier input; nothing was written", job.input, job.output));
        } else {
            o = convert_file(*r.program, c->checked.config, job.input, job.output, stdout, py.get());
        }
        code = most_severe(code, o.code);
        if (batch) report.done(job, o);
        else
            for (const std::string& m : o.messages) fmt::print(stderr, "{}\n", m);
    }
    report.finish();
    return code;
}

}  // namespace mdc::cli
