// Lowering: the (optimized) typed graph IR to engine::Program, the flat form the engine runs.
#pragma once

#include <optional>

#include "diag.h"
#include "engine/program.h"
#include "ir.h"
#include "patch.h"

namespace mdc {

struct LowerOptions {
    bool dispatch_tables = true;  // splits marked by the split-tables pass become Dispatch instructions
};

// The one instruction a modifier unit (Port, Channel, Transpose, Key, single-form Velocity and
// CtrlCurve, VelocityLimit, CtrlMap, CtrlRange, PitchbendRange) lowers to, or nothing.
std::optional<engine::Instr> lower_modifier(const Patch& unit);

// Returns the program, or nothing after reporting (with its span) a unit the engine cannot run.
std::optional<engine::Program> lower(const ir::Graph& g, const CheckedPatch& checked, DiagSink& diags,
                                     const LowerOptions& options = {});

}  // namespace mdc
