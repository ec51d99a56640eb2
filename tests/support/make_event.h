// One event from its raw (0-based) fields, for tests.
#pragma once

#include <cstdint>

#include "engine/event.h"

namespace mdc::testing {

inline engine::Event make_event(uint32_t type, int port, int channel, int data1, int data2) {
    engine::Event e;
    e.type = type;
    e.port = port;
    e.channel = channel;
    e.data1 = data1;
    e.data2 = data2;
    return e;
}

}  // namespace mdc::testing
