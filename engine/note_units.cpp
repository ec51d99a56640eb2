// The note-tracking units of mididings.extra, natively: LimitPolyphony, MakeMonophonic
// (polyphony.py), PedalToNoteoff (pedal_noteoff.py), LatchNotes (latch.py) and Panic(bypass=True)
// (panic.py). Each keeps mididings' per-port-and-channel Python state in the unit's state slots
// (held_notes.h) and gives the same outputs in the same order. Events of other types pass, as
// mididings' `Filter(NOTE) % Process(...)` lets them; ports beyond Program::state_ports have no
// state, and their events pass unchanged.
#include <algorithm>

#include "engine.h"
#include "held_notes.h"

namespace mdc::engine {

// Runs `f(event)` on each input of [begin, top_); f pushes the event's outputs, which then take
// the inputs' place.
template <typename F>
void Engine::expand(uint32_t begin, F f) {
    const uint32_t inputs_end = top_;
    for (uint32_t i = begin; i < inputs_end; ++i) {
        const Event e = buffer_[i];
        f(e);
    }
    replace_inputs(begin, inputs_end);
}

// expand() for a unit with state per port and channel (`stride` slots from in.a): events it does
// not take, and those of ports without state, pass unchanged; f(event, block) gets the others.
template <typename Takes, typename F>
void Engine::expand_with_state(const Instr& in, uint32_t begin, int32_t stride, Takes takes, F f) {
    expand(begin, [&](const Event& e) {
        int32_t* block = takes(e) ? state_block(state_.data(), in.a, stride, e) : nullptr;
        if (!block) {
            push(e);
            return;
        }
        f(e, block);
    });
}

namespace {
bool is_note(const Event& e) { return (e.type & NOTE) != 0; }
}  // namespace

// LimitPolyphony(max_polyphony, remove_oldest): the held notes in order of their note-ons; a note
// over the limit either steals the oldest (its note-off first) or is dropped; a note-off of a note
// not held is dropped.
void Engine::run_limit_polyphony(const Instr& in, uint32_t begin) {
    const int32_t max = in.b, capacity = limit_capacity(in.b);
    expand_with_state(in, begin, SlotList::slots(capacity), is_note, [&](const Event& e, int32_t* block) {
        SlotList notes(block, capacity);
        if (e.type == NOTEON) {
            if (notes.size() < max) {
                notes.push_back(e.data1);
                push(e);
            } else if (in.flags & 1) {
                const int32_t oldest = notes[0];
                notes.erase(0);
                notes.push_back(e.data1);
                push(note_event(e, NOTEOFF, oldest, 0));
                push(e);
            }
        } else if (const int32_t i = notes.find(e.data1); i >= 0) {
            notes.erase(i);
            push(e);
        }
    });
}

// MakeMonophonic(): a stack of (note, velocity) per port and channel; a note-on ends the sounding
// note and plays the new one; releasing the sounding note retriggers the one below it; releasing
// any note removes all its entries. Entries are note | velocity << 8.
void Engine::run_make_monophonic(const Instr& in, uint32_t begin) {
    expand_with_state(in, begin, SlotList::slots(mono_capacity), is_note, [&](const Event& e, int32_t* block) {
        SlotList notes(block, mono_capacity);
        if (e.type == NOTEON) {
            if (!notes.empty()) push(note_event(e, NOTEOFF, notes.back() & 0xFF, 0));
            notes.push_back((e.data1 & 0xFF) | (e.data2 & 0xFF) << 8);
            push(e);
            return;
        }
        const int32_t n = notes.size();
        if (n > 0 && e.data1 == (notes.back() & 0xFF)) {
            push(e);
            if (n > 1) push(note_event(e, NOTEON, notes[n - 2] & 0xFF, notes[n - 2] >> 8));
        }
        notes.erase_if([&](int32_t x) { return (x & 0xFF) == e.data1; });
    });
}

// PedalToNoteoff(ctrl, sostenuto=False): while the pedal is down (value >= 64) note-offs are held
// back; a re-struck held note gets its note-off first; pedal-up sends the held note-offs. The
// pedal's controller events are consumed. Block: pedal flag, then the held note-offs.
// With sostenuto: the notes held when the pedal goes down are sustained until it goes up, unless
// played again and still held. Block: pedal flag, held notes, sustained notes.
void Engine::run_pedal_to_noteoff(const Instr& in, uint32_t begin) {
    const bool sostenuto = in.sub == 1;
    const int32_t stride = pedal_slots(sostenuto);
    auto is_pedal = [&](const Event& e) { return e.type == CTRL && e.data1 == in.b; };
    expand_with_state(in, begin, stride, [&](const Event& e) { return is_note(e) || is_pedal(e); }, [&](const Event& e, int32_t* block) {
        const bool pedal_event = is_pedal(e);
        int32_t* pedal = block;
        if (!sostenuto) {
            NoteSet held(block + 1);
            if (pedal_event) {
                set_slot_flag(pedal, e.data2 >= 64);
                if (!slot_flag(pedal)) {
                    held.each([&](int32_t note) { push(note_event(e, NOTEOFF, note, 0)); });
                    held.clear();
                }
            } else if (e.type == NOTEON && slot_flag(pedal) && held.has(e.data1)) {
                held.remove(e.data1);
                push(note_event(e, NOTEOFF, e.data1, 0));
                push(e);
            } else if (e.type == NOTEOFF && slot_flag(pedal)) {
                held.add(e.data1);
            } else {
                push(e);
            }
            return;
        }
        NoteSet held(block + 1), sustained(block + 1 + NoteSet::slots);
        if (pedal_event) {
            set_slot_flag(pedal, e.data2 >= 64);
            if (slot_flag(pedal)) {
                held.each([&](int32_t note) { sustained.add(note); });
            } else {
                sustained.each([&](int32_t note) {
                    if (!held.has(note)) push(note_event(e, NOTEOFF, note, 0));
                });
                sustained.clear();
            }
        } else if (e.type == NOTEON) {
            held.add(e.data1);
            push(e);
        } else {
            held.remove(e.data1);
            if (!sustained.has(e.data1)) push(e);
        }
    });
}

// LatchNotes(polyphonic, reset): note-offs are dropped; the reset note ends every latched note;
// monophonic: a new note ends the previous one; polyphonic: a second press ends the note.
void Engine::run_latch_notes(const Instr& in, uint32_t begin) {
    const bool poly = in.flags & 1;
    const int32_t capacity = latch_capacity(poly);
    expand_with_state(in, begin, SlotList::slots(capacity), is_note, [&](const Event& e, int32_t* block) {
        if (e.type != NOTEON) return;  // note-offs are ignored
        SlotList notes(block, capacity);
        if (e.data1 == in.b) {
            for (int32_t i = 0; i < notes.size(); ++i) push(note_event(e, NOTEOFF, notes[i], 0));
            notes.clear();
            return;
        }
        if (poly) {
            if (const int32_t i = notes.find(e.data1); i >= 0) {
                notes.erase(i);
                push(note_event(e, NOTEOFF, e.data1, 0));
            } else {
                notes.push_back(e.data1);
                push(e);
            }
            return;
        }
        if (!notes.empty()) push(note_event(e, NOTEOFF, notes[0], 0));
        notes.clear();
        notes.push_back(e.data1);
        push(e);
    });
}

// Panic(bypass=True): for each event, all-notes-off (CC 123) then sustain-off (CC 64) on every
// channel of every output port, sent straight out (ahead of the patch's output, through Sanitize
// only, as mididings' engine.output_event); the event is consumed.
void Engine::run_panic(const Instr& in, uint32_t begin) {
    for (uint32_t i = begin; i < top_; ++i) {
        Event e{};
        e.type = CTRL;
        e.frame = buffer_[i].frame;
        for (int32_t port = 0; port < in.a; ++port)
            for (int32_t channel = 0; channel < 16; ++channel) {
                e.port = port;
                e.channel = channel;
                for (int32_t ctrl : {123, 64}) {
                    e.data1 = ctrl;
                    if (bypass_top_ == bypass_.size()) {
                        ++stats_.overflow;
                        continue;
                    }
                    bypass_[bypass_top_++] = e;
                }
            }
    }
    top_ = begin;
}

// The events units sent straight out while this input was processed go first, through Sanitize.
void Engine::emit_bypass() {
    if (bypass_top_ == 0) return;
    const uint32_t n = std::min(bypass_top_, capacity_);
    const uint32_t keep = std::min(top_, capacity_ - n);
    stats_.overflow += top_ - keep + (bypass_top_ - n);
    Event* buf = buffer_.data();
    for (uint32_t j = keep; j-- > 0;) buf[j + n] = buf[j];
    for (uint32_t j = 0; j < n; ++j) buf[j] = bypass_[j];
    top_ = n;
    sanitize(0);
    const uint32_t sent = top_;
    top_ = sent + keep;
    if (sent != n)
        for (uint32_t j = 0; j < keep; ++j) buf[sent + j] = buf[n + j];
    bypass_top_ = 0;
}

}  // namespace mdc::engine
