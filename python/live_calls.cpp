// Live Python calls under the GIL (see live_calls.h).
#include "live_calls.h"

#include "runtime_state.h"

namespace mdc::python {

GilHeld::GilHeld() : state_(static_cast<int>(PyGILState_Ensure())) {}
GilHeld::~GilHeld() { PyGILState_Release(static_cast<PyGILState_STATE>(state_)); }

GilReleased::GilReleased() {
    PyObject* sys = PyImport_AddModule("sys");  // borrowed
    Ref set(sys ? PyObject_CallMethod(sys, "setswitchinterval", "d", 0.0005) : nullptr);
    if (!set) PyErr_Clear();
    saved_ = PyEval_SaveThread();
}
GilReleased::~GilReleased() { PyEval_RestoreThread(static_cast<PyThreadState*>(saved_)); }

LiveCalls::~LiveCalls() {
    GilHeld gil;
    bound_.reset();
}

bool LiveCalls::process(int32_t instr, const engine::Event& in, engine::EventSink& out) {
    GilHeld gil;
    return bound_->process(instr, in, out);
}

bool LiveCalls::call(int32_t instr, const engine::Event& ev) {
    GilHeld gil;
    return bound_->call(instr, ev);
}

bool LiveCalls::text(int32_t instr, const engine::Event& ev, std::string& out) {
    GilHeld gil;
    return bound_->text(instr, ev, out);
}

bool LiveCalls::osc_values(int32_t instr, const engine::Event& ev, std::vector<drivers::OscValue>& out) {
    GilHeld gil;
    return bound_->osc_values(instr, ev, out);
}

}  // namespace mdc::python
