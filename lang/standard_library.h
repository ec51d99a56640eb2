// The standard library: patch macros written in .mdp (stdlib/*.mdp), embedded in the binary at
// build time and loaded before the user's patch. A unit of the table may name one of its defs as
// its body (UnitInfo::stdlib_body). Diagnostics inside them point to `<stdlib>/file.mdp:L:C`.
#pragma once

#include <span>
#include <string_view>

namespace mdc {

struct StdlibFile {
    std::string_view name;  // "key_color.mdp"
    std::string_view text;
};

std::span<const StdlibFile> stdlib_files();
inline constexpr std::string_view stdlib_prefix = "<stdlib>/";

}  // namespace mdc
