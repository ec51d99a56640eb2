// Note names ('c3', 'f#4', 'eb-1'), read the same way by the compiler (patches) and the drivers
// (text events): a letter a..g, an optional '#' or 'b' (mididings' c# d# f# g# a# and db eb gb ab
// bb only), and an octave of at most three digits, maybe negative.
#pragma once

#include <cctype>
#include <optional>
#include <string_view>

namespace mdc::engine {

// The note number pc + (octave + octave_offset) * 12, not range-checked; nothing when `s` is not
// a note name.
inline std::optional<int> parse_note_name(std::string_view s, int octave_offset) {
    static constexpr int base[] = {9, 11, 0, 2, 4, 5, 7};  // a b c d e f g
    if (s.empty()) return std::nullopt;
    char letter = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    if (letter < 'a' || letter > 'g') return std::nullopt;
    int pc = base[letter - 'a'];
    size_t i = 1;
    if (i < s.size() && (s[i] == '#' || s[i] == 'b' || s[i] == 'B')) {
        bool sharp = s[i] == '#';
        if (sharp ? (letter == 'e' || letter == 'b') : (letter == 'c' || letter == 'f')) return std::nullopt;
        pc += sharp ? 1 : -1;
        ++i;
    }
    bool negative = i < s.size() && s[i] == '-';
    size_t digits = i + (negative ? 1 : 0);
    if (digits >= s.size() || s.size() - digits > 3) return std::nullopt;
    int octave = 0;
    for (size_t k = digits; k < s.size(); ++k) {
        if (!std::isdigit(static_cast<unsigned char>(s[k]))) return std::nullopt;
        octave = octave * 10 + (s[k] - '0');
    }
    return pc + ((negative ? -octave : octave) + octave_offset) * 12;
}

}  // namespace mdc::engine
