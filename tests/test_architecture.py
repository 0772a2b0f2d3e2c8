"""The import rules of docs/architecture.md hold: each part imports only the parts below it.

Imports are read with ``ast`` from every module of the package, including imports made inside
functions (the lazy ones), so a rule cannot be dodged by importing late.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "kgtool"

BASE = {
    "kgtool",
    "kgtool.errors",
    "kgtool.atomic",
    "kgtool.project",
    "kgtool.terms",
    "kgtool.version",
}

# part → the parts it may import (besides itself); see docs/architecture.md.
MAY_IMPORT = {
    "base": {"base"},
    "store": {"base"},
    "query": {"base", "store"},
    "checks": {"base", "store"},
    "plot": {"base", "store", "query"},
    "web": {"base", "store", "query", "plot"},
    "api": {"base", "store", "query", "checks"},
    "authoring": {"base", "store", "query", "checks"},
    "cli": {"base", "store", "query", "checks", "plot", "web", "api", "authoring"},
}


def part_of(module: str) -> str:
    """The architectural part a ``kgtool…`` module belongs to."""
    parts = module.split(".")
    if module == "kgtool":  # the package's face: kgtool.open, handed on from api
        return "api"
    if module == "kgtool.entry":  # the console script in front of the CLI
        return "cli"
    if module in BASE or module == "kgtool.__version__":
        return "base"
    if parts[1] in {"store", "query", "checks", "web", "cli", "authoring"}:
        return parts[1]
    if parts[1] in {"api", "plot"}:
        return parts[1]
    raise AssertionError(f"{module}: in no part of docs/architecture.md")


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> set[str]:
    """Every ``kgtool`` module that ``path`` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kgtool"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / candidate.replace(".", "/")).with_suffix(".py")
                is_package = PACKAGE.parent / candidate.replace(".", "/") / "__init__.py"
                named = is_module.exists() or is_package.exists() or node.module == "kgtool"
                found.add(candidate if named else node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("kgtool")}
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_follow_the_layers(path):
    here = module_name(path)
    mine = part_of(here)
    wrong = sorted(
        f"{here} ({mine}) imports {target} ({part_of(target)})"
        for target in imports(path)
        if part_of(target) != mine and part_of(target) not in MAY_IMPORT[mine]
    )
    assert wrong == [], "see docs/architecture.md:\n" + "\n".join(wrong)


def import_graph() -> dict[str, set[str]]:
    """Module → the package's modules it imports (lazy ones too), names resolved to modules."""
    known = {module_name(path) for path in MODULES}
    graph = {}
    for path in MODULES:
        targets = set()
        for target in imports(path):
            while target not in known and "." in target:  # ``from m import name``: the module m
                target = target.rsplit(".", 1)[0]
            targets.add(target)
        graph[module_name(path)] = targets - {module_name(path)}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_import_cycles():
    """No module imports, even lazily, a module that imports it back (directly or round about)."""
    found = cycles(import_graph())
    assert found == [], "import cycles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_cycle_finder_finds_a_lazy_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_architecture_document_names_every_part():
    text = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    parts = ("store/", "query/", "checks/", "authoring/", "web/", "cli/", "api.py", "plot/")
    for part in (*parts, "terms.py"):
        assert f"**`{part}" in text or f"`{part}`" in text, part


# One home for each idea: the pattern's text appears in its home only.
ONE_HOME = {
    r"\x00-\x20<>": "terms.py",  # the characters an IRI may not hold
    '"""[\\s\\S]*?"""': "query/sparql_text.py",  # the SPARQL lexer
    '"application/sparql-results+json"': "query/result.py",  # format ↔ media type
    "relative_to(root": "project.py",  # a path shown relative to the project
}


@pytest.mark.parametrize("text", sorted(ONE_HOME))
def test_each_idea_has_one_home(text):
    homes = sorted(
        str(path.relative_to(PACKAGE))
        for path in MODULES
        if text in path.read_text(encoding="utf-8")
    )
    assert homes == [ONE_HOME[text]]


def test_shortening_has_one_definition():
    defined = sorted(
        f"{path.relative_to(PACKAGE)}:{node.name}"
        for path in MODULES
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef)
        and re.fullmatch(r"_?(short_iri|qname|_?compact|shorten|short)", node.name)
        and "width" not in {a.arg for a in node.args.args}  # cutting text to a width
    )
    # describe.short and formats.short render a whole term (literal, blank) around terms.shorten
    assert defined == ["query/describe.py:short", "query/formats.py:short", "terms.py:shorten"]


def _definitions() -> dict[str, list[str]]:
    """Function name -> the ``module:function`` places that define it (methods and nested
    functions too), read with ``ast``."""
    found: dict[str, list[str]] = {}
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                place = f"{path.relative_to(PACKAGE)}:{node.name}"
                found.setdefault(node.name, []).append(place)
    return found


# One definition for each idea: the names a definition of the idea has had (merged ones too),
# and the one place that may define it. ``ELSEWHERE``: definitions still in parts that other
# issues of this wave are rewriting (validation, publishing), each to be replaced by an import.
ONE_DEFINITION = {
    "the local name of an IRI": (
        {"local_name", "_local", "_local_name", "localname"},
        ["terms.py:local_name"],
    ),
    "a pyoxigraph term as rdflib": (
        {"rdflib_term", "to_rdflib", "_rdflib_term", "_to_rdflib"},
        ["terms.py:rdflib_term"],
    ),
    "a day, a month or a year": (
        {"date_precision", "_is_date", "_precision", "_date_precision"},
        ["terms.py:date_precision"],
    ),
    "text cut to a width": ({"clip", "_clip", "_shorten", "_cut"}, ["query/tables.py:clip"]),
    "the best label": (
        {"pick_label", "label_rank", "_label", "_best_label"},
        ["terms.py:label_rank", "terms.py:pick_label"],
    ),
}
ELSEWHERE = {
    "web/site/metadata.py:_local",  # a prefixed identifier (ns-local), publishing issue
    "web/site/openapi.py:_label",  # publishing issue
}


@pytest.mark.parametrize("idea", sorted(ONE_DEFINITION))
def test_each_idea_has_one_definition(idea):
    names, home = ONE_DEFINITION[idea]
    defined = _definitions()
    places = sorted(p for name in names for p in defined.get(name, []) if p not in ELSEWHERE)
    assert places == sorted(home), f"{idea}: define it once, in {home}, and import it"


def test_blank_nodes_are_shown_one_way():
    """Text for people shows a blank node as ``terms.BLANK_NODE_TEXT``: no literal ``"[]"`` or
    ``_:`` label in the functions that show a term (the SPARQL formats keep ``_:``)."""
    showing = {
        "query/formats.py": "short",
        "checks/report.py": "show_term",
        "query/describe.py": "short",
    }
    for module, function in showing.items():
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        body = next(
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function
        )
        literals = {
            n.value for n in ast.walk(body) if isinstance(n, ast.Constant) and n.value in ("[]",)
        }
        assert literals == set(), f"{module}:{function} spells a blank node itself"
        formatted = [n for n in ast.walk(body) if isinstance(n, ast.JoinedStr)]
        assert not any("_:" in ast.unparse(n) for n in formatted), f"{module}:{function}"


# Small pieces: no module over MAX_MODULE_LINES lines and no function over MAX_FUNCTION_LINES
# lines (from ``def`` to its last line).
# An exception names its module (or ``module:function``) and the reason it must be larger.
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
SIZE_EXCEPTIONS: dict[str, str] = {}  # none needed today


def test_no_module_is_too_long():
    long = sorted(
        f"{path.relative_to(PACKAGE)}: {lines} lines"
        for path in MODULES
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
        and str(path.relative_to(PACKAGE)) not in SIZE_EXCEPTIONS
    )
    assert long == [], f"split by responsibility (at most {MAX_MODULE_LINES} lines):\n" + "\n".join(
        long
    )


def test_no_function_is_too_long():
    long = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                place = f"{path.relative_to(PACKAGE)}:{node.name}"
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES and place not in SIZE_EXCEPTIONS:
                    long.append(f"{place}: {lines} lines")
    assert long == [], f"split it (at most {MAX_FUNCTION_LINES} lines):\n" + "\n".join(long)


def test_the_size_exceptions_are_still_needed():
    """An exception whose module or function has shrunk (or gone) is taken off the list."""
    for place in SIZE_EXCEPTIONS:
        module, _, function = place.partition(":")
        path = PACKAGE / module
        assert path.is_file(), f"{place}: no such module"
        text = path.read_text(encoding="utf-8")
        if not function:
            assert len(text.splitlines()) > MAX_MODULE_LINES, f"{place}: small enough now"
            continue
        sizes = [
            (n.end_lineno or n.lineno) - n.lineno + 1
            for n in ast.walk(ast.parse(text))
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == function
        ]
        assert any(s > MAX_FUNCTION_LINES for s in sizes), f"{place}: small enough now"
