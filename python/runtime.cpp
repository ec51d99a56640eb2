// The embedded interpreter and the callbacks (see runtime.h). mdc's own state lives in
// Runtime::State, reached from the `_mdc` module through its module state, never a global.
#include "runtime.h"

#include "engine_module.h"
#include "lang/gm.h"
#include "mididings_source.h"
#include "runtime_state.h"

#include <structmember.h>  // T_OBJECT_EX, READONLY: what a slot descriptor holds

namespace mdc::python {

namespace {

// Installs mididings, mididings.constants, .event, .engine and .extra.per_channel into sys.modules
// from source.
constexpr std::string_view bootstrap_source = R"PY(
import sys, types, inspect

def _install(sources):
    pkg = types.ModuleType('mididings')
    pkg.__path__ = []
    sys.modules['mididings'] = pkg
    for name in ('constants', 'util', 'event', 'engine', 'extra', 'extra.gm'):
        m = types.ModuleType('mididings.' + name)
        if name == 'extra':
            m.__path__ = []
        sys.modules['mididings.' + name] = m
        exec(compile(sources[name], '<mdc: mididings.%s>' % name, 'exec'), m.__dict__)
        parent, _, leaf = ('mididings.' + name).rpartition('.')
        setattr(sys.modules[parent], leaf, m)
    exec(compile(sources['package'], '<mdc: mididings>', 'exec'), pkg.__dict__)
    extra = sys.modules['mididings.extra']  # made above, with gm
    per_channel = types.ModuleType('mididings.extra.per_channel')
    sys.modules['mididings.extra.per_channel'] = per_channel
    exec(compile(sources['per_channel'], '<mdc: mididings.extra.per_channel>', 'exec'), per_channel.__dict__)
    extra.per_channel = per_channel
    extra.PerChannel = per_channel.PerChannel
    pkg.extra = extra

def _takes_event(f, args, kwargs):
    try:
        sig = inspect.signature(f)
    except (TypeError, ValueError):
        return True
    try:
        sig.bind(None, *args, **kwargs)
        return True
    except TypeError:
        pass
    try:
        sig.bind(*args, **kwargs)
        return False
    except TypeError:
        return True
)PY";

}  // namespace

// Removes from sys.modules every module loaded from one of `folders`, so that the next import
// reads the file again: the programs bound before keep the functions they have.
// mididings.extra.gm from the compiler's own table: program numbers exempt from data_offset, and
// controller numbers.
static std::string gm_source() {
    std::string s = "from mididings.util import NoDataOffset\n";
    for (size_t i = 0; i < std::size(gm::programs); ++i) s += fmt::format("{} = NoDataOffset({})\n", gm::programs[i], i);
    for (const gm::NamedController& c : gm::controllers) s += fmt::format("{} = {}\n", c.name, c.number);
    return s;
}

static void forget_modules(const std::vector<std::string>& folders) {
    Ref list(PyList_New(0));
    for (const std::string& f : folders) {
        Ref s(PyUnicode_DecodeFSDefault(f.c_str()));
        if (s) PyList_Append(list.p, s.p);
    }
    Ref globals(PyDict_New());
    PyDict_SetItemString(globals.p, "__builtins__", PyEval_GetBuiltins());
    PyDict_SetItemString(globals.p, "folders", list.p);
    Ref r(PyRun_String(R"PY(
import sys, os, importlib
for _name, _m in list(sys.modules.items()):
    _file = getattr(_m, '__file__', None)
    if _file and os.path.dirname(os.path.abspath(_file)) in folders:
        del sys.modules[_name]
importlib.invalidate_caches()
)PY", Py_file_input, globals.p, globals.p));
    if (!r) PyErr_Clear();
}

Runtime::Runtime(std::unique_ptr<State> state) : state_(std::move(state)) {}

std::unique_ptr<Runtime> Runtime::start(const StartOptions& options, std::string& error) {
    if (Py_IsInitialized()) {
        error = "the Python interpreter is already running";
        return nullptr;
    }
    PyConfig config;
    PyConfig_InitIsolatedConfig(&config);
    config.install_signal_handlers = 0;
    config.buffered_stdio = 0;
    config.write_bytecode = 0;  // no __pycache__ beside the user's modules
    PyStatus status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
        error = fmt::format("cannot start Python: {}", status.err_msg ? status.err_msg : "unknown error");
        return nullptr;
    }
    auto st = std::make_unique<State>();
    st->options = options;
    std::unique_ptr<Runtime> rt(new Runtime(std::move(st)));
    State& s = *rt->state_;
    auto fail = [&](const char* what) {
        error = fmt::format("cannot start Python ({}): {}", what, fetch_error_text());
        return nullptr;
    };
    s.mdc_module = Ref(create_engine_module(s));
    if (!s.mdc_module) return fail("_mdc");
    PyObject* modules = PyImport_GetModuleDict();  // borrowed
    if (PyDict_SetItemString(modules, "_mdc", s.mdc_module.p) < 0) return fail("_mdc");


    Ref boot(PyDict_New());
    PyDict_SetItemString(boot.p, "__builtins__", PyEval_GetBuiltins());
    Ref r(PyRun_String(std::string(bootstrap_source).c_str(), Py_file_input, boot.p, boot.p));
    if (!r) return fail("bootstrap");
    Ref sources(PyDict_New());
    auto add = [&](const char* name, std::string_view src) {
        Ref v(PyUnicode_FromStringAndSize(src.data(), static_cast<Py_ssize_t>(src.size())));
        PyDict_SetItemString(sources.p, name, v.p);
    };
    add("constants", constants_source);
    add("util", util_source);
    add("extra", "");
    add("extra.gm", gm_source());
    add("event", event_source);
    add("engine", engine_source);
    add("package", package_source);
    add("per_channel", per_channel_source);
    Ref done(PyObject_CallOneArg(PyDict_GetItemString(boot.p, "_install"), sources.p));
    if (!done) return fail("mididings");
    s.takes_event = Ref(Py_NewRef(PyDict_GetItemString(boot.p, "_takes_event")));
    s.event_module = Ref(PyImport_ImportModule("mididings.event"));
    if (!s.event_module) return fail("mididings.event");
    s.midi_event = Ref(PyObject_GetAttrString(s.event_module.p, "MidiEvent"));
    if (!s.midi_event) return fail("mididings");
    for (int i = 0; i < State::Slots; ++i) {
        Ref d(PyObject_GetAttrString(s.midi_event.p, State::slot_names[i]));
        if (!d || !Py_IS_TYPE(d.p, &PyMemberDescr_Type)) return fail("MidiEvent slots");
        const PyMemberDef* member = reinterpret_cast<PyMemberDescrObject*>(d.p)->d_member;
        if (member->type != T_OBJECT_EX || (member->flags & READONLY)) return fail("MidiEvent slots");
        s.slot_offset[i] = member->offset;
    }
    for (long i = 0; i < State::small_int_count; ++i)
        if (!(s.small_ints[i] = Ref(PyLong_FromLong(i)))) return fail("ints");
    s.empty_tuple = Ref(PyTuple_New(0));
    Ref package(PyImport_ImportModule("mididings"));
    if (!package) return fail("mididings");
    s.namespace_ = Ref(PyDict_Copy(PyModule_GetDict(package.p)));
    if (!s.namespace_) return fail("namespace");
    PyDict_DelItemString(s.namespace_.p, "__name__");
    PyDict_SetItemString(s.namespace_.p, "__name__", Ref(PyUnicode_FromString("__mdc_patch__")).p);
    PyDict_SetItemString(s.namespace_.p, "__builtins__", PyEval_GetBuiltins());
    return rt;
}

void Runtime::print_to_stderr(bool yes) { PySys_SetObject("stdout", PySys_GetObject(yes ? "stderr" : "__stdout__")); }

Runtime::~Runtime() {
    state_->mdc_module = {}, state_->event_module = {}, state_->midi_event = {}, state_->empty_tuple = {};
    state_->namespace_ = {}, state_->takes_event = {}, state_->syntax_helpers = {};
    Py_FinalizeEx();
}

std::unique_ptr<Bound> Runtime::bind(const engine::Program& program, const SourceSet& sources, const BindOptions& options, DiagSink& diags) {
    auto b = std::make_unique<Bound>(*state_, program, sources, options);
    state_->data_offset = options.config.data_offset;
    PyObject* sys_path = PySys_GetObject("path");  // borrowed
    for (size_t i = options.paths.size(); i-- > 0;) {
        Ref p(PyUnicode_DecodeFSDefault(options.paths[i].c_str()));
        int there = p ? PySequence_Contains(sys_path, p.p) : -1;
        if (there == 1 && PySequence_DelItem(sys_path, PySequence_Index(sys_path, p.p)) < 0) there = -1;
        if (there < 0 || PyList_Insert(sys_path, 0, p.p) < 0) {
            diags.error({}, fmt::format("cannot put {} on Python's sys.path: {}", options.paths[i], fetch_error_text()));
            return nullptr;
        }
    }
    if (options.fresh_modules) forget_modules(options.paths);
    // The names the patch imported, where its lambdas look them up (a failed import is reported
    // where a unit names the module).
    for (const auto& [name, target] : options.names) {
        size_t dot = target.rfind('.');
        Ref m(PyImport_ImportModule(target.c_str()));
        if (!m && dot != std::string::npos) {  // module.name: a name in a module
            PyErr_Clear();
            Ref module(PyImport_ImportModule(target.substr(0, dot).c_str()));
            if (module) m = Ref(PyObject_GetAttrString(module.p, target.substr(dot + 1).c_str()));
        }
        if (m) PyDict_SetItemString(state_->namespace_.p, name.c_str(), m.p);
        PyErr_Clear();
    }
    // A callable's text: lambda source, "module.name", or "PerChannel:" and the factory's text.
    // Null after reporting the error at `at`.
    auto resolve = [&](auto& self, const std::string& name, int32_t instr, Span at) -> Ref {
        if (name.starts_with("PerChannel:")) {
            Ref factory = self(self, name.substr(11), instr, at);
            if (!factory) return {};
            if (!PyCallable_Check(factory.p)) {
                diags.error(at, fmt::format("the PerChannel factory is not callable (it is a {})", Py_TYPE(factory.p)->tp_name));
                return {};
            }
            Ref module(PyImport_ImportModule("mididings.extra.per_channel"));
            Ref cls(module ? PyObject_GetAttrString(module.p, "PerChannel") : nullptr);
            Ref object(cls ? PyObject_CallOneArg(cls.p, factory.p) : nullptr);
            if (!object) diags.error(at, fmt::format("cannot make the PerChannel object: {}", fetch_error_text()));
            return object;
        }
        if (name.starts_with("lambda")) {
            Ref code(Py_CompileString(name.c_str(), b->where(instr).c_str(), Py_eval_input));
            Ref f(code ? PyEval_EvalCode(code.p, state_->namespace_.p, state_->namespace_.p) : nullptr);
            if (!f) diags.error(at, fmt::format("this lambda does not compile: {}", fetch_error_text()));
            return f;
        }
        size_t dot = name.rfind('.');
        if (dot == std::string::npos) {
            diags.error(at, fmt::format("'{}' names no Python module", name));
            return {};
        }
        std::string module = name.substr(0, dot), attr = name.substr(dot + 1);
        Ref m(PyImport_ImportModule(module.c_str()));
        if (!m) {
            diags.error(at, fmt::format("cannot import the Python module '{}': {}", module, fetch_error_text()));
            return {};
        }
        Ref f(PyObject_GetAttrString(m.p, attr.c_str()));
        if (!f) {
            PyErr_Clear();
            diags.error(at, fmt::format("the Python module '{}' has no name '{}'", module, attr)).note(
                fmt::format("imported from {}", [&] {
                    Ref file(PyObject_GetAttrString(m.p, "__file__"));
                    if (file && PyUnicode_Check(file.p)) return std::string(PyUnicode_AsUTF8(file.p));
                    PyErr_Clear();
                    return std::string("(built in)");
                }()));
        }
        return f;
    };
    bool ok = true;
    for (size_t i = 0; i < program.code.size(); ++i) {
        const engine::Instr& in = program.code[i];
        bool callable = in.op == engine::OpCode::Process || in.op == engine::OpCode::Call ||
                        ((in.op == engine::OpCode::System || in.op == engine::OpCode::PrintString) && (in.flags & 1)) ||
                        (in.op == engine::OpCode::SendOsc && in.e > 0);
        if (!callable) continue;
        // SendOSC: one lambda that returns the values of all its Python functions (lower.cpp).
        const std::string& name = program.strings[static_cast<size_t>(in.op == engine::OpCode::SendOsc ? in.e - 1 : in.a)];
        const engine::SourceRef& ref = program.spans[i];
        Span at{ref.file, ref.begin, ref.end};
        Ref f = resolve(resolve, name, static_cast<int32_t>(i), at);
        if (!f) {
            ok = false;
            continue;
        }
        if (!PyCallable_Check(f.p)) {
            diags.error(at, fmt::format("'{}' is not callable (it is a {})", name.starts_with("lambda") ? "this lambda" : name, Py_TYPE(f.p)->tp_name));
            ok = false;
            continue;
        }
        if ((in.op == engine::OpCode::Process || in.op == engine::OpCode::Call) && in.b > 0) {
            const std::string& source = program.strings[static_cast<size_t>(in.b - 1)];
            Ref code(Py_CompileString(source.c_str(), b->where(static_cast<int32_t>(i)).c_str(), Py_eval_input));
            Ref pair(code ? PyEval_EvalCode(code.p, state_->namespace_.p, state_->namespace_.p) : nullptr);
            if (!pair) {
                diags.error(at, fmt::format("the extra arguments do not evaluate in Python: {}", fetch_error_text()));
                ok = false;
                continue;
            }
            b->args_[i] = Py_NewRef(PyTuple_GetItem(pair.p, 0));
            b->kwargs_[i] = Py_NewRef(PyTuple_GetItem(pair.p, 1));
        }
        if (in.op == engine::OpCode::Call) {
            Ref none_args(PyTuple_New(0)), none_kwargs(PyDict_New());
            PyObject* args = b->args_[i] ? static_cast<PyObject*>(b->args_[i]) : none_args.p;
            PyObject* kwargs = b->kwargs_[i] ? static_cast<PyObject*>(b->kwargs_[i]) : none_kwargs.p;
            Ref takes(PyObject_CallFunctionObjArgs(state_->takes_event.p, f.p, args, kwargs, nullptr));
            if (!takes) PyErr_Clear();
            else if (!PyObject_IsTrue(takes.p)) b->no_event_[i] = true;
        }
        b->callables_[i] = std::exchange(f.p, nullptr);
    }
    if (!ok) return nullptr;
    return b;
}

Bound::Bound(Runtime::State& state, const engine::Program& program, const SourceSet& sources, BindOptions options)
    : state_(state), program_(program), sources_(sources), options_(std::move(options)), callables_(program.code.size(), nullptr), args_(program.code.size(), nullptr),
      kwargs_(program.code.size(), nullptr), no_event_(program.code.size(), false) {}

Bound::~Bound() {
    if (state_.current == this) state_.current = nullptr;
    for (auto* v : {&callables_, &args_, &kwargs_})
        for (void* f : *v) Py_XDECREF(static_cast<PyObject*>(f));
    Py_XDECREF(static_cast<PyObject*>(spare_event_));
}

void* Bound::invoke(int32_t instr, void* event) {
    auto i = static_cast<size_t>(instr);
    auto* f = static_cast<PyObject*>(callables_[i]);
    if (!args_[i]) return event ? PyObject_CallOneArg(f, static_cast<PyObject*>(event)) : PyObject_CallNoArgs(f);
    Ref head(event ? PyTuple_Pack(1, static_cast<PyObject*>(event)) : PyTuple_New(0));
    Ref all(head ? PySequence_Concat(head.p, static_cast<PyObject*>(args_[i])) : nullptr);
    return all ? PyObject_Call(f, all.p, static_cast<PyObject*>(kwargs_[i])) : nullptr;
}

void Bound::attach(engine::Engine* engine) {
    engine_ = engine;
    state_.current = engine ? this : nullptr;
    state_.data_offset = options_.config.data_offset;
}

std::string Bound::where(int32_t instr) const {
    const engine::SourceRef& ref = program_.spans[static_cast<size_t>(instr)];
    if (ref.file == 0) return "<patch>";
    const SourceFile& f = sources_.file(ref.file);
    LineCol lc = f.line_col(ref.begin);
    return fmt::format("{}:{}:{}", f.name(), lc.line, lc.col);
}

// The MidiEvent given to Python. The one given last is used again when nothing else kept it
// (its reference count is back to ours alone): most functions return or drop their event.
void* Bound::event_object(const engine::Event& ev, void** written_out) {
    auto* spare = static_cast<PyObject*>(spare_event_);
    Ref e;
    if (spare && Py_REFCNT(spare) == 1) {
        e = Ref(Py_NewRef(spare));
    } else {
        auto* type = reinterpret_cast<PyTypeObject*>(state_.midi_event.p);
        e = Ref(type->tp_new(type, state_.empty_tuple.p, nullptr));
        if (!e) return nullptr;
        Py_XDECREF(spare);
        spare_event_ = Py_NewRef(e.p);
    }
    using S = Runtime::State;
    PyObject* obj = e.p;
    void* unused[S::Slots];
    auto** written = reinterpret_cast<PyObject**>(written_out ? written_out : unused);
    auto put = [&](S::Slot s, long v) {  // a small int from the table, when the slot does not hold it already
        PyObject*& slot = slot_at(obj, state_.slot_offset[s]);
        if (v >= 0 && v < S::small_int_count) {
            PyObject* cached = state_.small_ints[v].p;
            written[s] = cached;
            if (slot != cached) Py_XSETREF(slot, Py_NewRef(cached));
            return true;
        }
        written[s] = nullptr;  // a value read back (an object freed could come back at its address)
        return set_slot(obj, state_.slot_offset[s], PyLong_FromLong(v));
    };
    if (!put(S::Type, static_cast<long>(ev.type)) || !put(S::Port, ev.port) || !put(S::Channel, ev.channel) || !put(S::Data1, ev.data1) ||
        !put(S::Data2, ev.data2) || !set_slot(obj, state_.slot_offset[S::SysEx], PyBytes_FromStringAndSize(reinterpret_cast<const char*>(ev.sysex), ev.sysex ? ev.sysex_size : 0)))
        return nullptr;
    written[S::SysEx] = nullptr;
    return std::exchange(e.p, nullptr);
}

bool Bound::failed(int32_t instr, const char* unit) {
    ++exceptions_;
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    if (tb && v) PyException_SetTraceback(v, tb);
    std::fflush(stdout);
    fmt::print(stderr, "mdc: error: {} at {} raised an exception; the event is dropped\n", unit, where(instr));
    std::fflush(stderr);
    if (t) PyErr_Display(t, v, tb);
    Py_XDECREF(t), Py_XDECREF(v), Py_XDECREF(tb);
    PyErr_Clear();
    return false;
}

bool Bound::output_event(OwnedEvent e) {
    if (!inbox_) {  // offline: after the current input's output (flush_output)
        output_.push_back(std::move(e));
        return true;
    }
    e.event.sysex = e.sysex.empty() ? nullptr : e.sysex.data();
    return inbox_->post_output(e.event);
}

bool Bound::request_switch(int32_t scene, int32_t subscene) {
    if (inbox_ && !in_process_) return inbox_->post_switch(scene, subscene);
    engine_->request_switch(scene < 0 ? engine_->current_scene() : scene, subscene);
    return true;
}

bool Bound::process(int32_t instr, const engine::Event& in, engine::EventSink& out) {
    in_process_ = true;
    struct Leave {
        bool& flag;
        ~Leave() { flag = false; }
    } leave{in_process_};
    void* written[Runtime::State::Slots];  // this call's: Call on the worker makes events too, between GIL switches
    Ref ev(static_cast<PyObject*>(event_object(in, written)));
    if (!ev) return failed(instr, "Process");
    Ref result(static_cast<PyObject*>(invoke(instr, ev.p)));
    if (!result) return failed(instr, "Process");
    if (result.p == Py_None) return true;
    if (result.p == ev.p || Py_IS_TYPE(result.p, reinterpret_cast<PyTypeObject*>(state_.midi_event.p))) {  // one event: no list
        engine::Event e;
        if (sysex_.empty()) sysex_.resize(1);
        const bool same = result.p == ev.p;  // the event given, perhaps changed: its unchanged slots are not read
        if (!(same ? to_event(state_, result.p, e, sysex_[0], in, reinterpret_cast<PyObject* const*>(written))
                   : to_event(state_, result.p, e, sysex_[0])))
            return failed(instr, "Process");
        e.frame = in.frame;
        out.push(e);
        return true;
    }
    std::vector<Ref>& items = items_;
    items.clear();
    if (PyObject_IsInstance(result.p, state_.midi_event.p) == 1) {
        items.push_back(std::move(result));
    } else if (PyList_Check(result.p) || PyTuple_Check(result.p) || PyIter_Check(result.p)) {
        Ref it(PyObject_GetIter(result.p));
        if (!it) return failed(instr, "Process");
        while (PyObject* x = PyIter_Next(it.p)) items.emplace_back(x);
        if (PyErr_Occurred()) return failed(instr, "Process");
    } else {
        PyErr_Format(PyExc_TypeError, "a Process function returns None, a MidiEvent, or a list, tuple or generator of MidiEvents, not %s",
                     Py_TYPE(result.p)->tp_name);
        return failed(instr, "Process");
    }
    events_.resize(items.size());
    if (sysex_.size() < items.size()) sysex_.resize(items.size());
    for (size_t i = 0; i < items.size(); ++i) {
        if (!to_event(state_, items[i].p, events_[i], sysex_[i])) return failed(instr, "Process");
        events_[i].frame = in.frame;
    }
    for (const engine::Event& e : events_) out.push(e);
    items.clear();
    return true;
}

bool Bound::call(int32_t instr, const engine::Event& ev) {
    Ref result;
    if (no_event_[static_cast<size_t>(instr)]) {
        result = Ref(static_cast<PyObject*>(invoke(instr, nullptr)));
    } else {
        Ref e(static_cast<PyObject*>(event_object(ev)));
        if (!e) return failed(instr, "Call");
        result = Ref(static_cast<PyObject*>(invoke(instr, e.p)));
    }
    return result ? true : failed(instr, "Call");
}

// SendOSC's Python values converted as pyliblo's send() does: True/False/None, int ('i', or 'h'
// beyond 32 bits), float ('f'), str ('s'), bytes ('b'), and (typetag, value) tuples.
bool Bound::osc_values(int32_t instr, const engine::Event& ev, std::vector<drivers::OscValue>& out) {
    auto* f = static_cast<PyObject*>(callables_[static_cast<size_t>(instr)]);
    Ref e(static_cast<PyObject*>(event_object(ev)));
    if (!e) return failed(instr, "SendOSC");
    Ref result(PyObject_CallOneArg(f, e.p));
    if (!result || !PyList_Check(result.p)) return failed(instr, "SendOSC");
    out.clear();
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(result.p); ++k) {
        PyObject* x = PyList_GET_ITEM(result.p, k);
        drivers::OscValue v;
        char tag = 0;
        if (PyTuple_Check(x) && PyTuple_GET_SIZE(x) == 2 && PyUnicode_Check(PyTuple_GET_ITEM(x, 0)) &&
            PyUnicode_GetLength(PyTuple_GET_ITEM(x, 0)) == 1) {
            tag = static_cast<char>(PyUnicode_ReadChar(PyTuple_GET_ITEM(x, 0), 0));
            x = PyTuple_GET_ITEM(x, 1);
        }
        if (x == Py_True || x == Py_False || x == Py_None) v.tag = x == Py_True ? 'T' : x == Py_False ? 'F' : 'N';
        else if (PyLong_Check(x)) {
            int overflow = 0;
            v.i = PyLong_AsLongLongAndOverflow(x, &overflow);
            if (overflow) {
                PyErr_SetString(PyExc_OverflowError, "an OSC integer has at most 64 bits");
                return failed(instr, "SendOSC");
            }
            v.tag = v.i >= INT32_MIN && v.i <= INT32_MAX ? 'i' : 'h';
            v.d = static_cast<double>(v.i);
        } else if (PyFloat_Check(x)) {
            v.tag = 'f';
            v.d = PyFloat_AS_DOUBLE(x);
            v.i = static_cast<int64_t>(v.d);
        } else if (PyUnicode_Check(x)) {
            v.tag = 's';
            const char* utf8 = PyUnicode_AsUTF8(x);
            if (!utf8) return failed(instr, "SendOSC");
            v.text = utf8;
        } else if (PyBytes_Check(x)) {
            v.tag = 'b';
            v.text.assign(PyBytes_AS_STRING(x), static_cast<size_t>(PyBytes_GET_SIZE(x)));
        } else {
            PyErr_Format(PyExc_TypeError, "SendOSC cannot send a %s", Py_TYPE(x)->tp_name);
            return failed(instr, "SendOSC");
        }
        if (tag) {  // an explicit type: convert the value
            if (tag == 'f' || tag == 'd') v.d = v.tag == 'i' || v.tag == 'h' ? static_cast<double>(v.i) : v.d;
            else if (tag == 'i' || tag == 'h' || tag == 'c') v.i = v.tag == 'f' ? static_cast<int64_t>(v.d) : v.i;
            v.tag = tag;
        }
        out.push_back(std::move(v));
    }
    return true;
}

bool Bound::text(int32_t instr, const engine::Event& ev, std::string& out) {
    const bool system = program_.code[static_cast<size_t>(instr)].op == engine::OpCode::System;
    const char* unit = system ? "System" : "Print";
    auto* f = static_cast<PyObject*>(callables_[static_cast<size_t>(instr)]);
    Ref e(static_cast<PyObject*>(event_object(ev)));
    if (!e) return failed(instr, unit);
    Ref result(PyObject_CallOneArg(f, e.p));
    if (!result) return failed(instr, unit);
    if (system && !PyUnicode_Check(result.p)) {
        PyErr_Format(PyExc_TypeError, "a System function returns the command as a str, not %s", Py_TYPE(result.p)->tp_name);
        return failed(instr, unit);
    }
    Ref s(PyObject_Str(result.p));
    const char* utf8 = s ? PyUnicode_AsUTF8(s.p) : nullptr;
    if (!utf8) return failed(instr, unit);
    out = utf8;
    return true;
}

}  // namespace mdc::python
