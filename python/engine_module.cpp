// The `_mdc` module (see engine_module.h).
#include "engine_module.h"

namespace mdc::python {

namespace {

Runtime::State& state_of(PyObject* module) { return **static_cast<Runtime::State**>(PyModule_GetState(module)); }

Bound* running(PyObject* module) {
    Bound* b = state_of(module).current;
    if (!b || !b->engine()) {
        PyErr_SetString(PyExc_RuntimeError, "the mdc engine is not running");
        return nullptr;
    }
    return b;
}

int offset_of(PyObject* module) { return state_of(module).data_offset; }

PyObject* m_data_offset(PyObject* m, PyObject*) { return PyLong_FromLong(offset_of(m)); }

PyObject* switched(bool ok) {
    if (ok) Py_RETURN_NONE;
    PyErr_SetString(PyExc_RuntimeError, "the engine's queue is full: the scene switch is dropped");
    return nullptr;
}

PyObject* m_switch_scene(PyObject* m, PyObject* args) {
    long scene;
    PyObject* sub = Py_None;
    if (!PyArg_ParseTuple(args, "l|O", &scene, &sub)) return nullptr;
    Bound* b = running(m);
    if (!b) return nullptr;
    long subscene = -1;
    if (sub != Py_None) {
        subscene = PyLong_AsLong(sub);
        if (subscene == -1 && PyErr_Occurred()) return nullptr;
        subscene -= offset_of(m);
    }
    return switched(b->request_switch(static_cast<int32_t>(scene - offset_of(m)), static_cast<int32_t>(subscene)));
}

PyObject* m_switch_subscene(PyObject* m, PyObject* args) {
    long sub;
    if (!PyArg_ParseTuple(args, "l", &sub)) return nullptr;
    Bound* b = running(m);
    if (!b) return nullptr;
    return switched(b->request_switch(-1, static_cast<int32_t>(sub - offset_of(m))));
}

PyObject* m_current_scene(PyObject* m, PyObject*) {
    Bound* b = running(m);
    return b ? PyLong_FromLong(b->engine()->published_scene() + offset_of(m)) : nullptr;
}

PyObject* m_current_subscene(PyObject* m, PyObject*) {
    Bound* b = running(m);
    return b ? PyLong_FromLong(b->engine()->published_subscene() + offset_of(m)) : nullptr;
}

// {number: (name, [subscene names])}: a scene with subscenes lists their names; a plain scene none.
PyObject* m_scenes(PyObject* m, PyObject*) {
    Bound* b = running(m);
    if (!b) return nullptr;
    const auto& slots = b->engine()->program().scenes;
    Ref d(PyDict_New());
    for (size_t i = 0; i < slots.size();) {
        size_t j = i;
        while (j < slots.size() && slots[j].number == slots[i].number) ++j;
        Ref subs(PyList_New(0));
        if (j - i > 1 || slots[i].subscene > 0)
            for (size_t k = i; k < j; ++k) {
                Ref s(PyUnicode_FromString(slots[k].name.c_str()));
                PyList_Append(subs.p, s.p);
            }
        Ref key(PyLong_FromLong(slots[i].number + offset_of(m)));
        Ref value(Py_BuildValue("(sO)", slots[i].name.c_str(), subs.p));
        if (!key || !value || PyDict_SetItem(d.p, key.p, value.p) < 0) return nullptr;
        i = j;
    }
    return std::exchange(d.p, nullptr);
}

PyObject* m_output_event(PyObject* m, PyObject* args) {
    PyObject* ev;
    if (!PyArg_ParseTuple(args, "O", &ev)) return nullptr;
    Bound* b = running(m);
    if (!b) return nullptr;
    if (!b->options().output_event) {
        PyErr_SetString(PyExc_RuntimeError, "output_event() is not available in mdc convert (events leave only through the patch)");
        return nullptr;
    }
    Bound::OwnedEvent o;
    if (!to_event(state_of(m), ev, o.event, o.sysex)) return nullptr;
    if (b->output_event(std::move(o))) Py_RETURN_NONE;
    PyErr_SetString(PyExc_RuntimeError, "the engine's queue is full: the event is dropped");
    return nullptr;
}

PyObject* port_names(const std::vector<PortConfig>& ports) {
    Ref l(PyList_New(0));
    for (const PortConfig& p : ports) {
        Ref s(PyUnicode_FromString(p.name.c_str()));
        PyList_Append(l.p, s.p);
    }
    return std::exchange(l.p, nullptr);
}

PyObject* m_in_ports(PyObject* m, PyObject*) {
    Bound* b = running(m);
    return b ? port_names(b->options().config.in_ports) : nullptr;
}
PyObject* m_out_ports(PyObject* m, PyObject*) {
    Bound* b = running(m);
    return b ? port_names(b->options().config.out_ports) : nullptr;
}

// The engine's clock at the event being processed (offline: the virtual clock, exact), else the
// seconds since Python started.
PyObject* m_time(PyObject* m, PyObject*) {
    if (Bound* b = state_of(m).current; b && b->engine()) return PyFloat_FromDouble(b->engine()->time());
    std::chrono::duration<double> t = std::chrono::steady_clock::now() - state_of(m).started;
    return PyFloat_FromDouble(t.count());
}

PyMethodDef mdc_methods[] = {
    {"data_offset", m_data_offset, METH_NOARGS, nullptr},
    {"switch_scene", m_switch_scene, METH_VARARGS, nullptr},
    {"switch_subscene", m_switch_subscene, METH_VARARGS, nullptr},
    {"current_scene", m_current_scene, METH_NOARGS, nullptr},
    {"current_subscene", m_current_subscene, METH_NOARGS, nullptr},
    {"scenes", m_scenes, METH_NOARGS, nullptr},
    {"output_event", m_output_event, METH_VARARGS, nullptr},
    {"in_ports", m_in_ports, METH_NOARGS, nullptr},
    {"out_ports", m_out_ports, METH_NOARGS, nullptr},
    {"time", m_time, METH_NOARGS, nullptr},
    {nullptr, nullptr, 0, nullptr},
};

// CPython needs the definition to outlive the module: a constant, not mdc state.
PyModuleDef mdc_module_def = {PyModuleDef_HEAD_INIT, "_mdc", "mdc's engine, for the mididings package", sizeof(Runtime::State*), mdc_methods,
                              nullptr, nullptr, nullptr, nullptr};

}  // namespace

bool to_event(Runtime::State& st, PyObject* obj, engine::Event& e, std::vector<uint8_t>& sysex, const engine::Event& made,
              PyObject* const* written) {
    if (!written) {
        int is = Py_IS_TYPE(obj, reinterpret_cast<PyTypeObject*>(st.midi_event.p)) ? 1 : PyObject_IsInstance(obj, st.midi_event.p);
        if (is <= 0) {
            if (is == 0) PyErr_Format(PyExc_TypeError, "expected a MidiEvent, not %s", Py_TYPE(obj)->tp_name);
            return false;
        }
    }
    using S = Runtime::State;
    auto slot = [&](S::Slot field) {  // borrowed; null (with AttributeError) when never set
        PyObject* v = slot_at(obj, st.slot_offset[field]);
        if (!v) PyErr_Format(PyExc_AttributeError, "MidiEvent has no value for '%s'", S::slot_names[field]);
        return v;
    };
    auto get = [&](S::Slot field, long unchanged, long& out) {
        PyObject* v = slot(field);
        if (!v) return false;
        if (written && v == written[field]) {
            out = unchanged;
            return true;
        }
        out = PyLong_AsLong(v);
        return !(out == -1 && PyErr_Occurred());
    };
    long type, port, channel, data1, data2;
    if (!get(S::Type, made.type, type) || !get(S::Port, made.port, port) || !get(S::Channel, made.channel, channel) ||
        !get(S::Data1, made.data1, data1) || !get(S::Data2, made.data2, data2))
        return false;
    e.type = static_cast<uint32_t>(type);
    e.port = static_cast<int32_t>(port);
    e.channel = static_cast<int32_t>(channel);
    e.data1 = static_cast<int32_t>(data1);
    e.data2 = static_cast<int32_t>(data2);
    sysex.clear();
    if (e.type == engine::SYSEX) {
        PyObject* b = slot(S::SysEx);
        if (!b) return false;
        char* data;
        Py_ssize_t n;
        if (PyBytes_AsStringAndSize(b, &data, &n) < 0) return false;
        sysex.assign(reinterpret_cast<uint8_t*>(data), reinterpret_cast<uint8_t*>(data) + n);
    }
    e.sysex = sysex.empty() ? nullptr : sysex.data();
    e.sysex_size = static_cast<uint32_t>(sysex.size());
    return true;
}

bool to_event(Runtime::State& st, PyObject* obj, engine::Event& e, std::vector<uint8_t>& sysex) {
    return to_event(st, obj, e, sysex, engine::Event{}, nullptr);
}

PyObject* create_engine_module(Runtime::State& state) {
    PyObject* m = PyModule_Create(&mdc_module_def);
    if (m) *static_cast<Runtime::State**>(PyModule_GetState(m)) = &state;
    return m;
}

}  // namespace mdc::python
