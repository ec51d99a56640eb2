// Building and choosing a fork's dispatch table (see fork_table.h).
#include "fork_table.h"

#include <algorithm>
#include <bit>

#include "engine/event_types.h"
#include "engine/filter_test.h"

namespace mdc {

using namespace engine;

namespace {

constexpr DispatchKey candidate_keys[] = {DispatchKey::Type, DispatchKey::Port, DispatchKey::Channel, DispatchKey::Note,
                                          DispatchKey::Velocity, DispatchKey::Ctrl, DispatchKey::CtrlValue, DispatchKey::Program};

enum class Field { None, Port, Channel, Data1, Data2 };

Field field_of(DispatchKey k) {
    switch (k) {
    case DispatchKey::Type: return Field::None;
    case DispatchKey::Port: return Field::Port;
    case DispatchKey::Channel: return Field::Channel;
    case DispatchKey::Note: case DispatchKey::Ctrl: return Field::Data1;
    case DispatchKey::Velocity: case DispatchKey::CtrlValue: case DispatchKey::Program: return Field::Data2;
    }
    return Field::None;
}

// The one field a filter's test reads besides the type (None: the type only, or several bytes).
Field field_read_by(OpCode op) {
    switch (op) {
    case OpCode::PortFilter: return Field::Port;
    case OpCode::ChannelFilter: return Field::Channel;
    case OpCode::KeyRangeFilter: case OpCode::KeySetFilter: case OpCode::CtrlFilter: return Field::Data1;
    case OpCode::VelocityFilter: case OpCode::CtrlValueFilter: case OpCode::ProgramFilter: return Field::Data2;
    default: return Field::None;
    }
}

// The filters a branch applies before anything else; false once something other than a filter
// (or Pass) comes, so that the caller stops there too.
bool leading_filters(const Program& p, int32_t index, std::vector<const Instr*>& out) {
    const Instr& in = p.code[static_cast<size_t>(index)];
    if (is_filter(in.op)) {
        out.push_back(&in);
        return true;
    }
    if (in.op == OpCode::Pass) return true;
    if (in.op != OpCode::Chain) return false;
    for (int32_t k = 0; k < in.b; ++k)
        if (!leading_filters(p, static_cast<int32_t>(p.links[static_cast<size_t>(in.a + k)]), out)) return false;
    return true;
}

// May an event of type `type` (whose key field holds `value`, when known) pass filter `f`? Exact
// where the engine's test depends only on what is known; true otherwise.
bool may_pass(const Program& p, const Instr& f, uint32_t type, DispatchKey key, std::optional<int32_t> value) {
    Event e = key_event(key, type, value.value_or(0));
    bool known = !(type & f.applies) || f.op == OpCode::TypeFilter ||
                 (value && field_of(key) != Field::None && field_read_by(f.op) == field_of(key));
    return known ? filter_passes(p, f, e) : true;
}

DispatchTable build(const Program& p, const std::vector<std::vector<const Instr*>>& filters, DispatchKey key, uint32_t applies) {
    DispatchTable t{key, applies, {}};
    const int domain = dispatch_domain(key);
    const uint32_t all_types = ~0u;
    for (int idx = 0; idx < domain + 3; ++idx) {
        uint32_t types = idx == domain + 2 ? all_types & ~applies : key == DispatchKey::Type ? (idx < 32 ? 1u << idx : 0u) : applies;
        std::optional<int32_t> value;
        if (key != DispatchKey::Type && idx < domain) value = idx;
        uint64_t mask = 0;
        for (size_t b = 0; b < filters.size(); ++b) {
            bool may = key == DispatchKey::Type && (idx == domain || idx == domain + 1);  // never looked up
            for (uint32_t rest = types; rest && !may; rest &= rest - 1) {
                uint32_t type = rest & (~rest + 1);
                bool all = true;
                for (const Instr* f : filters[b]) all = all && may_pass(p, *f, type, key, value);
                may = all;
            }
            if (may) mask |= 1ull << b;
        }
        t.masks.push_back(mask);
    }
    return t;
}

// The average number of branches tried for common events: note-ons, note-offs and controllers,
// with key values spread evenly.
double cost(const DispatchTable& t) {
    const int domain = dispatch_domain(t.key);
    double sum = 0;
    for (uint32_t type : {NOTEON, NOTEOFF, CTRL}) {
        if (!(type & t.applies)) {
            sum += std::popcount(t.masks[static_cast<size_t>(domain + 2)]);
        } else if (t.key == DispatchKey::Type) {
            sum += std::popcount(t.masks[static_cast<size_t>(std::countr_zero(type))]);
        } else {
            double values = 0;
            for (int v = 0; v < domain; ++v) values += std::popcount(t.masks[static_cast<size_t>(v)]);
            sum += values / domain;
        }
    }
    return sum / 3;
}

}  // namespace

Event key_event(DispatchKey key, uint32_t type, int32_t value) {
    Event e;
    e.type = type;
    switch (field_of(key)) {
    case Field::None: break;
    case Field::Port: e.port = value; break;
    case Field::Channel: e.channel = value; break;
    case Field::Data1: e.data1 = value; break;
    case Field::Data2: e.data2 = value; break;
    }
    return e;
}

std::optional<DispatchTable> fork_table(const Program& p, std::span<const int32_t> branches) {
    if (branches.size() < 2 || branches.size() > 64) return std::nullopt;
    std::vector<std::vector<const Instr*>> filters(branches.size());
    for (size_t b = 0; b < branches.size(); ++b) leading_filters(p, branches[b], filters[b]);
    std::optional<DispatchTable> best;
    double best_cost = static_cast<double>(branches.size());
    std::vector<Field> tried;  // keys that read the same field give the same table
    for (DispatchKey key : candidate_keys) {
        if (std::find(tried.begin(), tried.end(), field_of(key)) != tried.end()) continue;
        tried.push_back(field_of(key));
        uint32_t applies = key == DispatchKey::Type ? ~0u : 0;
        if (key != DispatchKey::Type)  // the types a filter reading this key's field tests
            for (const auto& fs : filters)
                for (const Instr* f : fs)
                    if (field_read_by(f->op) == field_of(key)) applies |= f->applies;
        if (!applies) continue;
        DispatchTable t = build(p, filters, key, applies);
        double c = cost(t);
        if (c < best_cost) {
            best_cost = c;
            best = std::move(t);
        }
    }
    return best;
}

}  // namespace mdc
