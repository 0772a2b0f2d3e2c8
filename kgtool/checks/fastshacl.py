"""The fast SHACL path: every shape as whole-graph SPARQL on an Oxigraph store.

pySHACL runs each constraint once per focus node; here each constraint is one query over the
whole graph (``$this`` left unbound), joined with the shape's targets. Core constraints are
translated to SPARQL by :func:`compile_shapes`; a SPARQL-based constraint runs as written, in a
sub-query. Only the constraint kinds this project's shapes use are translated; a shape with
anything else is reported by :func:`compile_shapes` as unsupported and the caller hands it to
pySHACL. A test checks that both engines give the same findings on every fixture.

Datatype checks follow rdflib (whose ``ill_typed`` pySHACL uses): literals of a checked datatype
are collected once, checked in Python, and the ill-typed ones are named in the queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD

from kgtool.terms import SH

_SEVERITY = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# constraint parameters a value node is checked against, one at a time
_VALUE_PARAMETERS = {
    SH["class"]: "ClassConstraintComponent",
    SH.datatype: "DatatypeConstraintComponent",
    SH.pattern: "PatternConstraintComponent",
    SH["in"]: "InConstraintComponent",
    SH.languageIn: "LanguageInConstraintComponent",
    SH.minInclusive: "MinInclusiveConstraintComponent",
    SH.maxInclusive: "MaxInclusiveConstraintComponent",
    SH.minExclusive: "MinExclusiveConstraintComponent",
    SH.maxExclusive: "MaxExclusiveConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
}
# parameters that are read along with another one, or carry no constraint
_PASSIVE = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.path,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.flags,
    SH.deactivated,
    SH.order,
    SH.group,
    *_TARGETS,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
}
_COUNT_PARAMETERS = {SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.sparql}
_RANGE = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
# datatypes whose literals rdflib may find ill-typed (strings never are)
_UNCHECKED_DATATYPES = {XSD.string, RDF.langString}


class Unsupported(Exception):
    """A shape uses a SHACL feature this translation does not cover."""


@dataclass(frozen=True)
class RawResult:
    """One validation result before it is placed in a file: terms as rdflib terms."""

    focus: object
    shape: URIRef
    severity: str
    component: str
    path: object | None = None
    value: object | None = None


@dataclass
class CompiledQuery:
    """One SPARQL query for one constraint of one shape; rows give ?this (and ?value, ?path)."""

    shape: URIRef
    severity: str
    component: str
    text: str
    path: object | None = None
    node_shape: bool = False


@dataclass
class Plan:
    """The shapes as queries, plus the shapes that must go to pySHACL."""

    queries: list[CompiledQuery] = field(default_factory=list)
    unsupported: list[URIRef] = field(default_factory=list)
    datatypes: set[URIRef] = field(default_factory=set)


# -- translating shapes ---------------------------------------------------------------------


def _iri(term) -> str:
    return f"<{term}>"


def _term(term) -> str:
    """A SPARQL term for an rdflib IRI or literal (N-Triples form)."""
    if isinstance(term, URIRef):
        return _iri(term)
    if isinstance(term, Literal):
        return term.n3()
    raise Unsupported(f"term {term!r}")


def _path(shapes: Graph, path) -> str:
    """A SPARQL property path for a SHACL path."""
    if isinstance(path, URIRef):
        return _iri(path)
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + "|".join(_path(shapes, p) for p in Collection(shapes, alternatives)) + ")"
    inverse = shapes.value(path, SH.inversePath)
    if inverse is not None:
        return f"^({_path(shapes, inverse)})"
    for predicate, suffix in (
        (SH.zeroOrMorePath, "*"),
        (SH.oneOrMorePath, "+"),
        (SH.zeroOrOnePath, "?"),
    ):
        inner = shapes.value(path, predicate)
        if inner is not None:
            return f"({_path(shapes, inner)}){suffix}"
    if (path, RDF.first, None) in shapes:
        return "(" + "/".join(_path(shapes, p) for p in Collection(shapes, path)) + ")"
    raise Unsupported(f"path {path!r}")


def _targets(shapes: Graph, shape) -> str:
    parts = []
    for cls in shapes.objects(shape, SH.targetClass):
        parts.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {_term(cls)} }}")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(_term(n) for n in nodes) + " } }")
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?this {_term(predicate)} ?_o }}")
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?_s {_term(predicate)} ?this }}")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


class _Conditions:
    """Boolean SPARQL expressions: does value node ``var`` satisfy a constraint (or shape)?"""

    def __init__(self, shapes: Graph, plan: Plan):
        self.shapes = shapes
        self.plan = plan

    def parameter(self, shape, parameter, value, var: str) -> str:
        shapes = self.shapes
        if parameter == SH["class"]:
            return f"EXISTS {{ {var} <{RDF.type}>/<{RDFS.subClassOf}>* {_term(value)} }}"
        if parameter == SH.datatype:
            self.plan.datatypes.add(value)
            if value == XSD.string:
                return f"(isLiteral({var}) && datatype({var}) = <{XSD.string}>)"
            if value == RDF.langString:
                return f'(isLiteral({var}) && lang({var}) != "")'
            # the ill-typed literals are known only once the store is read: a placeholder
            return (
                f"(isLiteral({var}) && datatype({var}) = {_term(value)} && !(__ILL_TYPED__{var}__))"
            )
        if parameter == SH.pattern:
            flags = shapes.value(shape, SH.flags)
            flag_text = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            return f"(!isBlank({var}) && REGEX(STR({var}), {Literal(str(value)).n3()}{flag_text}))"
        if parameter == SH["in"]:
            members = list(Collection(shapes, value))
            tests = [f"sameTerm({var}, {_term(m)})" for m in members] or ["false"]
            return "(" + " || ".join(tests) + ")"
        if parameter == SH.languageIn:
            tags = [str(t) for t in Collection(shapes, value)]
            tests = [f'langMatches(lang({var}), "{t}")' for t in tags] or ["false"]
            return f"(isLiteral({var}) && ({' || '.join(tests)}))"
        if parameter in _RANGE:
            return f"COALESCE(isLiteral({var}) && {var} {_RANGE[parameter]} {_term(value)}, false)"
        if parameter == SH["or"]:
            members = [self.shape(m, var) for m in Collection(shapes, value)]
            return "(" + " || ".join(members or ["false"]) + ")"
        if parameter == SH["not"]:
            return f"(!{self.shape(value, var)})"
        if parameter == SH.nodeKind:
            kinds = {
                SH.IRI: f"isIRI({var})",
                SH.BlankNode: f"isBlank({var})",
                SH.Literal: f"isLiteral({var})",
                SH.BlankNodeOrIRI: f"(isBlank({var}) || isIRI({var}))",
                SH.BlankNodeOrLiteral: f"(isBlank({var}) || isLiteral({var}))",
                SH.IRIOrLiteral: f"(isIRI({var}) || isLiteral({var}))",
            }
            if value not in kinds:
                raise Unsupported(f"sh:nodeKind {value}")
            return kinds[value]
        raise Unsupported(f"parameter {parameter}")

    def shape(self, shape, var: str) -> str:
        """Does ``var`` conform to the (anonymous, node) shape ``shape``?"""
        tests = []
        for parameter, value in self.shapes.predicate_objects(shape):
            if parameter in _PASSIVE:
                continue
            if parameter not in _VALUE_PARAMETERS:
                raise Unsupported(f"nested parameter {parameter}")
            tests.append(self.parameter(shape, parameter, value, var))
        return "(" + " && ".join(tests or ["true"]) + ")"


def compile_shapes(shapes: Graph) -> Plan:
    """Translate every shape with a target into queries (see the module docstring).

    Datatype tests hold a placeholder for the ill-typed literals, filled by
    :func:`fill_ill_typed` once the store has been read.
    """
    plan = Plan()
    conditions = _Conditions(shapes, plan)
    prefixes = _sparql_prefixes(shapes)
    shape_nodes = {s for t in _TARGETS for s in shapes.subjects(t, None)}
    for shape in sorted(shape_nodes, key=str):
        if (shape, SH.deactivated, Literal(True)) in shapes:
            continue
        try:
            plan.queries += list(_compile_shape(shapes, shape, conditions, prefixes))
        except Unsupported:
            plan.unsupported.append(shape)
    return plan


def _compile_shape(shapes: Graph, shape, conditions: _Conditions, prefixes: str):
    severity = _SEVERITY.get(shapes.value(shape, SH.severity), "violation")
    targets = _targets(shapes, shape)
    path_node = shapes.value(shape, SH.path)
    is_property = path_node is not None
    path = _path(shapes, path_node) if is_property else None
    reported_path = path_node if is_property else None

    def query(component: str, text: str, node_shape: bool = False) -> CompiledQuery:
        return CompiledQuery(shape, severity, str(SH[component]), text, reported_path, node_shape)

    for parameter, value in shapes.predicate_objects(shape):
        if parameter in _PASSIVE:
            continue
        if parameter in _VALUE_PARAMETERS:
            component = _VALUE_PARAMETERS[parameter]
            if is_property:
                where = f"{targets} ?this {path} ?value ."
            else:
                where = f"{targets} BIND (?this AS ?value)"
            test = conditions.parameter(shape, parameter, value, "?value")
            yield query(
                component,
                f"SELECT DISTINCT ?this ?value WHERE {{ {where} FILTER (!{test}) }}",
            )
        elif parameter in (SH.minCount, SH.maxCount):
            if not is_property:
                raise Unsupported("count on a node shape")
            operator = "<" if parameter == SH.minCount else ">"
            component = (
                "MinCountConstraintComponent" if operator == "<" else "MaxCountConstraintComponent"
            )
            yield query(
                component,
                f"SELECT ?this WHERE {{ {targets} OPTIONAL {{ ?this {path} ?v }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {operator} {int(value)})",
            )
        elif parameter == SH.qualifiedValueShape:
            if not is_property:
                raise Unsupported("qualified value shape on a node shape")
            if (shape, SH.qualifiedValueShapesDisjoint, None) in shapes:
                raise Unsupported("sh:qualifiedValueShapesDisjoint")
            test = conditions.shape(value, "?v")
            for bound, operator, component in (
                (SH.qualifiedMinCount, "<", "QualifiedMinCountConstraintComponent"),
                (SH.qualifiedMaxCount, ">", "QualifiedMaxCountConstraintComponent"),
            ):
                limit = shapes.value(shape, bound)
                if limit is None:
                    continue
                yield query(
                    component,
                    f"SELECT ?this WHERE {{ {targets} "
                    f"OPTIONAL {{ ?this {path} ?v FILTER {test} }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {operator} {int(limit)})",
                )
        elif parameter == SH.sparql:
            if is_property:
                raise Unsupported("SPARQL constraint on a property shape")
            if (value, SH.deactivated, Literal(True)) in shapes:
                continue
            select = shapes.value(value, SH.select)
            if select is None or (value, SH.message, None) in shapes:
                raise Unsupported("SPARQL constraint without sh:select or with its own message")
            # $this and ?this are one variable: left unbound, the rule runs over the whole
            # graph once, starting from the shape's targets (put first in its WHERE clause)
            where = re.search(r"\bWHERE\s*\{", str(select), re.IGNORECASE)
            if where is None:
                raise Unsupported("sh:select without WHERE {")
            text = f"{prefixes}\n{select[: where.end()]} {targets} {select[where.end() :]}"
            yield query("SPARQLConstraintComponent", text, node_shape=True)
        else:
            raise Unsupported(f"parameter {parameter}")


def _sparql_prefixes(shapes: Graph) -> str:
    lines = []
    for declaration in shapes.objects(None, SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


# -- running --------------------------------------------------------------------------------


def to_rdflib(term):
    """An rdflib term for a pyoxigraph term."""
    from pyoxigraph import BlankNode, NamedNode

    if term is None:
        return None
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == str(XSD.string):
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


def ill_typed_literals(store, datatypes: Iterable[URIRef]) -> list:
    """The literals in the store of one of ``datatypes`` that rdflib reads as ill-typed."""
    checked = sorted(str(d) for d in datatypes if d not in _UNCHECKED_DATATYPES)
    if not checked:
        return []
    listed = ", ".join(f"<{d}>" for d in checked)
    text = (
        "SELECT DISTINCT ?o WHERE { ?s ?p ?o "
        f"FILTER (isLiteral(?o) && datatype(?o) IN ({listed})) }}"
    )
    bad = []
    for row in store.query(text, use_default_graph_as_union=True):
        literal = row[0]
        if _rdflib_ill_typed(literal.value, literal.datatype.value):
            bad.append(literal)
    return bad


def _rdflib_ill_typed(lexical: str, datatype: str) -> bool:
    """As pySHACL's sh:datatype sees it: rdflib's ill_typed, or a value of the wrong type."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        literal = Literal(lexical, datatype=URIRef(datatype))
    if literal.ill_typed:
        return True
    from pyshacl.constraints.core.value_constraints import DatatypeConstraintComponent

    try:
        return not DatatypeConstraintComponent._assert_actual_datatype(
            None, literal, URIRef(datatype)
        )
    except Exception:
        return False


def _solutions(store, compiled: CompiledQuery) -> list[tuple]:
    """(this, value, path) of every row of one compiled query, as pyoxigraph terms."""
    solutions = store.query(compiled.text, use_default_graph_as_union=True)
    variables = {v.value for v in solutions.variables}
    has_value, has_path = "value" in variables, "path" in variables
    return [
        (row["this"], row["value"] if has_value else None, row["path"] if has_path else None)
        for row in solutions
    ]


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
    store, plan: Plan, progress: Callable[[str], None] | None = None, threads: int | None = None
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
                name = re.split(r"[/#]", str(compiled.shape))[-1]
                progress(f"SHACL {number}/{total}: {name}")
            yield from _results(compiled, future.result())
    finally:  # stopped early (Ctrl-C, an error): the queries not yet started are not run
        pool.shutdown(wait=True, cancel_futures=True)


def _results(compiled: CompiledQuery, rows: list[tuple]) -> Iterator[RawResult]:
    seen = set()
    for this, value_term, path_term in rows:
        focus = to_rdflib(this)
        value = to_rdflib(value_term)
        path = to_rdflib(path_term)
        if compiled.node_shape and value is None:
            value = focus
        key = (focus, path, value)
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
        )


def validate_store(
    store, shapes: Graph, progress: Callable[[str], None] | None = None
) -> tuple[list[RawResult], list[URIRef]]:
    """Results of every translatable shape, and the shapes left for pySHACL."""
    plan = compile_shapes(shapes)
    fill_ill_typed(plan, ill_typed_literals(store, plan.datatypes))
    return list(run_plan(store, plan, progress)), plan.unsupported


def fill_ill_typed(plan: Plan, bad: Sequence) -> None:
    """Put the test "is one of the ill-typed literals ``bad``" in every datatype test."""
    import re

    def expression(match: re.Match) -> str:
        tests = [f"sameTerm({match.group(1)}, {literal})" for literal in bad]
        return " || ".join(tests) if tests else "false"

    for compiled in plan.queries:
        compiled.text = re.sub(r"__ILL_TYPED__(\?\w+)__", expression, compiled.text)
