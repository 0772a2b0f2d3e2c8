"""Running a plan on a store: the ill-typed literals filled in, the queries in threads, one
:class:`RawResult` per distinct row, in the plan's order."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

import pyoxigraph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from kgtool.checks.fastshacl.compiler import compile_shapes
from kgtool.checks.fastshacl.plan import CompiledQuery, Plan, RawResult
from kgtool.terms import local_name, rdflib_term

# datatypes whose literals rdflib may find ill-typed (strings never are)
_UNCHECKED_DATATYPES = {XSD.string, RDF.langString}

OxTerm = pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal
Row = tuple[OxTerm | None, OxTerm | None, OxTerm | None, tuple[str | None, ...]]


to_rdflib = functools.partial(rdflib_term, lexical=True)
"""An rdflib term for a pyoxigraph term, a literal's lexical form kept as written."""


def _node(term: OxTerm | pyoxigraph.Triple | None) -> OxTerm | None:
    if isinstance(term, pyoxigraph.Triple):
        raise TypeError("a quoted triple (RDF-star) is not a SHACL value")
    return term


def select(store: pyoxigraph.Store, text: str) -> pyoxigraph.QuerySolutions:
    """The solutions of a SELECT query over every graph of ``store``."""
    answer = store.query(text, use_default_graph_as_union=True)
    if not isinstance(answer, pyoxigraph.QuerySolutions):
        raise TypeError(f"not a SELECT query: {text[:60]}")
    return answer


def typed_literals(store: pyoxigraph.Store, datatypes: Iterable[str]) -> list[pyoxigraph.Literal]:
    """Every literal in ``store`` of one of ``datatypes`` (IRIs), each once."""
    listed = ", ".join(f"<{d}>" for d in datatypes)
    text = (
        "SELECT DISTINCT ?o WHERE { ?s ?p ?o "
        f"FILTER (isLiteral(?o) && datatype(?o) IN ({listed})) }}"
    )
    return [row[0] for row in select(store, text) if isinstance(row[0], pyoxigraph.Literal)]


def ill_typed_literals(
    store: pyoxigraph.Store, datatypes: Iterable[URIRef]
) -> list[pyoxigraph.Literal]:
    """The literals in the store of one of ``datatypes`` that rdflib reads as ill-typed."""
    checked = sorted(str(d) for d in datatypes if d not in _UNCHECKED_DATATYPES)
    if not checked:
        return []
    return [
        literal
        for literal in typed_literals(store, checked)
        if _rdflib_ill_typed(literal.value, literal.datatype.value)
    ]


def _rdflib_ill_typed(lexical: str, datatype: str) -> bool:
    """As pySHACL's sh:datatype sees it: rdflib's ill_typed, or a value of the wrong type."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        literal = Literal(lexical, datatype=URIRef(datatype))
    if literal.ill_typed:
        return True
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

    check = DatatypeConstraintComponent._assert_actual_datatype  # needs no instance
    try:
        return not check(None, literal, URIRef(datatype))  # type: ignore[arg-type,no-untyped-call]
    except Exception:
        return False


def _solutions(store: pyoxigraph.Store, compiled: CompiledQuery) -> list[Row]:
    """(this, value, path, detail) of every row of one compiled query, as pyoxigraph terms."""
    solutions = select(store, compiled.text)
    variables = {v.value for v in solutions.variables}
    has_value, has_path = "value" in variables, "path" in variables
    extra = [name for name in compiled.distinct if name in variables]
    return [
        (
            _node(row["this"]),
            _node(row["value"]) if has_value else None,
            _node(row["path"]) if has_path else None,
            tuple(_text(row[name]) for name in extra),
        )
        for row in solutions
    ]


def _text(term: OxTerm | pyoxigraph.Triple | None) -> str | None:
    node = _node(term)
    return node.value if node is not None else None


def query_threads() -> int:
    """How many compiled queries run at once: one per processor this process may use, at most
    4 (Oxigraph releases the GIL while it evaluates; 1 M triples on 2 cores: 18.5 s → 12.2 s)."""
    import os

    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 1
    return max(1, min(usable, 4))


def run_plan(
    store: pyoxigraph.Store,
    plan: Plan,
    progress: Callable[[str], None] | None = None,
    threads: int | None = None,
) -> Iterator[RawResult]:
    """Run every compiled query (``threads`` at once, default :func:`query_threads`); yield one
    RawResult per distinct row, in the plan's order whatever the order of completion.

    ``progress`` hears ``SHACL k/n: <shape's local name>`` as each query's rows are taken."""
    from concurrent.futures import ThreadPoolExecutor

    total = len(plan.queries)
    pool = ThreadPoolExecutor(max_workers=threads or query_threads())
    try:
        pending = [pool.submit(_solutions, store, compiled) for compiled in plan.queries]
        for number, (compiled, future) in enumerate(zip(plan.queries, pending, strict=True), 1):
            if progress is not None:
                name = local_name(str(compiled.shape))
                progress(f"SHACL {number}/{total}: {name}")
            yield from _results(compiled, future.result())
    finally:  # stopped early (Ctrl-C, an error): the queries not yet started are not run
        pool.shutdown(wait=True, cancel_futures=True)


def _results(compiled: CompiledQuery, rows: list[Row]) -> Iterator[RawResult]:
    seen: set[tuple[Node | None, Node | None, Node | None, tuple[str | None, ...]]] = set()
    for this, value_term, path_term, extra in rows:
        focus = to_rdflib(this)
        value = to_rdflib(value_term)
        path = to_rdflib(path_term)
        if compiled.node_shape and value is None:
            value = focus
        key = (focus, path, value, extra)
        if key in seen:
            continue
        seen.add(key)
        yield RawResult(
            focus,
            compiled.shape,
            compiled.severity,
            compiled.component,
            path if path is not None else compiled.path,
            value,
            " ".join(str(e) for e in extra) if extra else None,
        )


def validate_store(
    store: pyoxigraph.Store, shapes: Graph, progress: Callable[[str], None] | None = None
) -> tuple[list[RawResult], list[Node]]:
    """Results of every translatable shape, and the shapes left for pySHACL."""
    plan = compile_shapes(shapes)
    fill_ill_typed(plan, ill_typed_literals(store, plan.datatypes))
    return list(run_plan(store, plan, progress)), plan.unsupported


def validate_plan(
    store: pyoxigraph.Store, plan: Plan, progress: Callable[[str], None] | None = None
) -> list[RawResult]:
    """Results of a compiled plan's queries on ``store`` (ill-typed literals filled in first)."""
    fill_ill_typed(plan, ill_typed_literals(store, plan.datatypes))
    return list(run_plan(store, plan, progress))


def fill_ill_typed(plan: Plan, bad: Sequence[pyoxigraph.Literal]) -> None:
    """Put the test "is one of the ill-typed literals ``bad``" in every datatype test."""

    def expression(match: re.Match[str]) -> str:
        tests = [f"sameTerm({match.group(1)}, {literal})" for literal in bad]
        return " || ".join(tests) if tests else "false"

    for compiled in plan.queries:
        compiled.text = re.sub(r"__ILL_TYPED__(\?\w+)__", expression, compiled.text)
