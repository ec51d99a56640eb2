// Flattening single-event instructions into step lists, per event type (see single_event.h).
#include "single_event.h"

namespace mdc::engine {

namespace {

bool is_single_event_leaf(OpCode op) {
    switch (op) {
    case OpCode::Pass: case OpCode::Discard: case OpCode::VelocitySlope: case OpCode::Generate: return true;
    default: return is_filter(op) || is_modifier(op);
    }
}

}  // namespace

void SingleEventCode::specialise(const std::vector<Instr>& generic, uint32_t slot) {
    const auto first = static_cast<uint32_t>(steps_.size());
    uint32_t type = slot < midi_types ? 1u << slot : 0;  // 0: not known
    for (const Instr& step : generic) {
        if (type == 0) {
            steps_.push_back(step);
            continue;
        }
        if (step.op == OpCode::Discard) {
            steps_.push_back(step);
            break;
        }
        if (step.op == OpCode::Generate) {
            steps_.push_back(step);
            type = 1u << step.sub;  // what follows sees the generated type
            continue;
        }
        if (is_filter(step.op)) {
            // The type alone decides: filters that do not apply to it, and type filters.
            if (!(type & step.applies) || step.op == OpCode::TypeFilter) {
                Event probe;
                probe.type = type;
                if (!filter_passes(program_, step, probe)) {
                    steps_.push_back(Instr{OpCode::Discard});
                    break;
                }
                continue;
            }
            steps_.push_back(step);
            continue;
        }
        if (type & modifier_types(step.op)) steps_.push_back(step);  // else it cannot change this type
    }
    ranges_.push_back({first, static_cast<uint32_t>(steps_.size()) - first});
}

SingleEventCode::SingleEventCode(const Program& p) : program_(p), info_(p.code.size()) {
    // Children may come before or after their parent in `code`: resolve on demand, then flatten.
    std::vector<uint8_t> state(p.code.size(), 0);  // 0 unknown, 1 single, 2 not
    auto single = [&](auto& self, uint32_t i) -> bool {
        if (state[i]) return state[i] == 1;
        const Instr& in = p.code[i];
        bool yes = is_single_event_leaf(in.op);
        if (in.op == OpCode::Chain) {
            yes = true;
            for (int32_t k = 0; k < in.b; ++k) yes = self(self, p.links[static_cast<size_t>(in.a + k)]) && yes;
        }
        state[i] = yes ? 1 : 2;
        return yes;
    };
    std::vector<Instr> generic;
    auto flatten = [&](auto& self, uint32_t i) -> void {
        const Instr& in = p.code[i];
        if (in.op == OpCode::Chain) {
            for (int32_t k = 0; k < in.b; ++k) self(self, p.links[static_cast<size_t>(in.a + k)]);
        } else if (in.op != OpCode::Pass) {
            generic.push_back(in);
        }
    };
    auto child = [&](const Instr& in, int32_t k) { return p.links[static_cast<size_t>(in.a + k)]; };
    auto fork_of_singles = [&](uint32_t i) {
        const Instr& in = p.code[i];
        if ((in.op != OpCode::Fork && in.op != OpCode::Dispatch) || in.b > 64) return false;
        for (int32_t k = 0; k < in.b; ++k)
            if (!single(single, child(in, k))) return false;
        return true;
    };
    for (uint32_t i = 0; i < p.code.size(); ++i) {
        Info& info = info_[i];
        generic.clear();
        if (single(single, i)) {
            info.single = true;
            flatten(flatten, i);
        } else if (fork_of_singles(i)) {
            info.fork = static_cast<int32_t>(i);
        } else if (const Instr& in = p.code[i]; in.op == OpCode::Chain && in.b > 0 && fork_of_singles(child(in, in.b - 1))) {
            bool prefix_single = true;
            for (int32_t k = 0; k + 1 < in.b; ++k) prefix_single = prefix_single && single(single, child(in, k));
            if (prefix_single) {
                info.fork = static_cast<int32_t>(child(in, in.b - 1));
                for (int32_t k = 0; k + 1 < in.b; ++k) flatten(flatten, child(in, k));
            }
        }
        if (!info.single && info.fork < 0) continue;
        info.ranges = static_cast<uint32_t>(ranges_.size());
        for (uint32_t slot = 0; slot < type_slots; ++slot) specialise(generic, slot);
    }
}

}  // namespace mdc::engine
