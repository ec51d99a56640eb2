// Print()'s text, as mididings writes it (see print_format.h).
#include "print_format.h"

#include <algorithm>

#include <fmt/format.h>

#include "engine/event_types.h"

namespace mdc::drivers {

namespace {

std::string note_name(int note, int octave_offset) {
    static constexpr const char* names[] = {"c", "c#", "d", "d#", "e", "f", "f#", "g", "g#", "a", "a#", "b"};
    int octave = note >= 0 ? note / 12 : -((-note + 11) / 12);  // Python's floor division
    int pc = note - octave * 12;
    return fmt::format("{}{}", names[pc], octave - octave_offset);
}

const char* controller_name(int ctrl) {
    switch (ctrl) {
    case 0: return "Bank select (MSB)";
    case 1: return "Modulation";
    case 6: return "Data entry (MSB)";
    case 7: return "Volume";
    case 10: return "Pan";
    case 11: return "Expression";
    case 32: return "Bank select (LSB)";
    case 38: return "Data entry (LSB)";
    case 64: return "Sustain";
    case 65: return "Portamento";
    case 66: return "Sostenuto";
    case 67: return "Soft pedal";
    case 68: return "Legato pedal";
    case 98: return "NRPN (LSB)";
    case 99: return "NRPN (MSB)";
    case 100: return "RPN (LSB)";
    case 101: return "RPN (MSB)";
    case 121: return "Reset all controllers";
    case 123: return "All notes off";
    default: return nullptr;
    }
}

}  // namespace

PrintStyle print_style(const engine::Program& p, int data_offset, int octave_offset, std::vector<std::string> in_ports,
                       std::vector<std::string> out_ports) {
    PrintStyle s;
    s.data_offset = data_offset;
    s.octave_offset = octave_offset;
    s.in_ports = std::move(in_ports);
    s.out_ports = std::move(out_ports);
    bool portnames = false;
    for (const engine::Instr& in : p.code) {
        if (in.op != engine::OpCode::Print) continue;
        if (in.a >= 0) s.name_width = std::max(s.name_width, static_cast<int>(p.strings[static_cast<size_t>(in.a)].size()));
        portnames = portnames || in.b != 0;
    }
    if (portnames) {
        for (const auto* names : {&s.in_ports, &s.out_ports})
            for (const std::string& n : *names) s.portname_width = std::max(s.portname_width, static_cast<int>(n.size()));
    }
    return s;
}

std::string format_event_line(const PrintStyle& style, const engine::Event& e, int portnames) {
    const std::vector<std::string>* names = portnames == 1 ? &style.in_ports : portnames == 2 ? &style.out_ports : nullptr;
    std::string port = names && e.port >= 0 && static_cast<size_t>(e.port) < names->size() && !(*names)[static_cast<size_t>(e.port)].empty()
                           ? (*names)[static_cast<size_t>(e.port)]
                           : std::to_string(e.port + style.data_offset);
    std::string head = fmt::format("[{:>{}}, {:2}]", port, std::max(style.portname_width, 2), e.channel + style.data_offset);
    std::string body;
    switch (e.type) {
    case engine::NOTEON: body = fmt::format("Note On:  {:3} {:3}  ({})", e.data1, e.data2, note_name(e.data1, style.octave_offset)); break;
    case engine::NOTEOFF: body = fmt::format("Note Off: {:3} {:3}  ({})", e.data1, e.data2, note_name(e.data1, style.octave_offset)); break;
    case engine::CTRL:
        body = fmt::format("Ctrl:     {:3} {:3}", e.data1, e.data2);
        if (const char* n = controller_name(e.data1)) body += fmt::format("  ({})", n);
        break;
    case engine::PITCHBEND: body = fmt::format("Pitchbend:  {:5}", e.data2); break;
    case engine::AFTERTOUCH: body = fmt::format("Aftertouch:   {:3}", e.data2); break;
    case engine::POLY_AFTERTOUCH:
        body = fmt::format("Poly Aftertouch: {:3} {:3}  ({})", e.data1, e.data2, note_name(e.data1, style.octave_offset));
        break;
    case engine::PROGRAM: body = fmt::format("Program:      {:3}", e.data2 + style.data_offset); break;
    case engine::SYSEX: {
        std::string hex;
        for (uint32_t i = 0; i < e.sysex_size; ++i) hex += fmt::format("{}{:02x}", i ? " " : "", e.sysex[i]);
        body = fmt::format("SysEx:   {:8}  [{}]", e.sysex_size, hex);
        break;
    }
    case engine::SYSCM_QFRAME: body = fmt::format("SysCm QFrame: {:3}", e.data1); break;
    case engine::SYSCM_SONGPOS: body = fmt::format("SysCm SongPos:{:3} {:3}", e.data1, e.data2); break;
    case engine::SYSCM_SONGSEL: body = fmt::format("SysCm SongSel:{:3}", e.data1); break;
    case engine::SYSCM_TUNEREQ: body = "SysCm TuneReq"; break;
    case engine::SYSRT_CLOCK: body = "SysRt Clock"; break;
    case engine::SYSRT_START: body = "SysRt Start"; break;
    case engine::SYSRT_CONTINUE: body = "SysRt Continue"; break;
    case engine::SYSRT_STOP: body = "SysRt Stop"; break;
    case engine::SYSRT_SENSING: body = "SysRt Sensing"; break;
    case engine::SYSRT_RESET: body = "SysRt Reset"; break;
    case engine::DUMMY: body = "Dummy"; break;
    default: body = "None";
    }
    return head + " " + body;
}

std::string format_print(const PrintStyle& style, const engine::Event& e, std::string_view name, int portnames) {
    std::string prefix;
    if (!name.empty()) prefix = fmt::format("{:<{}} ", fmt::format("{}:", name), style.name_width + 1);
    else if (style.name_width != -1) prefix = std::string(static_cast<size_t>(style.name_width + 2), ' ');  // line up with named ones
    return prefix + format_event_line(style, e, portnames);
}

}  // namespace mdc::drivers
