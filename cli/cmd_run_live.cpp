// `mdc run` on a live backend: picks the backend (command line, config, or the default rule of
// PRODUCT.md section 3), builds the ALSA sequencer or JACK client from the patch's config and the
// command line, and runs until Ctrl-C, SIGTERM, Quit() or Restart() (held notes released) or the
// backend goes away (exit 69). Also `mdc ports`: the ports of the running system, to help write patterns.
#include <signal.h>
#include <optional>
#include <time.h>
#include <unistd.h>

#include <optional>

#include <fmt/format.h>

#include "commands.h"
#include "live_run.h"
#include "offline_setup.h"
#include "patch_watcher.h"
#include "python_setup.h"
#include "python/live_handlers.h"
#include "run_extras.h"
#include "drivers/alsa_driver.h"
#include "drivers/jack_driver.h"
#include "drivers/live_host.h"
#include "engine/engine.h"
#include "engine/inbox.h"
#include "lang/diag.h"

namespace mdc::cli {

namespace {

bool has_alsa_sequencer() { return access("/dev/snd/seq", R_OK | W_OK) == 0; }

bool jack_server_answers() {
    std::string error;
    drivers::JackDriver::list_ports(error);
    return error.empty();
}

std::vector<drivers::LivePort> live_ports(const std::vector<PortConfig>& ports, int count, const std::vector<std::string>& connect,
                                          const char* prefix, int data_offset) {
    std::vector<drivers::LivePort> out;
    const size_t n = count >= 0 ? static_cast<size_t>(count) : ports.size();
    for (size_t i = 0; i < n; ++i) {
        drivers::LivePort p;
        if (count < 0 && !ports[i].name.empty()) p.name = ports[i].name;
        else p.name = fmt::format("{}{}", prefix, i + static_cast<size_t>(data_offset));
        if (count < 0) p.patterns = ports[i].patterns;
        if (i < connect.size()) p.patterns.push_back(connect[i]);
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace

int run_live(PythonSession& python, std::unique_ptr<Compilation> compilation, engine::Program program_in, const RunArgs& args, std::string backend,
             drivers::RunControl::Action& action) {
    const Config config = compilation->checked.config;
    if (backend.empty()) {  // the default rule
        if (has_alsa_sequencer()) backend = "alsa";
        else if (jack_server_answers()) backend = "jack";
        else {
            fmt::print(stderr, "mdc: error: no backend to run on: no ALSA sequencer (/dev/snd/seq) and no JACK server running\n"
                               "  help: start a JACK server (e.g. `jackd -d dummy &`), or run with --backend text to read and write events as text\n");
            return exit_unavailable;
        }
    }
    if (backend == "jack-rt" && program_in.has_python) {
        // jack-rt runs the engine inside JACK's process callback, where Python never runs
        // (PRODUCT.md section 3): every Process is refused at its span, before anything starts.
        DiagSink diags;
        for (size_t i = 0; i < program_in.code.size(); ++i) {
            if (program_in.code[i].op != engine::OpCode::Process) continue;
            const engine::SourceRef& at = program_in.spans[i];
            diags.error(Span{at.file, at.begin, at.end}, "Process runs Python, which never runs on JACK's realtime thread (--backend jack-rt)")
                .with_help("use --backend jack: there the engine runs on its own thread, which may call Python");
        }
        if (diags.error_count() > 0) {
            std::fputs(render_all(diags, compilation->sources).c_str(), stderr);
            return exit_data;
        }
    }
    if (backend == "alsa" && !has_alsa_sequencer()) {
        fmt::print(stderr, "mdc: error: no ALSA sequencer on this machine (/dev/snd/seq is missing)\n"
                           "  help: run with --backend jack (needs a JACK server) or --backend text\n");
        return exit_unavailable;
    }
    // Python (PRODUCT.md section 3): Process on the engine's thread, the rest on the host's worker;
    // what Python sends or switches from there enters the engine through the inbox.
    engine::EngineInbox inbox;
    auto first = std::make_unique<LoadedPatch>();
    first->compilation = std::move(compilation);
    first->program = std::move(program_in);  // where it stays: the bound callables refer to it
    if (first->program.has_python) {
        int code = exit_ok;
        std::unique_ptr<python::Bound> bound =
            python.bind(*first->compilation, first->program, args.file, /*print_to_stderr=*/false, /*output_event=*/true, code);
        if (!bound) return code;
        bound->go_live(&inbox);
        first->python = std::make_unique<python::LiveCalls>(std::move(bound));
    } else if (args.watch && !python.unavailable().empty()) {  // an edit may add Python later
        fmt::print(stderr, "mdc: warning: Python did not start ({}); edits that call Python will not load\n", python.unavailable());
    }
    // Mapping lines and MIDIMonster instances: the tap on the engine thread, handlers on the
    // LiveHost's worker (python/live_handlers.h). Loaded before anything runs: an import error or
    // unresolved handler exits 65. With --watch each edit brings its own (cli/patch_watcher.h).
    first->mapping = std::make_unique<drivers::MappingTable>(first->compilation->checked);
    if (!first->compilation->checked.instances.empty()) {
        int code = exit_ok;
        first->handlers = python.load_handlers(*first->compilation, *first->mapping, args.file, /*print_to_stderr=*/false, /*virtual_clock=*/false, code);
        if (!first->handlers) return code;
    }
    // The main thread gives the interpreter up while the backend runs (it takes it back to stop).
    std::optional<python::GilReleased> gil_released;
    if (python.started()) gil_released.emplace();

    drivers::LiveConfig live;
    live.client_name = !args.client_name.empty() ? args.client_name : config.client_name;
    live.in_ports = live_ports(config.in_ports, args.in_ports, args.in_connect, "in_", config.data_offset);
    live.out_ports = live_ports(config.out_ports, args.out_ports, args.out_connect, "out_", config.data_offset);
    live.realtime = backend == "jack-rt";
    live.start_delay = args.start_delay >= 0 ? args.start_delay : config.start_delay.value_or(0);

    // Signals are taken synchronously by this thread; every thread started from here on (ours and
    // libjack's) inherits the blocked mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    std::string error;
    std::unique_ptr<drivers::LiveDriver> driver;
    if (backend == "alsa") driver = drivers::AlsaDriver::open(live, error);
    else driver = drivers::JackDriver::open(live, error);
    if (!driver) {
        fmt::print(stderr, "mdc: error: {}\n  help: {}, or run with --backend text\n", error,
                   backend == "alsa" ? "check the patch's ports, or run with --backend jack" : "start a JACK server (e.g. `jackd -d dummy &`)");
        return exit_unavailable;
    }
    drivers::PrintStyle style = print_style_for(first->program, config);
    style.in_ports.clear();
    style.out_ports.clear();
    for (const drivers::LivePort& p : live.in_ports) style.in_ports.push_back(p.name);
    for (const drivers::LivePort& p : live.out_ports) style.out_ports.push_back(p.name);
    RunExtras extras(config.data_offset);
    if (int code = open_run_extras(first->compilation->checked, inbox, static_cast<uint32_t>(live.out_ports.size()), extras); code != exit_ok) return code;
    std::optional<python::LiveHandlers> handler_guest;  // outlives the host, whose worker runs it
    if (python.started()) handler_guest.emplace(inbox);
    drivers::LiveHost host(style, args.trace, config.silent);
    if (handler_guest) host.set_guest(&*handler_guest);
    host.set_control(&extras.control);
    engine::EngineOptions options;
    options.bound_out_ports = true;
    options.clock = driver->clock();
    PatchWatcher watcher(args, std::move(first), host, options, python, inbox, handler_guest ? &*handler_guest : nullptr);
    watcher.on_take_over([&extras](const CheckedPatch& checked) { extras.patch_changed(checked); });
    engine::Engine& engine = watcher.first_engine();
    drivers::EngineSwap engines(&engine, static_cast<uint32_t>(live.in_ports.size()));
    if (!config.silent)
        fmt::print(stderr, "mdc: running as {}{}; Ctrl-C stops\n", driver->describe(), args.watch ? ", reloading the patch when it changes" : "");
    extras.start();
    host.start();
    watcher.start(engines);
    const timespec poll{0, 10'000'000};
    // Ctrl-C, SIGTERM, Quit() and Restart() stop the same way: the driver releases held notes.
    int code = driver->run(engines, inbox, host, [&] {
        return sigtimedwait(&signals, nullptr, &poll) > 0 || extras.control.requested() != drivers::RunControl::Action::None;
    });
    action = extras.control.requested();
    host.stop();     // the handlers' cleanup runs last on the worker
    watcher.stop();  // no engine is freed after this; the instances edits loaded are freed
    if (handler_guest) {  // the first patch's instances, loaded here, end here
        gil_released.reset();
        handler_guest->take_finished().clear();
    }
    const engine::EngineStats& st = engines.current().stats();
    if (st.overflow || st.sysex_overflow)
        fmt::print(stderr, "mdc: warning: {} events and {} SysEx messages did not fit the engine's buffers and were dropped\n", st.overflow,
                   st.sysex_overflow);
    return code;
}

int run_ports(const PortsArgs&) {
    std::string error;
    std::vector<drivers::JackPortInfo> ports = drivers::JackDriver::list_ports(error);
    if (!error.empty()) {
        fmt::print("JACK: {}\n", error);
    } else {
        fmt::print("JACK MIDI ports (sources send to a patch's in_ports, destinations receive from its out_ports):\n");
        for (const drivers::JackPortInfo& p : ports) {
            fmt::print("  {:<11} {}", p.input ? "destination" : "source", p.name);
            for (const std::string& a : p.aliases) fmt::print("  (alias {})", a);
            fmt::print("\n");
        }
    }
    if (!has_alsa_sequencer()) {
        fmt::print("ALSA: no sequencer on this machine (/dev/snd/seq is missing)\n");
        return exit_ok;
    }
    error.clear();
    std::vector<drivers::AlsaPortInfo> alsa = drivers::AlsaDriver::list_ports(error);
    if (!error.empty()) {
        fmt::print("ALSA: {}\n", error);
        return exit_ok;
    }
    fmt::print("ALSA sequencer ports (sources send to a patch's in_ports, destinations receive from its out_ports;\n"
               "patterns match client:port, each by number or by name):\n");
    for (const drivers::AlsaPortInfo& p : alsa)
        fmt::print("  {:<11} {:>7}  {}:{}\n", p.source && p.destination ? "both" : p.source ? "source" : "destination",
                   fmt::format("{}:{}", p.client, p.port), p.client_name, p.port_name);
    return exit_ok;
}

}  // namespace mdc::cli
