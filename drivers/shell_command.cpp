// Starting System() commands (see shell_command.h).
#include "shell_command.h"

#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>

extern char** environ;

namespace mdc::drivers {

ShellCommands::~ShellCommands() { reap(); }

bool ShellCommands::start(const std::string& command) {
    pid_t pid = 0;
    const char* argv[] = {"sh", "-c", command.c_str(), nullptr};
    if (posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0) return false;
    children_.push_back(pid);
    reap();
    return true;
}

void ShellCommands::reap() {
    std::erase_if(children_, [](int p) { return waitpid(p, nullptr, WNOHANG) == p; });
}

}  // namespace mdc::drivers
