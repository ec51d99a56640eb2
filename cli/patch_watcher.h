// `mdc run --watch`: watches the patch file and the Python modules it imports (inotify on their
// folders, so editors that save by renaming are seen too), recompiles the patch when one changes and, if it checks and needs no restart,
// offers the new engine to the running driver (drivers/engine_swap.h). A broken edit prints its
// diagnostics and the running patch stays; an edit of the backend, ports or client name says a
// restart is needed. Each edit brings its own mapping lines and MIDIMonster instances (fresh
// sub-interpreters, their modules, which are watched too, read again), handed to the worker just
// before its engine is offered and ended once that engine is retired. Engines the swap retires
// are freed here, off the engine thread; their programs stay until exit (work they queued may
// still be waiting to be printed).
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "commands.h"
#include "drivers/engine_swap.h"
#include "drivers/live_host.h"
#include "engine/engine.h"
#include "lang/compile.h"
#include "drivers/mapping_table.h"
#include "python/handlers.h"
#include "python/live_calls.h"
#include "python/live_handlers.h"
#include "python_setup.h"

namespace mdc::cli {

struct LoadedPatch {
    std::unique_ptr<Compilation> compilation;
    engine::Program program;
    std::unique_ptr<python::LiveCalls> python;  // its Python callables (null: none)
    std::unique_ptr<drivers::MappingTable> mapping;  // its mapping lines (the tap's and the handlers')
    std::unique_ptr<python::Handlers> handlers;      // its instances until handed to the worker (null: none)
    std::unique_ptr<engine::Engine> engine;
};

class PatchWatcher {
public:
    // `first` is the running patch; its config is what later edits must keep. Its Python (if
    // any) is bound already; edits are bound in `python` (started when --watch is on) with their
    // modules read again, their engine functions reaching the engine through `inbox`.
    // `handlers` (null when Python did not start) runs every patch's instances on the worker.
    PatchWatcher(const RunArgs& args, std::unique_ptr<LoadedPatch> first, drivers::LiveHost& host, engine::EngineOptions options,
                 PythonSession& python, engine::EngineInbox& inbox, python::LiveHandlers* handlers);
    ~PatchWatcher();

    engine::Engine& first_engine() { return *patches_.front()->engine; }
    // Called on the watcher's thread once an edit has taken over (set before start()).
    void on_take_over(std::function<void(const CheckedPatch&)> f) { on_take_over_ = std::move(f); }
    void start(drivers::EngineSwap& swap);  // starts watching (no-op without --watch)
    void stop();  // after the LiveHost's worker stopped: frees the instances edits loaded

private:
    void run(drivers::EngineSwap& swap);
    void reload(drivers::EngineSwap& swap);
    void free_retired(drivers::EngineSwap& swap);
    bool offer(drivers::EngineSwap& swap, std::unique_ptr<LoadedPatch>& patch);
    void drop_waiting();
    void free_finished_handlers();
    std::vector<std::filesystem::path> watched_files() const;

    const RunArgs& args_;
    std::vector<std::unique_ptr<LoadedPatch>> patches_;  // the first is the one started with
    drivers::LiveHost& host_;
    engine::EngineOptions options_;
    PythonSession& python_;
    engine::EngineInbox& inbox_;
    python::LiveHandlers* handlers_;
    std::function<void(const CheckedPatch&)> on_take_over_;
    std::unique_ptr<LoadedPatch> waiting_;
    const LoadedPatch* offered_ = nullptr;  // offered, not yet seen taken over  // checked, not yet taken over (a swap was in progress)
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

}  // namespace mdc::cli
