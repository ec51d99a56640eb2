// libFuzzer target: feeds each input, as the text of a patch, to the whole front end (parse + check)
// through mdc::check_patch_source. Any crash, sanitizer report, hang or leak is a bug in lang/.
// Build and run with scripts/fuzz.sh; reproduce one input with `build-fuzz/fuzz/check_fuzzer FILE`.
#include <cstddef>
#include <cstdint>
#include <string>

#include "lang/check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 64 * 1024) return -1;  // keep inputs small: reject (and never add to the corpus) larger ones
    std::string text(reinterpret_cast<const char*>(data), size);
    mdc::CheckOutcome outcome = mdc::check_patch_source("fuzz.mdp", std::move(text), mdc::CheckOptions{});
    (void)outcome;
    return 0;
}
