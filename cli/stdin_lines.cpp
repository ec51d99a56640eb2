// Lines from stdin with a wake-up descriptor (see stdin_lines.h).
#include "stdin_lines.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace mdc::cli {

StdinLines::StdinLines(int fd, bool exact) : fd_(fd), seekable_(lseek(fd, 0, SEEK_CUR) >= 0), exact_(exact && !seekable_) {}

StdinLines::Got StdinLines::next(std::string& line, int wake_fd) {
    for (;;) {
        size_t nl = buf_.find('\n', pos_);
        if (nl != std::string::npos) {
            line.assign(buf_, pos_, nl - pos_);
            pos_ = nl + 1;
            if (pos_ > 65536) {
                buf_.erase(0, pos_);
                pos_ = 0;
            }
            return Got::Line;
        }
        if (eof_) {
            if (pos_ >= buf_.size()) return Got::End;
            line.assign(buf_, pos_, std::string::npos);
            pos_ = buf_.size();
            return Got::Line;
        }
        pollfd fds[2] = {{wake_fd, POLLIN, 0}, {fd_, POLLIN, 0}};
        const bool waking = wake_fd >= 0;
        if (poll(waking ? fds : fds + 1, waking ? 2 : 1, -1) < 0) {
            if (errno == EINTR) continue;
            eof_ = true;
            continue;
        }
        if (waking && (fds[0].revents & POLLIN)) return Got::Woken;
        if (!fds[1].revents) continue;
        char chunk[65536];
        ssize_t n = read(fd_, chunk, exact_ ? 1 : sizeof chunk);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) eof_ = true;
        else buf_.append(chunk, static_cast<size_t>(n));
    }
}

void StdinLines::give_back() {
    if (seekable_ && pos_ < buf_.size()) lseek(fd_, -static_cast<off_t>(buf_.size() - pos_), SEEK_CUR);
}

}  // namespace mdc::cli
