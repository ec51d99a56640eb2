// The text backend's input: lines from stdin, waiting on stdin and on a wake-up descriptor at once
// (so OSC commands, Quit and Restart act while no input comes). Before mdc restarts, input read
// ahead but not yet used is given back (seekable stdin), or never read ahead (a pipe, when the
// patch can restart): the new process goes on where this one stopped.
#pragma once

#include <string>

namespace mdc::cli {

class StdinLines {
public:
    enum class Got { Line, End, Woken };

    // `exact`: read a pipe one byte at a time, so nothing is read ahead.
    StdinLines(int fd, bool exact);

    // The next line (without its newline), the end of input, or `wake_fd` became readable (it is
    // not consumed here; -1: none).
    Got next(std::string& line, int wake_fd);
    // Seeks stdin back to the first byte not yet returned (when it can seek).
    void give_back();

private:
    int fd_;
    bool seekable_, exact_;
    std::string buf_;
    size_t pos_ = 0;
    bool eof_ = false;
};

}  // namespace mdc::cli
