// `mdc check`: parse and check each patch; silent and 0 when valid, diagnostics and 65 otherwise.
#include <cstdio>

#include <fmt/format.h>

#include "commands.h"
#include "lang/check.h"
#include "python_setup.h"

namespace mdc::cli {

int most_severe(int a, int b) {
    auto rank = [](int c) {
        switch (c) {
        case exit_ok: return 0;
        case exit_test_failed: return 1;
        case exit_data: return 2;
        case exit_io: return 3;
        case exit_unavailable: return 4;
        case exit_usage: return 5;
        default: return 6;
        }
    };
    return rank(a) >= rank(b) ? a : b;
}

int run_check(const CheckArgs& args) {
    int code = exit_ok;
    PythonSession python;  // started by the first patch with Python in it
    for (const std::string& path : args.files) {
        CheckOutcome out = check_patch_file(path, {&python});
        if (!out.io_error.empty()) {
            fmt::print(stderr, "{}: error: {}\n", path, out.io_error);
            code = most_severe(code, exit_io);
            continue;
        }
        std::fputs(out.rendered.c_str(), stderr);
        bool failed = out.errors > 0 || (args.werror && out.warnings > 0);
        code = most_severe(code, failed ? exit_data : exit_ok);
    }
    return code;
}

}  // namespace mdc::cli
