// Prints the AST as stable text: one statement per line with its position, expressions fully
// parenthesised so that precedence and grouping are visible (`mdc dump --stage ast`, parser tests).
#include <fmt/format.h>

#include "ast.h"

namespace mdc::ast {
namespace {

std::string_view bin_text(BinOp op) {
    switch (op) {
    case BinOp::Add: return "+";
    case BinOp::Sub: return "-";
    case BinOp::Mul: return "*";
    case BinOp::Div: return "/";
    case BinOp::FloorDiv: return "//";
    case BinOp::Mod: return "%";
    case BinOp::Pow: return "**";
    case BinOp::Shl: return "<<";
    case BinOp::Shr: return ">>";
    case BinOp::BitAnd: return "&";
    case BinOp::BitOr: return "|";
    case BinOp::BitXor: return "^";
    }
    return "?";
}

std::string_view cmp_text(CmpOp op) {
    switch (op) {
    case CmpOp::Eq: return "==";
    case CmpOp::Ne: return "!=";
    case CmpOp::Lt: return "<";
    case CmpOp::Le: return "<=";
    case CmpOp::Gt: return ">";
    case CmpOp::Ge: return ">=";
    case CmpOp::In: return "in";
    case CmpOp::NotIn: return "not in";
    case CmpOp::Is: return "is";
    case CmpOp::IsNot: return "is not";
    }
    return "?";
}

std::string quote(std::string_view s, bool bytes) {
    std::string out = bytes ? "b'" : "'";
    for (unsigned char c : s) {
        if (c == '\'' || c == '\\') out += '\\', out += static_cast<char>(c);
        else if (c == '\n') out += "\\n";
        else if (c == '\t') out += "\\t";
        else if (c < 0x20 || (bytes && c >= 0x7F)) out += fmt::format("\\x{:02x}", c);
        else out += static_cast<char>(c);
    }
    return out + "'";
}

std::string expr(const ExprPtr& e);

std::string join(const std::vector<ExprPtr>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + expr(items[i]);
    return out;
}

std::string fors(const std::vector<CompFor>& fs) {
    std::string out;
    for (const CompFor& f : fs) {
        out += " for ";
        for (size_t i = 0; i < f.targets.size(); ++i) out += (i ? ", " : "") + f.targets[i];
        out += " in " + expr(f.iter);
        for (const ExprPtr& c : f.conds) out += " if " + expr(c);
    }
    return out;
}

struct ExprPrinter {
    std::string operator()(const Name& n) { return n.id; }
    std::string operator()(const IntLit& i) { return std::to_string(i.value); }
    std::string operator()(const FloatLit& f) { return fmt::format("{}", f.value); }
    std::string operator()(const StrLit& s) { return quote(s.value, s.bytes); }
    std::string operator()(const NoneLit&) { return "None"; }
    std::string operator()(const BoolLit& b) { return b.value ? "True" : "False"; }
    std::string operator()(const Ellipsis&) { return "..."; }
    std::string operator()(const ListExpr& l) { return "[" + join(l.items) + "]"; }
    std::string operator()(const TupleExpr& t) { return "(" + join(t.items) + (t.items.size() == 1 ? ",)" : ")"); }
    std::string operator()(const SetExpr& s) { return "{" + join(s.items) + "}"; }
    std::string operator()(const DictExpr& d) {
        std::string out = "{";
        for (size_t i = 0; i < d.items.size(); ++i) {
            out += i ? ", " : "";
            out += d.items[i].key ? expr(d.items[i].key) + ": " + expr(d.items[i].value) : expr(d.items[i].value);
        }
        return out + "}";
    }
    std::string operator()(const Starred& s) { return (s.double_star ? "**" : "*") + expr(s.value); }
    std::string operator()(const Call& c) {
        std::string out = expr(c.func) + "(" + join(c.args);
        for (size_t i = 0; i < c.keywords.size(); ++i)
            out += (i || !c.args.empty() ? ", " : "") + c.keywords[i].name + "=" + expr(c.keywords[i].value);
        return out + ")";
    }
    std::string operator()(const Attribute& a) { return expr(a.value) + "." + a.attr; }
    std::string operator()(const Slice& s) {
        return (s.lower ? expr(s.lower) : "") + ":" + (s.upper ? expr(s.upper) : "") + (s.step ? ":" + expr(s.step) : "");
    }
    std::string operator()(const Subscript& s) { return expr(s.value) + "[" + expr(s.index) + "]"; }
    std::string operator()(const Unary& u) {
        std::string_view op = u.op == UnOp::Neg ? "-" : u.op == UnOp::Pos ? "+" : u.op == UnOp::Invert ? "~" : "not ";
        return fmt::format("({}{})", op, expr(u.operand));
    }
    std::string operator()(const Binary& b) { return fmt::format("({} {} {})", expr(b.left), bin_text(b.op), expr(b.right)); }
    std::string operator()(const Compare& c) {
        std::string out = "(" + expr(c.first);
        for (auto& [op, e] : c.rest) out += fmt::format(" {} {}", cmp_text(op), expr(e));
        return out + ")";
    }
    std::string operator()(const BoolOp& b) {
        std::string out = "(";
        for (size_t i = 0; i < b.values.size(); ++i) out += (i ? (b.is_and ? " and " : " or ") : "") + expr(b.values[i]);
        return out + ")";
    }
    std::string operator()(const Conditional& c) {
        return fmt::format("({} if {} else {})", expr(c.then), expr(c.cond), expr(c.orelse));
    }
    std::string operator()(const ListComp& l) {
        return (l.generator ? "(" : "[") + expr(l.element) + fors(l.fors) + (l.generator ? ")" : "]");
    }
    std::string operator()(const DictComp& d) { return "{" + expr(d.key) + ": " + expr(d.value) + fors(d.fors) + "}"; }
    std::string operator()(const Lambda& l) { return "<lambda " + quote(l.source, false) + ">"; }
};

std::string expr(const ExprPtr& e) { return e ? std::visit(ExprPrinter{}, e->node) : std::string("<none>"); }

std::string names(const std::vector<ImportName>& ns) {
    std::string out;
    for (size_t i = 0; i < ns.size(); ++i) out += (i ? ", " : "") + ns[i].dotted + (ns[i].alias.empty() ? "" : " as " + ns[i].alias);
    return out;
}

struct StmtPrinter {
    std::string operator()(const Import& i) { return "import " + names(i.names); }
    std::string operator()(const FromImport& f) { return "from " + f.module + " import " + (f.star ? "*" : names(f.names)); }
    std::string operator()(const Assign& a) {
        std::string t;
        for (size_t i = 0; i < a.targets.size(); ++i) t += (i ? ", " : "") + a.targets[i];
        return t + (a.augmented ? fmt::format(" {}= ", bin_text(*a.augmented)) : " = ") + expr(a.value);
    }
    std::string operator()(const ExprStmt& e) { return expr(e.value); }
    std::string operator()(const Def& d) {
        std::string out = "def " + d.name + "(";
        for (size_t i = 0; i < d.params.size(); ++i)
            out += (i ? ", " : "") + d.params[i].name + (d.params[i].default_value ? "=" + expr(d.params[i].default_value) : "");
        return out + "): " + (d.body ? "return " + expr(d.body) : "<python body>");
    }
    std::string operator()(const Broken& b) {
        std::string out = "<syntax error binding";
        for (const std::string& n : b.names) out += " " + n;
        return out + ">";
    }
    std::string operator()(const Mapping& m) {
        std::string_view op = m.dir == MapDir::Left ? "<" : m.dir == MapDir::Right ? ">" : "<>";
        return fmt::format("{} {} {}", m.left.text, op, m.right.text);
    }
};

}  // namespace

std::string print_expr(const Expr& e) { return std::visit(ExprPrinter{}, e.node); }

std::string print(const Module& m, const SourceSet& sources) {
    std::string out;
    for (const Stmt& s : m.body) {
        LineCol lc = sources.file(s.span.file).line_col(s.span.begin);
        out += fmt::format("{:>4}:{:<3} {}\n", lc.line, lc.col, std::visit(StmtPrinter{}, s.node));
    }
    return out;
}

}  // namespace mdc::ast
