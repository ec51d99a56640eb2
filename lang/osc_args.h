// SendOSC's and OSCInterface's arguments, checked where they are written: an OSC target (a port
// number, a (host, port) tuple or an osc.udp:// / osc.tcp:// URL, as pyliblo's send() takes them)
// becomes a liblo URL, and each data argument one typed OSC value, an EVENT_* attribute (an mdc
// extension: a value of the event without Python) or a Python function of the event.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "diag.h"
#include "value.h"

namespace mdc {

// The target as a liblo URL ("osc.udp://localhost:56419/"), or nullopt after an error at `v`.
std::optional<std::string> osc_target_url(const Value& v, std::string_view what, DiagSink& diags);

// One data argument of SendOSC: its OSC type tag and its value as text ('i' "42", 'f' "0.5",
// 's' "text", 'b' raw bytes, 'T' 'F' 'N' 'I' none), or 'e' (EVENT_* field in `field`) or 'p' (a
// Python callable, kept in `callable`).
struct OscArgSpec {
    char tag = 'N';
    std::string text;
    int field = 0;
    Value callable;
};

// All data arguments, or nullopt after an error at the argument that has no OSC form.
std::optional<std::vector<OscArgSpec>> osc_arguments(const Value& args, DiagSink& diags);

}  // namespace mdc
