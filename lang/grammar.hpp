// The .mdp grammar as PEGTL rules, and nothing else: actions live in parse.cpp. grammar.md is the
// normative description of the same language and follows this file rule by rule.
//
// Conventions: each token rule skips the separator S *before* itself. Expression rules are
// templates over S so that the same rules run at statement level (S = hs: spaces, tabs and
// backslash-newlines) and inside brackets (S = ns: also newlines and comments), which is Python's
// implicit line joining. Every operator is followed by must<operand>, so the parser never backtracks
// over a rule whose action already ran.
#pragma once

#include <cctype>
#include <string_view>
#include <vector>

#include <tao/pegtl.hpp>

namespace mdc::grammar {

using namespace tao::pegtl;

// clang-format off

// ---- lexical ----------------------------------------------------------------------------

struct comment : seq<one<'#'>, until<at<eolf>>> {};
struct line_cont : seq<one<'\\'>, eol> {};
// A rule matched by a hand-written scan: Derived::scan(begin, end) returns where the match ends,
// or nullptr for no match. Used for the hottest rules and for text kept verbatim.
template <class Derived>
struct scanned {
    using rule_t = Derived;
    using subs_t = empty_list;
    template <apply_mode, rewind_mode, template <typename...> class, template <typename...> class,
              typename ParseInput, typename... States>
    static bool match(ParseInput& in, States&&...) {
        const char* q = Derived::scan(in.current(), in.end());
        if (!q) return false;
        in.bump(static_cast<std::size_t>(q - in.current()));
        return true;
    }
};

// Separators, matched by hand: they are tried before every token at every precedence level, so
// they are the hottest rules of the parser. hs: spaces, tabs, form feeds and backslash-newlines
// (statement level); ns: also newlines and comments (inside brackets). Both always succeed.
template <bool Newlines>
struct separator : scanned<separator<Newlines>> {
    static const char* scan(const char* p, const char* e) {
        while (p < e) {
            char c = *p;
            if (c == ' ' || c == '\t' || c == '\f') ++p;
            else if (c == '\\' && p + 1 < e && p[1] == '\n') p += 2;
            else if (c == '\\' && p + 2 < e && p[1] == '\r' && p[2] == '\n') p += 3;
            else if (Newlines && (c == '\n' || c == '\r')) ++p;
            else if (Newlines && c == '#') { while (p < e && *p != '\n') ++p; }
            else break;
        }
        return p;
    }
};
struct hs : separator<false> {};  // horizontal space
struct ns : separator<true> {};   // inside brackets

struct kw_false : TAO_PEGTL_KEYWORD("False") {};
struct kw_none : TAO_PEGTL_KEYWORD("None") {};
struct kw_true : TAO_PEGTL_KEYWORD("True") {};
struct kw_and : TAO_PEGTL_KEYWORD("and") {};
struct kw_as : TAO_PEGTL_KEYWORD("as") {};
struct kw_def : TAO_PEGTL_KEYWORD("def") {};
struct kw_else : TAO_PEGTL_KEYWORD("else") {};
struct kw_for : TAO_PEGTL_KEYWORD("for") {};
struct kw_from : TAO_PEGTL_KEYWORD("from") {};
struct kw_if : TAO_PEGTL_KEYWORD("if") {};
struct kw_import : TAO_PEGTL_KEYWORD("import") {};
struct kw_in : TAO_PEGTL_KEYWORD("in") {};
struct kw_is : TAO_PEGTL_KEYWORD("is") {};
struct kw_lambda : TAO_PEGTL_KEYWORD("lambda") {};
struct kw_not : TAO_PEGTL_KEYWORD("not") {};
struct kw_or : TAO_PEGTL_KEYWORD("or") {};
struct kw_return : TAO_PEGTL_KEYWORD("return") {};

// Python's reserved words: none of them is a name.
inline bool is_keyword(std::string_view w) {
    static constexpr std::string_view words[] = {
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
        "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
        "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"};
    for (std::string_view k : words)
        if (k == w) return true;
    return false;
}

// A name: an ASCII identifier that is not a reserved word (one scan, then one lookup).
struct identifier : scanned<identifier> {
    static const char* scan(const char* p, const char* e) {
        auto first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
        if (p == e || !first(*p)) return nullptr;
        const char* q = p + 1;
        while (q < e && (first(*q) || (*q >= '0' && *q <= '9'))) ++q;
        if (q - p <= 8 && is_keyword(std::string_view(p, static_cast<size_t>(q - p)))) return nullptr;
        return q;
    }
};

// Numbers: decimal, hex, octal and binary ints (with '_' separators), and floats.
struct digits : seq<digit, star<opt<one<'_'>>, digit>> {};
struct hex_int : seq<one<'0'>, one<'x', 'X'>, plus<opt<one<'_'>>, xdigit>> {};
struct oct_int : seq<one<'0'>, one<'o', 'O'>, plus<opt<one<'_'>>, range<'0', '7'>>> {};
struct bin_int : seq<one<'0'>, one<'b', 'B'>, plus<opt<one<'_'>>, one<'0', '1'>>> {};
struct exponent : seq<one<'e', 'E'>, opt<one<'+', '-'>>, digits> {};
struct float_lit : sor<seq<digits, one<'.'>, opt<digits>, opt<exponent>>,
                       seq<one<'.'>, digits, opt<exponent>>,
                       seq<digits, exponent>> {};
struct int_lit : sor<hex_int, oct_int, bin_int, digits> {};
struct number : seq<sor<float_lit, int_lit>, not_at<ascii::identifier_other>> {};

// Strings: optional prefix, then '...', "...", '''...''' or """...""". Escapes are decoded by the
// action; here a backslash just protects the next character.
struct str_prefix : opt<sor<seq<one<'r', 'R'>, opt<one<'b', 'B'>>>, seq<one<'b', 'B'>, opt<one<'r', 'R'>>>,
                            one<'u', 'U'>, seq<one<'f', 'F'>, opt<one<'r', 'R'>>>, seq<one<'r', 'R'>, one<'f', 'F'>>>> {};
struct str_escape : seq<one<'\\'>, any> {};
template <char Q> struct str_single_body : star<sor<str_escape, not_one<Q, '\\', '\n'>>> {};
template <char Q> struct str_triple_end : seq<one<Q>, one<Q>, one<Q>> {};
template <char Q> struct str_triple_body : star<not_at<str_triple_end<Q>>, sor<str_escape, any>> {};
template <char Q> struct str_triple : seq<str_triple_end<Q>, str_triple_body<Q>, must<str_triple_end<Q>>> {};
template <char Q> struct str_single : seq<one<Q>, str_single_body<Q>, must<one<Q>>> {};
struct string_part : seq<str_prefix, sor<str_triple<'"'>, str_triple<'\''>, str_single<'"'>, str_single<'\''>>> {};

// ---- expressions ------------------------------------------------------------------------

template <class S> struct expr;
template <class S> struct or_test;
template <class S> struct factor;

// Token helper: skip S, then match.
template <class S, char... C> struct sym : seq<S, string<C...>> {};

// A lambda's body is kept as source text: scanned to the first ',' ')' ']' '}' (or end of line at
// statement level) outside brackets and strings. parse.cpp implements the scanner as a custom rule.
struct lambda_scan_error {
    const char* at;           // where the problem is (an unclosed bracket or quote)
    const char* message;
};
template <bool InBrackets> struct lambda_text : scanned<lambda_text<InBrackets>> {
    static const char* scan(const char* const start, const char* const end) {
        const char* p = start;
        // Parameters: everything up to the first ':' outside brackets (defaults may hold commas).
        {
            int depth = 0;
            while (p < end && !(depth == 0 && *p == ':')) {
                if (*p == '(' || *p == '[' || *p == '{') ++depth;
                else if (*p == ')' || *p == ']' || *p == '}') { if (depth == 0) return nullptr; --depth; }
                else if (*p == '\n' && !InBrackets) return nullptr;
                ++p;
            }
            if (p >= end) return nullptr;
            ++p;
        }
        std::vector<const char*> open;  // unclosed brackets, innermost last
        auto word_at = [&](const char* q, std::string_view w) {
            return static_cast<size_t>(end - q) > w.size() && std::string_view(q, w.size()) == w &&
                   !(std::isalnum(static_cast<unsigned char>(q[w.size()])) || q[w.size()] == '_') &&
                   (q == start || !(std::isalnum(static_cast<unsigned char>(q[-1])) || q[-1] == '_'));
        };
        while (p < end) {
            char c = *p;
            if (c == '\\' && p + 1 < end && p[1] == '\n') { p += 2; continue; }
            if (c == '#') {
                if (open.empty() && !InBrackets) break;
                while (p < end && *p != '\n') ++p;
                continue;
            }
            if (c == '\n' && open.empty() && !InBrackets) break;
            if (c == '\'' || c == '"') {
                const char* quote = p;
                bool triple = p + 2 < end && p[1] == c && p[2] == c;
                p += triple ? 3 : 1;
                for (;;) {
                    if (p >= end || (!triple && *p == '\n')) throw lambda_scan_error{quote, "unterminated string in lambda"};
                    if (*p == '\\') { p += 2; continue; }
                    if (*p == c && (!triple || (p + 2 < end && p[1] == c && p[2] == c))) { p += triple ? 3 : 1; break; }
                    ++p;
                }
                continue;
            }
            if (c == '(' || c == '[' || c == '{') { open.push_back(p++); continue; }
            if (c == ')' || c == ']' || c == '}') {
                if (open.empty()) break;
                char want = *open.back() == '(' ? ')' : *open.back() == '[' ? ']' : '}';
                if (c != want) throw lambda_scan_error{p, "mismatched bracket in lambda"};
                open.pop_back();
                ++p;
                continue;
            }
            if (c == ',' && open.empty()) break;
            if (c == ';' && open.empty() && !InBrackets) break;
            if (open.empty() && InBrackets && word_at(p, "for")) break;  // [lambda: x for x in y]
            if (c == '\r' && p + 1 < end && p[1] == '\n' && open.empty() && !InBrackets) break;
            ++p;
        }
        if (!open.empty()) throw lambda_scan_error{open.back(), "unclosed bracket in lambda"};
        return p == start ? nullptr : p;
    }
};
template <class S> struct lambda_expr : seq<S, kw_lambda, lambda_text<std::is_same_v<S, ns>>> {};

struct name_tok : identifier {};
template <class S> struct name_atom : seq<S, name_tok> {};
template <class S> struct number_atom : seq<S, number> {};
template <class S> struct string_atom : seq<S, string_part, star<S, string_part>> {};
template <class S> struct none_atom : seq<S, kw_none> {};
template <class S> struct true_atom : seq<S, kw_true> {};
template <class S> struct false_atom : seq<S, kw_false> {};
template <class S> struct ellipsis_atom : seq<S, string<'.', '.', '.'>> {};

// Brackets. The opening token has its own rule so the action can remember where it is, and the
// closing token is a must<> so an unclosed bracket is reported at once.
struct open_paren : one<'('> {};
struct open_bracket : one<'['> {};
struct open_brace : one<'{'> {};
struct close_paren : seq<ns, one<')'>> {};
struct close_bracket : seq<ns, one<']'>> {};
struct close_brace : seq<ns, one<'}'>> {};
struct display_comma : seq<ns, one<','>> {};

struct star_mark : seq<ns, one<'*'>, not_at<one<'*', '='>>> {};
struct dstar_mark : seq<ns, string<'*', '*'>> {};
struct starred_item : seq<star_mark, must<or_test<ns>>> {};
struct dstarred_item : seq<dstar_mark, must<or_test<ns>>> {};

// Comprehension clauses: `for a, b in iterable if cond ...`.
struct comp_target_name : seq<ns, identifier> {};
struct comp_targets : sor<seq<ns, one<'('>, list<comp_target_name, seq<ns, one<','>>>, ns, one<')'>>,
                          list<comp_target_name, seq<ns, one<','>>>> {};
struct comp_for_kw : seq<ns, kw_for> {};
struct comp_in_kw : seq<ns, kw_in> {};
struct comp_if_kw : seq<ns, kw_if> {};
struct comp_if : seq<comp_if_kw, must<or_test<ns>>> {};
struct comp_for : seq<comp_for_kw, must<comp_targets>, must<comp_in_kw>, must<or_test<ns>>, star<comp_if>> {};
struct comp_tail : plus<comp_for> {};

// ( ... ): empty tuple, parenthesised expression, tuple, or generator expression.
struct paren_item : sor<starred_item, expr<ns>> {};
struct paren_body : opt<paren_item, sor<comp_tail, star<display_comma, paren_item>>, opt<display_comma>> {};
struct paren_atom : seq<open_paren, paren_body, must<close_paren>> {};

// [ ... ]: list display or list comprehension.
struct list_item : sor<starred_item, expr<ns>> {};
struct list_body : opt<list_item, sor<comp_tail, star<display_comma, list_item>>, opt<display_comma>> {};
struct list_atom : seq<open_bracket, list_body, must<close_bracket>> {};

// { ... }: dict display, dict comprehension, or set display (the action checks the mix).
struct dict_colon : seq<ns, one<':'>> {};
struct dict_value : seq<dict_colon, must<expr<ns>>> {};
struct dict_entry : sor<dstarred_item, seq<expr<ns>, opt<dict_value>>> {};
struct dict_body : opt<dict_entry, sor<comp_tail, star<display_comma, dict_entry>>, opt<display_comma>> {};
struct dict_atom : seq<open_brace, dict_body, must<close_brace>> {};

template <class S> struct bracket_atom : seq<S, sor<paren_atom, list_atom, dict_atom>> {};

template <class S> struct atom : sor<bracket_atom<S>, lambda_expr<S>, none_atom<S>, true_atom<S>, false_atom<S>,
                                     string_atom<S>, name_atom<S>, number_atom<S>, ellipsis_atom<S>> {};

// Call arguments: positional, *args, **kwargs, name=value, or one generator expression.
struct kwarg_name : identifier {};
struct kwarg_eq : seq<ns, one<'='>, not_at<one<'='>>> {};
struct keyword_arg : seq<ns, kwarg_name, kwarg_eq, must<expr<ns>>> {};
struct call_arg : sor<dstarred_item, starred_item, seq<at<ns, identifier, kwarg_eq>, keyword_arg>, expr<ns>> {};
struct call_args : opt<call_arg, sor<comp_tail, star<display_comma, call_arg>>, opt<display_comma>> {};
struct call_trailer : seq<open_paren, call_args, must<close_paren>> {};

// Subscripts: x[i], x[a:b], x[a:b:c], x[i, j].
struct slice_colon : seq<ns, one<':'>> {};
struct slice_none : success {};  // an omitted bound
struct slice_bound : sor<expr<ns>, slice_none> {};
struct slice_expr : seq<slice_bound, slice_colon, slice_bound, opt<slice_colon, slice_bound>> {};
struct subscript_item : sor<seq<at<slice_bound, slice_colon>, slice_expr>, expr<ns>> {};
struct subscript_list : seq<subscript_item, star<display_comma, subscript_item>, opt<display_comma>> {};
struct subscript_trailer : seq<open_bracket, must<subscript_list>, must<close_bracket>> {};

struct attr_name : identifier {};
template <class S> struct attr_trailer : seq<one<'.'>, not_at<one<'.'>>, S, must<attr_name>> {};

template <class S> struct trailer : seq<S, sor<call_trailer, subscript_trailer, attr_trailer<S>>> {};
template <class S> struct primary : seq<atom<S>, star<trailer<S>>> {};

template <class S> struct pow_op : sym<S, '*', '*'> {};
template <class S> struct power_tail : seq<pow_op<S>, must<factor<S>>> {};
template <class S> struct power : seq<primary<S>, opt<power_tail<S>>> {};

template <class S> struct unary_neg : seq<S, one<'-'>> {};
template <class S> struct unary_pos : seq<S, one<'+'>> {};
template <class S> struct unary_inv : seq<S, one<'~'>> {};
template <class S> struct unary_op : sor<unary_neg<S>, unary_pos<S>, unary_inv<S>> {};
template <class S> struct unary_expr : seq<unary_op<S>, must<factor<S>>> {};
template <class S> struct factor : sor<unary_expr<S>, power<S>> {};

// Binary operators, one precedence level per rule (Python's table, grammar.md section 3).
// Assignment forms (`+=`, `>>=`, ...) are excluded by not_at<'='>.
template <class S> struct op_mul : seq<S, one<'*'>, not_at<one<'*', '='>>> {};
template <class S> struct op_floordiv : seq<S, string<'/', '/'>, not_at<one<'='>>> {};
template <class S> struct op_div : seq<S, one<'/'>, not_at<one<'/', '='>>> {};
template <class S> struct op_mod : seq<S, one<'%'>, not_at<one<'='>>> {};
template <class S> struct op_add : seq<S, one<'+'>, not_at<one<'='>>> {};
template <class S> struct op_sub : seq<S, one<'-'>, not_at<one<'='>>> {};
template <class S> struct op_shl : seq<S, string<'<', '<'>, not_at<one<'='>>> {};
template <class S> struct op_shr : seq<S, string<'>', '>'>, not_at<one<'='>>> {};
template <class S> struct op_band : seq<S, one<'&'>, not_at<one<'='>>> {};
template <class S> struct op_bxor : seq<S, one<'^'>, not_at<one<'='>>> {};
template <class S> struct op_bor : seq<S, one<'|'>, not_at<one<'='>>> {};

template <class S> struct term_tail : seq<sor<op_mul<S>, op_floordiv<S>, op_div<S>, op_mod<S>>, must<factor<S>>> {};
template <class S> struct term : seq<factor<S>, star<term_tail<S>>> {};
template <class S> struct arith_tail : seq<sor<op_add<S>, op_sub<S>>, must<term<S>>> {};
template <class S> struct arith : seq<term<S>, star<arith_tail<S>>> {};
template <class S> struct shift_tail : seq<sor<op_shl<S>, op_shr<S>>, must<arith<S>>> {};
template <class S> struct shift : seq<arith<S>, star<shift_tail<S>>> {};
template <class S> struct band_tail : seq<op_band<S>, must<shift<S>>> {};
template <class S> struct band : seq<shift<S>, star<band_tail<S>>> {};
template <class S> struct bxor_tail : seq<op_bxor<S>, must<band<S>>> {};
template <class S> struct bxor : seq<band<S>, star<bxor_tail<S>>> {};
template <class S> struct bor_tail : seq<op_bor<S>, must<bxor<S>>> {};
template <class S> struct bor : seq<bxor<S>, star<bor_tail<S>>> {};

template <class S> struct cmp_eq : seq<S, string<'=', '='>> {};
template <class S> struct cmp_ne : seq<S, string<'!', '='>> {};
template <class S> struct cmp_le : seq<S, string<'<', '='>> {};
template <class S> struct cmp_ge : seq<S, string<'>', '='>> {};
template <class S> struct cmp_lt : seq<S, one<'<'>, not_at<one<'<', '>'>>> {};
template <class S> struct cmp_gt : seq<S, one<'>'>, not_at<one<'>'>>> {};
template <class S> struct cmp_not_in : seq<S, kw_not, S, kw_in> {};
template <class S> struct cmp_in : seq<S, kw_in> {};
template <class S> struct cmp_is_not : seq<S, kw_is, S, kw_not> {};
template <class S> struct cmp_is : seq<S, kw_is> {};
template <class S> struct cmp_op : sor<cmp_eq<S>, cmp_ne<S>, cmp_le<S>, cmp_ge<S>, cmp_lt<S>, cmp_gt<S>,
                                       cmp_not_in<S>, cmp_in<S>, cmp_is_not<S>, cmp_is<S>> {};
template <class S> struct comparison_tail : seq<cmp_op<S>, must<bor<S>>> {};
template <class S> struct comparison : seq<bor<S>, star<comparison_tail<S>>> {};

template <class S> struct not_kw : seq<S, kw_not> {};
template <class S> struct not_test;
template <class S> struct not_expr : seq<not_kw<S>, must<not_test<S>>> {};
template <class S> struct not_test : sor<not_expr<S>, comparison<S>> {};
template <class S> struct and_kw : seq<S, kw_and> {};
template <class S> struct and_tail : seq<and_kw<S>, must<not_test<S>>> {};
template <class S> struct and_test : seq<not_test<S>, star<and_tail<S>>> {};
template <class S> struct or_kw : seq<S, kw_or> {};
template <class S> struct or_tail : seq<or_kw<S>, must<and_test<S>>> {};
template <class S> struct or_test : seq<and_test<S>, star<or_tail<S>>> {};

template <class S> struct if_kw : seq<S, kw_if> {};
template <class S> struct else_kw : seq<S, kw_else> {};
template <class S> struct cond_tail : seq<if_kw<S>, must<or_test<S>>, must<else_kw<S>>, must<expr<S>>> {};
template <class S> struct conditional : seq<or_test<S>, opt<cond_tail<S>>> {};
template <class S> struct expr : sor<lambda_expr<S>, conditional<S>> {};

// A bare tuple at statement level: `x = 1, 2` or `a = Transpose(1),`.
struct top_begin : success {};
struct top_comma : seq<hs, one<','>> {};
struct top_tuple_tail : seq<top_comma, opt<expr<hs>, star<top_comma, expr<hs>>, opt<top_comma>>> {};
struct top_expr : seq<top_begin, expr<hs>, opt<top_tuple_tail>> {};
struct end_of_line : seq<hs, opt<comment>, eolf> {};

// ---- statements -------------------------------------------------------------------------

struct dotted_name : seq<identifier, star<hs, one<'.'>, hs, identifier>> {};
struct alias_name : identifier {};
struct import_alias : seq<hs, kw_as, hs, must<alias_name>> {};
struct import_item : seq<hs, dotted_name, opt<import_alias>> {};
struct import_stmt : seq<kw_import, must<import_item>, star<hs, one<','>, must<import_item>>> {};

struct from_module : seq<hs, plus<one<'.'>>, opt<dotted_name>> {};
struct from_module_name : sor<from_module, seq<hs, dotted_name>> {};
struct from_star : seq<hs, one<'*'>> {};
struct from_name : identifier {};
struct from_item : seq<ns, from_name, opt<seq<ns, kw_as, ns, must<alias_name>>>> {};
struct from_items_paren : seq<hs, one<'('>, list<from_item, seq<ns, one<','>>>, opt<ns, one<','>>, must<close_paren>> {};
struct from_item_line : seq<hs, from_name, opt<import_alias>> {};
struct from_items : sor<from_star, from_items_paren, list<from_item_line, seq<hs, one<','>>>> {};
struct from_import_kw : seq<hs, kw_import> {};
struct from_stmt : seq<kw_from, must<from_module_name>, must<from_import_kw>, must<from_items>> {};

// def Name(params): return expr   (or the return on the next, indented line)
struct def_name : seq<hs, identifier> {};
struct param_name : seq<ns, identifier> {};
struct param_default : seq<ns, one<'='>, must<expr<ns>>> {};
struct param : seq<param_name, opt<param_default>> {};
struct param_list : seq<open_paren, opt<param, star<display_comma, param>, opt<display_comma>>, must<close_paren>> {};
struct def_colon : seq<hs, one<':'>> {};
struct def_header : seq<kw_def, must<def_name>, must<hs, param_list>, must<def_colon>> {};
struct def_return : seq<hs, kw_return, must<top_expr>, must<end_of_line>> {};  // the body (parse.cpp)

// MIDIMonster mapping lines: instance.channel < instance.channel (and >, <>, ><).
// A channel reference is a dotted path whose parts may hold {a..b} ranges and {x,y} lists.
struct glob : seq<one<'{'>, until<one<'}'>, not_one<'\n', '{'>>> {};
struct channel_part : plus<sor<glob, ascii::identifier_other, one<'-', '/'>>> {};
struct channel_ref : seq<at<sor<one<'{'>, ascii::identifier_first>>, channel_part, plus<one<'.'>, channel_part>> {};
struct map_op : sor<string<'<', '>'>, string<'>', '<'>, one<'<'>, one<'>'>> {};
struct mapping_stmt : seq<channel_ref, hs, map_op, hs, channel_ref> {};

// Assignments: `name = expr`, `a, b = expr`, `name += expr` (and the other augmented forms).
struct assign_target : seq<identifier> {};
struct assign_targets : seq<assign_target, star<hs, one<','>, hs, assign_target>, opt<hs, one<','>>> {};
struct assign_eq : seq<hs, one<'='>, not_at<one<'='>>> {};
struct aug_op : sor<string<'>', '>', '='>, string<'<', '<', '='>, string<'/', '/', '='>, string<'*', '*', '='>,
                    string<'+', '='>, string<'-', '='>, string<'*', '='>, string<'/', '='>, string<'%', '='>,
                    string<'&', '='>, string<'|', '='>, string<'^', '='>> {};
struct aug_assign : seq<hs, aug_op> {};
struct assign_stmt : seq<assign_targets, sor<assign_eq, aug_assign>, must<top_expr>> {};
struct assign_head : seq<assign_targets, sor<assign_eq, aug_assign>> {};

struct expr_stmt : top_expr {};

struct statement_body : sor<seq<at<kw_import>, import_stmt>, seq<at<kw_from>, from_stmt>,
                            seq<at<mapping_stmt, end_of_line>, mapping_stmt>, seq<at<assign_head>, assign_stmt>,
                            expr_stmt> {};
struct simple_stmt : seq<statement_body, star<hs, one<';'>, hs, not_at<end_of_line>, statement_body>, opt<hs, one<';'>>> {};
struct statement_line : seq<simple_stmt, must<end_of_line>> {};

// clang-format on

}  // namespace mdc::grammar
