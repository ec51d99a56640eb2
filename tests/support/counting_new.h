// Replaces the global operator new (and delete) of a test executable with one that counts the
// allocations made while the current thread says it is in a realtime section. Include it in
// exactly one file of an executable of its own: the replacement is global.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace mdc::testing {
inline thread_local bool in_realtime_section = false;
inline std::atomic<uint64_t> realtime_allocations{0};
}  // namespace mdc::testing

void* operator new(std::size_t n) {
    if (mdc::testing::in_realtime_section) mdc::testing::realtime_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    if (mdc::testing::in_realtime_section) mdc::testing::realtime_allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
