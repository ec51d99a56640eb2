// The live half of `mdc run` (cmd_run_live.cpp), called by cmd_run.cpp once the patch compiled.
#pragma once

#include <string>

#include <memory>

#include "commands.h"
#include "drivers/run_control.h"
#include "engine/program.h"
#include "lang/compile.h"
#include "python_setup.h"

namespace mdc::cli {

// `action`: what stopped the run (Quit, Restart, or None for Ctrl-C and errors).
int run_live(PythonSession& python, std::unique_ptr<Compilation> compilation, engine::Program program, const RunArgs& args, std::string backend,
             drivers::RunControl::Action& action);

}  // namespace mdc::cli
