// What the offline subcommands (run --backend text, test, convert) share: Print()'s style from
// the patch's config.
#pragma once

#include "drivers/print_format.h"
#include "engine/program.h"
#include "lang/patch.h"

namespace mdc::cli {

inline drivers::PrintStyle print_style_for(const engine::Program& program, const Config& config) {
    std::vector<std::string> in, out;
    for (const PortConfig& p : config.in_ports) in.push_back(p.name);
    for (const PortConfig& p : config.out_ports) out.push_back(p.name);
    return drivers::print_style(program, config.data_offset, config.octave_offset, std::move(in), std::move(out));
}

}  // namespace mdc::cli
