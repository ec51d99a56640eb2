// The subcommands' arguments and entry points, and the exit codes of PRODUCT.md section 4.
#pragma once

#include <string>
#include <vector>

namespace mdc::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_test_failed = 1;
inline constexpr int exit_usage = 64;
inline constexpr int exit_data = 65;         // patch or input error
inline constexpr int exit_unavailable = 69;  // backend unavailable
inline constexpr int exit_internal = 70;
inline constexpr int exit_io = 74;

// With several files, the most severe code wins.
int most_severe(int a, int b);

struct CheckArgs {
    std::vector<std::string> files;
    bool werror = false;
};
int run_check(const CheckArgs& args);

struct DumpArgs {
    std::string file;
    std::string stage = "ir";     // ast | ir | opt | program
    std::string format = "text";  // text | dot | json
    int opt_level = 2;            // -O0: the opt stage runs no pass; -O2: all of them
    std::vector<std::string> passes;  // --pass NAME: only these
};
int run_dump(const DumpArgs& args);

struct RunArgs {
    std::string file;
    std::string backend;  // text | alsa | jack | jack-rt; "" = config, then the default rule
    int opt_level = 2;
    // Live options, as mididings' command line has them (they override the patch's config()).
    std::string client_name;
    int in_ports = -1, out_ports = -1;              // -1: from config
    std::vector<std::string> in_connect, out_connect;  // -I / -O: a pattern for port 1, 2, ... in turn
    double start_delay = -1;                        // -1: from config
    bool trace = false;
    bool watch = false;  // reload the patch when its file changes
};
int run_run(const RunArgs& args);

struct PortsArgs {};
int run_ports(const PortsArgs& args);

struct ConvertArgs {
    std::string patch;               // "" = no patch: the files are copied event for event
    std::vector<std::string> files;  // in.mid out.mid, or with out_dir the inputs
    std::string out_dir;             // -o DIR
    int opt_level = 2;
};
int run_convert(const ConvertArgs& args);

struct TestArgs {
    std::vector<std::string> files;
    bool verbose = false;
};
int run_test_files(const TestArgs& args);

struct UnitsArgs {
    std::string name;       // one unit, or all when empty
    bool markdown = false;  // the whole reference as Markdown (docs/units.md)
};
int run_units(const UnitsArgs& args);
std::string units_markdown();

}  // namespace mdc::cli
