// Reading and atomically writing whole files (see file_io.h), with POSIX calls.
#include "file_io.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace mdc::drivers {

namespace {

std::string os_error(std::string_view what) { return fmt::format("{}: {}", what, std::strerror(errno)); }

// Holds back the signals that end a run, for as long as it lives.
class SignalHold {
public:
    SignalHold() {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGINT);
        sigaddset(&s, SIGTERM);
        sigaddset(&s, SIGHUP);
        pthread_sigmask(SIG_BLOCK, &s, &old_);
    }
    ~SignalHold() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
    SignalHold(const SignalHold&) = delete;
    SignalHold& operator=(const SignalHold&) = delete;

private:
    sigset_t old_;
};

}  // namespace

std::string read_file_bytes(const std::string& path, std::vector<uint8_t>& out) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return os_error("cannot read the file");
    struct stat st;
    std::string error;
    if (::fstat(fd, &st) != 0) {
        error = os_error("cannot read the file");
    } else if (S_ISDIR(st.st_mode)) {
        error = "cannot read the file: it is a directory";
    } else {
        out.clear();
        // A regular file is read in one piece (the spare byte sees the end); anything else (a pipe)
        // grows as it comes.
        out.resize(S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) + 1 : 65536);
        size_t got = 0;
        for (;;) {
            if (got == out.size()) out.resize(got * 2);
            const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                error = os_error("cannot read the file");
                break;
            }
            if (n == 0) break;
            got += static_cast<size_t>(n);
        }
        out.resize(got);
    }
    ::close(fd);
    return error;
}

std::string write_file_atomically(const std::string& path, std::span<const uint8_t> bytes) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    SignalHold hold;
    std::string temp;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        temp = (folder / fmt::format(".{}.mdc-{}-{}.tmp", target.filename().string(), ::getpid(), attempt)).string();
        fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) return os_error("cannot write the file");
    }
    if (fd < 0) return "cannot write the file: no free temporary name in its folder";
    size_t done = 0;
    std::string error;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            error = os_error("cannot write the file");
            break;
        }
        done += static_cast<size_t>(n);
    }
    if (::close(fd) != 0 && error.empty()) error = os_error("cannot write the file");
    if (error.empty() && ::rename(temp.c_str(), path.c_str()) != 0) error = os_error("cannot write the file");
    if (!error.empty()) ::unlink(temp.c_str());
    return error;
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat sa, sb;
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

}  // namespace mdc::drivers
