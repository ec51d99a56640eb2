// Mapping lines and MIDIMonster instances for the offline subcommands (run --backend text, test,
// convert): the engine's tap routes each input event (OfflineHost), handlers run inline; the
// values output() set at load time are sent after the initial scene's init output; before each
// input event the intervals due by its time run at their exact virtual times, and readable
// managed sockets are served. What handlers output between events leaves through engine.output().
#pragma once

#include <memory>

#include "drivers/mapping_table.h"
#include "drivers/offline_host.h"
#include "engine/engine.h"
#include "python/handlers.h"

namespace mdc::cli {

class OfflineMapping {
public:
    // `table` null: the patch has no mapping lines (nothing happens); `handlers` null: no instances.
    OfflineMapping(const drivers::MappingTable* table, python::Handlers* handlers, uint32_t in_ports)
        : handlers_(handlers), input_(table ? std::make_unique<drivers::MappingInput>(*table, in_ports) : nullptr) {}

    void attach(drivers::OfflineHost& host) {
        if (input_) host.set_mapping(input_.get(), handlers_);
    }
    // After engine.start(): the load-time outputs.
    template <typename Emit>
    void start(engine::Engine& engine, uint64_t frame, Emit&& emit) {
        if (!handlers_) return;
        Output<Emit> out(engine, emit);
        handlers_->start(frame, out);
    }
    // Before an input event at `time_ns` (the virtual clock): intervals and sockets.
    template <typename Emit>
    void before(engine::Engine& engine, uint64_t time_ns, Emit&& emit) {
        if (!handlers_) return;
        Output<Emit> out(engine, emit);
        handlers_->advance(time_ns, out);
        handlers_->poll_sockets(0, out);
    }

private:
    template <typename Emit>
    class Output final : public python::HandlerOutput {
    public:
        Output(engine::Engine& e, Emit& emit) : engine_(e), emit_(emit) {}
        void emit(const engine::Event& e) override { emit_(engine_.output(e)); }

    private:
        engine::Engine& engine_;
        Emit& emit_;
    };
    python::Handlers* handlers_;
    std::unique_ptr<drivers::MappingInput> input_;
};

}  // namespace mdc::cli
