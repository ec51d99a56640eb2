// The live half of `mdc run` (cmd_run_live.cpp), called by cmd_run.cpp once the patch compiled.
#pragma once

#include <string>

#include "commands.h"
#include "engine/program.h"
#include "lang/patch.h"

namespace mdc::cli {

int run_live(const engine::Program& program, const Config& config, const RunArgs& args, std::string backend);

}  // namespace mdc::cli
