// `mdc run`: compiles a patch and runs it on a backend. The text backend (PRODUCT.md section 4)
// reads text events from stdin and writes every output event to stdout, one per line, flushed
// after each input line; Print() output, warnings and errors go to stderr. A malformed line is
// reported with its line and column and skipped; the exit code at the end is then 65. Quit() and
// OSC's /quit stop reading; Restart() and /restart execute mdc again, which reads on. A patch
// whose entry point is process_file(...) converts its MIDI file instead (convert_job.h).
#include <cstdio>
#include <iostream>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "convert_job.h"
#include "live_run.h"
#include "offline_mapping.h"
#include "offline_setup.h"
#include "python_setup.h"
#include "run_extras.h"
#include "stdin_lines.h"
#include "drivers/offline_host.h"
#include "drivers/text_events.h"
#include "engine/engine.h"
#include "lang/check.h"
#include "lang/compile.h"

namespace mdc::cli {

namespace {

void write_events(std::span<const engine::Event> events, int data_offset, std::string& buf) {
    buf.clear();
    for (const engine::Event& e : events) {
        buf += drivers::format_event(e, data_offset);
        buf += '\n';
    }
    std::fwrite(buf.data(), 1, buf.size(), stdout);
    std::fflush(stdout);
}

// True when the program or its hooks can ask for a restart.
bool can_restart(const engine::Program& program, const CheckedPatch& checked) {
    for (const engine::Instr& in : program.code)
        if (in.op == engine::OpCode::Restart) return true;
    for (const HookValue& h : checked.hooks)
        if (h.name == "OSCInterface") return true;
    return false;
}

int run_text(const engine::Program& program, const CheckedPatch& checked, python::Bound* py, const drivers::MappingTable* table,
             python::Handlers* handlers, drivers::RunControl::Action& action) {
    const Config& config = checked.config;
    engine::EngineInbox inbox;
    RunExtras extras(config.data_offset);
    if (int code = open_run_extras(checked, inbox, static_cast<uint32_t>(config.out_ports.size()), extras); code != exit_ok) return code;
    drivers::RunControl& control = extras.control;
    drivers::OfflineHost host(program, stderr, config.silent, print_style_for(program, config));
    host.set_python(py);
    host.set_control(&control);
    OfflineMapping mapping(table, handlers, static_cast<uint32_t>(config.in_ports.size()));
    mapping.attach(host);
    engine::Engine engine(program, host.hooks());
    if (py) py->attach(&engine);
    drivers::TextFormat format;
    format.data_offset = config.data_offset;
    format.octave_offset = config.octave_offset;
    for (const PortConfig& p : config.in_ports) format.in_ports.push_back(p.name);
    std::string out;
    auto write = [&](std::span<const engine::Event> events) { write_events(events, config.data_offset, out); };
    auto python_output = [&] {
        if (py) py->flush_output(write);
    };
    extras.start();
    write(engine.start());
    mapping.start(engine, 0, write);
    int code = exit_ok;
    std::string line;
    uint64_t line_no = 0;
    uint64_t frame = 0;
    StdinLines input(0, can_restart(program, checked));
    while (control.requested() == drivers::RunControl::Action::None) {
        engine.drain(inbox, frame, write);  // OSC's switches and panic
        python_output();
        if (control.requested() != drivers::RunControl::Action::None) break;
        StdinLines::Got got = input.next(line, control.wake_fd());
        if (got == StdinLines::Got::End) break;
        if (got == StdinLines::Got::Woken) {
            control.clear_wake();
            continue;
        }
        ++line_no;
        drivers::ParsedLine parsed = drivers::parse_event_line(line, format);
        if (parsed.empty) continue;
        if (!parsed.error.empty()) {
            fmt::print(stderr, "<stdin>:{}:{}: error: {}\n    {}\n    {:>{}}\n", line_no, parsed.column, parsed.error, line, "^", parsed.column);
            code = exit_data;
            continue;
        }
        if (parsed.time) frame = parsed.event.frame;
        parsed.event.frame = frame;
        mapping.before(engine, frame, write);
        write(engine.process(parsed.event));
        python_output();
    }
    action = control.requested();
    if (action == drivers::RunControl::Action::Restart) input.give_back();
    const engine::EngineStats& st = engine.stats();
    if (st.overflow || st.sysex_overflow)
        fmt::print(stderr, "mdc: warning: {} events and {} SysEx messages did not fit the engine's buffers and were dropped\n", st.overflow,
                   st.sysex_overflow);
    if (py && py->exceptions() > 0) {
        fmt::print(stderr, "mdc: error: {} Python call{} raised an exception; {} event{} dropped\n", py->exceptions(), py->exceptions() == 1 ? "" : "s",
                   py->exceptions() == 1 ? "its" : "their", py->exceptions() == 1 ? " was" : "s were");
        code = exit_data;
    }
    if (handlers) {
        const python::HandlerStats& hs = handlers->stats();
        if (hs.exceptions > 0) {
            fmt::print(stderr, "mdc: error: {} MIDIMonster handler call{} raised an exception (tracebacks above)\n", hs.exceptions, hs.exceptions == 1 ? "" : "s");
            code = exit_data;
        }
        if (hs.cut_loops > 0) fmt::print(stderr, "mdc: warning: {} value{} cut at the feedback loop limit\n", hs.cut_loops, hs.cut_loops == 1 ? " was" : "s were");
        handlers->cleanup();
    }
    if (py) py->attach(nullptr);
    return code;
}

}  // namespace

int run_run(const RunArgs& args) {
    std::string text;
    if (std::string err = read_source_file(args.file, text); !err.empty()) {
        fmt::print(stderr, "{}: error: {}\n", args.file, err);
        return exit_io;
    }
    PythonSession python;
    auto c = compile_source(args.file, std::move(text), false, &python);
    ProgramResult r = compile_program(*c, args.opt_level);
    std::fputs(render_all(c->diags, c->sources).c_str(), stderr);
    if (!r.internal_error.empty()) {
        fmt::print(stderr, "mdc: internal error: {}\n", r.internal_error);
        return exit_internal;
    }
    if (c->diags.error_count() > 0 || !r.program) return exit_data;
    if (c->checked.process_file) return run_process_file(python, *c, *r.program, args.file);  // offline: no backend
    if (!c->checked.run) {
        fmt::print(stderr, "{}: error: the patch has no run(...) or process_file(...) entry point\n", args.file);
        return exit_data;
    }
    std::string backend = !args.backend.empty() ? args.backend : c->checked.config.backend;
    choose_memorized_scene(c->checked, *r.program);
    drivers::RunControl::Action action = drivers::RunControl::Action::None;
    int code = exit_ok;
    if (backend != "text") {
        code = run_live(python, std::move(c), std::move(*r.program), args, backend, action);
    } else {
        std::unique_ptr<python::Bound> py = python.bind(*c, *r.program, args.file, /*print_to_stderr=*/true, /*output_event=*/true, code);
        if (code != exit_ok) return code;
        const drivers::MappingTable table(c->checked);
        std::unique_ptr<python::Handlers> handlers = python.load_handlers(*c, table, args.file, /*print_to_stderr=*/true, /*virtual_clock=*/true, code);
        if (code != exit_ok) return code;
        code = run_text(*r.program, c->checked, py.get(), table.empty() ? nullptr : &table, handlers.get(), action);
        handlers.reset();
        py.reset();
    }
    // Restart(): everything above has shut down (ports, OSC sockets, held notes released).
    if (action == drivers::RunControl::Action::Restart) return restart_mdc();
    return code;
}

}  // namespace mdc::cli
