// IR passes: each does one thing, has a name (its command-line flag: `mdc dump --pass NAME`) and
// a description, and is listed once in registry.cpp, which also defines the -O2 pipeline.
// After every pass the runner re-types the graph; with verify_each it also checks the graph and
// names the pass that broke it.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lang/ir.h"

namespace mdc::ir {

struct PassInfo {
    std::string_view name;
    std::string_view description;
    bool (*run)(Graph& g);  // returns whether it changed the graph
};

std::span<const PassInfo> all_passes();                    // in -O2 order
const PassInfo* find_pass(std::string_view name);

// Checks the graph's invariants; returns "" or what is wrong.
std::string verify(const Graph& g);

struct PassReport {
    std::vector<std::string> changed;  // passes that changed something, in order
    std::string error;                 // "pass 'x' broke the IR: ..." when verification failed
};

// Runs the passes in order (each re-types the graph afterwards).
PassReport run_passes(Graph& g, std::span<const PassInfo* const> passes, bool verify_each);
// -O2: every pass, in registry order.
PassReport optimize(Graph& g, bool verify_each);

// The passes (one file each).
bool pass_flatten(Graph& g);
bool pass_fold_modifiers(Graph& g);
bool pass_remove_dead(Graph& g);
bool pass_drop_dedup(Graph& g);
bool pass_split_tables(Graph& g);
bool pass_fork_tables(Graph& g);

// Shared helpers for passes.
std::vector<NodeId> reachable(const Graph& g);  // nodes reachable from the roots, parents first
PatchPtr modified_unit(Graph& g, const Patch& original, std::vector<Value> args);  // a copy with new args, owned by g

}  // namespace mdc::ir
