// moodycamel's lock-free single-producer queue (Debian: libreaderwriterqueue-dev), included in one
// place. Its fences are standalone, which ThreadSanitizer does not model; the library annotates
// them for clang, and here for GCC's TSan (__SANITIZE_THREAD__), so TSan sees the hand-over.
#pragma once

#if defined(__SANITIZE_THREAD__) && !defined(AE_TSAN_ANNOTATE_RELEASE)
extern "C" void AnnotateHappensBefore(const char* file, int line, const volatile void* address);
extern "C" void AnnotateHappensAfter(const char* file, int line, const volatile void* address);
namespace mdc::tsan {
inline int fence_token;
}
#define AE_TSAN_ANNOTATE_RELEASE() AnnotateHappensBefore(__FILE__, __LINE__, &::mdc::tsan::fence_token)
#define AE_TSAN_ANNOTATE_ACQUIRE() AnnotateHappensAfter(__FILE__, __LINE__, &::mdc::tsan::fence_token)
#endif

#include <readerwriterqueue/readerwriterqueue.h>
