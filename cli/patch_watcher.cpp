// The patch watcher of `mdc run --watch` (see patch_watcher.h).
#include "patch_watcher.h"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "lang/check.h"

namespace mdc::cli {

namespace {

bool same_ports(const std::vector<PortConfig>& a, const std::vector<PortConfig>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].patterns != b[i].patterns) return false;
    return true;
}

// Why an edit cannot be swapped in while running ("" when it can).
std::string needs_restart(const Config& now, const Config& edited) {
    if (now.backend != edited.backend) return "the backend";
    if (now.client_name != edited.client_name) return "the client name";
    if (!same_ports(now.in_ports, edited.in_ports) || !same_ports(now.out_ports, edited.out_ports)) return "the ports";
    return "";
}

}  // namespace

PatchWatcher::PatchWatcher(const RunArgs& args, std::unique_ptr<LoadedPatch> first, drivers::LiveHost& host, engine::EngineOptions options,
                           PythonSession& python, engine::EngineInbox& inbox, python::LiveHandlers* handlers)
    : args_(args), host_(host), options_(options), python_(python), inbox_(inbox), handlers_(handlers) {
    first->engine = std::make_unique<engine::Engine>(first->program, host_.hooks(first->program, first->python.get(), first->mapping.get()), options_);
    if (first->python) first->python->bound().attach(first->engine.get());
    if (first->handlers && handlers_) handlers_->add(&first->program, std::move(first->handlers));
    patches_.push_back(std::move(first));
}

PatchWatcher::~PatchWatcher() { stop(); }

void PatchWatcher::stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    drop_waiting();
}

// The instances this thread loaded for edits that the worker has ended: their interpreters end
// here, where they began.
void PatchWatcher::free_finished_handlers() {
    if (!handlers_) return;
    std::vector<std::unique_ptr<python::Handlers>> done = handlers_->take_finished();
    if (done.empty()) return;
    python::GilHeld gil;
    done.clear();
}

// An edit that never took over goes, its Python with the GIL held.
void PatchWatcher::drop_waiting() {
    if (!waiting_) return;
    std::optional<python::GilHeld> gil;
    if (python_.started()) gil.emplace();
    waiting_.reset();
}

// Offers `patch`'s engine when no earlier one is still taking over: its handlers go to the worker
// first, so that the values its tap queues find them. Moves the patch into patches_ when offered.
bool PatchWatcher::offer(drivers::EngineSwap& swap, std::unique_ptr<LoadedPatch>& patch) {
    if (!swap.idle()) return false;
    if (patch->handlers && handlers_) handlers_->add(&patch->program, std::move(patch->handlers));
    [[maybe_unused]] const bool offered = swap.offer(patch->engine.get());  // only this thread offers: it is idle
    fmt::print(stderr, "mdc: {} reloaded\n", args_.file);
    offered_ = patch.get();
    patches_.push_back(std::move(patch));
    return true;
}

void PatchWatcher::start(drivers::EngineSwap& swap) {
    if (!args_.watch) return;
    thread_ = std::thread([this, &swap] { run(swap); });
}

// The files a patch depends on: the patch, and the Python modules it imports.
std::vector<std::filesystem::path> PatchWatcher::watched_files() const {
    namespace fs = std::filesystem;
    std::vector<fs::path> files = {fs::absolute(args_.file)};
    const LoadedPatch& newest = waiting_ ? *waiting_ : *patches_.back();
    for (const std::string& m : newest.compilation->checked.python_modules) files.push_back(fs::absolute(m));
    for (const PythonInstance& inst : newest.compilation->checked.instances)
        for (const std::string& m : inst.paths) files.push_back(fs::absolute(m));
    return files;
}

void PatchWatcher::run(drivers::EngineSwap& swap) {
    namespace fs = std::filesystem;
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    std::vector<fs::path> files;
    std::map<int, fs::path> folders;  // inotify watch -> folder
    auto watch = [&] {  // (again after a reload: the imports may have changed)
        files = watched_files();
        for (const fs::path& f : files) {
            int w = inotify_add_watch(fd, f.parent_path().c_str(), IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE);
            if (w >= 0) folders[w] = f.parent_path();
        }
    };
    if (fd >= 0) watch();
    if (fd < 0 || folders.empty()) {
        fmt::print(stderr, "mdc: warning: cannot watch {} for changes; --watch is off\n", args_.file);
        if (fd >= 0) close(fd);
        return;
    }
    alignas(inotify_event) char buf[4096];
    while (!stop_.load()) {
        pollfd p{fd, POLLIN, 0};
        bool changed = false;
        if (poll(&p, 1, 100) > 0) {
            ssize_t n;
            while ((n = read(fd, buf, sizeof buf)) > 0)
                for (char* at = buf; at < buf + n;) {
                    auto* e = reinterpret_cast<inotify_event*>(at);
                    if (e->len && folders.count(e->wd)) {
                        const fs::path changed_file = folders[e->wd] / e->name;
                        for (const fs::path& f : files) changed = changed || f == changed_file;
                    }
                    at += sizeof(inotify_event) + e->len;
                }
        }
        if (changed) {
            poll(&p, 0, 50);  // editors write in several steps: let them finish
            while (read(fd, buf, sizeof buf) > 0) {}
            reload(swap);
            watch();
        }
        if (waiting_) offer(swap, waiting_);
        if (offered_ && swap.idle()) {  // the engine thread took it: it plays now (the GIL is not held here)
            if (on_take_over_) on_take_over_(offered_->compilation->checked);
            offered_ = nullptr;
        }
        free_retired(swap);
        free_finished_handlers();
    }
    close(fd);
    drop_waiting();            // its instances began on this thread: they end here
    free_finished_handlers();  // (the worker has stopped: all of this thread's)
}

void PatchWatcher::reload(drivers::EngineSwap& swap) {
    std::string text;
    if (std::string err = read_source_file(args_.file, text); !err.empty()) {
        fmt::print(stderr, "mdc: {}: {}; the running patch stays\n", args_.file, err);
        return;
    }
    std::optional<python::GilHeld> gil;  // Python reads the edit's lambdas and modules, and binds them
    if (python_.started()) gil.emplace();
    auto next = std::make_unique<LoadedPatch>();
    next->compilation = compile_source(args_.file, std::move(text), false, &python_);
    ProgramResult r = compile_program(*next->compilation, args_.opt_level);
    const Compilation& c = *next->compilation;
    if (c.diags.error_count() > 0 || !r.program || !c.checked.run) {
        std::fputs(render_all(c.diags, c.sources).c_str(), stderr);
        if (!r.internal_error.empty()) fmt::print(stderr, "mdc: internal error: {}\n", r.internal_error);
        else if (c.diags.error_count() == 0) fmt::print(stderr, "{}: error: the patch has no run(...) entry point\n", args_.file);
        fmt::print(stderr, "mdc: the edit of {} does not check; the running patch stays\n", args_.file);
        return;
    }
    if (std::string what = needs_restart(patches_.front()->compilation->checked.config, c.checked.config); !what.empty()) {
        fmt::print(stderr, "mdc: the edit of {} changes {}, which needs a restart of mdc; the running patch stays\n", args_.file, what);
        return;
    }
    next->program = std::move(*r.program);
    if (next->program.has_python) {
        if (!python_.started()) {
            fmt::print(stderr, "mdc: the edit of {} calls Python, which a running mdc started without --watch cannot start; the running patch stays\n",
                       args_.file);
            return;
        }
        int code = exit_ok;
        std::unique_ptr<python::Bound> bound =
            python_.bind(c, next->program, args_.file, /*print_to_stderr=*/false, /*output_event=*/true, code, /*fresh_modules=*/true);
        if (!bound) {
            fmt::print(stderr, "mdc: the edit of {} does not bind its Python; the running patch stays\n", args_.file);
            return;
        }
        bound->go_live(&inbox_);
        next->python = std::make_unique<python::LiveCalls>(std::move(bound));
    }
    next->mapping = std::make_unique<drivers::MappingTable>(c.checked);
    if (!c.checked.instances.empty()) {
        if (!python_.started() || !handlers_) {
            fmt::print(stderr, "mdc: the edit of {} has Python instances, which a running mdc started without --watch cannot start; the running patch stays\n",
                       args_.file);
            return;
        }
        int code = exit_ok;
        next->handlers = python_.load_handlers(c, *next->mapping, args_.file, /*print_to_stderr=*/false, /*virtual_clock=*/false, code);
        if (!next->handlers) {
            fmt::print(stderr, "mdc: the edit of {} does not load its Python instances; the running patch stays\n", args_.file);
            return;
        }
    }
    next->engine = std::make_unique<engine::Engine>(next->program, host_.hooks(next->program, next->python.get(), next->mapping.get()), options_);
    if (next->python) next->python->bound().attach(next->engine.get());
    if (waiting_) {
        waiting_ = std::move(next);  // a newer edit replaces one that had not taken over yet (the GIL is held)
        return;
    }
    if (!offer(swap, next)) {
        fmt::print(stderr, "mdc: {} checks; it takes over once the notes held under the previous edit are released\n", args_.file);
        waiting_ = std::move(next);
    }
}

void PatchWatcher::free_retired(drivers::EngineSwap& swap) {
    if (engine::Engine* old = swap.take_retired())
        for (auto& p : patches_)
            if (p->engine.get() == old) {
                p->engine.reset();
                if (handlers_) handlers_->retire(&p->program);  // (a program without instances: nothing to end)
            }
}

}  // namespace mdc::cli
