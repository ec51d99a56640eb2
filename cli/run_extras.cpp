// MemorizeScene, OSCInterface and restarting for `mdc run` (see run_extras.h).
#include "run_extras.h"

#include <linux/close_range.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "commands.h"
#include "lang/osc_args.h"

namespace mdc::cli {

// As in mididings, each MemorizeScene hook sets initial_scene at start: the last readable one wins.
void choose_memorized_scene(const CheckedPatch& checked, engine::Program& program) {
    const HookValue* from = nullptr;
    std::optional<std::pair<int, int>> remembered;
    for (const HookValue& h : checked.hooks) {
        if (h.name != "MemorizeScene") continue;
        if (auto r = drivers::SceneMemo(h.args[0].s, checked.config.data_offset).read()) remembered = r, from = &h;
    }
    if (!remembered) return;
    auto [scene, subscene] = *remembered;
    for (size_t i = 0; i < program.scenes.size(); ++i) {
        if (program.scenes[i].number == scene && program.scenes[i].subscene == std::max(subscene, 0)) {
            program.initial_slot = static_cast<int32_t>(i);
            return;
        }
    }
    const int off = checked.config.data_offset;
    fmt::print(stderr, "mdc: warning: MemorizeScene: {} names scene {}{}, which the patch does not have; starting in the usual initial scene\n",
               from->args[0].s, scene + off, subscene >= 0 ? fmt::format(" subscene {}", subscene + off) : "");
}

// The scenes OSCInterface tells livedings about, sorted by number.
std::vector<drivers::OscScene> osc_scenes(const CheckedPatch& checked) {
    std::vector<drivers::OscScene> out;
    if (!checked.run) return out;
    for (const auto& [number, scene] : checked.run->scenes) {
        drivers::OscScene s{number, scene.name, {}};
        if (scene.group)
            for (const SceneValue& sub : scene.subscenes) s.subscenes.push_back(sub.name);
        out.push_back(std::move(s));
    }
    return out;
}

// What of a patch's hooks is fixed once mdc runs: their names and arguments, as written.
static std::string hooks_started(const CheckedPatch& checked) {
    std::string text;
    for (const HookValue& h : checked.hooks) {
        if (h.name != "OSCInterface" && h.name != "MemorizeScene") continue;
        text += h.name + "(";
        for (const Value& a : h.args) text += describe(a) + ", ";
        text += ") ";
    }
    return text;
}

void RunExtras::patch_changed(const CheckedPatch& checked) {
    for (auto& o : osc) o->set_scenes(osc_scenes(checked));
    if (hooks_started(checked) != hooks)
        fmt::print(stderr, "mdc: warning: the edit changes the OSCInterface or MemorizeScene hooks, which needs a restart of mdc; "
                           "the ones it started with stay\n");
}

int open_run_extras(const CheckedPatch& checked, engine::EngineInbox& inbox, uint32_t out_ports, RunExtras& extras) {
    extras.hooks = hooks_started(checked);
    for (const HookValue& h : checked.hooks) {
        if (h.name == "MemorizeScene") {
            extras.memos.push_back(std::make_unique<drivers::SceneMemo>(h.args[0].s, checked.config.data_offset));
            extras.control.add_listener(extras.memos.back().get());
        }
        if (h.name != "OSCInterface") continue;
        drivers::OscInterfaceConfig config;
        if (h.args[0].is_int()) config.port = static_cast<int>(h.args[0].i);
        DiagSink checked_already;
        for (const Value& target : h.args[1].elements()) config.notify.push_back(osc_target_url(target, "notify_ports", checked_already).value_or(""));
        config.data_offset = checked.config.data_offset;
        config.out_ports = out_ports;
        config.scenes = osc_scenes(checked);
        std::string error;
        auto osc = drivers::OscInterface::open(std::move(config), inbox, extras.control, error);
        if (!osc) {
            fmt::print(stderr, "mdc: error: {}\n  help: choose another port: OSCInterface(port=...)\n", error);
            return exit_unavailable;
        }
        extras.control.add_listener(osc.get());
        extras.osc.push_back(std::move(osc));
    }
    return exit_ok;
}

int restart_mdc() {
    std::string all;
    {
        std::ifstream in("/proc/self/cmdline", std::ios::binary);
        std::stringstream buf;
        buf << in.rdbuf();
        all = buf.str();
    }
    std::vector<std::string> args;
    for (size_t at = 0; at < all.size();) {
        size_t end = all.find('\0', at);
        if (end == std::string::npos) end = all.size();
        args.push_back(all.substr(at, end - at));
        at = end + 1;
    }
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::fflush(stdout);
    std::fflush(stderr);
    // The new mdc starts as a fresh one would: with stdin, stdout and stderr only (libraries such
    // as libjack leave descriptors without close-on-exec behind).
    close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
    if (!args.empty()) execv("/proc/self/exe", argv.data());
    fmt::print(stderr, "mdc: error: cannot restart mdc: {}\n", args.empty() ? "no command line in /proc/self/cmdline" : std::strerror(errno));
    return exit_internal;
}

}  // namespace mdc::cli
