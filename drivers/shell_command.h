// System('command'): starts `sh -c command` without waiting (offline and live alike), and reaps
// the children that ended so long runs leave no zombies.
#pragma once

#include <string>
#include <vector>

namespace mdc::drivers {

class ShellCommands {
public:
    ~ShellCommands();
    // False when the shell could not be started.
    bool start(const std::string& command);
    void reap();  // collects the children that have ended

private:
    std::vector<int> children_;
};

}  // namespace mdc::drivers
