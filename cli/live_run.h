// The live half of `mdc run` (cmd_run_live.cpp), called by cmd_run.cpp once the patch compiled.
#pragma once

#include <string>

#include <memory>

#include "commands.h"
#include "engine/program.h"
#include "lang/compile.h"
#include "python_setup.h"

namespace mdc::cli {

int run_live(PythonSession& python, std::unique_ptr<Compilation> compilation, engine::Program program, const RunArgs& args, std::string backend);

}  // namespace mdc::cli
