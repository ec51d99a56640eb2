// livedings' OSC protocol over liblo (see osc_interface.h).
#include "osc_interface.h"

#include <lo/lo.h>

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "engine/event_types.h"

namespace mdc::drivers {
namespace {

OscValue int_value(int64_t v) { return OscValue{'i', v, 0, {}}; }
OscValue string_value(std::string s) { return OscValue{'s', 0, 0, std::move(s)}; }

void ignore_error(int, const char*, const char*) {}

// The paths and type specs mididings registers (make_method); the index says what to do.
struct Method {
    const char* path;
    const char* types;
};
constexpr Method methods[] = {
    {"/mididings/switch_scene", "i"}, {"/mididings/switch_scene", "ii"}, {"/mididings/switch_subscene", "i"},
    {"/mididings/prev_scene", ""},    {"/mididings/next_scene", ""},     {"/mididings/prev_subscene", ""},
    {"/mididings/prev_subscene", "i"}, {"/mididings/next_subscene", ""}, {"/mididings/next_subscene", "i"},
    {"/mididings/panic", ""},         {"/mididings/query", ""},          {"/mididings/quit", ""},
    {"/mididings/restart", ""},
};

}  // namespace

std::unique_ptr<OscInterface> OscInterface::open(OscInterfaceConfig config, engine::EngineInbox& inbox, RunControl& control, std::string& error) {
    std::unique_ptr<OscInterface> self(new OscInterface(std::move(config), inbox, control));
    if (!self->config_.port) return self;
    std::string port = std::to_string(*self->config_.port);
    lo_server_thread st = lo_server_thread_new(port.c_str(), &ignore_error);
    if (!st) {
        error = fmt::format("OSCInterface cannot listen on UDP port {} (is another program using it?)", port);
        return nullptr;
    }
    self->server_ = st;
    lo_method_handler handler = [](const char* path, const char* types, lo_arg** argv, int argc, lo_message, void* user) {
        return OscInterface::on_message(path, types, reinterpret_cast<void**>(argv), argc, user);
    };
    for (const Method& m : methods) lo_server_thread_add_method(st, m.path, m.types, handler, self.get());
    return self;
}

OscInterface::OscInterface(OscInterfaceConfig config, engine::EngineInbox& inbox, RunControl& control)
    : config_(std::move(config)), inbox_(inbox), control_(control) {}

OscInterface::~OscInterface() {
    if (server_) {
        lo_server_thread_stop(static_cast<lo_server_thread>(server_));
        lo_server_thread_free(static_cast<lo_server_thread>(server_));
    }
    notify("/mididings/exit", {});
}

void OscInterface::start() {
    if (server_) lo_server_thread_start(static_cast<lo_server_thread>(server_));
    send_config(true);
}

void OscInterface::notify(const char* path, const std::vector<OscValue>& args) {
    std::lock_guard lock(send_lock_);
    notify_locked(path, args);
}

void OscInterface::notify_locked(const char* path, const std::vector<OscValue>& args) {
    std::string error;
    for (const std::string& url : config_.notify)
        if (!out_.send(url, path, args, error)) fmt::print(stderr, "mdc: warning: OSCInterface: {}\n", error);
}

void OscInterface::send_config(bool start) {
    const std::vector<OscScene> all = scenes();
    std::lock_guard lock(send_lock_);  // one block: a /query answered meanwhile does not interleave
    if (start) notify_locked("/mididings/start", {});
    notify_locked("/mididings/data_offset", {int_value(config_.data_offset)});
    notify_locked("/mididings/begin_scenes", {});
    for (const OscScene& s : all) {
        std::vector<OscValue> args = {int_value(s.number + config_.data_offset), string_value(s.name)};
        for (const std::string& sub : s.subscenes) args.push_back(string_value(sub));
        notify_locked("/mididings/add_scene", args);
    }
    notify_locked("/mididings/end_scenes", {});
}

std::vector<OscScene> OscInterface::scenes() const {
    std::lock_guard lock(scenes_lock_);
    return config_.scenes;
}

void OscInterface::set_scenes(std::vector<OscScene> scenes) {
    {
        std::lock_guard lock(scenes_lock_);
        config_.scenes = std::move(scenes);
    }
    send_config(false);
    send_current();
}

void OscInterface::send_current() {
    int32_t scene = scene_.load(), subscene = subscene_.load();
    if (scene < 0) return;
    notify("/mididings/current_scene", {int_value(scene + config_.data_offset), int_value(subscene + config_.data_offset)});
}

void OscInterface::scene_changed(int32_t scene, int32_t subscene) {
    scene_.store(scene);
    subscene_.store(subscene);
    send_current();
}

void OscInterface::post_switch(int32_t scene, int32_t subscene) {
    if (!inbox_.post_switch(scene, subscene)) fmt::print(stderr, "mdc: warning: OSCInterface: the engine's inbox is full; a scene switch was dropped\n");
    control_.wake();
}

int OscInterface::subscene_count(int32_t scene) const {
    std::lock_guard lock(scenes_lock_);
    for (const OscScene& s : config_.scenes)
        if (s.number == scene) return static_cast<int>(s.subscenes.size());
    return 0;
}

// mididings: the neighbour in the sorted scene numbers, if there is one (no wrap).
void OscInterface::step_scene(int delta) {
    const int32_t current = scene_.load();
    const std::vector<OscScene> all = scenes();
    auto it = std::find_if(all.begin(), all.end(), [&](const OscScene& s) { return s.number == current; });
    if (it == all.end()) return;
    const auto n = (it - all.begin()) + delta;
    if (n >= 0 && n < static_cast<std::ptrdiff_t>(all.size())) post_switch(all[static_cast<size_t>(n)].number, -1);
}

// mididings: the neighbouring subscene, wrapping around when asked (Python's modulo).
void OscInterface::step_subscene(int delta, bool wrap) {
    const int count = subscene_count(scene_.load());
    int n = subscene_.load() + delta;
    if (count && wrap) n = ((n % count) + count) % count;
    if (n >= 0 && n < count) post_switch(-1, n);
}

// All notes off (CC 123) and sustain off (CC 64) on every channel of every output port, sent out
// as they are (mididings' _panic_bypass).
void OscInterface::panic() {
    for (uint32_t p = 0; p < config_.out_ports; ++p)
        for (int c = 0; c < 16; ++c)
            for (int ctrl : {123, 64}) {
                engine::Event e;
                e.type = engine::CTRL;
                e.port = static_cast<int32_t>(p);
                e.channel = c;
                e.data1 = ctrl;
                e.data2 = 0;
                if (!inbox_.post_output(e)) fmt::print(stderr, "mdc: warning: OSCInterface: the engine's inbox is full; panic was cut short\n");
            }
    control_.wake();
}

int OscInterface::on_message(const char* path, const char* types, void** argv_raw, int argc, void* user) {
    auto& self = *static_cast<OscInterface*>(user);
    auto** argv = reinterpret_cast<lo_arg**>(argv_raw);
    const int32_t off = self.config_.data_offset;
    std::string_view p(path);
    p.remove_prefix(std::strlen("/mididings/"));
    auto arg = [&](int i) {  // liblo's arguments are only 4-byte aligned: copied out, not read through lo_arg
        int32_t v = 0;
        if (i < argc && types[i] == 'i') std::memcpy(&v, argv[i], sizeof v);
        return v;
    };
    if (p == "switch_scene") self.post_switch(arg(0) - off, argc > 1 ? arg(1) - off : -1);
    else if (p == "switch_subscene") self.post_switch(-1, arg(0) - off);
    else if (p == "prev_scene") self.step_scene(-1);
    else if (p == "next_scene") self.step_scene(1);
    else if (p == "prev_subscene") self.step_subscene(-1, argc > 0 && arg(0) != 0);
    else if (p == "next_subscene") self.step_subscene(1, argc > 0 && arg(0) != 0);
    else if (p == "panic") self.panic();
    else if (p == "query") {
        self.send_config(false);
        self.send_current();
    } else if (p == "quit" || p == "restart") {
        self.control_.request(p == "quit" ? RunControl::Action::Quit : RunControl::Action::Restart);
        self.control_.wake();
    }
    return 0;
}

}  // namespace mdc::drivers
