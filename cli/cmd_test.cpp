// `mdc test`: runs the test(...) statements of patches (PRODUCT.md section 4). Each test gets a fresh
// engine at -O0 and again at -O2; the initial scene's init output comes first; every output event
// must match `expect` in order. A failure prints the test's location and a diff of the events.
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "offline_setup.h"
#include "python_setup.h"
#include "drivers/offline_host.h"
#include "drivers/text_events.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"

namespace mdc::cli {

namespace {

engine::Event to_event(const EventValue& v, std::vector<uint8_t>& bytes) {
    engine::Event e;
    e.type = v.type;
    e.port = v.port;
    e.channel = v.channel;
    e.data1 = v.data1;
    e.data2 = v.data2;
    if (!v.sysex.empty()) {
        bytes.assign(v.sysex.begin(), v.sysex.end());
        e.sysex = bytes.data();
        e.sysex_size = static_cast<uint32_t>(bytes.size());
    }
    return e;
}

std::vector<std::string> run_test(const engine::Program& program, const TestCase& tc, const Config& config, python::Bound* py) {
    drivers::OfflineHost host(program, stderr, /*silent=*/true, print_style_for(program, config));
    host.set_python(py);
    engine::Engine engine(program, host.hooks());
    if (py) py->attach(&engine);
    std::vector<std::string> out;
    auto take = [&](std::span<const engine::Event> events) {
        for (const engine::Event& e : events) out.push_back(drivers::format_event(e, config.data_offset));
    };
    take(engine.start());
    double time = 0;
    for (const TestCase::Sent& s : tc.send) {
        if (s.time) time = *s.time;
        std::vector<uint8_t> bytes;
        engine::Event e = to_event(s.event, bytes);
        e.frame = static_cast<uint64_t>(time * 1e9);
        take(engine.process(e));
        if (py) py->flush_output(take);
    }
    if (py) py->attach(nullptr);
    return out;
}

// A line diff (longest common subsequence): "  same", "- expected only", "+ produced only".
std::string diff(const std::vector<std::string>& want, const std::vector<std::string>& got) {
    size_t n = want.size(), m = got.size();
    std::vector<std::vector<uint32_t>> lcs(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;) lcs[i][j] = want[i] == got[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::string out;
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && want[i] == got[j]) {
            out += fmt::format("      {}\n", want[i]);
            ++i, ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            out += fmt::format("    + {}\n", got[j++]);
        } else {
            out += fmt::format("    - {}\n", want[i++]);
        }
    }
    return out;
}

}  // namespace

int run_test_files(const TestArgs& args) {
    int code = exit_ok;
    size_t total = 0, failed = 0;
    PythonSession python;  // one interpreter for every file
    for (const std::string& path : args.files) {
        std::string text;
        if (std::string err = read_source_file(path, text); !err.empty()) {
            fmt::print(stderr, "{}: error: {}\n", path, err);
            code = most_severe(code, exit_io);
            continue;
        }
        auto c = compile_source(path, std::move(text), false, &python);
        ProgramResult programs[2] = {compile_program(*c, 0), compile_program(*c, 2)};
        std::fputs(render_all(c->diags, c->sources).c_str(), stderr);
        for (const ProgramResult& r : programs)
            if (!r.internal_error.empty()) {
                fmt::print(stderr, "mdc: internal error: {}\n", r.internal_error);
                code = most_severe(code, exit_internal);
            }
        if (c->diags.error_count() > 0 || !programs[0].program || !programs[1].program) {
            code = most_severe(code, exit_data);
            continue;
        }
        std::unique_ptr<python::Bound> py[2];
        int bind_code = exit_ok;
        for (int i = 0; i < 2 && bind_code == exit_ok; ++i)
            py[i] = python.bind(*c, *programs[i].program, path, /*print_to_stderr=*/false, /*output_event=*/true, bind_code);
        if (bind_code != exit_ok) {
            code = most_severe(code, bind_code);
            continue;
        }
        size_t file_failed = 0;
        for (const TestCase& tc : c->checked.tests) {
            ++total;
            std::vector<std::string> want;
            for (const EventValue& v : tc.expect) {
                std::vector<uint8_t> bytes;
                want.push_back(drivers::format_event(to_event(v, bytes), c->checked.config.data_offset));
            }
            std::vector<std::string> got[2] = {run_test(*programs[0].program, tc, c->checked.config, py[0].get()),
                                               run_test(*programs[1].program, tc, c->checked.config, py[1].get())};
            bool ok0 = got[0] == want, ok2 = got[1] == want;
            const SourceFile& f = c->sources.file(tc.span.file);
            LineCol lc = f.line_col(tc.span.begin);
            if (ok0 && ok2) {
                if (args.verbose) fmt::print("PASS {} ({}:{})\n", tc.name, f.name(), lc.line);
                continue;
            }
            ++failed, ++file_failed;
            std::string_view where = !ok0 && !ok2 ? "at -O0 and -O2" : !ok0 ? "at -O0 only" : "at -O2 only";
            fmt::print("{}:{}:{}: error: test '{}' failed {}\n", f.name(), lc.line, lc.col, tc.name, where);
            fmt::print("    {}\n", f.line_text(lc.line));
            fmt::print("  expected (-), produced (+):\n{}", diff(want, ok0 ? got[1] : got[0]));
            if (!ok0 && !ok2 && got[0] != got[1]) fmt::print("  and at -O2:\n{}", diff(want, got[1]));
        }
        if (file_failed) code = most_severe(code, exit_test_failed);
    }
    if (total > 0 || failed > 0)
        fmt::print("{} test{}, {} passed, {} failed\n", total, total == 1 ? "" : "s", total - failed, failed);
    return code;
}

}  // namespace mdc::cli
