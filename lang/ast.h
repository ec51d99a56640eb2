// The typed AST of a .mdp file. Each expression and statement kind is its own struct, held in a
// std::variant; every node carries the Span of the source it came from. The parser builds it,
// the evaluator (eval.cpp) walks it, `mdc dump --stage ast` prints it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "source.h"

namespace mdc::ast {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

enum class BinOp { Add, Sub, Mul, Div, FloorDiv, Mod, Pow, Shl, Shr, BitAnd, BitOr, BitXor };
enum class UnOp { Neg, Pos, Invert, Not };
enum class CmpOp { Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Is, IsNot };

struct Name { std::string id; };
struct IntLit { int64_t value; };
struct FloatLit { double value; };
struct StrLit { std::string value; bool bytes = false; };
struct NoneLit {};
struct BoolLit { bool value; };
struct Ellipsis {};
struct ListExpr { std::vector<ExprPtr> items; };
struct TupleExpr { std::vector<ExprPtr> items; };
struct DictItem { ExprPtr key; ExprPtr value; };  // key == nullptr: `**value`
struct DictExpr { std::vector<DictItem> items; };
struct SetExpr { std::vector<ExprPtr> items; };
struct Starred { ExprPtr value; bool double_star = false; };  // *x or **x in a call or display
struct Keyword { std::string name; Span name_span; ExprPtr value; };
struct Call { ExprPtr func; std::vector<ExprPtr> args; std::vector<Keyword> keywords; };
struct Attribute { ExprPtr value; std::string attr; Span attr_span; };
struct Slice { ExprPtr lower, upper, step; };
struct Subscript { ExprPtr value; ExprPtr index; };  // index may be a Slice
struct Unary { UnOp op; ExprPtr operand; };
struct Binary { BinOp op; ExprPtr left, right; };
struct Compare { ExprPtr first; std::vector<std::pair<CmpOp, ExprPtr>> rest; };
struct BoolOp { bool is_and; std::vector<ExprPtr> values; };
struct Conditional { ExprPtr cond, then, orelse; };
struct CompFor { std::vector<std::string> targets; Span target_span; ExprPtr iter; std::vector<ExprPtr> conds; };
struct ListComp { ExprPtr element; std::vector<CompFor> fors; bool generator = false; };
struct DictComp { ExprPtr key, value; std::vector<CompFor> fors; };
// A Python lambda, kept as its exact source text (compiled by the embedded interpreter).
struct Lambda { std::string source; std::vector<std::string> params; };

using ExprNode = std::variant<Name, IntLit, FloatLit, StrLit, NoneLit, BoolLit, Ellipsis, ListExpr,
                              TupleExpr, DictExpr, SetExpr, Starred, Call, Attribute, Slice,
                              Subscript, Unary, Binary, Compare, BoolOp, Conditional, ListComp,
                              DictComp, Lambda>;

struct Expr {
    Span span;
    ExprNode node;
    uint32_t depth = 1;  // nesting of this expression tree (bounded by the parser)
    bool parenthesized = false;  // written in parentheses: `(a < b) < c` is no chain
    template <class T> const T* as() const { return std::get_if<T>(&node); }
};

template <class T> ExprPtr make(Span s, T&& node) {
    return std::make_unique<Expr>(Expr{s, ExprNode(std::forward<T>(node))});
}

// ---- statements -------------------------------------------------------------------------

struct ImportName { std::string dotted; std::string alias; Span span; };
struct Import { std::vector<ImportName> names; };              // import a.b [as c], ...
struct FromImport { std::string module; Span module_span; bool star = false; std::vector<ImportName> names; };
struct Assign { std::vector<std::string> targets; std::vector<Span> target_spans; ExprPtr value; std::optional<BinOp> augmented; };
struct ExprStmt { ExprPtr value; };
struct Param { std::string name; Span span; ExprPtr default_value; };
// `def Name(params): return expr` (a patch macro). A body that is anything else keeps its text
// so the checker can point at it and say to move it into a Python module.
struct Def { std::string name; Span name_span; std::vector<Param> params; ExprPtr body; Span python_body; };
// MIDIMonster mapping line: `left < right`, `left > right`, `left <> right`.
struct ChannelRef { std::string text; Span span; };
enum class MapDir { Left, Right, Both };  // `<` (right feeds left), `>`, `<>`
struct Mapping { ChannelRef left; MapDir dir; Span op_span; ChannelRef right; };

// What is left of an assignment with a syntax error: its names, bound to nothing usable, so
// their later uses do not add errors of their own.
struct Broken { std::vector<std::string> names; };

using StmtNode = std::variant<Import, FromImport, Assign, ExprStmt, Def, Mapping, Broken>;

struct Stmt {
    Span span;
    StmtNode node;
};

struct Module {
    uint32_t file = 0;
    std::vector<Stmt> body;
};

std::string print(const Module& m, const SourceSet& sources);  // `mdc dump --stage ast`
std::string print_expr(const Expr& e);                          // fully parenthesised source

}  // namespace mdc::ast
