// The embedded standard library files (the generated stdlib_embedded.h, from stdlib/*.mdp).
#include "standard_library.h"

#include "stdlib_embedded.h"

namespace mdc {

std::span<const StdlibFile> stdlib_files() { return mdc_stdlib_files; }

}  // namespace mdc
