// Python for the live backends (alsa, jack). A program's Bound callables wrapped so that every
// call takes the interpreter's lock (GIL) on the thread it runs on: the engine's thread for
// Process, the LiveHost worker for Call, System and Print, a thread of its own for
// Call(thread=). The main thread gives up the lock while the backend runs (GilReleased), and the
// interpreter switches threads every 0.5 ms, so a long Call delays Process by that much at most.
#pragma once

#include <memory>
#include <string>

#include "drivers/python_calls.h"
#include "runtime.h"

namespace mdc::python {

// Holds the GIL for a scope, on any thread.
class GilHeld {
public:
    GilHeld();
    ~GilHeld();
    GilHeld(const GilHeld&) = delete;
    GilHeld& operator=(const GilHeld&) = delete;

private:
    int state_;  // PyGILState_STATE
};

// The main thread's hold on the GIL, given up for a scope (while the live backend runs).
class GilReleased {
public:
    GilReleased();
    ~GilReleased();
    GilReleased(const GilReleased&) = delete;
    GilReleased& operator=(const GilReleased&) = delete;

private:
    void* saved_;  // PyThreadState*
};

class LiveCalls final : public drivers::PythonCalls {
public:
    explicit LiveCalls(std::unique_ptr<Bound> bound) : bound_(std::move(bound)) {}
    ~LiveCalls() override;  // drops the Bound with the GIL held
    Bound& bound() { return *bound_; }

    bool process(int32_t instr, const engine::Event& in, engine::EventSink& out) override;
    bool call(int32_t instr, const engine::Event& ev) override;
    bool text(int32_t instr, const engine::Event& ev, std::string& out) override;
    bool osc_values(int32_t instr, const engine::Event& ev, std::vector<drivers::OscValue>& out) override;

private:
    std::unique_ptr<Bound> bound_;
};

}  // namespace mdc::python
