// The engine's hooks: how the layers above (Python, drivers, mapping lines) plug into a running
// engine without the engine knowing them. Plain function pointers and a context pointer: no
// virtual call, no allocation. Offline backends run the work inline; live backends queue it to a
// worker thread (PRODUCT.md section 3).
#pragma once

#include <cstdint>
#include <string_view>

#include "event.h"

namespace mdc::engine {

class EventSink;

// Work that leaves the engine: Call, System, Print (both forms), SendOSC, and the requests to quit
// or restart mdc, in event order.
struct Deferred {
    enum class Kind : uint8_t { Call, CallThread, System, Print, PrintString, SendOsc, Quit, Restart } kind = Kind::Call;
    int32_t instr = 0;  // the instruction (its operands name the callable, string or Print name)
    Event event;        // a copy; its SysEx bytes stay valid only during the enqueue call
};

struct Hooks {
    void* context = nullptr;
    // Process(f): runs f on the event now and pushes what it returns (nothing, one or several
    // events). Returns false when the call failed (the event is dropped and counted).
    bool (*process)(void* context, int32_t instr, const Event& in, EventSink& out) = nullptr;
    // Call, System, Print: hands the work on. Returns false when there is no room (counted).
    bool (*enqueue)(void* context, const Deferred& work) = nullptr;
    // Mapping lines: sees every input event before the control patch; what it pushes leaves after
    // the scene path's output (sanitized, no post patch).
    void (*tap)(void* context, const Event& in, EventSink& out) = nullptr;
    // The scene (raw numbers) is now `scene`, `subscene`: after the initial scene starts and after
    // each switch. Called on the engine's thread; must not block (OSCInterface, MemorizeScene).
    void (*scene_changed)(void* context, int32_t scene, int32_t subscene) = nullptr;
    // A message about a dropped event ("invalid note number, event discarded"); static text.
    void (*notice)(void* context, std::string_view message) = nullptr;
};

}  // namespace mdc::engine
