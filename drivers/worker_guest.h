// What shares the LiveHost's one worker thread with the engine's deferred work (PRODUCT.md
// section 3: Call, System, Print(string=f) and handlers run on one FIFO worker): MIDIMonster's
// Python handlers (python/live_handlers.h). The worker calls start() first; deliver() for each
// value the mapping tap queued, in FIFO order with the other work; run_due() after every wake-up;
// stop() last. It sleeps at most sleep_ms() before waking up on its own. Each value names the
// program whose engine's tap made it: with hot reload, each edit has its own handlers.
#pragma once

#include <cstdint>

#include "engine/program.h"

namespace mdc::drivers {

// A value for a Python handler: the instance and channel of a mapping line's target, 0..1.
struct HandlerValue {
    int32_t instance = 0, channel = 0;
    double value = 0.0;
};

class WorkerGuest {
public:
    virtual ~WorkerGuest() = default;
    virtual void start() = 0;
    virtual void deliver(const engine::Program* from, const HandlerValue& v) = 0;
    virtual void run_due() = 0;
    virtual int sleep_ms(int at_most) = 0;
    virtual void stop() = 0;
};

}  // namespace mdc::drivers
