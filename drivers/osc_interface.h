// OSCInterface(port, notify_ports): livedings' OSC protocol (mididings/extra/osc.py). liblo's
// server thread receives /mididings/switch_scene, /switch_subscene, /prev_scene, /next_scene,
// /prev_subscene, /next_subscene, /panic, /query, /quit and /restart; what reaches the engine goes
// through its EngineInbox (switches; panic's controllers as output events), never by calling the
// engine from this thread. Notify ports get /mididings/start, /data_offset, /begin_scenes,
// /add_scene, /end_scenes at start, on /query and when a reload changes the scenes, /current_scene
// on each scene change, /exit.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/inbox.h"
#include "osc_out.h"
#include "run_control.h"

namespace mdc::drivers {

struct OscScene {
    int32_t number = 0;                  // raw
    std::string name;                    // the scene's (or group's) name
    std::vector<std::string> subscenes;  // a group's subscene names; empty for a plain scene
};

struct OscInterfaceConfig {
    std::optional<int> port;             // none: no server, notifications only
    std::vector<std::string> notify;     // liblo URLs
    int data_offset = 1;
    uint32_t out_ports = 1;
    std::vector<OscScene> scenes;        // sorted by number
};

class OscInterface final : public SceneListener {
public:
    // Null with `error` set when the port cannot be opened.
    static std::unique_ptr<OscInterface> open(OscInterfaceConfig config, engine::EngineInbox& inbox, RunControl& control, std::string& error);
    ~OscInterface() override;  // sends /mididings/exit and stops the server
    OscInterface(const OscInterface&) = delete;
    OscInterface& operator=(const OscInterface&) = delete;

    void start();  // /mididings/start and the configuration, before the engine starts
    void scene_changed(int32_t scene, int32_t subscene) override;
    // A reloaded patch's scenes (mdc run --watch): from now on, and sent to the notify ports as
    // on /query (begin_scenes .. end_scenes, then the current scene).
    void set_scenes(std::vector<OscScene> scenes);

private:
    OscInterface(OscInterfaceConfig config, engine::EngineInbox& inbox, RunControl& control);

    void send_config(bool start);
    void send_current();
    void notify(const char* path, const std::vector<OscValue>& args);
    void notify_locked(const char* path, const std::vector<OscValue>& args);  // send_lock_ held
    void post_switch(int32_t scene, int32_t subscene);
    void step_scene(int delta);
    void step_subscene(int delta, bool wrap);
    void panic();
    int subscene_count(int32_t scene) const;
    std::vector<OscScene> scenes() const;

    static int on_message(const char* path, const char* types, void** argv, int argc, void* user);

    OscInterfaceConfig config_;
    engine::EngineInbox& inbox_;
    RunControl& control_;
    void* server_ = nullptr;  // lo_server_thread
    std::atomic<int32_t> scene_{-1}, subscene_{-1};  // raw; what the engine last reported
    std::mutex send_lock_;    // notifications come from the server thread and the engine's side
    mutable std::mutex scenes_lock_;  // config_.scenes: replaced by reloads, read by the server thread
    OscOut out_;
};

}  // namespace mdc::drivers
