// PEGTL actions that build the typed AST from grammar.hpp, error messages for every commit point,
// and the statement loop that parses one statement at a time and recovers after a syntax error.
#include "parse.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "grammar.hpp"

namespace mdc {
namespace {

namespace g = grammar;
namespace pegtl = tao::pegtl;
using namespace ast;

// ---- parser state -----------------------------------------------------------------------

// One open bracket: a display, call, subscript or parameter list being parsed.
struct Frame {
    enum class Item { Plain, Pair, Keyword };
    size_t stack_base;                 // expression stack size when the bracket opened
    const char* open;                  // the bracket character
    std::vector<Item> items;
    bool comma = false;
    bool pending_pair = false;         // the current dict entry had `: value`
    bool pending_keyword = false;      // the current call argument was `name=value`
    std::string kw_name;
    Span kw_span;
    std::vector<Keyword> keywords;
    struct Clause { bool is_for; std::vector<std::string> targets; Span target_span; };
    std::vector<Clause> clauses;       // comprehension clauses, in order
    int slice_colons = 0;
    bool saw_double_star = false;      // a `**mapping` argument came already
};

using AnyOp = std::variant<BinOp, UnOp, CmpOp, bool /* and/or: true = and */>;

struct State {
    const char* base;  // the first byte of the file
    uint32_t file;
    unsigned max_depth;
    unsigned depth = 0;
    DiagSink& diags;
    const char* string_start = nullptr;  // where the string being parsed began

    std::vector<ExprPtr> stack;
    std::vector<Frame> frames;
    std::vector<AnyOp> ops;
    std::vector<std::string> str_parts;
    bool str_bytes = false;
    std::vector<size_t> top_bases;

    // statement pieces
    std::vector<Stmt>* out;
    std::string dotted;
    Span dotted_span;
    std::string alias;
    std::vector<ImportName> import_names;
    std::string from_module;
    Span from_module_span;
    bool from_is_star = false;
    std::vector<std::string> assign_targets;
    std::vector<Span> assign_spans;
    std::optional<BinOp> aug;
    std::vector<ChannelRef> refs;
    MapDir map_dir = MapDir::Left;
    Span map_op_span;
    std::string def_name;
    Span def_name_span;
    std::vector<Param> params;

    Span span(const char* b, const char* e) const {
        return {file, static_cast<uint32_t>(b - base), static_cast<uint32_t>(e - base)};
    }
    ExprPtr pop() {
        ExprPtr e = std::move(stack.back());
        stack.pop_back();
        return e;
    }
    void reset_expr_state() {
        stack.clear();
        frames.clear();
        ops.clear();
        str_parts.clear();
        str_bytes = false;
        top_bases.clear();
        depth = 0;
        import_names.clear();
        alias.clear();
        from_is_star = false;
        assign_targets.clear();
        assign_spans.clear();
        aug.reset();
        refs.clear();
        params.clear();
    }
};

// The deepest expression the parser builds: long operator chains (`a + b + ...`) and trailers
// (`f()()...`) nest without brackets, and everything after the parser recurses over the tree.
constexpr uint32_t max_expr_depth = 400;

void set_display_depth(Expr& e);

// Skips the separator that every token rule matches before itself, so spans start at the token.
const char* skip_space(const char* p, const char* e) {
    while (p < e) {
        if (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\r' || *p == '\n') ++p;
        else if (*p == '\\' && p + 1 < e && p[1] == '\n') p += 2;
        else if (*p == '\\' && p + 2 < e && p[1] == '\r' && p[2] == '\n') p += 3;
        else if (*p == '#') { while (p < e && *p != '\n') ++p; }
        else break;
    }
    return p;
}

template <class In> Span token_span(const State& st, const In& in) {
    return st.span(skip_space(in.begin(), in.end()), in.end());
}


// ---- error messages at commit points (must<>) ----------------------------------------------

template <class Rule> constexpr const char* error_message = nullptr;

template <class S> constexpr const char* error_message<g::expr<S>> = "expected an expression";
template <class S> constexpr const char* error_message<g::or_test<S>> = "expected an expression";
template <class S> constexpr const char* error_message<g::and_test<S>> = "expected an expression after 'or'";
template <class S> constexpr const char* error_message<g::not_test<S>> = "expected an expression";
template <class S> constexpr const char* error_message<g::bor<S>> = "expected an expression after the comparison";
template <class S> constexpr const char* error_message<g::bxor<S>> = "expected an expression after '|'";
template <class S> constexpr const char* error_message<g::band<S>> = "expected an expression after '^'";
template <class S> constexpr const char* error_message<g::shift<S>> = "expected an expression after '&'";
template <class S> constexpr const char* error_message<g::arith<S>> = "expected an expression after the shift operator";
template <class S> constexpr const char* error_message<g::term<S>> = "expected an expression after the operator";
template <class S> constexpr const char* error_message<g::factor<S>> = "expected an expression after the operator";
template <class S> constexpr const char* error_message<g::else_kw<S>> = "expected 'else' in the conditional expression";
template <> constexpr const char* error_message<g::close_paren> = "expected ',' or ')'";
template <> constexpr const char* error_message<g::close_bracket> = "expected ',' or ']'";
template <> constexpr const char* error_message<g::close_brace> = "expected ',' or '}'";
template <> constexpr const char* error_message<g::comp_targets> = "expected a name after 'for'";
template <> constexpr const char* error_message<g::comp_in_kw> = "expected 'in' in the comprehension";
template <> constexpr const char* error_message<g::subscript_list> = "expected an index or a slice";
template <> constexpr const char* error_message<g::ns> = "expected a name after '.'";
template <> constexpr const char* error_message<g::attr_name> = "expected a name after '.'";
template <> constexpr const char* error_message<pegtl::one<'"'>> = "unterminated string";
template <> constexpr const char* error_message<pegtl::one<'\''>> = "unterminated string";
template <> constexpr const char* error_message<g::str_triple_end<'"'>> = "unterminated triple-quoted string";
template <> constexpr const char* error_message<g::str_triple_end<'\''>> = "unterminated triple-quoted string";
template <> constexpr const char* error_message<g::import_item> = "expected a module name after 'import'";
template <> constexpr const char* error_message<g::alias_name> = "expected a name after 'as'";
template <> constexpr const char* error_message<g::from_module_name> = "expected a module name after 'from'";
template <> constexpr const char* error_message<g::from_import_kw> = "expected 'import'";
template <> constexpr const char* error_message<g::from_items> = "expected names or '*' after 'import'";
template <> constexpr const char* error_message<g::def_name> = "expected a name after 'def'";
template <> constexpr const char* error_message<g::hs> = "expected '(' after the macro's name";
template <> constexpr const char* error_message<g::param_list> = "expected '(' after the macro's name";
template <> constexpr const char* error_message<g::def_colon> = "expected ':' after the parameter list";
template <> constexpr const char* error_message<g::top_expr> = "expected an expression";
template <> constexpr const char* error_message<g::end_of_line> = "expected end of line";

struct SyntaxError;
[[noreturn]] void too_deep(const char* at);

struct SyntaxError {
    const char* at;
    std::string message;
    const char* note_at = nullptr;
    std::string note;
    bool rest_of_file = false;  // the error swallows the rest of the file (an unterminated triple-quoted string)
};

[[noreturn]] void too_deep(const char* at) {
    throw SyntaxError{at, fmt::format("expression is nested too deeply (more than {} levels)", max_expr_depth)};
}

void check_depth(const ExprPtr& e, const char* at) {
    if (e->depth > max_expr_depth) too_deep(at);
}

// What the parser sees at p, for messages: a name, a number, a quoted character, or the end.
std::string describe_token(const char* p, const char* e) {
    if (p >= e) return "end of file";
    if (*p == '\n' || *p == '\r') return "end of line";
    auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (c & 0x80); };
    if (ident(*p)) {
        const char* q = p;
        while (q < e && ident(*q)) ++q;
        return fmt::format("'{}'", std::string_view(p, static_cast<size_t>(q - p)));
    }
    return fmt::format("'{}'", *p);
}

// The opening quote of the string whose end is missing at `end`: the nearest unescaped quote
// character before it (the body cannot hold one).
const char* opening_quote(const char* base, const char* end) {
    for (const char* p = end; p > base;) {
        --p;
        if (*p != '\'' && *p != '"') continue;
        const char* b = p;
        while (b > base && b[-1] == '\\') --b;
        if ((p - b) % 2 == 0) {  // not escaped; step back over the quotes of a triple quote
            while (p > base && p[-1] == *p) --p;
            while (p > base && std::isalpha(static_cast<unsigned char>(p[-1]))) --p;  // prefix
            return p;
        }
    }
    return end;
}

template <class Rule>
struct control : pegtl::normal<Rule> {
    template <class In, class... States>
    [[noreturn]] static void raise(const In& in, State& st) {
        static_assert(error_message<Rule> != nullptr, "every commit point needs an error message");
        // Outside brackets a newline ends the statement, so the problem is on this line.
        const char* at = in.current();
        while (at < in.end() && (*at == ' ' || *at == '\t' || *at == '\f')) ++at;
        if (!st.frames.empty()) at = skip_space(at, in.end());
        SyntaxError err{at, error_message<Rule>};
        constexpr bool string_end = std::is_same_v<Rule, pegtl::one<'"'>> || std::is_same_v<Rule, pegtl::one<'\''>> ||
                                    std::is_same_v<Rule, g::str_triple_end<'"'>> || std::is_same_v<Rule, g::str_triple_end<'\''>>;
        if constexpr (std::is_same_v<Rule, g::str_triple_end<'"'>> || std::is_same_v<Rule, g::str_triple_end<'\''>>) {
            err.at = st.string_start ? st.string_start : in.current();
            err.rest_of_file = true;
            throw err;
        }
        if constexpr (string_end) {
            err.at = opening_quote(st.base, in.current());
            throw err;
        }
        bool closing = std::is_same_v<Rule, g::close_paren> || std::is_same_v<Rule, g::close_bracket> ||
                       std::is_same_v<Rule, g::close_brace>;
        if (closing && !st.frames.empty()) {
            const char* open = st.frames.back().open;
            if (at >= in.end()) {
                err = {open, fmt::format("'{}' was never closed", *open)};
            } else {
                err.message += fmt::format(", found {}", describe_token(at, in.end()));
                err.note_at = open;
                err.note = fmt::format("to match this '{}'", *open);
            }
        } else if constexpr (std::is_same_v<Rule, g::end_of_line>) {
            err.message = fmt::format("unexpected {} after the statement", describe_token(at, in.end()));
        } else {
            err.message += fmt::format(", found {}", describe_token(at, in.end()));
        }
        throw err;
    }

    // Bounded nesting, so no input can exhaust the stack.
    template <class In>
    static void start(const In& in, State& st) {
        if constexpr (std::is_same_v<Rule, g::string_part>) st.string_start = in.current();
        if constexpr (is_nesting_rule) {
            if (++st.depth > st.max_depth)
                throw SyntaxError{skip_space(in.current(), in.end()),
                                  fmt::format("expression nested too deeply (more than {} levels)", st.max_depth)};
        }
    }
    template <class In> static void success(const In&, State& st) {
        if constexpr (is_nesting_rule) --st.depth;
    }
    template <class In> static void failure(const In&, State& st) {
        if constexpr (is_nesting_rule) --st.depth;
    }

    static constexpr bool is_nesting_rule =
        std::is_same_v<Rule, g::factor<g::hs>> || std::is_same_v<Rule, g::factor<g::ns>> ||
        std::is_same_v<Rule, g::not_test<g::hs>> || std::is_same_v<Rule, g::not_test<g::ns>>;
};

// ---- literal decoding -------------------------------------------------------------------

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
    else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Decodes one string literal (prefix and quotes included). Python's escapes; raw strings keep them.
void decode_string(State& st, const char* b, const char* e) {
    bool raw = false, bytes = false, fstr = false;
    const char* p = b;
    while (p < e && *p != '\'' && *p != '"') {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(*p)));
        raw |= c == 'r';
        bytes |= c == 'b';
        fstr |= c == 'f';
        ++p;
    }
    if (fstr)
        st.diags.error(st.span(b, e), "f-strings are evaluated at run time, which a patch never does")
            .with_help("build the string in a Python module, or inside a lambda");
    if (!st.str_parts.empty() && st.str_bytes != bytes)
        st.diags.error(st.span(b, e), "cannot mix bytes and str literals").note("Python does not join b'...' and '...' either");
    st.str_bytes = bytes;
    size_t q = (e - p >= 6 && p[0] == p[1] && p[1] == p[2]) ? 3 : 1;
    const char* s = p + q;
    const char* end = e - q;
    std::string out;
    while (s < end) {
        if (*s != '\\' || raw) {
            out += *s++;
            continue;
        }
        const char* esc = s;
        ++s;
        char c = *s++;
        switch (c) {
        case '\n': break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'v': out += '\v'; break;
        case 'x': case 'u': case 'U': {
            int n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            uint32_t cp = 0;
            int got = 0;
            while (got < n && s < end && std::isxdigit(static_cast<unsigned char>(*s))) {
                cp = cp * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(*s)) ? *s - '0' : (std::tolower(*s) - 'a' + 10));
                ++s, ++got;
            }
            if (got != n || (c != 'x' && bytes) || cp > 0x10FFFF) {
                st.diags.error(st.span(esc, s), fmt::format("invalid \\{} escape in a string", c))
                    .note(c == 'x' ? "'\\x' takes exactly two hex digits" : "'\\u' takes 4 hex digits, '\\U' takes 8");
                break;
            }
            if (c == 'x' && bytes) out += static_cast<char>(cp);
            else append_utf8(out, cp);
            break;
        }
        default:
            if (c >= '0' && c <= '7') {
                uint32_t cp = static_cast<uint32_t>(c - '0');
                for (int i = 0; i < 2 && s < end && *s >= '0' && *s <= '7'; ++i) cp = cp * 8 + static_cast<uint32_t>(*s++ - '0');
                if (bytes) out += static_cast<char>(cp & 0xFF);
                else append_utf8(out, cp);
            } else {
                out += '\\';  // Python keeps unknown escapes as written
                out += c;
            }
        }
    }
    st.str_parts.push_back(std::move(out));
}

void decode_number(State& st, const char* b, const char* e) {
    std::string text;
    for (const char* p = b; p < e; ++p)
        if (*p != '_') text += *p;
    Span sp = st.span(b, e);
    bool is_float = text.find_first_of(".eE") != std::string::npos && !(text.size() > 1 && (text[1] == 'x' || text[1] == 'X'));
    if (is_float) {
        double v = std::strtod(text.c_str(), nullptr);
        st.stack.push_back(make(sp, FloatLit{v}));
        return;
    }
    int base = 10;
    std::string_view digits = text;
    if (text.size() > 1 && text[0] == '0' && std::isalpha(static_cast<unsigned char>(text[1]))) {
        char k = static_cast<char>(std::tolower(static_cast<unsigned char>(text[1])));
        base = k == 'x' ? 16 : k == 'o' ? 8 : 2;
        digits.remove_prefix(2);
    } else if (text.size() > 1 && text[0] == '0' && text.find_first_not_of('0') != std::string::npos) {
        st.diags.error(sp, "leading zeros in a decimal integer are not allowed")
            .with_help(fmt::format("write {} (or 0o{} for an octal number)", text.substr(text.find_first_not_of('0')), text.substr(1)));
    }
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v, base);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
        st.diags.error(sp, "integer literal is too large").note("values in a patch fit in 64 bits");
        v = 0;
    }
    st.stack.push_back(make(sp, IntLit{v}));
}

// ---- actions ----------------------------------------------------------------------------

template <class Rule> struct action : pegtl::nothing<Rule> {};

template <class S> struct action<g::name_atom<S>> {
    template <class In> static void apply(const In& in, State& st) {
        Span sp = token_span(st, in);
        st.stack.push_back(make(sp, Name{std::string(in.end() - (sp.end - sp.begin), in.end())}));
    }
};
template <class S> struct action<g::number_atom<S>> {
    template <class In> static void apply(const In& in, State& st) {
        decode_number(st, skip_space(in.begin(), in.end()), in.end());
    }
};
template <> struct action<g::string_part> {
    template <class In> static void apply(const In& in, State& st) { decode_string(st, in.begin(), in.end()); }
};
template <class S> struct action<g::string_atom<S>> {
    template <class In> static void apply(const In& in, State& st) {
        std::string all;
        for (auto& s : st.str_parts) all += s;
        st.str_parts.clear();
        st.stack.push_back(make(token_span(st, in), StrLit{std::move(all), st.str_bytes}));
        st.str_bytes = false;
    }
};
template <class S> struct action<g::none_atom<S>> {
    template <class In> static void apply(const In& in, State& st) { st.stack.push_back(make(token_span(st, in), NoneLit{})); }
};
template <class S> struct action<g::true_atom<S>> {
    template <class In> static void apply(const In& in, State& st) { st.stack.push_back(make(token_span(st, in), BoolLit{true})); }
};
template <class S> struct action<g::false_atom<S>> {
    template <class In> static void apply(const In& in, State& st) { st.stack.push_back(make(token_span(st, in), BoolLit{false})); }
};
template <class S> struct action<g::ellipsis_atom<S>> {
    template <class In> static void apply(const In& in, State& st) { st.stack.push_back(make(token_span(st, in), Ellipsis{})); }
};

template <class S> struct action<g::lambda_expr<S>> {
    template <class In> static void apply(const In& in, State& st) {
        Span sp = token_span(st, in);
        std::string src(in.end() - (sp.end - sp.begin), in.end());
        while (!src.empty() && (src.back() == ' ' || src.back() == '\t' || src.back() == '\n' || src.back() == '\r')) {
            src.pop_back();
            --sp.end;
        }
        // Parameter names: between 'lambda' and the first ':' outside brackets.
        Lambda lam{src, {}};
        size_t colon = src.find(':');
        std::string params = src.substr(6, colon == std::string::npos ? std::string::npos : colon - 6);
        std::string cur;
        for (char c : params + ",") {
            if (c == ',' || c == '=') {
                size_t b = cur.find_first_not_of(" \t\n*"), e = cur.find_last_not_of(" \t\n");
                if (b != std::string::npos && !cur.empty()) lam.params.push_back(cur.substr(b, e - b + 1));
                cur.clear();
                if (c == '=') cur = "\x01";  // skip the default value
            } else if (cur != "\x01") {
                cur += c;
            }
        }
        st.stack.push_back(make(sp, std::move(lam)));
    }
};

// Brackets open a frame.
template <class In> void open_frame(const In& in, State& st) {
    st.frames.push_back(Frame{st.stack.size(), in.begin()});
}
template <> struct action<g::open_paren> { template <class In> static void apply(const In& in, State& st) { open_frame(in, st); } };
template <> struct action<g::open_bracket> { template <class In> static void apply(const In& in, State& st) { open_frame(in, st); } };
template <> struct action<g::open_brace> { template <class In> static void apply(const In& in, State& st) { open_frame(in, st); } };
template <> struct action<g::display_comma> {
    template <class In> static void apply(const In&, State& st) { st.frames.back().comma = true; }
};

template <> struct action<g::starred_item> {
    template <class In> static void apply(const In& in, State& st) {
        ExprPtr v = st.pop();
        st.stack.push_back(make(token_span(st, in), Starred{std::move(v), false}));
    }
};
template <> struct action<g::dstarred_item> {
    template <class In> static void apply(const In& in, State& st) {
        ExprPtr v = st.pop();
        st.stack.push_back(make(token_span(st, in), Starred{std::move(v), true}));
    }
};
template <> struct action<g::paren_item> {
    template <class In> static void apply(const In&, State& st) { st.frames.back().items.push_back(Frame::Item::Plain); }
};
template <> struct action<g::list_item> {
    template <class In> static void apply(const In&, State& st) { st.frames.back().items.push_back(Frame::Item::Plain); }
};
template <> struct action<g::dict_value> {
    template <class In> static void apply(const In&, State& st) { st.frames.back().pending_pair = true; }
};
template <> struct action<g::dict_entry> {
    template <class In> static void apply(const In&, State& st) {
        Frame& f = st.frames.back();
        f.items.push_back(f.pending_pair ? Frame::Item::Pair : Frame::Item::Plain);
        f.pending_pair = false;
    }
};

template <> struct action<g::comp_for_kw> {
    template <class In> static void apply(const In&, State& st) { st.frames.back().clauses.push_back({true, {}, {}}); }
};
template <> struct action<g::comp_target_name> {
    template <class In> static void apply(const In& in, State& st) {
        Span sp = token_span(st, in);
        auto& c = st.frames.back().clauses.back();
        c.targets.emplace_back(in.end() - (sp.end - sp.begin), in.end());
        c.target_span = Span::join(c.target_span, sp);
    }
};
template <> struct action<g::comp_if_kw> {
    template <class In> static void apply(const In&, State& st) { st.frames.back().clauses.push_back({false, {}, {}}); }
};

// Pops the comprehension clauses of a frame off the stack (after the element), in order.
std::vector<CompFor> take_clauses(State& st, Frame& f, size_t first_clause_expr) {
    std::vector<CompFor> fors;
    size_t i = first_clause_expr;
    for (auto& c : f.clauses) {
        ExprPtr e = std::move(st.stack[i++]);
        if (c.is_for) fors.push_back(CompFor{c.targets, c.target_span, std::move(e), {}});
        else fors.back().conds.push_back(std::move(e));
    }
    return fors;
}

Frame close_frame(State& st) {
    Frame f = std::move(st.frames.back());
    st.frames.pop_back();
    return f;
}

template <> struct action<g::paren_atom> {
    template <class In> static void apply(const In& in, State& st) {
        Frame f = close_frame(st);
        Span sp = st.span(in.begin(), in.end());
        size_t n = st.stack.size() - f.stack_base;
        ExprPtr result;
        if (!f.clauses.empty()) {
            ExprPtr elem = std::move(st.stack[f.stack_base]);
            auto fors = take_clauses(st, f, f.stack_base + 1);
            result = make(sp, ListComp{std::move(elem), std::move(fors), true});
        } else if (n == 1 && !f.comma) {
            result = std::move(st.stack[f.stack_base]);
            if (!result->as<Starred>()) result->span = sp;  // a parenthesised expression spans its parens
            result->parenthesized = true;
        } else {
            TupleExpr t;
            for (size_t i = f.stack_base; i < st.stack.size(); ++i) t.items.push_back(std::move(st.stack[i]));
            result = make(sp, std::move(t));
        }
        st.stack.resize(f.stack_base);
        set_display_depth(*result);
        check_depth(result, in.begin());
        st.stack.push_back(std::move(result));
    }
};

// A display or comprehension is one level deeper than its deepest item (items were already
// checked; the count of bracket levels is bounded separately).
void set_display_depth(Expr& e) {
    uint32_t d = 0;
    std::visit([&](const auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, ListExpr> || std::is_same_v<T, TupleExpr> || std::is_same_v<T, SetExpr>)
            for (const ExprPtr& x : n.items) d = std::max(d, x->depth);
        else if constexpr (std::is_same_v<T, DictExpr>)
            for (const DictItem& x : n.items) d = std::max({d, x.key ? x.key->depth : 0u, x.value->depth});
        else if constexpr (std::is_same_v<T, ListComp>) d = n.element->depth;
        else if constexpr (std::is_same_v<T, DictComp>) d = std::max(n.key->depth, n.value->depth);
        else d = e.depth - 1;
    }, e.node);
    e.depth = std::max(e.depth, d + 1);
}

template <> struct action<g::list_atom> {
    template <class In> static void apply(const In& in, State& st) {
        Frame f = close_frame(st);
        Span sp = st.span(in.begin(), in.end());
        ExprPtr result;
        if (!f.clauses.empty()) {
            ExprPtr elem = std::move(st.stack[f.stack_base]);
            auto fors = take_clauses(st, f, f.stack_base + 1);
            result = make(sp, ListComp{std::move(elem), std::move(fors), false});
        } else {
            ListExpr l;
            for (size_t i = f.stack_base; i < st.stack.size(); ++i) l.items.push_back(std::move(st.stack[i]));
            result = make(sp, std::move(l));
        }
        st.stack.resize(f.stack_base);
        set_display_depth(*result);
        check_depth(result, in.begin());
        st.stack.push_back(std::move(result));
    }
};

template <> struct action<g::dict_atom> {
    template <class In> static void apply(const In& in, State& st) {
        Frame f = close_frame(st);
        Span sp = st.span(in.begin(), in.end());
        ExprPtr result;
        bool any_pair = false, any_plain = false;
        size_t i = f.stack_base;
        for (auto item : f.items) {
            bool dstar = st.stack[i]->as<Starred>() && st.stack[i]->as<Starred>()->double_star;
            if (item == Frame::Item::Pair || dstar) any_pair = true;
            else any_plain = true;
            i += item == Frame::Item::Pair ? 2 : 1;
        }
        if (any_pair && any_plain) {
            st.diags.error(sp, "a display mixes 'key: value' entries with plain values")
                .note("a dict needs 'key: value' for every entry");
        }
        if (!f.clauses.empty()) {
            if (f.items.front() == Frame::Item::Pair) {
                ExprPtr k = std::move(st.stack[f.stack_base]);
                ExprPtr v = std::move(st.stack[f.stack_base + 1]);
                auto fors = take_clauses(st, f, f.stack_base + 2);
                result = make(sp, DictComp{std::move(k), std::move(v), std::move(fors)});
            } else {
                st.diags.error(sp, "set comprehensions have no meaning in a patch").with_help("use a list: [...]");
                result = make(sp, ListExpr{});
            }
        } else if (any_plain && !any_pair) {
            SetExpr s;
            for (size_t j = f.stack_base; j < st.stack.size(); ++j) s.items.push_back(std::move(st.stack[j]));
            result = make(sp, std::move(s));
        } else {
            DictExpr d;
            size_t j = f.stack_base;
            for (auto item : f.items) {
                if (item == Frame::Item::Pair) {
                    d.items.push_back(DictItem{std::move(st.stack[j]), std::move(st.stack[j + 1])});
                    j += 2;
                } else {
                    ExprPtr e = std::move(st.stack[j++]);
                    if (auto* s = e->as<Starred>(); s && s->double_star) d.items.push_back(DictItem{nullptr, std::move(e)});
                }
            }
            result = make(sp, std::move(d));
        }
        st.stack.resize(f.stack_base);
        set_display_depth(*result);
        check_depth(result, in.begin());
        st.stack.push_back(std::move(result));
    }
};

template <> struct action<g::kwarg_name> {
    template <class In> static void apply(const In& in, State& st) {
        Frame& f = st.frames.back();
        f.kw_name = in.string();
        f.kw_span = st.span(in.begin(), in.end());
    }
};
template <> struct action<g::keyword_arg> {
    template <class In> static void apply(const In&, State& st) {
        Frame& f = st.frames.back();
        ExprPtr v = std::move(st.stack.back());
        st.stack.pop_back();
        f.keywords.push_back(Keyword{f.kw_name, f.kw_span, std::move(v)});
        f.pending_keyword = true;
    }
};
template <> struct action<g::call_arg> {
    template <class In> static void apply(const In&, State& st) {
        Frame& f = st.frames.back();
        if (f.pending_keyword) {
            f.pending_keyword = false;
            f.items.push_back(Frame::Item::Keyword);
            return;
        }
        const Starred* star = st.stack.back()->as<Starred>();
        if (!f.keywords.empty() && !star)
            st.diags.error(st.stack.back()->span, "positional argument follows keyword argument")
                .note("keyword arguments must come after all positional ones", f.keywords.back().name_span);
        else if (f.saw_double_star && !(star && star->double_star))
            st.diags.error(st.stack.back()->span, "positional argument follows '**' unpacking");
        if (star && star->double_star) f.saw_double_star = true;
        f.items.push_back(Frame::Item::Plain);
    }
};
template <> struct action<g::call_trailer> {
    template <class In> static void apply(const In& in, State& st) {
        Frame f = close_frame(st);
        Call c;
        if (!f.clauses.empty() && (!f.keywords.empty() || st.stack.size() - f.stack_base != 1 + f.clauses.size() ||
                                   st.stack[f.stack_base]->as<Starred>())) {
            throw SyntaxError{in.begin(), "a generator expression must be the only argument of a call"};
        }
        if (!f.clauses.empty()) {
            ExprPtr elem = std::move(st.stack[f.stack_base]);
            Span gs = Span::join(elem->span, st.stack.back()->span);
            auto fors = take_clauses(st, f, f.stack_base + 1);
            c.args.push_back(make(gs, ListComp{std::move(elem), std::move(fors), true}));
        } else {
            for (size_t i = f.stack_base; i < st.stack.size(); ++i) c.args.push_back(std::move(st.stack[i]));
        }
        c.keywords = std::move(f.keywords);
        st.stack.resize(f.stack_base);
        c.func = st.pop();
        Span sp = Span::join(c.func->span, st.span(in.begin(), in.end()));
        uint32_t depth = c.func->depth;
        for (const ExprPtr& a : c.args) depth = std::max(depth, a->depth);
        for (const Keyword& k : c.keywords) depth = std::max(depth, k.value->depth);
        ExprPtr e = make(sp, std::move(c));
        e->depth = depth + 1;
        check_depth(e, in.begin());
        st.stack.push_back(std::move(e));
    }
};

template <> struct action<g::slice_none> {
    template <class In> static void apply(const In&, State& st) { st.stack.push_back(nullptr); }
};
template <> struct action<g::slice_colon> {
    template <class In> static void apply(const In&, State& st) { ++st.frames.back().slice_colons; }
};
template <> struct action<g::slice_expr> {
    template <class In> static void apply(const In& in, State& st) {
        Frame& f = st.frames.back();
        Slice s;
        if (f.slice_colons == 2) s.step = st.pop();
        s.upper = st.pop();
        s.lower = st.pop();
        f.slice_colons = 0;
        st.stack.push_back(make(token_span(st, in), std::move(s)));
    }
};
template <> struct action<g::subscript_item> {
    template <class In> static void apply(const In&, State& st) { st.frames.back().items.push_back(Frame::Item::Plain); }
};
template <> struct action<g::subscript_trailer> {
    template <class In> static void apply(const In& in, State& st) {
        Frame f = close_frame(st);
        Span sp = st.span(in.begin(), in.end());
        ExprPtr index;
        if (f.items.size() == 1 && !f.comma) {
            index = st.pop();
        } else {
            TupleExpr t;
            for (size_t i = f.stack_base; i < st.stack.size(); ++i) t.items.push_back(std::move(st.stack[i]));
            st.stack.resize(f.stack_base);
            index = make(sp, std::move(t));
        }
        ExprPtr value = st.pop();
        Span all = Span::join(value->span, sp);
        uint32_t depth = std::max(value->depth, index->depth) + 1;
        ExprPtr e = make(all, Subscript{std::move(value), std::move(index)});
        e->depth = depth;
        check_depth(e, in.begin());
        st.stack.push_back(std::move(e));
    }
};
template <> struct action<g::attr_name> {
    template <class In> static void apply(const In& in, State& st) {
        ExprPtr value = st.pop();
        Span name_span = st.span(in.begin(), in.end());
        Span all = Span::join(value->span, name_span);
        uint32_t depth = value->depth + 1;
        ExprPtr e = make(all, Attribute{std::move(value), in.string(), name_span});
        e->depth = depth;
        check_depth(e, in.begin());
        st.stack.push_back(std::move(e));
    }
};

// Operators push themselves; the tail rule combines operands when its right side is complete.
#define MDC_OP_ACTION(rule, value)                                                          \
    template <class S> struct action<g::rule<S>> {                                          \
        template <class In> static void apply(const In&, State& st) { st.ops.push_back(value); } \
    };
MDC_OP_ACTION(pow_op, BinOp::Pow)
MDC_OP_ACTION(op_mul, BinOp::Mul)
MDC_OP_ACTION(op_floordiv, BinOp::FloorDiv)
MDC_OP_ACTION(op_div, BinOp::Div)
MDC_OP_ACTION(op_mod, BinOp::Mod)
MDC_OP_ACTION(op_add, BinOp::Add)
MDC_OP_ACTION(op_sub, BinOp::Sub)
MDC_OP_ACTION(op_shl, BinOp::Shl)
MDC_OP_ACTION(op_shr, BinOp::Shr)
MDC_OP_ACTION(op_band, BinOp::BitAnd)
MDC_OP_ACTION(op_bxor, BinOp::BitXor)
MDC_OP_ACTION(op_bor, BinOp::BitOr)
MDC_OP_ACTION(unary_neg, UnOp::Neg)
MDC_OP_ACTION(unary_pos, UnOp::Pos)
MDC_OP_ACTION(unary_inv, UnOp::Invert)
MDC_OP_ACTION(not_kw, UnOp::Not)
MDC_OP_ACTION(cmp_eq, CmpOp::Eq)
MDC_OP_ACTION(cmp_ne, CmpOp::Ne)
MDC_OP_ACTION(cmp_le, CmpOp::Le)
MDC_OP_ACTION(cmp_ge, CmpOp::Ge)
MDC_OP_ACTION(cmp_lt, CmpOp::Lt)
MDC_OP_ACTION(cmp_gt, CmpOp::Gt)
MDC_OP_ACTION(cmp_not_in, CmpOp::NotIn)
MDC_OP_ACTION(cmp_in, CmpOp::In)
MDC_OP_ACTION(cmp_is_not, CmpOp::IsNot)
MDC_OP_ACTION(cmp_is, CmpOp::Is)
#undef MDC_OP_ACTION

void combine_binary(State& st) {
    ExprPtr right = st.pop();
    ExprPtr left = st.pop();
    BinOp op = std::get<BinOp>(st.ops.back());
    st.ops.pop_back();
    Span sp = Span::join(left->span, right->span);
    uint32_t depth = std::max(left->depth, right->depth) + 1;
    ExprPtr e = make(sp, Binary{op, std::move(left), std::move(right)});
    e->depth = depth;
    check_depth(e, st.base + sp.begin);
    st.stack.push_back(std::move(e));
}
#define MDC_BINARY_ACTION(rule)                                                   \
    template <class S> struct action<g::rule<S>> {                                \
        template <class In> static void apply(const In&, State& st) { combine_binary(st); } \
    };
MDC_BINARY_ACTION(power_tail)
MDC_BINARY_ACTION(term_tail)
MDC_BINARY_ACTION(arith_tail)
MDC_BINARY_ACTION(shift_tail)
MDC_BINARY_ACTION(band_tail)
MDC_BINARY_ACTION(bxor_tail)
MDC_BINARY_ACTION(bor_tail)
#undef MDC_BINARY_ACTION

void combine_unary(State& st, const char* op_begin, const char* op_end) {
    ExprPtr operand = st.pop();
    UnOp op = std::get<UnOp>(st.ops.back());
    st.ops.pop_back();
    Span sp = Span::join(st.span(skip_space(op_begin, op_end), op_end), operand->span);
    uint32_t depth = operand->depth + 1;
    ExprPtr e = make(sp, Unary{op, std::move(operand)});
    e->depth = depth;
    check_depth(e, st.base + sp.begin);
    st.stack.push_back(std::move(e));
}
template <class S> struct action<g::unary_expr<S>> {
    template <class In> static void apply(const In& in, State& st) { combine_unary(st, in.begin(), in.end()); }
};
template <class S> struct action<g::not_expr<S>> {
    template <class In> static void apply(const In& in, State& st) { combine_unary(st, in.begin(), in.end()); }
};

template <class S> struct action<g::comparison_tail<S>> {
    template <class In> static void apply(const In&, State& st) {
        ExprPtr right = st.pop();
        ExprPtr left = st.pop();
        CmpOp op = std::get<CmpOp>(st.ops.back());
        st.ops.pop_back();
        Span sp = Span::join(left->span, right->span);
        if (auto* c = std::get_if<Compare>(&left->node); c && !left->parenthesized) {  // a < b < c is one chain
            c->rest.emplace_back(op, std::move(right));
            left->span = sp;
            st.stack.push_back(std::move(left));
            return;
        }
        Compare c{std::move(left), {}};
        c.rest.emplace_back(op, std::move(right));
        st.stack.push_back(make(sp, std::move(c)));
    }
};

void combine_boolop(State& st, bool is_and) {
    ExprPtr right = st.pop();
    ExprPtr left = st.pop();
    Span sp = Span::join(left->span, right->span);
    if (auto* b = std::get_if<BoolOp>(&left->node); b && b->is_and == is_and) {
        b->values.push_back(std::move(right));
        left->span = sp;
        st.stack.push_back(std::move(left));
        return;
    }
    BoolOp b{is_and, {}};
    b.values.push_back(std::move(left));
    b.values.push_back(std::move(right));
    st.stack.push_back(make(sp, std::move(b)));
}
template <class S> struct action<g::and_tail<S>> {
    template <class In> static void apply(const In&, State& st) { combine_boolop(st, true); }
};
template <class S> struct action<g::or_tail<S>> {
    template <class In> static void apply(const In&, State& st) { combine_boolop(st, false); }
};
template <class S> struct action<g::cond_tail<S>> {
    template <class In> static void apply(const In&, State& st) {
        ExprPtr orelse = st.pop();
        ExprPtr cond = st.pop();
        ExprPtr then = st.pop();
        Span sp = Span::join(then->span, orelse->span);
        uint32_t depth = std::max({cond->depth, then->depth, orelse->depth}) + 1;
        ExprPtr e = make(sp, Conditional{std::move(cond), std::move(then), std::move(orelse)});
        e->depth = depth;
        check_depth(e, st.base + sp.begin);
        st.stack.push_back(std::move(e));
    }
};

// A bare tuple at statement level.
template <> struct action<g::top_begin> {
    template <class In> static void apply(const In&, State& st) { st.top_bases.push_back(st.stack.size()); }
};
template <> struct action<g::top_comma> {
    template <class In> static void apply(const In&, State& st) { st.top_bases.back() |= size_t(1) << 63; }
};
template <> struct action<g::top_expr> {
    template <class In> static void apply(const In&, State& st) {
        size_t base = st.top_bases.back();
        st.top_bases.pop_back();
        bool tuple = base >> 63;
        base &= ~(size_t(1) << 63);
        if (!tuple) return;
        TupleExpr t;
        Span sp = st.stack[base]->span;
        for (size_t i = base; i < st.stack.size(); ++i) {
            sp = Span::join(sp, st.stack[i]->span);
            t.items.push_back(std::move(st.stack[i]));
        }
        st.stack.resize(base);
        st.stack.push_back(make(sp, std::move(t)));
    }
};

// ---- statement actions ------------------------------------------------------------------

template <> struct action<g::dotted_name> {
    template <class In> static void apply(const In& in, State& st) {
        st.dotted.clear();
        for (char c : in.string())
            if (c != ' ' && c != '\t' && c != '\\' && c != '\n') st.dotted += c;
        st.dotted_span = st.span(in.begin(), in.end());
    }
};
template <> struct action<g::alias_name> {
    template <class In> static void apply(const In& in, State& st) { st.alias = in.string(); }
};
template <> struct action<g::import_item> {
    template <class In> static void apply(const In&, State& st) {
        st.import_names.push_back(ImportName{st.dotted, st.alias, st.dotted_span});
        st.alias.clear();
    }
};
template <> struct action<g::import_stmt> {
    template <class In> static void apply(const In& in, State& st) {
        st.out->push_back(Stmt{st.span(in.begin(), in.end()), Import{std::move(st.import_names)}});
        st.import_names.clear();
    }
};
template <> struct action<g::from_module_name> {
    template <class In> static void apply(const In& in, State& st) {
        Span sp = token_span(st, in);
        st.from_module.clear();
        for (char c : std::string_view(in.end() - (sp.end - sp.begin), sp.end - sp.begin))
            if (c != ' ' && c != '\t') st.from_module += c;
        st.from_module_span = sp;
    }
};
template <> struct action<g::from_star> {
    template <class In> static void apply(const In&, State& st) { st.from_is_star = true; }
};
template <> struct action<g::from_name> {
    template <class In> static void apply(const In& in, State& st) {
        st.dotted = in.string();
        st.dotted_span = st.span(in.begin(), in.end());
    }
};
template <class In> void add_from_item(State& st) {
    st.import_names.push_back(ImportName{st.dotted, st.alias, st.dotted_span});
    st.alias.clear();
}
template <> struct action<g::from_item> {
    template <class In> static void apply(const In&, State& st) { add_from_item<In>(st); }
};
template <> struct action<g::from_item_line> {
    template <class In> static void apply(const In&, State& st) { add_from_item<In>(st); }
};
template <> struct action<g::from_stmt> {
    template <class In> static void apply(const In& in, State& st) {
        FromImport f{st.from_module, st.from_module_span, st.from_is_star, std::move(st.import_names)};
        st.out->push_back(Stmt{st.span(in.begin(), in.end()), std::move(f)});
        st.import_names.clear();
        st.from_is_star = false;
    }
};

template <> struct action<g::channel_ref> {
    template <class In> static void apply(const In& in, State& st) {
        st.refs.push_back(ChannelRef{in.string(), st.span(in.begin(), in.end())});
    }
};
template <> struct action<g::map_op> {
    template <class In> static void apply(const In& in, State& st) {
        std::string op = in.string();
        st.map_dir = op.size() == 2 ? MapDir::Both : op == "<" ? MapDir::Left : MapDir::Right;
        st.map_op_span = st.span(in.begin(), in.end());
    }
};
template <> struct action<g::mapping_stmt> {
    template <class In> static void apply(const In& in, State& st) {
        Mapping m{std::move(st.refs[0]), st.map_dir, st.map_op_span, std::move(st.refs[1])};
        st.refs.clear();
        st.out->push_back(Stmt{st.span(in.begin(), in.end()), std::move(m)});
    }
};

template <> struct action<g::assign_target> {
    template <class In> static void apply(const In& in, State& st) {
        st.assign_targets.push_back(in.string());
        st.assign_spans.push_back(st.span(in.begin(), in.end()));
    }
};
template <> struct action<g::aug_op> {
    template <class In> static void apply(const In& in, State& st) {
        std::string op = in.string();
        op.pop_back();
        static constexpr std::pair<std::string_view, BinOp> table[] = {
            {">>", BinOp::Shr}, {"<<", BinOp::Shl}, {"//", BinOp::FloorDiv}, {"**", BinOp::Pow},
            {"+", BinOp::Add},  {"-", BinOp::Sub},  {"*", BinOp::Mul},       {"/", BinOp::Div},
            {"%", BinOp::Mod},  {"&", BinOp::BitAnd}, {"|", BinOp::BitOr},   {"^", BinOp::BitXor}};
        for (auto& [text, bop] : table)
            if (text == op) st.aug = bop;
    }
};
template <> struct action<g::assign_stmt> {
    template <class In> static void apply(const In& in, State& st) {
        if (st.aug && st.assign_targets.size() != 1)
            throw SyntaxError{in.begin(), "an augmented assignment ('+=', ...) takes exactly one name"};
        Assign a{std::move(st.assign_targets), std::move(st.assign_spans), st.pop(), st.aug};
        st.assign_targets.clear();
        st.assign_spans.clear();
        st.aug.reset();
        st.out->push_back(Stmt{st.span(in.begin(), in.end()), std::move(a)});
    }
};
template <> struct action<g::expr_stmt> {
    template <class In> static void apply(const In& in, State& st) {
        st.out->push_back(Stmt{st.span(in.begin(), in.end()), ExprStmt{st.pop()}});
    }
};

template <> struct action<g::def_name> {
    template <class In> static void apply(const In& in, State& st) {
        Span sp = token_span(st, in);
        st.def_name = std::string(in.end() - (sp.end - sp.begin), in.end());
        st.def_name_span = sp;
    }
};
template <> struct action<g::param_name> {
    template <class In> static void apply(const In& in, State& st) {
        Span sp = token_span(st, in);
        st.params.push_back(Param{std::string(in.end() - (sp.end - sp.begin), in.end()), sp, nullptr});
    }
};
template <> struct action<g::param_default> {
    template <class In> static void apply(const In&, State& st) { st.params.back().default_value = st.pop(); }
};
template <> struct action<g::param_list> {
    template <class In> static void apply(const In&, State& st) { close_frame(st); }
};

// ---- the statement loop -----------------------------------------------------------------

class Parser {
public:
    Parser(const SourceFile& f, uint32_t file, DiagSink& diags, ParseLimits limits)
        : text_(f.text()), st_{text_.data(), file, limits.max_depth, 0, diags, nullptr} {
        st_.out = &module_.body;
        module_.file = file;
    }

    bool consumed_all_ = false;

    ast::Module run() {
        size_t p = text_.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // a UTF-8 byte order mark
        while (p < text_.size() && !consumed_all_) p = statement_at(p);
        return std::move(module_);
    }

private:
    std::string_view text_;
    State st_;
    ast::Module module_;

    const char* at(size_t p) const { return text_.data() + p; }
    size_t end_of_physical_line(size_t p) const {
        size_t e = text_.find('\n', p);
        return e == std::string_view::npos ? text_.size() : e + 1;
    }
    bool blank_line(size_t p) const {
        while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t' || text_[p] == '\f' || text_[p] == '\r')) ++p;
        return p >= text_.size() || text_[p] == '\n' || text_[p] == '#';
    }
    bool indented(size_t p) const { return p < text_.size() && (text_[p] == ' ' || text_[p] == '\t'); }

    // After an error: the start of the next line that begins a statement (column 1, not a
    // closing bracket, not a continuation of a string).
    size_t recover_from(size_t p) const {
        p = end_of_physical_line(p);
        while (p < text_.size()) {
            char c = text_[p];
            bool starts = !(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ')' || c == ']' || c == '}' || c == '#');
            if (starts) return p;
            p = end_of_physical_line(p);
        }
        return p;
    }

    void report(const SyntaxError& e) {
        Span sp = st_.span(e.at, e.at + (e.at < text_.data() + text_.size() && *e.at != '\n' ? 1 : 0));
        if (st_.diags.already_reported(sp)) return;
        auto& d = st_.diags.error(sp, e.message);
        if (e.note_at) d.note(e.note, st_.span(e.note_at, e.note_at + 1));
    }

    template <class Rule>
    bool parse_rule(size_t p, size_t& consumed) {
        pegtl::memory_input<pegtl::tracking_mode::lazy> in(at(p), text_.data() + text_.size(), "");
        size_t statements = module_.body.size();
        try {
            if (pegtl::parse<Rule, action, control>(in, st_)) {
                consumed = static_cast<size_t>(in.current() - at(p));
                return true;
            }
            report(SyntaxError{at(p), fmt::format("expected a statement, found {}", describe_token(at(p), text_.data() + text_.size()))});
        } catch (const SyntaxError& e) {
            report(e);
            if (e.rest_of_file) consumed_all_ = true;
        } catch (const g::lambda_scan_error& e) {
            report(SyntaxError{e.at, e.message});
        }
        module_.body.resize(statements);  // nothing of a statement with an error is kept
        st_.reset_expr_state();
        keep_assigned_names(p);
        return false;
    }

    // A broken assignment still binds its names (to nothing usable), so later uses stay quiet.
    void keep_assigned_names(size_t p) {
        pegtl::memory_input<> probe(at(p), text_.data() + text_.size(), "");
        if (!pegtl::parse<g::assign_head>(probe)) return;
        ast::Broken b;
        std::string names(at(p), probe.current());
        std::string cur;
        for (char c : names + ",") {
            if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') cur += c;
            else if (!cur.empty()) { b.names.push_back(cur); cur.clear(); }
        }
        module_.body.push_back(Stmt{st_.span(at(p), probe.current()), std::move(b)});
    }

    // Python statements that have no place in a patch get a message that says what to do instead.
    bool python_only_statement(size_t p) {
        static constexpr std::pair<std::string_view, std::string_view> forms[] = {
            {"if", "use a conditional expression: patch_a if condition else patch_b"},
            {"for", "use a comprehension: [Channel(c) for c in range(1, 5)]"},
            {"while", "use a comprehension over range(...)"},
            {"class", "define classes in a Python module next to the patch"},
            {"try", "move the code into a Python module next to the patch"},
            {"with", "move the code into a Python module next to the patch"},
            {"async", "move the code into a Python module next to the patch"},
            {"global", "bindings in a patch are already global"},
            {"del", "bind the name to something else instead"},
            {"return", "'return' belongs in a def: def Name(args): return patch"},
            {"assert", "use test(...) statements to check a patch"},
            {"raise", "move the code into a Python module next to the patch"},
            {"pass", "an empty statement has no meaning here; use Pass() for a unit that passes events"},
            {"@", "decorators belong in a Python module next to the patch"},
        };
        for (const auto& [word, help] : forms) {
            if (text_.substr(p, word.size()) != word) continue;
            char next = p + word.size() < text_.size() ? text_[p + word.size()] : ' ';
            if (word != "@" && (std::isalnum(static_cast<unsigned char>(next)) || next == '_')) continue;
            st_.diags.error(st_.span(at(p), at(p + word.size())), fmt::format("'{}' statements are not part of the patch language", word))
                .with_help(std::string(help));
            return true;
        }
        return false;
    }

    size_t statement_at(size_t p) {
        if (blank_line(p)) return end_of_physical_line(p);
        if (indented(p)) {
            size_t q = p;
            while (q < text_.size() && (text_[q] == ' ' || text_[q] == '\t')) ++q;
            st_.diags.error(st_.span(at(q), at(q + 1)), "unexpected indentation")
                .note("statements at the top of a patch start in the first column");
            // Parse the statement anyway, so what it binds exists for the rest of the file.
            size_t n = 0;
            if (!is_def(q) && parse_rule<g::statement_line>(q, n)) return q + n;
            return recover_from(p);
        }
        size_t n = 0;
        if (is_def(p)) return def_at(p);
        if (python_only_statement(p)) return recover_from(p);
        if (!parse_rule<g::statement_line>(p, n)) return recover_from(p);
        return p + n;
    }

    // `def Name(params):` then either `return expr` on the same line, or an indented block that
    // holds exactly one `return expr`. Anything else is a Python body.
    size_t def_at(size_t p) {
        size_t n = 0;
        st_.params.clear();
        if (!parse_rule<g::def_header>(p, n)) return recover_from(p);
        Def d{st_.def_name, st_.def_name_span, std::move(st_.params), nullptr, {}};
        st_.params.clear();
        for (size_t i = 1; i < d.params.size(); ++i)
            if (!d.params[i].default_value && d.params[i - 1].default_value) {
                st_.diags.error(d.params[i].span, fmt::format("parameter '{}' without a default follows one with a default", d.params[i].name))
                    .note("parameters with defaults come last, as in Python");
                break;
            }
        for (size_t i = 0; i < d.params.size(); ++i)
            for (size_t j = 0; j < i; ++j)
                if (d.params[i].name == d.params[j].name)
                    st_.diags.error(d.params[i].span, fmt::format("parameter '{}' appears twice", d.params[i].name));
        size_t body = p + n;
        size_t stmt_start = p;
        size_t next;
        if (!blank_line(body)) {  // same-line body
            size_t b = body;
            while (b < text_.size() && (text_[b] == ' ' || text_[b] == '\t')) ++b;
            if (starts_with_return(b)) {
                if (!parse_rule<g::def_return>(b, n)) return recover_from(b);
                d.body = st_.pop();
                next = b + n;
            } else {
                size_t e = end_of_physical_line(b);
                d.python_body = st_.span(at(b), at(trim_end(e)));
                next = e;
            }
        } else {
            // The body is the indented block under the header. A `return` statement may continue
            // inside brackets on lines in any column; the block goes on after where it ends.
            auto skip_block = [&](size_t q, size_t& last_text_end) {
                while (q < text_.size() && (blank_line(q) || indented(q))) {
                    if (!blank_line(q)) last_text_end = end_of_physical_line(q);
                    q = end_of_physical_line(q);
                }
                return q;
            };
            size_t first = end_of_physical_line(body);
            while (first < text_.size() && blank_line(first)) first = end_of_physical_line(first);
            if (first >= text_.size() || !indented(first)) {
                st_.diags.error(st_.span(at(body - 1), at(body)), "expected the macro's body after ':'")
                    .note("a patch macro is 'def Name(args): return patch'");
                return first;
            }
            size_t b = first;
            while (text_[b] == ' ' || text_[b] == '\t') ++b;
            size_t block_end = b;
            if (starts_with_return(b)) {
                size_t m = 0;
                if (!parse_rule<g::def_return>(b, m)) return skip_block(end_of_physical_line(b), block_end);
                d.body = st_.pop();
                size_t after_return = b + m;
                size_t more_text = after_return;
                next = skip_block(after_return, more_text);
                if (more_text != after_return) {  // more statements follow the return: a Python body
                    d.body.reset();
                    d.python_body = st_.span(at(b), at(trim_end(more_text)));
                }
            } else {
                next = skip_block(first, block_end);
                d.python_body = st_.span(at(b), at(trim_end(block_end)));
            }
        }
        Span sp = st_.span(at(stmt_start), at(trim_end(next)));
        module_.body.push_back(Stmt{sp, std::move(d)});
        return next;
    }

    bool is_def(size_t p) const {
        pegtl::memory_input<> probe(at(p), text_.data() + text_.size(), "");
        return pegtl::parse<g::kw_def>(probe);
    }

    bool starts_with_return(size_t b) const {
        pegtl::memory_input<> probe(at(b), text_.data() + text_.size(), "");
        return pegtl::parse<g::kw_return>(probe);
    }
    size_t trim_end(size_t e) const {
        while (e > 0 && (text_[e - 1] == '\n' || text_[e - 1] == '\r' || text_[e - 1] == ' ' || text_[e - 1] == '\t')) --e;
        return e;
    }
};

}  // namespace

ast::Module parse_module(const SourceSet& sources, uint32_t file, DiagSink& diags, ParseLimits limits) {
    const SourceFile& f = sources.file(file);
    if (f.text().size() > limits.max_bytes) {
        diags.error({file, 0, 0}, fmt::format("file is too large ({} bytes; the limit is {})", f.text().size(), limits.max_bytes));
        return {file, {}};
    }
    if (f.text().find('\0') != std::string_view::npos) {
        uint32_t z = static_cast<uint32_t>(f.text().find('\0'));
        diags.error({file, z, z + 1}, "file contains a NUL byte").note("a patch is a text file");
        return {file, {}};
    }
    return Parser(f, file, diags, limits).run();
}

}  // namespace mdc
