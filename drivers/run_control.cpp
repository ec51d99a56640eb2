// Quit/restart requests, scene-change listeners and SendOSC's sender (see run_control.h).
#include "run_control.h"

#include <sys/eventfd.h>
#include <unistd.h>

namespace mdc::drivers {

RunControl::RunControl(int data_offset) : wake_fd_(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)), data_offset_(data_offset) {}

RunControl::~RunControl() {
    if (wake_fd_ >= 0) close(wake_fd_);
}

void RunControl::request(Action a) {
    Action none = Action::None;
    action_.compare_exchange_strong(none, a, std::memory_order_acq_rel);
}

void RunControl::wake() {
    if (wake_fd_ < 0) return;
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);  // non-blocking; a full counter is awake anyway
}

void RunControl::clear_wake() {
    uint64_t count = 0;
    [[maybe_unused]] ssize_t n = read(wake_fd_, &count, sizeof count);
}

void RunControl::scene_changed(int32_t scene, int32_t subscene) {
    for (SceneListener* l : listeners_) l->scene_changed(scene, subscene);
}

}  // namespace mdc::drivers
