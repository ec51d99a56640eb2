// One MIDI file through a patch (see convert_job.h).
#include "convert_job.h"

#include <new>

#include <fmt/format.h>

#include "commands.h"
#include "drivers/file_io.h"
#include "drivers/offline_host.h"
#include "drivers/smf_convert.h"
#include "engine/engine.h"
#include "offline_setup.h"
#include "python_setup.h"

namespace mdc::cli {

namespace {
inline constexpr size_t max_warnings_shown = 10;  // per file; the rest are counted
}  // namespace

FileOutcome convert_file(const engine::Program& program, const Config& config, const std::string& input, const std::string& output, std::FILE* print_to,
                         python::Bound* py) {
    FileOutcome r;
    auto fail = [&](int code, const std::string& file, const std::string& message) {
        r.code = code;
        r.messages.push_back(fmt::format("{}: error: {}", file, message));
        return r;
    };
    if (drivers::same_file(input, output))
        return fail(exit_usage, input, fmt::format("the output {} is the input file; mdc convert never replaces its input", output));
    std::vector<uint8_t> bytes;
    try {
        if (std::string err = drivers::read_file_bytes(input, bytes); !err.empty()) return fail(exit_io, input, err);
    } catch (const std::bad_alloc&) {
        return fail(exit_internal, input, "not enough memory to read this file");
    }

    drivers::OfflineHost host(program, print_to, config.silent, print_style_for(program, config));
    engine::EngineOptions options;
    options.bound_out_ports = false;  // any port: port = track, and a port with no track gets one
    host.set_python(py);
    engine::Engine engine(program, host.hooks(), options);
    struct Attach {  // the engine functions of Python act on this engine while it converts
        python::Bound* py;
        Attach(python::Bound* p, engine::Engine* e) : py(p) { if (py) py->attach(e); }
        ~Attach() { if (py) py->attach(nullptr); }
    } attach(py, &engine);
    const uint64_t exceptions_before = py ? py->exceptions() : 0;
    drivers::SmfConvertOptions convert_options;
    convert_options.data_offset = config.data_offset;
    drivers::SmfConversion c;
    try {  // a file of hundreds of MB may need more memory than there is: an error, not a crash
        c = drivers::convert_smf(bytes, engine, convert_options);
    } catch (const std::bad_alloc&) {
        return fail(exit_internal, input, fmt::format("not enough memory to convert this file ({} bytes)", bytes.size()));
    }

    for (size_t i = 0; i < c.warnings.size() && i < max_warnings_shown; ++i) r.messages.push_back(fmt::format("{}: warning: {}", input, c.warnings[i]));
    if (c.warnings.size() > max_warnings_shown)
        r.messages.push_back(fmt::format("{}: warning: {} more warnings like these", input, c.warnings.size() - max_warnings_shown));
    if (!c.error.empty()) return fail(exit_data, input, c.error);
    const engine::EngineStats& st = engine.stats();
    if (st.overflow || st.sysex_overflow)
        r.messages.push_back(fmt::format("{}: warning: {} events and {} SysEx messages did not fit the engine's buffers and were dropped", input,
                                         st.overflow, st.sysex_overflow));
    // A Python call that raised left its event out: no output rather than a wrong one.
    if (uint64_t n = py ? py->exceptions() - exceptions_before : 0; n > 0)
        return fail(exit_data, input, fmt::format("{} Python call{} raised an exception (traceback above); nothing was written", n, n == 1 ? "" : "s"));
    if (st.hook_failures > 0)
        return fail(exit_data, input, fmt::format("{} Python call{} failed; nothing was written", st.hook_failures, st.hook_failures == 1 ? "" : "s"));
    if (std::string err = drivers::write_file_atomically(output, c.bytes); !err.empty()) return fail(exit_io, output, err);
    r.events_in = c.events_in;
    r.events_out = c.events_out;
    r.tracks = c.tracks_out;
    return r;
}

int run_process_file(PythonSession& python, const Compilation& c, const engine::Program& program, const std::string& patch_file) {
    const ProcessFileSpec& spec = *c.checked.process_file;
    int code = exit_ok;
    std::unique_ptr<python::Bound> py = python.bind(c, program, patch_file, /*print_to_stderr=*/false, /*output_event=*/false, code);
    if (code != exit_ok) return code;
    FileOutcome r = convert_file(program, c.checked.config, spec.infile, spec.outfile, stdout, py.get());
    for (const std::string& m : r.messages) fmt::print(stderr, "{}\n", m);
    return r.code;
}

}  // namespace mdc::cli
