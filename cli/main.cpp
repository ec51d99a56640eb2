// The mdc command line: CLI11 wiring only. Each subcommand lives in its own cmd_*.cpp.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.h"

int main(int argc, char** argv) {
    CLI::App app{"mdc: compiler and realtime runtime for .mdp MIDI patches", "mdc"};
    app.set_version_flag("--version", std::string("mdc ") + MDC_VERSION);
    app.require_subcommand(1);

    mdc::cli::CheckArgs check;
    CLI::App* check_cmd = app.add_subcommand("check", "Check patches and report errors and warnings (silent when valid)");
    check_cmd->add_option("patches", check.files, "Patch files (.mdp)")->required();
    check_cmd->add_flag("--werror", check.werror, "Treat warnings as errors (exit 65)");

    mdc::cli::DumpArgs dump;
    CLI::App* dump_cmd = app.add_subcommand("dump", "Show a compiler stage of a patch: its AST, or its typed graph as text or Graphviz DOT");
    dump_cmd->add_option("patch", dump.file, "Patch file (.mdp)")->required();
    dump_cmd->add_option("--stage", dump.stage, "Stage to show: ast, ir (typed graph), opt (after the passes), program (what the engine runs)")
        ->check(CLI::IsMember({"ast", "ir", "opt", "program"}))->capture_default_str();
    dump_cmd->add_option("-O", dump.opt_level, "With --stage opt or program: -O0 runs no pass, -O2 every pass")
        ->check(CLI::IsMember({0, 2}))->capture_default_str();
    dump_cmd->add_option("--pass", dump.passes, "Run only this pass (repeatable; implies --stage opt)");
    dump_cmd->add_option("--format", dump.format, "Output format")->check(CLI::IsMember({"text", "dot", "json"}))->capture_default_str();

    mdc::cli::RunArgs run;
    CLI::App* run_cmd = app.add_subcommand("run", "Run a patch: live, or with --backend text on events read from stdin");
    run_cmd->add_option("patch", run.file, "Patch file (.mdp)")->required();
    run_cmd->add_option("--backend", run.backend, "Backend: text (stdin/stdout), alsa, jack, jack-rt")
        ->check(CLI::IsMember({"text", "alsa", "jack", "jack-rt"}));
    run_cmd->add_option("-O", run.opt_level, "Optimization level")->check(CLI::IsMember({0, 2}))->capture_default_str();
    run_cmd->add_option("-c,--client-name", run.client_name, "Live: the client name (default: the patch's config, else 'mididings')");
    run_cmd->add_option("-i,--in-ports", run.in_ports, "Live: number of input ports (overrides config; ports are named in_1, in_2, ...)")
        ->check(CLI::Range(0, 256));
    run_cmd->add_option("-o,--out-ports", run.out_ports, "Live: number of output ports (overrides config)")->check(CLI::Range(0, 256));
    run_cmd->add_option("--in-connect", run.in_connect, "Live: connect input port 1, 2, ... (in turn) from ports matching this pattern");
    run_cmd->add_option("--out-connect", run.out_connect, "Live: connect output port 1, 2, ... (in turn) to ports matching this pattern");
    run_cmd->add_option("-d,--start-delay", run.start_delay, "Live: seconds to wait after connecting before the patch starts")->check(CLI::NonNegativeNumber);
    run_cmd->add_flag("--trace", run.trace, "Live: print every input and output event with its port name");
    run_cmd->add_flag("--watch", run.watch, "Live: reload the patch when its file changes (held notes finish under the old one)");

    mdc::cli::PortsArgs ports;
    CLI::App* ports_cmd = app.add_subcommand("ports", "List the MIDI ports of the running system (JACK, ALSA), to help write port patterns");

    mdc::cli::ConvertArgs convert;
    CLI::App* convert_cmd = app.add_subcommand("convert", "Run Standard MIDI Files through a patch (without --patch: copy them event for event)");
    convert_cmd->add_option("files", convert.files, "in.mid out.mid, or with -o the input files")->required();
    convert_cmd->add_option("--patch", convert.patch, "Patch file (.mdp): its run(...) or process_file(...) patch, with init and exit patches");
    convert_cmd->add_option("-o,--output-dir", convert.out_dir, "Write each input file into this folder, under its own name");
    convert_cmd->add_option("-O", convert.opt_level, "Optimization level")->check(CLI::IsMember({0, 2}))->capture_default_str();

    mdc::cli::TestArgs test;
    CLI::App* test_cmd = app.add_subcommand("test", "Run the test(...) statements of patches at -O0 and -O2");
    test_cmd->add_option("patches", test.files, "Patch files (.mdp)")->required();
    test_cmd->add_flag("-v,--verbose", test.verbose, "Also list the tests that pass");

    mdc::cli::UnitsArgs units;
    CLI::App* units_cmd = app.add_subcommand("units", "List the units mdc knows, or show one unit's forms and parameters");
    units_cmd->add_option("unit", units.name, "A unit name, e.g. Transpose");
    units_cmd->add_flag("--markdown", units.markdown, "Print the whole unit reference as Markdown (docs/units.md)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return mdc::cli::exit_usage;
    }
    if (check_cmd->parsed()) return mdc::cli::run_check(check);
    if (units_cmd->parsed()) return mdc::cli::run_units(units);
    if (dump_cmd->parsed()) return mdc::cli::run_dump(dump);
    if (run_cmd->parsed()) return mdc::cli::run_run(run);
    if (ports_cmd->parsed()) return mdc::cli::run_ports(ports);
    if (test_cmd->parsed()) return mdc::cli::run_test_files(test);
    if (convert_cmd->parsed()) return mdc::cli::run_convert(convert);
    return mdc::cli::exit_usage;
}
