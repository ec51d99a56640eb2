// Check-time questions answered by CPython's own parser (see lang/python_syntax.h): a lambda's
// syntax, and a module's top-level names read from its syntax tree. No user code runs: the
// source is only parsed and compiled, never executed.
#include "runtime_state.h"

namespace mdc::python {

namespace {

constexpr std::string_view syntax_source = R"PY(
import ast

def _byte_offset(src, lineno, offset):
    lines = src.split('\n')
    lineno = max(1, min(lineno or 1, len(lines)))
    line = lines[lineno - 1]
    col = max(0, min((offset or 1) - 1, len(line)))
    return sum(len(l.encode()) + 1 for l in lines[:lineno - 1]) + len(line[:col].encode())

def _syntax_error(src, e):
    return (_byte_offset(src, e.lineno, e.offset), e.msg)

def expression_error(src):
    try:
        compile(src + '\n', '<lambda>', 'eval', dont_inherit=True)  # the newline: CPython then places errors at the end
    except SyntaxError as e:
        return _syntax_error(src, e)
    except ValueError as e:          # e.g. a NUL byte
        return (0, str(e))
    return None

def module_names(src, filename):
    try:
        tree = ast.parse(src, filename)
    except SyntaxError as e:
        return _syntax_error(src, e)
    except ValueError as e:
        return (0, str(e))
    names = set()
    star = False

    def targets(t):
        if isinstance(t, ast.Name):
            names.add(t.id)
        elif isinstance(t, (ast.Tuple, ast.List)):
            for x in t.elts:
                targets(x)
        elif isinstance(t, ast.Starred):
            targets(t.value)

    def body(stmts):
        nonlocal star
        for n in stmts:
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(n.name)
            elif isinstance(n, ast.Assign):
                for t in n.targets:
                    targets(t)
            elif isinstance(n, (ast.AnnAssign, ast.AugAssign)):
                targets(n.target)
            elif isinstance(n, ast.Import):
                for a in n.names:
                    names.add(a.asname or a.name.split('.')[0])
            elif isinstance(n, ast.ImportFrom):
                for a in n.names:
                    if a.name == '*':
                        star = True
                    else:
                        names.add(a.asname or a.name)
            elif isinstance(n, (ast.For, ast.AsyncFor)):
                targets(n.target)
                body(n.body)
                body(n.orelse)
            elif isinstance(n, (ast.If, ast.While)):
                body(n.body)
                body(n.orelse)
            elif isinstance(n, (ast.With, ast.AsyncWith)):
                for item in n.items:
                    if item.optional_vars is not None:
                        targets(item.optional_vars)
                body(n.body)
            elif isinstance(n, ast.Try) or type(n).__name__ == 'TryStar':
                body(n.body)
                for h in n.handlers:
                    if h.name:
                        names.add(h.name)
                    body(h.body)
                body(n.orelse)
                body(n.finalbody)
            elif isinstance(n, ast.Match):
                for case in n.cases:
                    body(case.body)
            if isinstance(n, ast.stmt):
                for x in ast.walk(n):
                    if isinstance(x, ast.NamedExpr) and isinstance(x.target, ast.Name):
                        names.add(x.target.id)

    body(tree.body)
    for x in ast.walk(tree):            # `global x` in a function defines x at module level
        if isinstance(x, ast.Global):
            names.update(x.names)
    return (sorted(names), star)
)PY";

// The helper functions above, compiled once into their own namespace.
PyObject* helper(Runtime::State& s, const char* name) {
    if (!s.syntax_helpers) {
        Ref ns(PyDict_New());
        if (!ns) return nullptr;
        PyDict_SetItemString(ns.p, "__builtins__", PyEval_GetBuiltins());
        Ref r(PyRun_String(std::string(syntax_source).c_str(), Py_file_input, ns.p, ns.p));
        if (!r) return nullptr;
        s.syntax_helpers = std::move(ns);
    }
    return PyDict_GetItemString(s.syntax_helpers.p, name);  // borrowed
}

Ref text(std::string_view s) { return Ref(PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace")); }

// (offset, message) from Python.
PythonSyntaxError syntax_error(PyObject* pair) {
    PythonSyntaxError e;
    e.offset = static_cast<uint32_t>(PyLong_AsUnsignedLong(PyTuple_GetItem(pair, 0)));
    const char* m = PyUnicode_AsUTF8(PyTuple_GetItem(pair, 1));
    e.message = m ? m : "invalid syntax";
    PyErr_Clear();
    return e;
}

}  // namespace

std::optional<PythonSyntaxError> Runtime::expression_error(std::string_view source) {
    PyObject* f = helper(*state_, "expression_error");
    Ref src = text(source);
    Ref r(f && src ? PyObject_CallOneArg(f, src.p) : nullptr);
    if (!r) return PythonSyntaxError{0, fetch_error_text()};
    if (r.p == Py_None) return std::nullopt;
    return syntax_error(r.p);
}

std::variant<PythonModuleNames, PythonSyntaxError> Runtime::module_names(std::string_view source, const std::string& filename) {
    PyObject* f = helper(*state_, "module_names");
    Ref src = text(source), name(PyUnicode_DecodeFSDefault(filename.c_str()));
    Ref r(f && src && name ? PyObject_CallFunctionObjArgs(f, src.p, name.p, nullptr) : nullptr);
    if (!r) return PythonSyntaxError{0, fetch_error_text()};
    if (PyUnicode_Check(PyTuple_GetItem(r.p, 1))) return syntax_error(r.p);
    PythonModuleNames out;
    PyObject* list = PyTuple_GetItem(r.p, 0);
    for (Py_ssize_t i = 0; i < PyList_Size(list); ++i)
        if (const char* n = PyUnicode_AsUTF8(PyList_GetItem(list, i))) out.names.emplace_back(n);
    out.open = PyObject_IsTrue(PyTuple_GetItem(r.p, 1)) == 1;
    PyErr_Clear();
    return out;
}

}  // namespace mdc::python
