// What handlers.cpp and midimonster_module.cpp share: one instance's state (its interpreter,
// channels, intervals, managed sockets, cleanup handler) and the calls the module makes back.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "handlers.h"
#include "runtime_state.h"

namespace mdc::python {

struct Channel {
    std::string name;
    Ref py_name;              // for current()
    Ref handler;              // null: an output-only channel
    double in = 0.0, out = 0.0;
    bool pending = false;     // output() before start: sent at start
    int32_t mapped = -1;      // index in the mapping table's instance, -1: made by output() at load time
    int32_t handler_line = -1;
};

struct Interval {
    Ref fn;
    uint64_t period_ns = 0, due_ns = 0;
};

struct Managed {
    Ref fn, sock;
    int fd = -1;
};

struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct Handlers::Instance {
    Handlers* owner = nullptr;
    int32_t index = 0;  // in the patch (and the mapping table)
    std::string name;
    Span span;
    PyThreadState* ts = nullptr;         // made by Py_NewInterpreter (the loading thread's)
    PyThreadState* worker_ts = nullptr;  // live: the worker's
    std::vector<std::pair<std::string, Ref>> modules;
    std::vector<Channel> channels;
    std::unordered_map<std::string, int32_t, NameHash, std::equal_to<>> by_name;
    std::vector<Interval> intervals;
    std::vector<Managed> managed;
    Ref cleanup;
    int32_t current = -1;  // the channel whose handler runs
    bool loading = false, started = false, closing = false;
    std::vector<std::string> warned;  // unknown output channels already reported

    int32_t mapped_index() const { return index; }
    void release() {  // drops every Python reference (with this interpreter current)
        modules.clear();
        for (Channel& c : channels) c.py_name = {}, c.handler = {};
        intervals.clear();
        managed.clear();
        cleanup = {};
    }
};

// A new `midimonster` module for `inst` (this interpreter current), or null with an exception set.
PyObject* create_midimonster_module(Handlers::Instance& inst);

// repr(o) as text (for messages).
inline std::string repr_of(PyObject* o) {
    Ref r(PyObject_Repr(o));
    const char* s = r ? PyUnicode_AsUTF8(r.p) : nullptr;
    if (!s) {
        PyErr_Clear();
        return "<callable>";
    }
    return s;
}

// Handlers' side of the module's calls (handlers.cpp).
void api_output(Handlers::Instance& inst, int32_t channel, double value);
uint64_t api_clock_ns(const Handlers::Instance& inst);
void api_unknown(Handlers::Instance& inst);

}  // namespace mdc::python
