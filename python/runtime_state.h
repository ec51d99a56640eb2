// What runtime.cpp and engine_module.cpp share inside python/: an owning PyObject* handle, the
// pending exception as text, and Runtime::State (mdc's state in the interpreter, reached from the
// `_mdc` module through its module state).
#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <chrono>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "runtime.h"

namespace mdc::python {

struct Ref {  // an owned PyObject*
    PyObject* p = nullptr;
    Ref() = default;
    explicit Ref(PyObject* o) : p(o) {}
    Ref(const Ref&) = delete;
    Ref& operator=(const Ref&) = delete;
    Ref(Ref&& o) noexcept : p(o.p) { o.p = nullptr; }
    Ref& operator=(Ref&& o) noexcept { std::swap(p, o.p); return *this; }
    ~Ref() { Py_XDECREF(p); }
    explicit operator bool() const { return p != nullptr; }
};

// A slot of a MidiEvent, at the offset its member descriptor gives (Runtime::State::slot_offset):
// read and written in place, as CPython's own slot descriptors do, without their call.
inline PyObject*& slot_at(PyObject* obj, Py_ssize_t offset) { return *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(obj) + offset); }
// Sets a slot, stealing `value` (null: fails, with the exception of whatever made it).
inline bool set_slot(PyObject* obj, Py_ssize_t offset, PyObject* value) {
    if (!value) return false;
    PyObject* old = std::exchange(slot_at(obj, offset), value);
    Py_XDECREF(old);
    return true;
}

inline std::string fetch_error_text() {  // the pending exception as "Type: message"; clears it
    PyObject *t, *v, *tb;
    PyErr_Fetch(&t, &v, &tb);
    PyErr_NormalizeException(&t, &v, &tb);
    std::string text = "unknown error";
    if (v) {
        Ref s(PyObject_Str(v));
        const char* name = t ? reinterpret_cast<PyTypeObject*>(t)->tp_name : "Exception";
        if (s && PyUnicode_Check(s.p)) text = fmt::format("{}: {}", name, PyUnicode_AsUTF8(s.p));
        else text = name;
    }
    PyErr_Clear();
    Py_XDECREF(t), Py_XDECREF(v), Py_XDECREF(tb);
    return text;
}

struct Runtime::State {
    StartOptions options;
    int data_offset = 1;  // of the program bound or attached last (module code runs before attach)
    Ref mdc_module;     // _mdc
    Ref event_module;   // mididings.event
    Ref midi_event;     // mididings.event.MidiEvent
    Ref namespace_;     // lambdas' globals: the names of `from mididings import *`
    Ref takes_event;    // _takes_event(f)
    Ref syntax_helpers;  // syntax.cpp's functions (check time), compiled on first use
    // Where MidiEvent's slots (type, _port, _channel, data1, data2, _sysex) are in its objects:
    // events are made and read there directly, without attribute lookups or descriptor calls.
    enum Slot { Type, Port, Channel, Data1, Data2, SysEx, Slots };
    static constexpr const char* slot_names[Slots] = {"type", "_port", "_channel", "data1", "data2", "_sysex"};
    Py_ssize_t slot_offset[Slots] = {};
    // The ints 0..255 (CPython's cached ones): most of an event's values, written without a call,
    // and recognised again by identity when Python returns the event with a slot unchanged.
    static constexpr long small_int_count = 256;
    Ref small_ints[small_int_count];
    Ref empty_tuple;
    Bound* current = nullptr;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace mdc::python
