"""The fast SHACL path: every shape as whole-graph SPARQL on an Oxigraph store.

pySHACL runs each constraint once per focus node; here each constraint is one query over the
whole graph (``$this`` left unbound), joined with the shape's targets. :func:`compile_shapes`
finds every shape that has focus nodes (explicit targets or an implicit class target) and
translates its SHACL Core constraints (and those of its property shapes) to SPARQL; a
SPARQL-based constraint runs as written, in a sub-query. Only what can be translated exactly is
translated: a shape with anything else (an unknown parameter, a path with a zero-length step
inside, a count in a nested shape, a custom target, a parameter value of an unexpected form) is
listed in :attr:`Plan.unsupported` with the reason, and the caller hands it to pySHACL. No
shape with focus nodes is left out: each is either in the plan's queries or handed over.

Datatype checks follow rdflib (whose ``ill_typed`` pySHACL uses): literals of a checked datatype
are collected once, checked in Python, and the ill-typed ones are named in the queries.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kgtool.terms import SH, rdflib_term

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
    SH.minLength: "MinLengthConstraintComponent",
    SH.maxLength: "MaxLengthConstraintComponent",
    SH["or"]: "OrConstraintComponent",
    SH["and"]: "AndConstraintComponent",
    SH.xone: "XoneConstraintComponent",
    SH["not"]: "NotConstraintComponent",
    SH.node: "NodeConstraintComponent",
    SH.nodeKind: "NodeKindConstraintComponent",
}
# parameters that are read along with another one, or carry no constraint
_PASSIVE = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    RDFS.subClassOf,
    SH.path,
    SH.severity,
    SH.message,
    SH.name,
    SH.description,
    SH.flags,
    SH.deactivated,
    SH.order,
    SH.group,
    SH.defaultValue,
    SH.ignoredProperties,
    *_TARGETS,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
}
_RANGE = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
_PAIR = {
    SH.equals: "EqualsConstraintComponent",
    SH.disjoint: "DisjointConstraintComponent",
    SH.lessThan: "LessThanConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
}
# datatypes whose literals rdflib may find ill-typed (strings never are)
_UNCHECKED_DATATYPES = {XSD.string, RDF.langString}
_MAX_DEPTH = 6  # shapes nested deeper (or recursive) go to pySHACL


def _passive(parameter) -> bool:
    """Read along with another parameter, no constraint, or not SHACL's (SHACL ignores it)."""
    return parameter in _PASSIVE or not str(parameter).startswith(str(SH))


class Unsupported(Exception):
    """A shape uses a SHACL feature this translation does not cover exactly."""


@dataclass(frozen=True)
class RawResult:
    """One validation result before it is placed in a file: terms as rdflib terms."""

    focus: object
    shape: object
    severity: str
    component: str
    path: object | None = None
    value: object | None = None
    detail: str | None = None  # what tells apart results that name no value (a language)


@dataclass
class CompiledQuery:
    """One SPARQL query for one constraint of one shape; rows give ?this (and ?value, ?path).

    ``distinct`` names extra columns (e.g. ``lang``) that tell results apart when the rows
    carry no value (one sh:uniqueLang result per language)."""

    shape: object
    severity: str
    component: str
    text: str
    path: object | None = None
    node_shape: bool = False
    distinct: tuple[str, ...] = ()


@dataclass
class Plan:
    """The shapes as queries, plus the shapes that must go to pySHACL (and why)."""

    queries: list[CompiledQuery] = field(default_factory=list)
    unsupported: list = field(default_factory=list)
    reasons: dict = field(default_factory=dict)
    translated: list = field(default_factory=list)
    datatypes: set[URIRef] = field(default_factory=set)


# -- which shapes have focus nodes ----------------------------------------------------------


def focus_shapes(shapes: Graph) -> list:
    """Every shape that has focus nodes of its own: one with a ``sh:target*`` (also SHACL-AF's
    ``sh:target``), or an implicit class target (a shape that is also an ``rdfs:Class``)."""
    found = {s for t in (*_TARGETS, SH.target) for s in shapes.subjects(t, None)}
    found |= implicit_class_targets(shapes)
    return sorted(found, key=lambda s: (isinstance(s, BNode), str(s)))


def implicit_class_targets(shapes: Graph) -> set:
    """Shapes that are SHACL instances of rdfs:Class (or owl:Class) in the shapes graph."""
    classes = {RDFS.Class, OWL.Class}
    classes |= {c for k in list(classes) for c in shapes.transitive_subjects(RDFS.subClassOf, k)}
    kinds = {SH.NodeShape, SH.PropertyShape}
    kinds |= {c for k in list(kinds) for c in shapes.transitive_subjects(RDFS.subClassOf, k)}
    found = set()
    for cls in classes:
        for node in shapes.subjects(RDF.type, cls):
            if isinstance(node, URIRef) and _is_shape(shapes, node, kinds):
                found.add(node)
    return found


def _is_shape(shapes: Graph, node, kinds: set) -> bool:
    if any((node, RDF.type, kind) in shapes for kind in kinds):
        return True
    return any(
        str(p).startswith(str(SH)) and p not in (SH.deactivated,)
        for p in shapes.predicates(node, None)
    )


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


def _one(shapes: Graph, node, predicate):
    values = list(shapes.objects(node, predicate))
    if len(values) > 1:
        raise Unsupported(f"several values of {predicate}")
    return values[0] if values else None


def _path(shapes: Graph, path, zero_allowed: bool = False, start: bool = True) -> str:
    """A SPARQL property path for a SHACL path.

    A zero-length step (``*``, ``?``) at the ``start`` of the path is refused (or, at the top
    with ``zero_allowed``, left to the caller, who writes it out): SPARQL evaluates it from an
    unbound subject as every node of the graph, without a focus node the graph does not hold.
    After a first step the subject is a node of the graph, and SPARQL and SHACL agree."""
    if isinstance(path, URIRef):
        return _iri(path)
    if not isinstance(path, BNode):
        raise Unsupported("a path that is a literal")
    if (path, RDF.first, None) in shapes:
        steps = list(Collection(shapes, path))
        if len(steps) < 2:
            raise Unsupported("a sequence path of fewer than two steps")
        parts = [_path(shapes, p, start=start and n == 0) for n, p in enumerate(steps)]
        return "(" + "/".join(parts) + ")"
    kinds = [p for p, _ in shapes.predicate_objects(path)]
    if len(kinds) != 1:
        raise Unsupported("a path node with other than one path predicate")
    kind = kinds[0]
    inner = shapes.value(path, kind)
    if kind == SH.alternativePath:
        options = list(Collection(shapes, inner))
        if len(options) < 2:
            raise Unsupported("an alternative path of fewer than two paths")
        return "(" + "|".join(_path(shapes, p, start=start) for p in options) + ")"
    if kind == SH.inversePath:
        return f"^({_path(shapes, inner, start=start)})"
    if kind == SH.oneOrMorePath:
        return f"({_path(shapes, inner, start=start)})+"
    if kind in (SH.zeroOrMorePath, SH.zeroOrOnePath):
        suffix = "*" if kind == SH.zeroOrMorePath else "?"
        if not start:
            return f"({_path(shapes, inner, start=False)}){suffix}"
        if zero_allowed:  # the zero-length step is written out by the caller
            return f"({_path(shapes, inner, start=True)})"
        raise Unsupported("a zero-length path step (*, ?) where the path starts, inside")
    raise Unsupported(f"path predicate {kind}")


class _Shape:
    """What is read once of a shape: its path (if a property shape) and how values are found.

    A path that starts with a zero-length step (``p*``, ``p?``, or a sequence ``p*/q…``) is
    written as two patterns, with the step taken and without it, so the focus node itself
    counts whether or not the graph holds it."""

    def __init__(self, shapes: Graph, shape):
        self.node = shape
        self.path_node = _one(shapes, shape, SH.path)
        self.is_property = self.path_node is not None
        self.zero = None
        self.rest = ""  # after a leading zero-length step of a sequence: the other steps
        self.path = ""
        if not self.is_property:
            return
        first, steps = self.path_node, None
        if isinstance(first, BNode) and (first, RDF.first, None) in shapes:
            steps = list(Collection(shapes, first))
            first = steps[0] if len(steps) > 1 else first
        for kind in (SH.zeroOrMorePath, SH.zeroOrOnePath):
            if isinstance(first, BNode) and (first, kind, None) in shapes:
                self.zero = kind
        if self.zero is not None and steps is not None and first is steps[0]:
            self.path = _path(shapes, first, zero_allowed=True)
            self.rest = "/".join(_path(shapes, p, start=n == 0) for n, p in enumerate(steps[1:]))
        else:
            self.path = _path(shapes, self.path_node, zero_allowed=True)

    def values(self, subject: str, value: str, before: str = "") -> str:
        """A group pattern: ``value`` runs over the value nodes of ``subject`` (after
        ``before``, the pattern that binds ``subject``)."""
        if not self.is_property:
            return f"{{ {before} BIND ({subject} AS {value}) }}"
        if self.zero is None:
            return f"{{ {before} {subject} {self.path} {value} . }}"
        step = "+" if self.zero == SH.zeroOrMorePath else ""
        if self.rest:
            return (
                f"{{ {{ {before} {subject} ({self.rest}) {value} . }} UNION "
                f"{{ {before} {subject} {self.path}{step}/({self.rest}) {value} . }} }}"
            )
        return (
            f"{{ {{ {before} BIND ({subject} AS {value}) }} UNION "
            f"{{ {before} {subject} {self.path}{step} {value} . }} }}"
        )


def _targets(shapes: Graph, shape, implicit: bool) -> str:
    """A sub-query giving ``?this``: the focus nodes of ``shape``."""
    if (shape, SH.target, None) in shapes:
        raise Unsupported("sh:target (SHACL-AF custom target)")
    parts = []
    classes = list(shapes.objects(shape, SH.targetClass)) + ([shape] if implicit else [])
    for cls in classes:
        parts.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {_term(cls)} }}")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(_term(n) for n in nodes) + " } }")
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?this {_iri_only(predicate)} ?_o }}")
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?_s {_iri_only(predicate)} ?this }}")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def _iri_only(term) -> str:
    if not isinstance(term, URIRef):
        raise Unsupported(f"{term!r} where an IRI is expected")
    return _iri(term)


def _true(shapes: Graph, shape, predicate) -> bool:
    """Whether a boolean parameter is true; only the literal true and false are understood."""
    value = _one(shapes, shape, predicate)
    if value is None:
        return False
    if (
        isinstance(value, Literal)
        and value.datatype == XSD.boolean
        and str(value)
        in (
            "true",
            "false",
            "1",
            "0",
        )
    ):
        return str(value) == "true"  # "1" is not the value sh:true names (uniqueLang-002)
    raise Unsupported(f"{predicate} {value!r}")


def _integer(value) -> int:
    if (
        isinstance(value, Literal)
        and isinstance(value.toPython(), int)
        and not isinstance(value.toPython(), bool)
    ):
        return int(value.toPython())
    raise Unsupported(f"count {value!r}")


class _Conditions:
    """Boolean SPARQL expressions that never raise an error: does value node ``var`` satisfy a
    constraint (or conform to a shape)?"""

    def __init__(self, shapes: Graph, plan: Plan):
        self.shapes = shapes
        self.plan = plan
        self.counter = itertools.count()

    def fresh(self) -> str:
        return f"?_v{next(self.counter)}"

    def parameter(self, shape, parameter, value, var: str, depth: int = 0) -> str:
        shapes = self.shapes
        if parameter == SH["class"]:
            return f"EXISTS {{ {var} <{RDF.type}>/<{RDFS.subClassOf}>* {_term(value)} }}"
        if parameter == SH.datatype:
            if not isinstance(value, URIRef):
                raise Unsupported("sh:datatype not an IRI")
            self.plan.datatypes.add(value)
            if value == XSD.string:
                return f"(isLiteral({var}) && datatype({var}) = <{XSD.string}>)"
            if value == RDF.langString:
                return f'(isLiteral({var}) && lang({var}) != "")'
            # the ill-typed literals are known only once the store is read: a placeholder
            return (
                f'(isLiteral({var}) && lang({var}) = "" && datatype({var}) = {_term(value)} '
                f"&& !(__ILL_TYPED__{var}__))"
            )
        if parameter == SH.pattern:
            if len(list(shapes.objects(shape, SH.pattern))) > 1:
                raise Unsupported("several sh:pattern with sh:flags")
            flags = _one(shapes, shape, SH.flags)
            flag_text = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            regex = f"REGEX(STR({var}), {Literal(str(value)).n3()}{flag_text})"
            return f"(!isBlank({var}) && COALESCE({regex}, false))"
        if parameter == SH["in"]:
            members = list(Collection(shapes, value))
            tests = [f"sameTerm({var}, {_term(m)})" for m in members] or ["false"]
            return "(" + " || ".join(tests) + ")"
        if parameter == SH.languageIn:
            tags = list(Collection(shapes, value))
            if not all(isinstance(t, Literal) for t in tags):
                raise Unsupported("sh:languageIn with a non-literal")
            tests = [f"langMatches(lang({var}), {Literal(str(t)).n3()})" for t in tags]
            return f"(isLiteral({var}) && ({' || '.join(tests or ['false'])}))"
        if parameter in _RANGE:
            if not isinstance(value, Literal):
                raise Unsupported("a range bound that is not a literal")
            return f"COALESCE(isLiteral({var}) && {var} {_RANGE[parameter]} {_term(value)}, false)"
        if parameter in (SH.minLength, SH.maxLength):
            operator = ">=" if parameter == SH.minLength else "<="
            return f"(!isBlank({var}) && STRLEN(STR({var})) {operator} {_integer(value)})"
        if parameter in (SH["or"], SH["and"], SH.xone):
            members = [self.shape(m, var, depth + 1) for m in Collection(shapes, value)]
            if parameter == SH["or"]:
                return "(" + " || ".join(members or ["false"]) + ")"
            if parameter == SH["and"]:
                return "(" + " && ".join(members or ["true"]) + ")"
            counts = " + ".join(f"IF({m}, 1, 0)" for m in members) or "0"
            return f"(({counts}) = 1)"
        if parameter == SH["not"]:
            return f"(!{self.shape(value, var, depth + 1)})"
        if parameter == SH.node:
            return self.shape(value, var, depth + 1)
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

    def shape(self, shape, var: str, depth: int) -> str:
        """Does ``var`` conform to ``shape`` (targets ignored, as for any nested shape)?"""
        if depth > _MAX_DEPTH:
            raise Unsupported("shapes nested too deep (or recursive)")
        shapes = self.shapes
        if _true(shapes, shape, SH.deactivated):
            return "true"  # every node conforms to a deactivated shape
        info = _Shape(shapes, shape)
        if info.is_property:
            return self._property(info, var, depth)
        tests = []
        for parameter, value in shapes.predicate_objects(shape):
            if _passive(parameter) or parameter == SH.target:
                continue
            if parameter in _VALUE_PARAMETERS:
                tests.append(self.parameter(shape, parameter, value, var, depth))
            elif parameter == SH.hasValue:
                tests.append(f"sameTerm({var}, {_term(value)})")
            elif parameter == SH.property:
                tests.append(self.shape(value, var, depth + 1))
            elif parameter == SH.closed:
                if _true(shapes, shape, SH.closed):
                    allowed = _allowed_properties(shapes, shape)
                    tests.append(
                        f"NOT EXISTS {{ {var} ?_p{depth} ?_o{depth} "
                        f"FILTER (?_p{depth} NOT IN ({allowed})) }}"
                    )
            elif parameter in (SH.equals, SH.disjoint):
                other = _iri_only(value)
                if parameter == SH.disjoint:
                    tests.append(f"NOT EXISTS {{ {var} {other} {var} }}")
                else:
                    x = self.fresh()
                    tests.append(
                        f"(EXISTS {{ {var} {other} {var} }} && "
                        f"NOT EXISTS {{ {var} {other} {x} FILTER (!sameTerm({x}, {var})) }})"
                    )
            else:
                raise Unsupported(f"nested parameter {parameter}")
        return "(" + " && ".join(tests or ["true"]) + ")"

    def _property(self, info: _Shape, var: str, depth: int) -> str:
        """Does focus node ``var`` conform to the property shape ``info``?"""
        shapes = self.shapes
        if info.zero is not None:
            raise Unsupported("a zero-length path in a nested shape")
        tests = []
        for parameter, value in shapes.predicate_objects(info.node):
            if _passive(parameter) or parameter == SH.target:
                continue
            x = self.fresh()
            values = f"{var} {info.path} {x} ."
            if parameter in _VALUE_PARAMETERS:
                test = self.parameter(info.node, parameter, value, x, depth)
                tests.append(f"NOT EXISTS {{ {values} FILTER (!{test}) }}")
            elif parameter == SH.hasValue:
                tests.append(f"EXISTS {{ {values} FILTER (sameTerm({x}, {_term(value)})) }}")
            elif parameter == SH.minCount:
                limit = _integer(value)
                if limit > 1:
                    raise Unsupported("sh:minCount above 1 in a nested shape")
                tests.append(f"EXISTS {{ {values} }}" if limit == 1 else "true")
            elif parameter == SH.maxCount:
                limit = _integer(value)
                if limit == 0:
                    tests.append(f"NOT EXISTS {{ {values} }}")
                elif limit == 1:
                    y = self.fresh()
                    tests.append(
                        f"NOT EXISTS {{ {values} {var} {info.path} {y} . "
                        f"FILTER (!sameTerm({x}, {y})) }}"
                    )
                else:
                    raise Unsupported("sh:maxCount above 1 in a nested shape")
            else:
                raise Unsupported(f"nested parameter {parameter}")
        return "(" + " && ".join(tests or ["true"]) + ")"


def _allowed_properties(shapes: Graph, shape) -> str:
    allowed = {RDF.type} - {RDF.type}
    for prop in shapes.objects(shape, SH.property):
        path = _one(shapes, prop, SH.path)
        if isinstance(path, URIRef):
            allowed.add(path)
    ignored = _one(shapes, shape, SH.ignoredProperties)
    if ignored is not None:
        for member in Collection(shapes, ignored):
            allowed.add(member)
    return ", ".join(_iri_only(p) for p in sorted(allowed)) or "<urn:x-kgtool:none>"


def compile_shapes(shapes: Graph) -> Plan:
    """Translate every shape with focus nodes into queries (see the module docstring).

    Datatype tests hold a placeholder for the ill-typed literals, filled by
    :func:`fill_ill_typed` once the store has been read.
    """
    plan = Plan()
    prefixes = _sparql_prefixes(shapes)
    implicit = implicit_class_targets(shapes)
    for shape in focus_shapes(shapes):
        conditions = _Conditions(shapes, plan)
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


def hand_over_all(plan: Plan, reason: str) -> Plan:
    """A plan with no queries: every shape of ``plan`` goes to pySHACL for ``reason``."""
    handed = Plan(unsupported=[*plan.translated, *plan.unsupported])
    handed.reasons = {shape: reason for shape in plan.translated} | plan.reasons
    return handed


def _compile_focus_shape(shapes, shape, implicit: bool, conditions, prefixes):
    if _true(shapes, shape, SH.deactivated):
        return
    targets = _targets(shapes, shape, implicit)
    yield from _compile_tree(shapes, _Shape(shapes, shape), targets, conditions, prefixes, 0)


def _compile_tree(shapes, info: _Shape, targets: str, conditions, prefixes, depth: int):
    """A shape's constraints and those of its property shapes (whose focus nodes are the
    shape's value nodes: the same as its focus nodes for a node shape)."""
    if depth > _MAX_DEPTH:
        raise Unsupported("property shapes nested too deep (or recursive)")
    yield from _compile_shape(shapes, info, targets, conditions, prefixes)
    children = list(shapes.objects(info.node, SH.property))
    if not children:
        return
    if info.is_property:  # SHACL reports a result once per path to the value: pySHACL does
        raise Unsupported("sh:property on a property shape")
    for child in children:
        if _true(shapes, child, SH.deactivated):
            continue
        child_info = _Shape(shapes, child)
        if not child_info.is_property:
            raise Unsupported("sh:property value without sh:path")
        yield from _compile_tree(shapes, child_info, targets, conditions, prefixes, depth + 1)


def _compile_shape(shapes: Graph, info: _Shape, targets: str, conditions: _Conditions, prefixes):
    shape = info.node
    severity_node = _one(shapes, shape, SH.severity)
    if severity_node is not None and severity_node not in _SEVERITY:
        if not isinstance(severity_node, URIRef):
            raise Unsupported("sh:severity not an IRI")
        severity = str(severity_node)  # a severity of the shapes' own: its IRI
    else:
        severity = _SEVERITY.get(severity_node, "violation")
    reported_path = info.path_node

    def query(component: str, text: str, **extra) -> CompiledQuery:
        return CompiledQuery(shape, severity, str(SH[component]), text, reported_path, **extra)

    values = info.values("?this", "?value", targets)
    for parameter, value in shapes.predicate_objects(shape):
        if _passive(parameter):
            continue
        if parameter in _VALUE_PARAMETERS:
            test = conditions.parameter(shape, parameter, value, "?value")
            yield query(
                _VALUE_PARAMETERS[parameter],
                f"SELECT DISTINCT ?this ?value WHERE {{ {values} FILTER (!{test}) }}",
            )
        elif parameter == SH.hasValue:
            if info.is_property:
                inner = info.values("?this", "?_h", targets if info.zero else "")
                test = f"NOT EXISTS {{ {inner} FILTER (sameTerm(?_h, {_term(value)})) }}"
            else:
                test = f"!sameTerm(?this, {_term(value)})"
            yield query(
                "HasValueConstraintComponent",
                f"SELECT DISTINCT ?this WHERE {{ {targets} FILTER ({test}) }}",
            )
        elif parameter in (SH.minCount, SH.maxCount):
            if not info.is_property:
                raise Unsupported("count on a node shape")
            operator = "<" if parameter == SH.minCount else ">"
            component = (
                "MinCountConstraintComponent" if operator == "<" else "MaxCountConstraintComponent"
            )
            inner = info.values("?this", "?_v", targets if info.zero else "")
            yield query(
                component,
                f"SELECT ?this WHERE {{ {targets} OPTIONAL {inner} }} "
                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_v) {operator} {_integer(value)})",
            )
        elif parameter == SH.qualifiedValueShape:
            if not info.is_property:
                raise Unsupported("qualified value shape on a node shape")
            test = conditions.shape(value, "?_q", 1)
            if _true(shapes, shape, SH.qualifiedValueShapesDisjoint):
                for sibling in _siblings(shapes, shape, value):
                    test += f" && !{conditions.shape(sibling, '?_q', 1)}"
            for bound, operator, component in (
                (SH.qualifiedMinCount, "<", "QualifiedMinCountConstraintComponent"),
                (SH.qualifiedMaxCount, ">", "QualifiedMaxCountConstraintComponent"),
            ):
                limit = _one(shapes, shape, bound)
                if limit is None:
                    continue
                inner = info.values("?this", "?_q", targets if info.zero else "")
                yield query(
                    component,
                    f"SELECT ?this WHERE {{ {targets} "
                    f"OPTIONAL {{ {inner} FILTER ({test}) }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?_q) {operator} {_integer(limit)})",
                )
        elif parameter in _PAIR:
            extra = ("other",) if parameter in (SH.lessThan, SH.lessThanOrEquals) else ()
            yield query(
                _PAIR[parameter],
                _pair_query(info, parameter, value, targets, values),
                distinct=extra,
            )
        elif parameter == SH.uniqueLang:
            if not info.is_property:
                raise Unsupported("sh:uniqueLang on a node shape")
            if _true(shapes, shape, SH.uniqueLang):
                yield query(
                    "UniqueLangConstraintComponent",
                    f"SELECT ?this ?lang WHERE {{ {values} BIND (LCASE(lang(?value)) AS ?lang) "
                    f'FILTER (?lang != "") }} GROUP BY ?this ?lang '
                    f"HAVING (COUNT(DISTINCT ?value) > 1)",
                    distinct=("lang",),
                )
        elif parameter == SH.closed:
            if info.is_property:
                raise Unsupported("sh:closed on a property shape")
            if _true(shapes, shape, SH.closed):
                allowed = _allowed_properties(shapes, shape)
                yield query(
                    "ClosedConstraintComponent",
                    f"SELECT DISTINCT ?this ?path ?value WHERE {{ {targets} "
                    f"?this ?path ?value FILTER (?path NOT IN ({allowed})) }}",
                )
        elif parameter == SH.property:
            continue  # compiled with the focus shape's targets by the caller
        elif parameter == SH.sparql:
            yield from _sparql_constraint(shapes, info, value, targets, prefixes, query)
        else:
            raise Unsupported(f"parameter {parameter}")


def _siblings(shapes: Graph, shape, qualified) -> list:
    """The other qualified value shapes of the shapes that have ``shape`` as a property."""
    found = []
    for parent in shapes.subjects(SH.property, shape):
        for other in shapes.objects(parent, SH.property):
            for sibling in shapes.objects(other, SH.qualifiedValueShape):
                if sibling != qualified and sibling not in found:
                    found.append(sibling)
    return found


def _pair_query(info: _Shape, parameter, value, targets: str, values: str) -> str:
    other = _iri_only(value)
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


def _sparql_constraint(shapes: Graph, info: _Shape, value, targets: str, prefixes: str, query):
    if info.is_property:
        raise Unsupported("SPARQL constraint on a property shape")
    if _true(shapes, value, SH.deactivated):
        return
    select = _one(shapes, value, SH.select)
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


def _sparql_prefixes(shapes: Graph) -> str:
    lines = []
    for declaration in shapes.objects(None, SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


# -- running --------------------------------------------------------------------------------


to_rdflib = functools.partial(rdflib_term, lexical=True)
"""An rdflib term for a pyoxigraph term, a literal's lexical form kept as written."""


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
    """(this, value, path, detail) of every row of one compiled query, as pyoxigraph terms."""
    solutions = store.query(compiled.text, use_default_graph_as_union=True)
    variables = {v.value for v in solutions.variables}
    has_value, has_path = "value" in variables, "path" in variables
    extra = [name for name in compiled.distinct if name in variables]
    return [
        (
            row["this"],
            row["value"] if has_value else None,
            row["path"] if has_path else None,
            tuple(row[name].value if row[name] is not None else None for name in extra),
        )
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
    store, shapes: Graph, progress: Callable[[str], None] | None = None
) -> tuple[list[RawResult], list[URIRef]]:
    """Results of every translatable shape, and the shapes left for pySHACL."""
    plan = compile_shapes(shapes)
    fill_ill_typed(plan, ill_typed_literals(store, plan.datatypes))
    return list(run_plan(store, plan, progress)), plan.unsupported


def validate_plan(
    store, plan: Plan, progress: Callable[[str], None] | None = None
) -> list[RawResult]:
    """Results of a compiled plan's queries on ``store`` (ill-typed literals filled in first)."""
    fill_ill_typed(plan, ill_typed_literals(store, plan.datatypes))
    return list(run_plan(store, plan, progress))


def fill_ill_typed(plan: Plan, bad: Sequence) -> None:
    """Put the test "is one of the ill-typed literals ``bad``" in every datatype test."""
    import re

    def expression(match: re.Match) -> str:
        tests = [f"sameTerm({match.group(1)}, {literal})" for literal in bad]
        return " || ".join(tests) if tests else "false"

    for compiled in plan.queries:
        compiled.text = re.sub(r"__ILL_TYPED__(\?\w+)__", expression, compiled.text)


# -- literals the store rewrites --------------------------------------------------------------

_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_PREFIX = re.compile(
    rb"(?:@prefix|PREFIX)\s+([\w.-]*):\s*<" + re.escape(_XSD.encode()) + rb">", re.IGNORECASE
)
# strings, IRIs and comments: where a bare number is no literal
_NOT_CODE = re.compile(
    rb'"{3}[\s\S]*?"{3}|\'{3}[\s\S]*?\'{3}|<[^>\s]*>'
    rb'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"|\'[^\'\\\n]*(?:\\.[^\'\\\n]*)*\'|#[^\n]*'
)
_NUMBER_TOKEN = re.compile(rb"[\s,;(\[]([+-]?\.?[0-9][0-9.eE+-]*)")
_NUMBER = re.compile(
    r"[+-]?(?:[0-9]*\.[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\.?[0-9]*[eE][+-]?[0-9]+|[0-9]+)"
)


def rewritten_literals(paths: Iterable) -> list[str]:
    """Typed literals in the files that an Oxigraph store keeps in another form than written.

    The store holds ``"01"^^xsd:integer`` as ``"1"``, ``4.0`` as ``"4"^^xsd:decimal`` and
    ``"300"^^xsd:byte`` (out of range) as an ``xsd:integer``: a SHACL term comparison, a
    datatype test or a reported value would then be about another term. Each candidate found
    in the text (by a pattern that may also match inside strings: a false alarm costs only
    speed) is put through a small store and compared; the rewritten ones are returned."""
    candidates: set[tuple[str, str]] = set()
    for path in paths:
        data = Path(path).read_bytes()
        prefixes = [m.group(1) for m in _XSD_PREFIX.finditer(data)]
        names = b"|".join(re.escape(p) + b":" for p in prefixes)
        typed = rb'"([^"\\\n]*)"\^\^(?:<' + re.escape(_XSD.encode()) + rb"([\w]+)>"
        typed += (rb"|(?:" + names + rb")([\w]+))") if names else rb")"
        for match in re.finditer(typed, data):
            name = match.group(2) or (match.group(3) if names else None)
            if name and name != b"string":
                candidates.add((match.group(1).decode("utf-8", "replace"), _XSD + name.decode()))
        tokens = set(_NUMBER_TOKEN.findall(_NOT_CODE.sub(b" ", data)))
        for token in tokens:
            text = token.decode()
            if not _NUMBER.fullmatch(text):
                text = text[:-1]  # "42." ends a statement
                if not _NUMBER.fullmatch(text):
                    continue
            kind = "double" if "e" in text.lower() else "decimal" if "." in text else "integer"
            candidates.add((text, _XSD + kind))
    return _rewritten(sorted(candidates))


def _rewritten(candidates: list[tuple[str, str]]) -> list[str]:
    import pyoxigraph

    if not candidates:
        return []
    store = pyoxigraph.Store()
    subject = "urn:x-kgtool:literal:"
    lines = [
        f'<{subject}{number}> <urn:x-kgtool:p> "{lexical}"^^<{datatype}> .'
        for number, (lexical, datatype) in enumerate(candidates)
    ]
    store.load("\n".join(lines).encode(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    found = []
    for quad in store:
        number = int(quad.subject.value.removeprefix(subject))
        lexical, datatype = candidates[number]
        literal = quad.object
        if literal.value != lexical or literal.datatype.value != datatype:
            found.append(f'"{lexical}"^^<{datatype}>')
    return sorted(found)
