// MemorizeScene's file (see scene_memo.h).
#include "scene_memo.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "file_io.h"

namespace mdc::drivers {

std::optional<std::pair<int, int>> SceneMemo::read() const {
    std::ifstream in(path_);
    if (!in) return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    std::istringstream words(text.str());
    long scene = 0, subscene = 0;
    if (!(words >> scene)) return std::nullopt;
    bool has_subscene = static_cast<bool>(words >> subscene);
    std::string rest;
    if (words >> rest) return std::nullopt;  // int(s) and the split both fail in mididings
    if (scene - data_offset_ < 0 || (has_subscene && subscene - data_offset_ < 0)) return std::nullopt;
    return std::make_pair(static_cast<int>(scene - data_offset_), has_subscene ? static_cast<int>(subscene - data_offset_) : -1);
}

void SceneMemo::scene_changed(int32_t scene, int32_t subscene) {
    const std::string text = fmt::format("{} {}\n", scene + data_offset_, subscene + data_offset_);
    const std::string error = write_file_atomically(path_, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
    if (error.empty() || warned_) return;
    fmt::print(stderr, "mdc: warning: MemorizeScene: couldn't store the current scene: {}\n", error);
    warned_ = true;
}

}  // namespace mdc::drivers
