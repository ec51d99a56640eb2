// The engine's flow around the interpreter: scene slots, note-off and pedal routing, control,
// pre/scene/post, Sanitize, taps and scene switches (mididings.md 1.5, PRODUCT.md section 2).
#include "engine.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace mdc::engine {

bool EventSink::push(const Event& e) {
    Event copy = e;
    if (e.sysex_size) {
        copy.sysex = engine_.keep_sysex(e.sysex, e.sysex_size);
        if (!copy.sysex) return false;
    }
    return engine_.push(copy);
}

Engine::Engine(const Program& program, Hooks hooks, EngineOptions options)
    : program_(program), hooks_(hooks), options_(options), buffer_(std::max(options.max_events, 16u)), hashes_(buffer_.size()), arena_(options.sysex_arena),
      single_(program), state_(program.state_size, -1), bypass_(program.has_bypass ? buffer_.size() : 0),
      routes_(std::bit_ceil(std::max(options.note_routes, 16u))) {
    // With one scene slot every event goes to it: nothing to remember.
    track_routes_ = program_.scenes.size() > 1;
    capacity_ = static_cast<uint32_t>(buffer_.size());
}

void Engine::begin_cycle() {
    top_ = 0;
    arena_used_ = 0;
    bypass_top_ = 0;
}

uint8_t* Engine::arena_alloc(uint32_t size) {
    if (size > arena_.size() - arena_used_) {
        ++stats_.sysex_overflow;
        return nullptr;
    }
    uint8_t* out = arena_.data() + arena_used_;
    arena_used_ += size;
    return out;
}

const uint8_t* Engine::keep_sysex(const uint8_t* data, uint32_t size) {
    uint8_t* out = arena_alloc(size);
    if (out) std::memcpy(out, data, size);
    return out;
}

int32_t Engine::current_scene() const { return current_ < 0 ? -1 : program_.scenes[static_cast<size_t>(current_)].number; }
int32_t Engine::current_subscene() const { return current_ < 0 ? -1 : program_.scenes[static_cast<size_t>(current_)].subscene; }

int32_t Engine::find_slot(int32_t scene, int32_t subscene) const {
    for (size_t i = 0; i < program_.scenes.size(); ++i)
        if (program_.scenes[i].number == scene && program_.scenes[i].subscene == subscene) return static_cast<int32_t>(i);
    return -1;
}

int32_t Engine::subscene_count(int32_t scene) const {
    int32_t n = 0;
    for (const SceneSlot& s : program_.scenes) n += s.number == scene;
    return n;
}

void Engine::request_switch(int32_t scene, int32_t subscene) {
    if (scene != -1) pending_scene_ = scene;
    if (subscene != -1) pending_subscene_ = subscene;
}

// Note-offs and pedal-ups go to the scene that got the note-on or pedal-down (a pedal counts as
// down at value >= 64, the MIDI rule).
int32_t Engine::slot_for(const Event& in) {
    if (!track_routes_) return current_;
    if (in.type == NOTEON) {
        if (!routes_.remember(NoteRoutes::note_key(in.port, in.channel, in.data1), current_)) ++stats_.untracked_notes;
        return current_;
    }
    if (in.type == NOTEOFF) {
        int32_t s = routes_.take(NoteRoutes::note_key(in.port, in.channel, in.data1));
        return s >= 0 ? s : current_;
    }
    if (in.type == CTRL && in.data1 == 64) {
        uint64_t key = NoteRoutes::pedal_key(in.port, in.channel);
        if (in.data2 >= 64) {
            if (!routes_.remember(key, current_)) ++stats_.untracked_notes;
            return current_;
        }
        int32_t s = routes_.take(key);
        return s >= 0 ? s : current_;
    }
    return current_;
}

void Engine::run_switch_patch(int32_t root, uint64_t frame) {
    if (root < 0) return;
    uint32_t begin = top_;
    Event dummy;
    dummy.type = DUMMY;
    dummy.frame = frame;
    if (!push(dummy)) return;
    run(root, begin);
    if (program_.post >= 0) run(program_.post, begin);
    sanitize(begin);
}

void Engine::run_scene_switch(uint64_t frame) {
    if (pending_scene_ == -1 && pending_subscene_ == -1) return;
    int32_t scene = pending_scene_ != -1 ? pending_scene_ : current_scene();
    int32_t subscene = pending_subscene_ != -1 ? pending_subscene_ : 0;
    pending_scene_ = pending_subscene_ = -1;
    int32_t target = find_slot(scene, subscene);
    if (target < 0) return;  // no such scene: ignored, as in mididings
    if (current_ >= 0) run_switch_patch(program_.scenes[static_cast<size_t>(current_)].exit, frame);
    current_ = target;
    published_slot_.store(target, std::memory_order_relaxed);
    run_switch_patch(program_.scenes[static_cast<size_t>(current_)].init, frame);
    if (hooks_.scene_changed) hooks_.scene_changed(hooks_.context, scene, subscene);
}

std::span<const Event> Engine::start() {
    begin_cycle();
    if (!program_.scenes.empty()) {
        const SceneSlot& initial = program_.scenes[static_cast<size_t>(std::max(program_.initial_slot, 0))];
        request_switch(initial.number, initial.subscene);
        run_scene_switch(0);
    }
    emit_bypass();
    stats_.output += top_;
    return {buffer_.data(), top_};
}

std::span<const Event> Engine::process(const Event& in) {
    begin_cycle();
    ++stats_.input;
    now_frame_ = in.frame;
    int32_t slot = slot_for(in);
    if (program_.control >= 0) {
        uint32_t begin = top_;
        push(in);
        run(program_.control, begin);
        sanitize(begin);
    }
    uint32_t begin = top_;
    if (push(in)) {
        if (program_.pre >= 0) run(program_.pre, begin);
        if (slot >= 0) {
            int32_t patch = program_.scenes[static_cast<size_t>(slot)].patch;
            if (patch >= 0) run(patch, begin);
            else top_ = begin;
        }
        if (program_.post >= 0) run(program_.post, begin);
        sanitize(begin);
    }
    if (hooks_.tap) {
        uint32_t tap_begin = top_;
        EventSink sink(*this);
        hooks_.tap(hooks_.context, in, sink);
        sanitize(tap_begin);
    }
    run_scene_switch(in.frame);
    emit_bypass();
    stats_.output += top_;
    return {buffer_.data(), top_};
}

std::span<const Event> Engine::finish(uint64_t frame) {
    begin_cycle();
    now_frame_ = frame;
    if (current_ >= 0) run_switch_patch(program_.scenes[static_cast<size_t>(current_)].exit, frame);
    emit_bypass();
    stats_.output += top_;
    return {buffer_.data(), top_};
}

std::span<const Event> Engine::switch_scene(int32_t scene, int32_t subscene, uint64_t frame) {
    begin_cycle();
    now_frame_ = frame;
    pending_scene_ = scene;
    pending_subscene_ = subscene;
    run_scene_switch(frame);
    emit_bypass();
    stats_.output += top_;
    return {buffer_.data(), top_};
}

std::span<const Event> Engine::output(const Event& e) {
    begin_cycle();
    EventSink(*this).push(e);
    sanitize(0);
    emit_bypass();
    stats_.output += top_;
    return {buffer_.data(), top_};
}

std::span<const Event> Engine::run_message(InboxMessage& m, uint64_t frame) {
    m.event.frame = frame;
    switch (m.kind) {
    case InboxMessage::Kind::Input: return process(m.event);
    case InboxMessage::Kind::Output: return output(m.event);
    case InboxMessage::Kind::Switch: return switch_scene(m.scene, m.subscene, frame);
    }
    return {};
}

}  // namespace mdc::engine
