// Printing and reading text events (PRODUCT.md section 4). The reader is a small hand-written
// scanner: `[@SECONDS] Name(arg, ..., key=value)  # comment`, with numbers (decimal, hex,
// negative), quoted strings (SysEx hex, note names, port names) and event-type names.
#include "text_events.h"

#include "engine/note_names.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace mdc::drivers {

using namespace engine;

std::string format_event(const Event& e, int off) {
    int p = e.port + off, c = e.channel + off;
    switch (e.type) {
    case NOTEON: return fmt::format("NoteOnEvent({}, {}, {}, {})", p, c, e.data1, e.data2);
    case NOTEOFF: return fmt::format("NoteOffEvent({}, {}, {}, {})", p, c, e.data1, e.data2);
    case CTRL: return fmt::format("CtrlEvent({}, {}, {}, {})", p, c, e.data1, e.data2);
    case PROGRAM: return fmt::format("ProgramEvent({}, {}, {})", p, c, e.data2 + off);
    case PITCHBEND: return fmt::format("PitchbendEvent({}, {}, {})", p, c, e.data2);
    case AFTERTOUCH: return fmt::format("AftertouchEvent({}, {}, {})", p, c, e.data2);
    case POLY_AFTERTOUCH: return fmt::format("PolyAftertouchEvent({}, {}, {}, {})", p, c, e.data1, e.data2);
    case SYSEX: {
        std::string hex;
        for (uint32_t i = 0; i < e.sysex_size; ++i) hex += fmt::format("{}{:02X}", i ? " " : "", e.sysex[i]);
        return fmt::format("SysExEvent({}, '{}')", p, hex);
    }
    default: break;
    }
    std::string_view name = "NONE";
    for (const EventTypeName& n : event_type_names)
        if (n.single && n.mask == e.type) name = n.name;
    return fmt::format("MidiEvent({}, {}, {}, {}, {})", name, p, off, e.data1, e.data2);
}

namespace {

struct Constructor {
    std::string_view name;
    uint32_t type;
    std::vector<std::string_view> params;
    size_t required;
};

const std::vector<Constructor>& constructors() {
    static const std::vector<Constructor> list = {
        {"NoteOnEvent", NOTEON, {"port", "channel", "note", "velocity"}, 4},
        {"NoteOffEvent", NOTEOFF, {"port", "channel", "note", "velocity"}, 3},
        {"CtrlEvent", CTRL, {"port", "channel", "ctrl", "value"}, 4},
        {"ProgramEvent", PROGRAM, {"port", "channel", "program"}, 3},
        {"PitchbendEvent", PITCHBEND, {"port", "channel", "value"}, 3},
        {"AftertouchEvent", AFTERTOUCH, {"port", "channel", "value"}, 3},
        {"PolyAftertouchEvent", POLY_AFTERTOUCH, {"port", "channel", "note", "value"}, 4},
        {"SysExEvent", SYSEX, {"port", "sysex"}, 2},
        {"MidiEvent", 0, {"type", "port", "channel", "data1", "data2"}, 3},
    };
    return list;
}

struct Arg {
    enum class Kind { Int, Str, Name } kind = Kind::Int;
    int64_t i = 0;
    std::string s;
    uint32_t column = 0;
};

class Scanner {
public:
    explicit Scanner(std::string_view t) : t_(t) {}
    void skip_space() {
        while (pos_ < t_.size() && (t_[pos_] == ' ' || t_[pos_] == '\t' || t_[pos_] == '\r')) ++pos_;
    }
    bool at_end() {
        skip_space();
        return pos_ >= t_.size() || t_[pos_] == '#';
    }
    bool eat(char c) {
        skip_space();
        if (pos_ < t_.size() && t_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    char peek() {
        skip_space();
        return pos_ < t_.size() ? t_[pos_] : '\0';
    }
    std::string_view name() {
        skip_space();
        size_t b = pos_;
        while (pos_ < t_.size() && (std::isalnum(static_cast<unsigned char>(t_[pos_])) || t_[pos_] == '_')) ++pos_;
        return t_.substr(b, pos_ - b);
    }
    uint32_t column() { return static_cast<uint32_t>(pos_ + 1); }
    size_t pos() const { return pos_; }
    std::string_view text() const { return t_; }
    void advance(size_t n) { pos_ += n; }
    void rewind(size_t pos) { pos_ = pos; }

private:
    std::string_view t_;
    size_t pos_ = 0;
};

// One argument's value: a quoted string, a name, or an integer (decimal or 0x hex, maybe negative).
// Returns "" or what is wrong (at a.column).
std::string read_value(Scanner& sc, Arg& a) {
    a.column = sc.column();
    char c = sc.peek();
    if (c == '\'' || c == '"') {
        size_t start = sc.pos() + 1;
        size_t end = sc.text().find(c, start);
        if (end == std::string_view::npos) return "unterminated string";
        a.kind = Arg::Kind::Str;
        a.s = std::string(sc.text().substr(start, end - start));
        sc.rewind(end + 1);
        return {};
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        a.kind = Arg::Kind::Name;
        a.s = std::string(sc.name());
        return {};
    }
    std::string_view rest = sc.text().substr(sc.pos());
    bool neg = !rest.empty() && rest[0] == '-';
    size_t i = neg ? 1 : 0;
    int base = 10;
    if (rest.size() > i + 1 && rest[i] == '0' && (rest[i + 1] == 'x' || rest[i + 1] == 'X')) {
        base = 16;
        i += 2;
    }
    // from_chars would take another '-': the digits must start right here
    if (i >= rest.size() || !std::isxdigit(static_cast<unsigned char>(rest[i])) || (base == 10 && !std::isdigit(static_cast<unsigned char>(rest[i]))))
        return "expected a number, a string or a name";
    int64_t v = 0;
    auto [p, ec] = std::from_chars(rest.data() + i, rest.data() + rest.size(), v, base);
    if (ec == std::errc::result_out_of_range) return "the number is too large";
    if (ec != std::errc()) return "expected a number, a string or a name";
    if (p < rest.data() + rest.size() && (std::isalnum(static_cast<unsigned char>(*p)) || *p == '.')) return "expected an integer";
    a.kind = Arg::Kind::Int;
    a.i = neg ? -v : v;
    sc.advance(static_cast<size_t>(p - rest.data()));
    return {};
}

}  // namespace

ParsedLine parse_event_line(std::string_view line, const TextFormat& f) {
    ParsedLine out;
    Scanner sc(line);
    auto fail = [&](uint32_t col, std::string msg) {
        out.empty = false;
        out.error = std::move(msg);
        out.column = col;
        return out;
    };
    if (sc.at_end()) return out;
    out.empty = false;
    if (sc.eat('@')) {
        uint32_t col = sc.column();
        std::string_view rest = sc.text().substr(sc.pos());
        size_t n = 0;
        while (n < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[n])) || rest[n] == '.')) ++n;
        double t = 0;
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + n, t);
        if (n == 0 || ec != std::errc() || p != rest.data() + n || !std::isfinite(t)) return fail(col, "expected a time in seconds after '@'");
        out.time = t;
        sc.advance(n);
    }
    uint32_t name_col = sc.column();
    std::string_view name = sc.name();
    const Constructor* ctor = nullptr;
    for (const Constructor& c : constructors())
        if (c.name == name) ctor = &c;
    if (!ctor) return fail(name_col, name.empty() ? "expected an event, e.g. NoteOnEvent(1, 1, 60, 100)" : fmt::format("unknown event '{}'", name));
    if (!sc.eat('(')) return fail(sc.column(), "expected '(' after the event name");
    std::vector<std::optional<Arg>> args(ctor->params.size());
    size_t positional = 0;
    bool keywords = false;
    if (!sc.eat(')')) {
        for (;;) {
            Arg a;
            std::string_view keyword;
            if (std::isalpha(static_cast<unsigned char>(sc.peek())) || sc.peek() == '_') {
                size_t before = sc.pos();
                std::string_view word = sc.name();
                if (sc.eat('=')) keyword = word;
                else sc.rewind(before);
            }
            if (std::string err = read_value(sc, a); !err.empty()) return fail(a.column, err);
            if (!keyword.empty()) {
                keywords = true;
                auto it = std::find(ctor->params.begin(), ctor->params.end(), keyword);
                if (it == ctor->params.end()) return fail(a.column, fmt::format("{} has no argument '{}'", ctor->name, keyword));
                size_t k = static_cast<size_t>(it - ctor->params.begin());
                if (args[k]) return fail(a.column, fmt::format("argument '{}' given twice", keyword));
                args[k] = a;
            } else {
                if (keywords) return fail(a.column, "a positional argument after keyword arguments");
                if (positional >= args.size()) return fail(a.column, fmt::format("{} takes at most {} arguments", ctor->name, args.size()));
                args[positional++] = a;
            }
            if (sc.eat(')')) break;
            if (!sc.eat(',')) return fail(sc.column(), "expected ',' or ')'");
        }
    }
    if (!sc.at_end()) return fail(sc.column(), "unexpected text after the event");
    for (size_t k = 0; k < ctor->required; ++k)
        if (!args[k]) return fail(name_col, fmt::format("{} needs '{}'", ctor->name, ctor->params[k]));

    Event& e = out.event;
    e.type = ctor->type;
    std::string err;
    uint32_t err_col = 0;
    auto number = [&](size_t k, int64_t lo, int64_t hi, std::string_view what, int64_t def = 0) -> int32_t {
        if (!args[k]) return static_cast<int32_t>(def);
        const Arg& a = *args[k];
        if (a.kind != Arg::Kind::Int) {
            if (err.empty()) { err = fmt::format("{} must be a number", what); err_col = a.column; }
            return 0;
        }
        if (a.i < lo || a.i > hi) {
            if (err.empty()) { err = fmt::format("{} {} is out of range {}..{}", what, a.i, lo, hi); err_col = a.column; }
            return 0;
        }
        return static_cast<int32_t>(a.i);
    };
    auto note = [&](size_t k, std::string_view what) -> int32_t {
        if (args[k] && args[k]->kind == Arg::Kind::Str) {
            auto n = engine::parse_note_name(args[k]->s, f.octave_offset);
            if ((!n || *n < 0 || *n > 127) && err.empty()) {
                err = n ? fmt::format("note '{}' is {}, outside 0..127", args[k]->s, *n) : fmt::format("'{}' is not a note name", args[k]->s);
                err_col = args[k]->column;
            }
            return n.value_or(0);
        }
        return number(k, 0, 127, what);
    };
    int off = f.data_offset;
    size_t first = ctor->type == 0 ? 1 : 0;  // MidiEvent: type first
    // port: a number or a configured input port name
    if (args[first] && args[first]->kind == Arg::Kind::Str) {
        auto it = std::find(f.in_ports.begin(), f.in_ports.end(), args[first]->s);
        if (it == f.in_ports.end() || args[first]->s.empty()) return fail(args[first]->column, fmt::format("no input port is named '{}'", args[first]->s));
        e.port = static_cast<int32_t>(it - f.in_ports.begin());
    } else {
        e.port = number(first, off, static_cast<int64_t>(f.in_ports.size()) - 1 + off, "port") - off;
    }
    if (ctor->type == SYSEX) {
        const auto& a = args[1];
        if (a->kind != Arg::Kind::Str) return fail(a->column, "SysEx data is a string of hex bytes, e.g. 'F0 7E 7F 06 01 F7'");
        std::string hex;
        for (char ch : a->s)
            if (!std::isspace(static_cast<unsigned char>(ch)) && ch != ',') hex += ch;
        if (hex.size() % 2) return fail(a->column, "SysEx data has an odd number of hex digits");
        for (size_t i = 0; i < hex.size(); i += 2) {
            unsigned v = 0;
            auto [p, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
            if (ec != std::errc() || p != hex.data() + i + 2) return fail(a->column, "SysEx data must be hex bytes");
            out.sysex.push_back(static_cast<uint8_t>(v));
        }
        if (out.sysex.size() < 2 || out.sysex.front() != 0xF0 || out.sysex.back() != 0xF7)
            return fail(a->column, "SysEx data must start with F0 and end with F7");
        for (size_t i = 1; i + 1 < out.sysex.size(); ++i)
            if (out.sysex[i] > 0x7F) return fail(a->column, fmt::format("SysEx data byte {:02X} is above 7F", out.sysex[i]));
        e.sysex = out.sysex.data();
        e.sysex_size = static_cast<uint32_t>(out.sysex.size());
    } else if (ctor->type == 0) {
        const Arg& t = *args[0];
        uint32_t type = 0;
        for (const EventTypeName& n : event_type_names)
            if (n.single && t.kind == Arg::Kind::Name && n.name == t.s && n.mask != DUMMY) type = n.mask;
        if (!type) return fail(t.column, "MidiEvent's type is one event type, e.g. SYSRT_CLOCK");
        if (!(type & (SYSCM | SYSRT)))
            return fail(t.column, "MidiEvent is for system common and realtime events; write NoteOnEvent(...), CtrlEvent(...), ...");
        e.type = type;
        number(2, off, 15 + off, "channel");  // printed as data_offset, ignored
        e.channel = 0;
        e.data1 = number(3, 0, 127, "data1");
        e.data2 = number(4, 0, 127, "data2");
        if (type == SYSEX) return fail(t.column, "write SysEx as SysExEvent(port, 'F0 ... F7')");
    } else {
        e.channel = number(1, off, 15 + off, "channel") - off;
        switch (ctor->type) {
        case NOTEON: case NOTEOFF:
            e.data1 = note(2, "note");
            e.data2 = number(3, 0, 127, "velocity");
            break;
        case CTRL:
            e.data1 = number(2, 0, 127, "controller");
            e.data2 = number(3, 0, 127, "value");
            break;
        case PROGRAM: e.data2 = number(2, off, 127 + off, "program") - off; break;
        case PITCHBEND: e.data2 = number(2, -8192, 8191, "pitch bend value"); break;
        case AFTERTOUCH: e.data2 = number(2, 0, 127, "value"); break;
        case POLY_AFTERTOUCH:
            e.data1 = note(2, "note");
            e.data2 = number(3, 0, 127, "value");
            break;
        }
    }
    if (!err.empty()) return fail(err_col, err);
    if (out.time) e.frame = static_cast<uint64_t>(std::llround(*out.time * 1e9));
    return out;
}

}  // namespace mdc::drivers
