// MIDIMonster instances: sub-interpreters, handler calls, routing of their outputs, intervals and
// managed sockets (see handlers.h). The `midimonster` module is in midimonster_module.cpp.
#include "handlers.h"

#include <poll.h>

#include <cmath>
#include <filesystem>
#include <unordered_map>

#include "handlers_state.h"

namespace mdc::python {

namespace {

// Makes an instance's interpreter current on this thread for a scope (see handlers.h, Threads).
class Enter {
public:
    Enter(Handlers::Instance& inst, bool worker) : worker_(worker) {
        if (worker_) PyEval_RestoreThread(inst.worker_ts);
        else previous_ = PyThreadState_Swap(inst.ts);
    }
    ~Enter() {
        if (worker_) PyEval_SaveThread();
        else PyThreadState_Swap(previous_);
    }
    Enter(const Enter&) = delete;
    Enter& operator=(const Enter&) = delete;

private:
    bool worker_;
    PyThreadState* previous_ = nullptr;
};

class SinkOutput final : public HandlerOutput {
public:
    explicit SinkOutput(engine::EventSink& s) : sink_(s) {}
    void emit(const engine::Event& e) override { sink_.push(e); }

private:
    engine::EventSink& sink_;
};

}  // namespace

Handlers::Handlers(Runtime& runtime, const drivers::MappingTable& table, const SourceSet& sources, HandlerOptions options)
    : runtime_(runtime), table_(table), sources_(sources), options_(std::move(options)), loop_reported_(table.lines().size(), false) {}

std::unique_ptr<Handlers> Handlers::load(Runtime& runtime, const CheckedPatch& patch, const drivers::MappingTable& table, const SourceSet& sources,
                                         HandlerOptions options, DiagSink& diags) {
    std::unique_ptr<Handlers> h(new Handlers(runtime, table, sources, std::move(options)));
    PyThreadState* main = PyThreadState_Get();
    bool ok = true;
    for (size_t i = 0; i < patch.instances.size(); ++i) {
        const PythonInstance& pi = patch.instances[i];
        auto inst = std::make_unique<Instance>();
        inst->owner = h.get();
        inst->index = static_cast<int32_t>(i);
        inst->name = pi.name;
        inst->span = pi.span;
        const drivers::MappedInstance* mapped = nullptr;
        for (const auto& m : table.instances())
            if (m.name == pi.name) mapped = &m;
        if (mapped)
            for (size_t c = 0; c < mapped->channels.size(); ++c) {
                Channel ch;
                ch.name = mapped->channels[c].name;
                ch.mapped = static_cast<int32_t>(c);
                ch.handler_line = mapped->channels[c].handler_line;
                inst->by_name.emplace(ch.name, static_cast<int32_t>(inst->channels.size()));
                inst->channels.push_back(std::move(ch));
            }
        inst->ts = Py_NewInterpreter();
        if (!inst->ts) {
            PyThreadState_Swap(main);
            diags.error(pi.span, fmt::format("cannot create a Python interpreter for instance '{}'", pi.name));
            return nullptr;
        }
        // threading's idea of this interpreter's main thread is the thread that first imports it,
        // and the interpreter can only end on that thread (threading._shutdown waits for it
        // otherwise): this one, which also ends it (~Handlers).
        Ref threading(PyImport_ImportModule("threading"));
        if (!threading) PyErr_Clear();
        Instance& in = *inst;
        h->instances_.push_back(std::move(inst));
        // This interpreter's sys.path, stdout and midimonster module; then its modules.
        auto fail = [&](std::string message) {
            diags.error(pi.span, std::move(message));
            ok = false;
        };
        PyObject* sys_path = PySys_GetObject("path");  // borrowed
        std::vector<std::string> folders = h->options_.paths;
        for (const std::string& p : pi.paths) {
            std::error_code ec;
            std::string f = std::filesystem::absolute(p, ec).parent_path().lexically_normal().string();
            if (std::find(folders.begin(), folders.end(), f) == folders.end()) folders.push_back(f);
        }
        for (size_t k = folders.size(); k-- > 0;) {
            Ref s(PyUnicode_DecodeFSDefault(folders[k].c_str()));
            if (!s || PyList_Insert(sys_path, 0, s.p) < 0) fail(fmt::format("cannot set sys.path: {}", fetch_error_text()));
        }
        if (h->options_.print_to_stderr) PySys_SetObject("stdout", PySys_GetObject("stderr"));
        Ref module(create_midimonster_module(in));
        if (!module || PyDict_SetItemString(PyImport_GetModuleDict(), "midimonster", module.p) < 0)
            fail(fmt::format("cannot create the midimonster module: {}", fetch_error_text()));
        in.loading = true;
        for (size_t m = 0; ok && m < pi.modules.size(); ++m) {
            Ref mod(PyImport_ImportModule(pi.modules[m].c_str()));
            if (!mod) {
                PyObject *t, *v, *tb;
                PyErr_Fetch(&t, &v, &tb);
                PyErr_NormalizeException(&t, &v, &tb);
                if (tb && v) PyException_SetTraceback(v, tb);
                Ref type(t), value(v), trace(tb);
                std::string text = "unknown error";
                if (value) {
                    Ref s(PyObject_Str(value.p));
                    text = fmt::format("{}: {}", reinterpret_cast<PyTypeObject*>(type.p)->tp_name, s ? PyUnicode_AsUTF8(s.p) : "?");
                    PyErr_Clear();
                }
                std::fflush(stdout);
                if (type) PyErr_Display(type.p, value.p, trace.p);
                fail(fmt::format("python instance '{}' cannot import its module '{}': {}", pi.name, pi.modules[m], text));
                break;
            }
            in.modules.emplace_back(pi.modules[m], std::move(mod));
        }
        in.loading = false;
        // Handlers by `module.function` (the default handler was resolved at check time to one).
        for (Channel& ch : in.channels) {
            if (!ok) break;
            const drivers::MappedChannel& mc = mapped->channels[static_cast<size_t>(ch.mapped)];
            ch.py_name = Ref(PyUnicode_FromString(ch.name.c_str()));
            if (mc.handler.empty()) continue;
            const size_t dot = mc.handler.find('.');
            std::string mod = mc.handler.substr(0, dot), fn = mc.handler.substr(dot + 1);
            const MappingLine& line = table.lines()[static_cast<size_t>(mc.handler_line)];
            PyObject* m = nullptr;
            for (auto& [name, ref] : in.modules)
                if (name == mod) m = ref.p;
            if (!m) {
                diags.error(line.to.span, fmt::format("python instance '{}' has no module '{}'", pi.name, mod));
                ok = false;
                continue;
            }
            Ref f(PyObject_GetAttrString(m, fn.c_str()));
            if (!f) {
                PyErr_Clear();
                diags.error(line.to.span, fmt::format("the module '{}' of python instance '{}' has no handler '{}' once imported", mod, pi.name, fn))
                    .note("mdc check found it in the module's syntax; importing the module did not define it");
                ok = false;
                continue;
            }
            if (!PyCallable_Check(f.p)) {
                diags.error(line.to.span, fmt::format("'{}' in python instance '{}' is not callable (it is a {})", mc.handler, pi.name, Py_TYPE(f.p)->tp_name));
                ok = false;
                continue;
            }
            ch.handler = std::move(f);
        }
        PyThreadState_Swap(main);
        if (!ok) return nullptr;
    }
    return h;
}

Handlers::~Handlers() {
    cleanup();
    PyThreadState* main = PyThreadState_Get();
    for (auto& inst : instances_) {
        PyThreadState_Swap(inst->ts);
        inst->release();
        PyErr_Clear();
        Py_EndInterpreter(inst->ts);
        PyThreadState_Swap(main);
    }
}

std::string Handlers::line_location(int32_t line) const {
    if (line < 0) return "?";
    const Span& s = table_.lines()[static_cast<size_t>(line)].span;
    if (s.file == 0) return "<patch>";
    const SourceFile& f = sources_.file(s.file);
    LineCol lc = f.line_col(s.begin);
    return fmt::format("{}:{}:{}", f.name(), lc.line, lc.col);
}

void Handlers::report(Instance& inst, const std::string& what) {
    ++stats_.exceptions;
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    if (tb && v) PyException_SetTraceback(v, tb);
    std::fflush(stdout);
    fmt::print(stderr, "mdc: error: python instance '{}': {} raised an exception; the instance goes on\n", inst.name, what);
    std::fflush(stderr);
    if (t) PyErr_Display(t, v, tb);
    Py_XDECREF(t), Py_XDECREF(v), Py_XDECREF(tb);
    PyErr_Clear();
}

void Handlers::call(Instance& inst, int32_t channel, double value) {
    Channel& ch = inst.channels[static_cast<size_t>(channel)];
    if (ch.handler) {
        ++stats_.calls;
        inst.current = channel;
        Ref v(PyFloat_FromDouble(value));
        Ref r(v ? PyObject_CallOneArg(ch.handler.p, v.p) : nullptr);
        inst.current = -1;
        if (!r) {
            const drivers::MappedChannel& mc = table_.instances()[static_cast<size_t>(inst.mapped_index())].channels[static_cast<size_t>(ch.mapped)];
            std::string what = mc.handler == ch.name ? fmt::format("handler {}", mc.handler)
                                                     : fmt::format("handler {} (the default handler, for channel '{}')", mc.handler, ch.name);
            report(inst, fmt::format("{} mapped at {}", what, line_location(ch.handler_line)));
        }
    }
    ch.in = value;  // after the call: inside its handler, inputvalue() is the previous value
}

void Handlers::route(Instance& inst, int32_t channel, double value) {
    Channel& ch = inst.channels[static_cast<size_t>(channel)];
    if (ch.mapped < 0) return;
    for (const drivers::MapTarget& t : table_.targets(inst.mapped_index(), ch.mapped)) {
        if (!t.python) {
            engine::Event events[drivers::max_value_events];
            const int n = drivers::value_to_events(t.midi, value, frame_, events);
            for (int i = 0; i < n; ++i) out_->emit(events[i]);
            continue;
        }
        if (hops_ + 1 > options_.max_hops) {
            ++stats_.cut_loops;
            if (!loop_reported_[static_cast<size_t>(t.line)]) {
                loop_reported_[static_cast<size_t>(t.line)] = true;
                std::fflush(stdout);
                fmt::print(stderr, "mdc: warning: feedback loop: a value went through {} handlers and was dropped at the mapping line at {}\n",
                           options_.max_hops, line_location(t.line));
            }
            continue;
        }
        queue_.push_back({t.instance, t.channel, value, hops_ + 1});
    }
}

void Handlers::drain() {
    if (draining_) return;  // an output() inside a handler: the loop below takes it
    draining_ = true;
    while (queue_head_ < queue_.size()) {
        const Pending p = queue_[queue_head_++];
        Instance& inst = *instances_[static_cast<size_t>(p.instance)];
        hops_ = p.hops;
        Enter enter(inst, worker_);
        call(inst, p.channel, p.value);
    }
    queue_.clear();
    queue_head_ = 0;
    hops_ = 0;
    draining_ = false;
}

void Handlers::start(uint64_t frame, HandlerOutput& out) {
    if (started_) return;
    started_ = true;
    out_ = &out, frame_ = frame;
    for (auto& inst : instances_) {
        inst->started = true;
        for (size_t c = 0; c < inst->channels.size(); ++c)
            if (inst->channels[c].pending) {
                inst->channels[c].pending = false;
                route(*inst, static_cast<int32_t>(c), inst->channels[c].out);
            }
    }
    drain();
    out_ = nullptr;
}

void Handlers::deliver(int32_t instance, int32_t channel, double value, uint64_t frame, HandlerOutput& out) {
    // The mapping table numbers instances as the patch does, and an instance's channels as the
    // instance does (mapped ones first).
    if (instance < 0 || static_cast<size_t>(instance) >= instances_.size()) return;
    out_ = &out, frame_ = frame;
    queue_.push_back({instance, channel, value, 0});
    drain();
    out_ = nullptr;
}

void Handlers::deliver(int32_t instance, int32_t channel, double value, const engine::Event& cause, engine::EventSink& sink) {
    SinkOutput out(sink);
    deliver(instance, channel, value, cause.frame, out);
}

std::optional<uint64_t> Handlers::next_due() const {
    std::optional<uint64_t> due;
    for (const auto& inst : instances_)
        for (const Interval& iv : inst->intervals)
            if (!due || iv.due_ns < *due) due = iv.due_ns;
    return due;
}

void Handlers::advance(uint64_t now_ns, HandlerOutput& out) {
    for (;;) {
        Instance* first = nullptr;
        size_t index = 0;
        for (auto& inst : instances_)
            for (size_t i = 0; i < inst->intervals.size(); ++i)
                if (inst->intervals[i].due_ns <= now_ns && (!first || inst->intervals[i].due_ns < first->intervals[index].due_ns)) first = inst.get(), index = i;
        if (!first) break;
        Interval& iv = first->intervals[index];
        const uint64_t at = options_.virtual_clock ? iv.due_ns : now_ns;
        iv.due_ns = options_.virtual_clock ? iv.due_ns + iv.period_ns : now_ns + iv.period_ns;  // live: missed periods are not replayed
        clock_ns_ = at;
        out_ = &out, frame_ = options_.virtual_clock ? at : 0;
        {
            Enter enter(*first, worker_);
            Ref fn(Py_NewRef(iv.fn.p));  // the callback may cancel itself
            Ref r(PyObject_CallNoArgs(fn.p));
            if (!r) report(*first, fmt::format("interval callback {}", repr_of(fn.p)));
        }
        drain();
        out_ = nullptr;
    }
    clock_ns_ = now_ns;
}

bool Handlers::has_sockets() const {
    for (const auto& inst : instances_)
        if (!inst->managed.empty()) return true;
    return false;
}

bool Handlers::poll_sockets(int timeout_ms, HandlerOutput& out) {
    std::vector<pollfd> fds;
    std::vector<std::pair<Instance*, int>> who;
    for (auto& inst : instances_)
        for (const Managed& m : inst->managed) {
            fds.push_back({m.fd, POLLIN, 0});
            who.emplace_back(inst.get(), m.fd);
        }
    if (fds.empty()) return false;
    if (::poll(fds.data(), fds.size(), timeout_ms) <= 0) return true;
    for (size_t i = 0; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        Instance& inst = *who[i].first;
        out_ = &out, frame_ = options_.virtual_clock ? clock_ns_ : 0;
        {
            Enter enter(inst, worker_);
            for (const Managed& m : inst.managed)
                if (m.fd == who[i].second) {
                    Ref fn(Py_NewRef(m.fn.p)), sock(Py_NewRef(m.sock.p));
                    Ref r(PyObject_CallOneArg(fn.p, sock.p));
                    if (!r) report(inst, fmt::format("socket callback {}", repr_of(fn.p)));
                    break;
                }
        }
        drain();
        out_ = nullptr;
    }
    return true;
}

void Handlers::cleanup() {
    if (cleaned_) return;
    cleaned_ = true;
    class Nowhere final : public HandlerOutput {
        void emit(const engine::Event&) override {}
    } nowhere;
    for (auto& inst : instances_) {
        if (!inst->cleanup) continue;
        out_ = &nowhere;
        Enter enter(*inst, worker_);
        inst->closing = true;  // its outputs are not routed (as in MIDIMonster)
        Ref fn(std::move(inst->cleanup));
        Ref r(PyObject_CallNoArgs(fn.p));
        if (!r) report(*inst, fmt::format("cleanup handler {}", repr_of(fn.p)));
        out_ = nullptr;
    }
}

void Handlers::attach_worker() {
    for (auto& inst : instances_) inst->worker_ts = PyThreadState_New(PyThreadState_GetInterpreter(inst->ts));
    worker_ = true;
}

void Handlers::detach_worker() {
    if (!worker_) return;
    cleanup();
    for (auto& inst : instances_) {
        PyEval_RestoreThread(inst->worker_ts);
        PyThreadState_Clear(inst->worker_ts);
        PyThreadState_DeleteCurrent();
        inst->worker_ts = nullptr;
    }
    worker_ = false;
}

// The midimonster module's view (midimonster_module.cpp).
struct Handlers::Api {
    static void output(Instance& inst, int32_t channel, double value) {
        Handlers& h = *inst.owner;
        Channel& ch = inst.channels[static_cast<size_t>(channel)];
        ch.out = value;
        if (inst.closing) return;
        if (!inst.started) {
            ch.pending = true;  // sent at start
            return;
        }
        if (!h.out_) return;  // not called by mdc (a thread of the module's own): nowhere to send
        h.route(inst, channel, value);
    }
    static uint64_t clock_ns(const Instance& inst) { return inst.owner->clock_ns_; }
    static void unknown(Instance& inst) { ++inst.owner->stats_.unknown; }
};

void api_output(Handlers::Instance& inst, int32_t channel, double value) { Handlers::Api::output(inst, channel, value); }
uint64_t api_clock_ns(const Handlers::Instance& inst) { return Handlers::Api::clock_ns(inst); }
void api_unknown(Handlers::Instance& inst) { Handlers::Api::unknown(inst); }

}  // namespace mdc::python
