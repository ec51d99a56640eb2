// Hot reload (`mdc run --watch`): the engine thread's view of which engine runs. A new engine is
// offered from another thread and taken at the start of a cycle (one atomic exchange); it starts
// in the scene that was current, if the new program has it. Note-offs and sustain releases of
// notes and pedals that began under the old program still go through the old one, which is
// retired (handed back for deletion off the engine thread) once nothing it started is held, at
// the start of the cycle after the one that released the last of it.
// Engine thread: no allocation, no lock.
#pragma once

#include <atomic>
#include <bitset>
#include <cstdint>
#include <utility>
#include <vector>

#include "engine/engine.h"

namespace mdc::drivers {

class EngineSwap {
public:
    EngineSwap(engine::Engine* first, uint32_t in_ports) : current_(first), held_now_(in_ports), held_old_(in_ports) {}

    // Another thread: offers a new engine. False while an earlier one is still taking over.
    bool offer(engine::Engine* next) {
        engine::Engine* expected = nullptr;
        return pending_.compare_exchange_strong(expected, next, std::memory_order_acq_rel);
    }
    // The offering thread: no offer is waiting to be taken (only that thread makes one wait).
    bool idle() const { return pending_.load(std::memory_order_acquire) == nullptr; }
    // Another thread: an engine that is no longer used, or null.
    engine::Engine* take_retired() { return retired_.exchange(nullptr, std::memory_order_acq_rel); }

    // Engine thread, at the start of a cycle: takes an offered engine (when the previous one has
    // been retired); what it outputs on starting goes to `emit(std::span<const Event>)`.
    template <typename Emit>
    bool begin_cycle(uint64_t frame, Emit&& emit) {
        if (done_) retired_.store(std::exchange(done_, nullptr), std::memory_order_release);  // route() used it last cycle
        if (old_ || retired_.load(std::memory_order_acquire)) return false;  // one takeover at a time
        engine::Engine* next = pending_.load(std::memory_order_acquire);
        if (!next) return false;
        const int32_t scene = current_->current_scene(), subscene = current_->current_subscene();
        if (scene >= 0 && next->has_scene(scene, subscene)) emit(next->switch_scene(scene, subscene, frame));
        else emit(next->start());
        old_ = current_;
        current_ = next;
        pending_.store(nullptr, std::memory_order_release);
        for (size_t p = 0; p < held_now_.size(); ++p) {
            held_old_[p] = held_now_[p];
            held_now_[p].reset();
        }
        retire_if_done();
        return true;
    }

    // Engine thread: the engine an input event goes to.
    engine::Engine& route(const engine::Event& in) {
        const size_t port = static_cast<size_t>(in.port);
        if (in.port < 0 || port >= held_now_.size() || in.channel < 0 || in.channel > 15) return *current_;
        const size_t note = static_cast<size_t>(in.channel) * 128 + static_cast<size_t>(in.data1 & 0x7F);
        const size_t pedal = 16 * 128 + static_cast<size_t>(in.channel);
        const bool release = in.type == engine::NOTEOFF || (in.type == engine::CTRL && in.data1 == 64 && in.data2 < 64);
        const size_t bit = in.type == engine::CTRL ? pedal : note;
        if (in.type != engine::NOTEON && in.type != engine::NOTEOFF && !(in.type == engine::CTRL && in.data1 == 64)) return *current_;
        if (release && old_ && held_old_[port].test(bit)) {
            held_old_[port].reset(bit);
            engine::Engine& old = *old_;
            if (nothing_held_old()) done_ = std::exchange(old_, nullptr);  // retired at the next cycle: the caller uses it now
            return old;
        }
        if (release) held_now_[port].reset(bit);
        else held_now_[port].set(bit);
        return *current_;
    }

    engine::Engine& current() { return *current_; }

private:
    bool nothing_held_old() const {
        for (const auto& h : held_old_)
            if (h.any()) return false;
        return true;
    }
    void retire_if_done() {
        if (old_ && nothing_held_old()) retired_.store(std::exchange(old_, nullptr), std::memory_order_release);
    }

    using Held = std::bitset<16 * 128 + 16>;  // notes by channel, then sustain pedals
    engine::Engine* current_;
    engine::Engine* old_ = nullptr;
    engine::Engine* done_ = nullptr;  // the old engine, released by route(): handed back at the next cycle start
    std::atomic<engine::Engine*> pending_{nullptr};
    std::atomic<engine::Engine*> retired_{nullptr};
    std::vector<Held> held_now_, held_old_;
};

}  // namespace mdc::drivers
