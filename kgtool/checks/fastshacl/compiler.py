"""Shapes into queries: every shape with focus nodes becomes one query per constraint (over the
whole graph, ``$this`` unbound), or goes to pySHACL with the reason."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from rdflib import Graph, URIRef
from rdflib.term import Node

from kgtool.checks.fastshacl.conditions import Conditions
from kgtool.checks.fastshacl.plan import (
    SEVERITY,
    CompiledQuery,
    Plan,
    Unsupported,
    focus_shapes,
    implicit_class_targets,
)
from kgtool.checks.fastshacl.shapes import (
    MAX_DEPTH,
    PAIR,
    VALUE_PARAMETERS,
    ShapeInfo,
    allowed_properties,
    integer,
    iri_only,
    is_true,
    one,
    passive,
    sparql_prefixes,
    sparql_term,
    targets_query,
)
from kgtool.terms import SH


def compile_shapes(shapes: Graph) -> Plan:
    """Translate every shape with focus nodes into queries (see the module docstring).

    Datatype tests hold a placeholder for the ill-typed literals, filled by
    :func:`fill_ill_typed` once the store has been read.
    """
    plan = Plan()
    prefixes = sparql_prefixes(shapes)
    implicit = implicit_class_targets(shapes)
    for shape in focus_shapes(shapes):
        conditions = Conditions(shapes, plan)
        try:
            queries = list(
                _compile_focus_shape(shapes, shape, shape in implicit, conditions, prefixes)
            )
        except Unsupported as reason:
            plan.unsupported.append(shape)
            plan.reasons[shape] = str(reason)
        except (ValueError, TypeError, AttributeError) as error:  # an odd shapes graph
            plan.unsupported.append(shape)
            plan.reasons[shape] = f"not understood: {error}"
        else:
            plan.queries += queries
            plan.translated.append(shape)
    return plan


def _compile_focus_shape(
    shapes: Graph, shape: Node, implicit: bool, conditions: Conditions, prefixes: str
) -> Iterator[CompiledQuery]:
    if is_true(shapes, shape, SH.deactivated):
        return
    targets = targets_query(shapes, shape, implicit)
    yield from _compile_tree(shapes, ShapeInfo(shapes, shape), targets, conditions, prefixes, 0)


def _compile_tree(
    shapes: Graph,
    info: ShapeInfo,
    targets: str,
    conditions: Conditions,
    prefixes: str,
    depth: int,
) -> Iterator[CompiledQuery]:
    """A shape's constraints and those of its property shapes (whose focus nodes are the
    shape's value nodes: the same as its focus nodes for a node shape)."""
    if depth > MAX_DEPTH:
        raise Unsupported("property shapes nested too deep (or recursive)")
    yield from _ShapeCompiler(shapes, info, targets, conditions, prefixes).queries()
    children = list(shapes.objects(info.node, SH.property))
    if not children:
        return
    if info.is_property:  # SHACL reports a result once per path to the value: pySHACL does
        raise Unsupported("sh:property on a property shape")
    for child in children:
        if is_true(shapes, child, SH.deactivated):
            continue
        child_info = ShapeInfo(shapes, child)
        if not child_info.is_property:
            raise Unsupported("sh:property value without sh:path")
        yield from _compile_tree(shapes, child_info, targets, conditions, prefixes, depth + 1)


def _severity(shapes: Graph, shape: Node) -> str:
    """``violation``, ``warning`` or ``info``; a severity of the shapes' own by its IRI."""
    severity_node = one(shapes, shape, SH.severity)
    if severity_node is not None and severity_node not in SEVERITY:
        if not isinstance(severity_node, URIRef):
            raise Unsupported("sh:severity not an IRI")
        return str(severity_node)  # a severity of the shapes' own: its IRI
    return SEVERITY.get(severity_node, "violation") if severity_node is not None else "violation"


class _ShapeCompiler:
    """The queries of one shape's own constraints (not those of its property shapes)."""

    def __init__(
        self,
        shapes: Graph,
        info: ShapeInfo,
        targets: str,
        conditions: Conditions,
        prefixes: str,
    ) -> None:
        self.shapes = shapes
        self.info = info
        self.shape = info.node
        self.targets = targets
        self.conditions = conditions
        self.prefixes = prefixes
        self.severity = _severity(shapes, info.node)
        self.values = info.values("?this", "?value", targets)

    def query(  # the compiled query of one constraint component
        self, component: str, text: str, *, node_shape: bool = False, distinct: tuple[str, ...] = ()
    ) -> CompiledQuery:
        return CompiledQuery(
            self.shape,
            self.severity,
            str(SH[component]),
            text,
            self.info.path_node,
            node_shape=node_shape,
            distinct=distinct,
        )

    def queries(self) -> Iterator[CompiledQuery]:
        for parameter, value in self.shapes.predicate_objects(self.shape):
            if passive(parameter) or parameter == SH.property:  # property shapes: the caller's
                continue
            yield from self.parameter(parameter, value)

    def parameter(self, parameter: Node, value: Node) -> Iterator[CompiledQuery]:
        info, targets = self.info, self.targets
        if parameter in VALUE_PARAMETERS:
            test = self.conditions.parameter(self.shape, parameter, value, "?value")
            yield self.query(
                VALUE_PARAMETERS[parameter],
                f"SELECT DISTINCT ?this ?value WHERE {{ {self.values} FILTER (!{test}) }}",
            )
        elif parameter == SH.hasValue:
            yield self.has_value(value)
        elif parameter in (SH.minCount, SH.maxCount):
            if not info.is_property:
                raise Unsupported("count on a node shape")
            operator = "<" if parameter == SH.minCount else ">"
            component = (
                "MinCountConstraintComponent" if operator == "<" else "MaxCountConstraintComponent"
            )
            inner = info.values("?this", "?_v", targets if info.zero else "")
            yield self.query(
                component,
                f"SELECT ?this WHERE {{ {targets} OPTIONAL {inner} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) {operator} {integer(value)})",
            )
        elif parameter == SH.qualifiedValueShape:
            yield from self.qualified(value)
        elif parameter in PAIR:
            extra = ("other",) if parameter in (SH.lessThan, SH.lessThanOrEquals) else ()
            yield self.query(
                PAIR[parameter],
                _pair_query(info, parameter, value, targets, self.values),
                distinct=extra,
            )
        elif parameter in (SH.uniqueLang, SH.closed):
            yield from self.switch(parameter)
        elif parameter == SH.sparql:
            yield from _sparql_constraint(
                self.shapes, info, value, targets, self.prefixes, self.query
            )
        else:
            raise Unsupported(f"parameter {parameter}")

    def has_value(self, value: Node) -> CompiledQuery:
        info, targets = self.info, self.targets
        if info.is_property:
            inner = info.values("?this", "?_h", targets if info.zero else "")
            test = f"NOT EXISTS {{ {inner} FILTER (sameTerm(?_h, {sparql_term(value)})) }}"
        else:
            test = f"!sameTerm(?this, {sparql_term(value)})"
        return self.query(
            "HasValueConstraintComponent",
            f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER ({test}) }}",
        )

    def qualified(self, value: Node) -> Iterator[CompiledQuery]:
        """``sh:qualifiedValueShape`` with its minimum and maximum counts."""
        shapes, shape, info, targets = self.shapes, self.shape, self.info, self.targets
        if not info.is_property:
            raise Unsupported("qualified value shape on a node shape")
        test = self.conditions.shape(value, "?_q", 1)
        if is_true(shapes, shape, SH.qualifiedValueShapesDisjoint):
            for sibling in _siblings(shapes, shape, value):
                test += f" && !{self.conditions.shape(sibling, '?_q', 1)}"
        for bound, operator, component in (
            (SH.qualifiedMinCount, "<", "QualifiedMinCountConstraintComponent"),
            (SH.qualifiedMaxCount, ">", "QualifiedMaxCountConstraintComponent"),
        ):
            limit = one(shapes, shape, bound)
            if limit is None:
                continue
            inner = info.values("?this", "?_q", targets if info.zero else "")
            yield self.query(
                component,
                f"SELECT ?this WHERE {{ {targets} "
                f"OPTIONAL {{ {inner} FILTER ({test}) }} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_q) {operator} {integer(limit)})",
            )

    def switch(self, parameter: Node) -> Iterator[CompiledQuery]:
        """``sh:uniqueLang`` and ``sh:closed``: a query when the parameter is true."""
        if parameter == SH.uniqueLang:
            if not self.info.is_property:
                raise Unsupported("sh:uniqueLang on a node shape")
            if is_true(self.shapes, self.shape, SH.uniqueLang):
                yield self.query(
                    "UniqueLangConstraintComponent",
                    f"SELECT ?this ?lang WHERE {{ {self.values} "
                    f"BIND (LCASE(lang(?value)) AS ?lang) "
                    f'FILTER (?lang != "") }} GROUP BY ?this ?lang '
                    f"HAVING (COUNT(DISTINCT ?value) > 1)",
                    distinct=("lang",),
                )
            return
        if self.info.is_property:
            raise Unsupported("sh:closed on a property shape")
        if is_true(self.shapes, self.shape, SH.closed):
            allowed = allowed_properties(self.shapes, self.shape)
            yield self.query(
                "ClosedConstraintComponent",
                f"SELECT DISTINCT ?this ?path ?value WHERE {{ {self.targets} "
                f"?this ?path ?value FILTER (?path NOT IN ({allowed})) }}",
            )


def _siblings(shapes: Graph, shape: Node, qualified: Node) -> list[Node]:
    """The other qualified value shapes of the shapes that have ``shape`` as a property."""
    found: list[Node] = []
    for parent in shapes.subjects(SH.property, shape):
        for other in shapes.objects(parent, SH.property):
            for sibling in shapes.objects(other, SH.qualifiedValueShape):
                if sibling != qualified and sibling not in found:
                    found.append(sibling)
    return found


def _pair_query(info: ShapeInfo, parameter: Node, value: Node, targets: str, values: str) -> str:
    """``sh:equals``, ``sh:disjoint``, ``sh:lessThan`` and ``sh:lessThanOrEquals``."""
    other = iri_only(value)
    if parameter == SH.disjoint:
        return f"SELECT DISTINCT ?this ?value WHERE {{ {values} ?this {other} ?value . }}"
    if parameter == SH.equals:
        inner = info.values("?this", "?_e", targets if info.zero or not info.is_property else "")
        return (
            f"SELECT DISTINCT ?this ?value WHERE {{ {{ {values} "
            f"FILTER NOT EXISTS {{ ?this {other} ?value }} }} UNION "
            f"{{ {targets} ?this {other} ?value . "
            f"FILTER NOT EXISTS {{ {inner} FILTER (sameTerm(?_e, ?value)) }} }} }}"
        )
    if not info.is_property:
        raise Unsupported(f"{parameter} on a node shape")
    operator = "<" if parameter == SH.lessThan else "<="
    return (
        f"SELECT DISTINCT ?this ?value ?other WHERE {{ {values} ?this {other} ?other . "
        f"FILTER (!COALESCE(?value {operator} ?other, false)) }}"
    )


def _sparql_constraint(
    shapes: Graph,
    info: ShapeInfo,
    value: Node,
    targets: str,
    prefixes: str,
    query: Callable[..., CompiledQuery],
) -> Iterator[CompiledQuery]:
    """A SPARQL-based constraint, run as written with ``$this`` left unbound."""
    if info.is_property:
        raise Unsupported("SPARQL constraint on a property shape")
    if is_true(shapes, value, SH.deactivated):
        return
    select = one(shapes, value, SH.select)
    if select is None or (value, SH.message, None) in shapes:
        raise Unsupported("SPARQL constraint without sh:select or with its own message")
    if (value, SH.prefixes, None) in shapes and not prefixes:
        raise Unsupported("SPARQL constraint whose prefixes are not declared")
    text = str(select)
    if re.search(r"\$(PATH|currentShape|shapesGraph)\b|\bSERVICE\b", text, re.IGNORECASE):
        raise Unsupported("SPARQL constraint with pre-bound variables beyond $this")
    # $this and ?this are one variable: left unbound, the rule runs over the whole graph once,
    # starting from the shape's targets (put first in its WHERE clause)
    where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
    if where is None:
        raise Unsupported("sh:select without WHERE {")
    text = f"{prefixes}\n{text[: where.end()]} {targets} {text[where.end() :]}"
    yield query("SPARQLConstraintComponent", text, node_shape=True)
