// The `_mdc` C module behind mididings.engine and MidiEvent's data_offset: switch_scene,
// current_scene, scenes, output_event, in_ports, out_ports, time, data_offset. It acts on the
// program attached last (Bound::attach), through Runtime::State in its module state.
#pragma once

#include <cstdint>
#include <vector>

#include "runtime_state.h"

namespace mdc::python {

// A new `_mdc` module bound to `state`, or null with a Python exception set.
PyObject* create_engine_module(Runtime::State& state);

// A MidiEvent (or a subclass) as an engine event; its SysEx bytes go to `sysex`. False with a
// Python exception set when `obj` is not one.
bool to_event(Runtime::State& st, PyObject* obj, engine::Event& e, std::vector<uint8_t>& sysex);
// The same for the event object made from `made` (Bound::event_object), whose slots then held
// `written` (a cached small int, or null): a slot still holding it keeps `made`'s value unread.
bool to_event(Runtime::State& st, PyObject* obj, engine::Event& e, std::vector<uint8_t>& sysex, const engine::Event& made,
              PyObject* const* written);

}  // namespace mdc::python
