// One MIDI file through a compiled patch, as `mdc convert` and a process_file patch under `mdc run`
// do it: refuse to replace the input, read it, run it through a fresh engine with the offline hooks
// (Print and System inline, Sanitize without an out_ports bound: port = track), and write the
// result atomically. Nothing is written when anything fails.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/program.h"
#include "lang/compile.h"
#include "python_setup.h"
#include "lang/patch.h"
#include "python/runtime.h"

namespace mdc::cli {

struct FileOutcome {
    int code = 0;                       // exit code for this file (commands.h)
    std::vector<std::string> messages;  // "FILE: warning: ..." and "FILE: error: ..." lines, in order
    uint64_t events_in = 0, events_out = 0;
    uint32_t tracks = 0;
};

// `print_to` receives Print() output; `py` runs the program's Python callables (null: it has none).
FileOutcome convert_file(const engine::Program& program, const Config& config, const std::string& input, const std::string& output, std::FILE* print_to,
                         python::Bound* py);

// `mdc run` of a patch whose entry point is process_file(infile, outfile, patch): the conversion,
// with the file names relative to the current folder (as mididings' Python opens them).
int run_process_file(PythonSession& python, const Compilation& c, const engine::Program& program, const std::string& patch_file);

}  // namespace mdc::cli
