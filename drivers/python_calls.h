// The Python layer as the hosts see it (python/ implements it, so drivers/ stays free of
// CPython): offline every call runs inline; live, Process runs on the engine's thread and the
// rest on the LiveHost's worker. The implementation takes whatever lock its interpreter needs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "osc_out.h"

namespace mdc::drivers {

// False means the call failed (its error was printed) and the event is dropped and counted.
class PythonCalls {
public:
    virtual ~PythonCalls() = default;
    virtual bool process(int32_t instr, const engine::Event& in, engine::EventSink& out) = 0;  // Process(f)
    virtual bool call(int32_t instr, const engine::Event& ev) = 0;                             // Call(f), Call(thread=f)
    virtual bool text(int32_t instr, const engine::Event& ev, std::string& out) = 0;          // System(f), Print(string=f)
    // SendOSC's Python functions of the event: their values, in order.
    virtual bool osc_values(int32_t, const engine::Event&, std::vector<OscValue>&) { return false; }
};

}  // namespace mdc::drivers
