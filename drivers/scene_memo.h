// MemorizeScene(memo_file): the current scene kept in a file across runs, in mididings' format
// ("scene subscene\n", user numbers). Read once before the engine starts to choose the initial
// scene; written (atomically: a temporary file, then rename) off the realtime path on each scene
// change, so the file is right even after a crash (mididings writes it only at exit).
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "run_control.h"

namespace mdc::drivers {

class SceneMemo final : public SceneListener {
public:
    SceneMemo(std::string path, int data_offset) : path_(std::move(path)), data_offset_(data_offset) {}

    // The remembered scene and subscene (raw; subscene -1 when the file names only a scene), or
    // none when the file is missing or holds something else (as mididings, not an error).
    std::optional<std::pair<int, int>> read() const;
    void scene_changed(int32_t scene, int32_t subscene) override;

private:
    std::string path_;
    int data_offset_;
    bool warned_ = false;
};

}  // namespace mdc::drivers
