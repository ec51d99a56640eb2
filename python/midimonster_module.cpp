// The `midimonster` module of one instance (midimonster.md 3.5): output, inputvalue, outputvalue,
// current, timestamp, interval, manage, channels, cleanup_handler. Each interpreter gets its own
// module object whose module state points to its instance, as in MIDIMonster.
#include <cmath>

#include "handlers_state.h"

namespace mdc::python {

namespace {

Handlers::Instance& instance_of(PyObject* module) { return **static_cast<Handlers::Instance**>(PyModule_GetState(module)); }

// The channel named `name` (a str), or -1 with no exception set when the instance has none.
int32_t find_channel(Handlers::Instance& inst, PyObject* name) {
    Py_ssize_t n;
    const char* s = PyUnicode_AsUTF8AndSize(name, &n);
    if (!s) return -2;
    auto it = inst.by_name.find(std::string_view(s, static_cast<size_t>(n)));
    return it == inst.by_name.end() ? -1 : it->second;
}

PyObject* m_output(PyObject* m, PyObject* const* args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "output(channel: str, value: float)");
        return nullptr;
    }
    double v = PyFloat_AsDouble(args[1]);
    if (v == -1.0 && PyErr_Occurred()) return nullptr;
    v = std::isnan(v) ? 0.0 : std::clamp(v, 0.0, 1.0);
    Handlers::Instance& inst = instance_of(m);
    int32_t ch = find_channel(inst, args[0]);
    if (ch == -2) return nullptr;
    if (ch == -1) {
        std::string name = PyUnicode_AsUTF8(args[0]);
        if (inst.loading) {  // before start, output() makes the channel (MIDIMonster)
            Channel c;
            c.name = name;
            c.py_name = Ref(Py_NewRef(args[0]));
            ch = static_cast<int32_t>(inst.channels.size());
            inst.by_name.emplace(name, ch);
            inst.channels.push_back(std::move(c));
        } else {
            api_unknown(inst);
            if (std::find(inst.warned.begin(), inst.warned.end(), name) == inst.warned.end()) {
                inst.warned.push_back(name);
                std::fflush(stdout);
                fmt::print(stderr, "mdc: warning: python instance '{}' output to '{}', which no mapping line names; the value is dropped\n", inst.name, name);
            }
            Py_RETURN_NONE;
        }
    }
    api_output(inst, ch, v);
    Py_RETURN_NONE;
}

PyObject* value_of(PyObject* m, PyObject* name, bool input) {
    if (!PyUnicode_Check(name)) {
        PyErr_SetString(PyExc_TypeError, "the channel name is a str");
        return nullptr;
    }
    Handlers::Instance& inst = instance_of(m);
    int32_t ch = find_channel(inst, name);
    if (ch == -2) return nullptr;
    if (ch == -1) Py_RETURN_NONE;
    const Channel& c = inst.channels[static_cast<size_t>(ch)];
    return PyFloat_FromDouble(input ? c.in : c.out);
}

PyObject* m_inputvalue(PyObject* m, PyObject* name) { return value_of(m, name, true); }
PyObject* m_outputvalue(PyObject* m, PyObject* name) { return value_of(m, name, false); }

PyObject* m_current(PyObject* m, PyObject*) {
    Handlers::Instance& inst = instance_of(m);
    if (inst.current < 0) Py_RETURN_NONE;
    return Py_NewRef(inst.channels[static_cast<size_t>(inst.current)].py_name.p);
}

PyObject* m_timestamp(PyObject* m, PyObject*) { return PyLong_FromUnsignedLongLong(api_clock_ns(instance_of(m)) / 1'000'000); }

PyObject* m_interval(PyObject* m, PyObject* const* args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyCallable_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "interval(function, milliseconds): the first argument must be callable");
        return nullptr;
    }
    unsigned long ms = PyLong_AsUnsignedLong(args[1]);
    if (ms == static_cast<unsigned long>(-1) && PyErr_Occurred()) return nullptr;
    Handlers::Instance& inst = instance_of(m);
    for (size_t i = 0; i < inst.intervals.size(); ++i) {
        int same = PyObject_RichCompareBool(inst.intervals[i].fn.p, args[0], Py_EQ);
        if (same < 0) return nullptr;
        if (!same) continue;
        if (ms == 0) inst.intervals.erase(inst.intervals.begin() + static_cast<long>(i));
        else {
            inst.intervals[i].due_ns += ms * 1'000'000ull - inst.intervals[i].period_ns;
            inst.intervals[i].period_ns = ms * 1'000'000ull;
        }
        Py_RETURN_NONE;
    }
    if (ms == 0) Py_RETURN_NONE;
    Interval iv;
    iv.fn = Ref(Py_NewRef(args[0]));
    iv.period_ns = ms * 1'000'000ull;
    iv.due_ns = api_clock_ns(inst) + iv.period_ns;
    inst.intervals.push_back(std::move(iv));
    Py_RETURN_NONE;
}

PyObject* m_manage(PyObject* m, PyObject* const* args, Py_ssize_t nargs) {
    if (nargs != 2 || (args[0] != Py_None && !PyCallable_Check(args[0]))) {
        PyErr_SetString(PyExc_TypeError, "manage(function or None, socket)");
        return nullptr;
    }
    Ref fileno(PyObject_CallMethod(args[1], "fileno", nullptr));
    if (!fileno) return nullptr;
    long fd = PyLong_AsLong(fileno.p);
    if (fd == -1 && PyErr_Occurred()) return nullptr;
    if (fd < 0) {
        PyErr_SetString(PyExc_ValueError, "manage(): the socket is closed (fileno() < 0)");
        return nullptr;
    }
    Handlers::Instance& inst = instance_of(m);
    for (size_t i = 0; i < inst.managed.size(); ++i) {
        if (inst.managed[i].fd != fd) continue;
        if (args[0] == Py_None) inst.managed.erase(inst.managed.begin() + static_cast<long>(i));
        else inst.managed[i].fn = Ref(Py_NewRef(args[0])), inst.managed[i].sock = Ref(Py_NewRef(args[1]));
        Py_RETURN_NONE;
    }
    if (args[0] != Py_None) inst.managed.push_back({Ref(Py_NewRef(args[0])), Ref(Py_NewRef(args[1])), static_cast<int>(fd)});
    Py_RETURN_NONE;
}

PyObject* m_channels(PyObject* m, PyObject*) {
    Handlers::Instance& inst = instance_of(m);
    Ref list(PyList_New(0));
    if (!list) return nullptr;
    for (const Channel& c : inst.channels) {
        Ref s(PyUnicode_FromString(c.name.c_str()));
        if (!s || PyList_Append(list.p, s.p) < 0) return nullptr;
    }
    return std::exchange(list.p, nullptr);
}

PyObject* m_cleanup_handler(PyObject* m, PyObject* fn) {
    if (fn != Py_None && !PyCallable_Check(fn)) {
        PyErr_SetString(PyExc_TypeError, "cleanup_handler(function or None)");
        return nullptr;
    }
    Handlers::Instance& inst = instance_of(m);
    Ref previous(std::move(inst.cleanup));
    if (fn != Py_None) inst.cleanup = Ref(Py_NewRef(fn));
    return previous ? std::exchange(previous.p, nullptr) : Py_NewRef(Py_None);
}

PyMethodDef methods[] = {
    {"output", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(m_output)), METH_FASTCALL, "output(channel, value): send value (clamped to 0..1) on channel"},
    {"inputvalue", m_inputvalue, METH_O, "inputvalue(channel): the last value received on channel (None: no such channel)"},
    {"outputvalue", m_outputvalue, METH_O, "outputvalue(channel): the last value output on channel (None: no such channel)"},
    {"current", m_current, METH_NOARGS, "current(): the channel whose handler is running, or None"},
    {"timestamp", m_timestamp, METH_NOARGS, "timestamp(): milliseconds since start (the virtual clock offline)"},
    {"interval", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(m_interval)), METH_FASTCALL, "interval(function, ms): call function every ms milliseconds (0 stops)"},
    {"manage", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(m_manage)), METH_FASTCALL, "manage(function, socket): call function(socket) when it is readable (None stops)"},
    {"channels", m_channels, METH_NOARGS, "channels(): this instance's channel names"},
    {"cleanup_handler", m_cleanup_handler, METH_O, "cleanup_handler(function): call function at shutdown; returns the previous one"},
    {nullptr, nullptr, 0, nullptr},
};

// A constant CPython reads for each interpreter's module object; the instance is in module state.
PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "midimonster", "MIDIMonster's python backend API, as mdc provides it", sizeof(Handlers::Instance*),
                          methods, nullptr, nullptr, nullptr, nullptr};

}  // namespace

PyObject* create_midimonster_module(Handlers::Instance& inst) {
    PyObject* m = PyModule_Create(&module_def);
    if (m) *static_cast<Handlers::Instance**>(PyModule_GetState(m)) = &inst;
    return m;
}

}  // namespace mdc::python
