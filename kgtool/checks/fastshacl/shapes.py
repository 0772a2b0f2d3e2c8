"""Reading a shape as SPARQL pieces: its parameters, its path, the patterns that give its
focus nodes (``?this``) and its value nodes, and the SPARQL form of a term.

Anything that cannot be written exactly raises :class:`~kgtool.checks.fastshacl.plan.Unsupported`
with the reason (the shape then goes to pySHACL).
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kgtool.checks.fastshacl.plan import TARGETS, Unsupported
from kgtool.terms import SH

# constraint parameters a value node is checked against, one at a time
VALUE_PARAMETERS = {
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
PASSIVE = {
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
    *TARGETS,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.qualifiedValueShapesDisjoint,
}
RANGE = {
    SH.minInclusive: ">=",
    SH.maxInclusive: "<=",
    SH.minExclusive: ">",
    SH.maxExclusive: "<",
}
PAIR = {
    SH.equals: "EqualsConstraintComponent",
    SH.disjoint: "DisjointConstraintComponent",
    SH.lessThan: "LessThanConstraintComponent",
    SH.lessThanOrEquals: "LessThanOrEqualsConstraintComponent",
}
MAX_DEPTH = 6  # shapes nested deeper (or recursive) go to pySHACL


def passive(parameter: Node) -> bool:
    """Read along with another parameter, no constraint, or not SHACL's (SHACL ignores it)."""
    return parameter in PASSIVE or not str(parameter).startswith(str(SH))


def iri(term: Node) -> str:
    return f"<{term}>"


def sparql_term(term: Node | None) -> str:
    """A SPARQL term for an rdflib IRI or literal (N-Triples form)."""
    if isinstance(term, URIRef):
        return iri(term)
    if isinstance(term, Literal):
        return term.n3()
    raise Unsupported(f"term {term!r}")


def one(shapes: Graph, node: Node, predicate: Node) -> Node | None:
    """The one value of ``predicate`` (None when none; several are refused)."""
    values = list(shapes.objects(node, predicate))
    if len(values) > 1:
        raise Unsupported(f"several values of {predicate}")
    return values[0] if values else None


def sparql_path(
    shapes: Graph, path: Node | None, zero_allowed: bool = False, start: bool = True
) -> str:
    """A SPARQL property path for a SHACL path.

    A zero-length step (``*``, ``?``) at the ``start`` of the path is refused (or, at the top
    with ``zero_allowed``, left to the caller, who writes it out): SPARQL evaluates it from an
    unbound subject as every node of the graph, without a focus node the graph does not hold.
    After a first step the subject is a node of the graph, and SPARQL and SHACL agree."""
    if isinstance(path, URIRef):
        return iri(path)
    if not isinstance(path, BNode):
        raise Unsupported("a path that is a literal")
    if (path, RDF.first, None) in shapes:
        steps = list(Collection(shapes, path))
        if len(steps) < 2:
            raise Unsupported("a sequence path of fewer than two steps")
        parts = [sparql_path(shapes, p, start=start and n == 0) for n, p in enumerate(steps)]
        return "(" + "/".join(parts) + ")"
    kinds = [p for p, _ in shapes.predicate_objects(path)]
    if len(kinds) != 1:
        raise Unsupported("a path node with other than one path predicate")
    kind = kinds[0]
    inner = shapes.value(path, kind)
    if kind == SH.alternativePath:
        if inner is None:
            raise Unsupported("sh:alternativePath without a list")
        options = list(Collection(shapes, inner))
        if len(options) < 2:
            raise Unsupported("an alternative path of fewer than two paths")
        return "(" + "|".join(sparql_path(shapes, p, start=start) for p in options) + ")"
    if kind == SH.inversePath:
        return f"^({sparql_path(shapes, inner, start=start)})"
    if kind == SH.oneOrMorePath:
        return f"({sparql_path(shapes, inner, start=start)})+"
    if kind in (SH.zeroOrMorePath, SH.zeroOrOnePath):
        suffix = "*" if kind == SH.zeroOrMorePath else "?"
        if not start:
            return f"({sparql_path(shapes, inner, start=False)}){suffix}"
        if zero_allowed:  # the zero-length step is written out by the caller
            return f"({sparql_path(shapes, inner, start=True)})"
        raise Unsupported("a zero-length path step (*, ?) where the path starts, inside")
    raise Unsupported(f"path predicate {kind}")


class ShapeInfo:
    """What is read once of a shape: its path (if a property shape) and how values are found.

    A path that starts with a zero-length step (``p*``, ``p?``, or a sequence ``p*/q…``) is
    written as two patterns, with the step taken and without it, so the focus node itself
    counts whether or not the graph holds it."""

    def __init__(self, shapes: Graph, shape: Node) -> None:
        self.node = shape
        self.path_node = one(shapes, shape, SH.path)
        self.is_property = self.path_node is not None
        self.zero: Node | None = None
        self.rest = ""  # after a leading zero-length step of a sequence: the other steps
        self.path = ""
        if not self.is_property:
            return
        first: Node | None = self.path_node
        steps: list[Node] | None = None
        if isinstance(first, BNode) and (first, RDF.first, None) in shapes:
            steps = list(Collection(shapes, first))
            first = steps[0] if len(steps) > 1 else first
        for kind in (SH.zeroOrMorePath, SH.zeroOrOnePath):
            if isinstance(first, BNode) and (first, kind, None) in shapes:
                self.zero = kind
        if self.zero is not None and steps is not None and first is steps[0]:
            self.path = sparql_path(shapes, first, zero_allowed=True)
            self.rest = "/".join(
                sparql_path(shapes, p, start=n == 0) for n, p in enumerate(steps[1:])
            )
        else:
            self.path = sparql_path(shapes, self.path_node, zero_allowed=True)

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


def targets_query(shapes: Graph, shape: Node, implicit: bool) -> str:
    """A sub-query giving ``?this``: the focus nodes of ``shape``."""
    if (shape, SH.target, None) in shapes:
        raise Unsupported("sh:target (SHACL-AF custom target)")
    parts: list[str] = []
    classes = list(shapes.objects(shape, SH.targetClass)) + ([shape] if implicit else [])
    for cls in classes:
        parts.append(f"{{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_term(cls)} }}")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append("{ VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " } }")
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?this {iri_only(predicate)} ?_o }}")
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?_s {iri_only(predicate)} ?this }}")
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }"


def iri_only(term: Node) -> str:
    if not isinstance(term, URIRef):
        raise Unsupported(f"{term!r} where an IRI is expected")
    return iri(term)


def is_true(shapes: Graph, shape: Node, predicate: Node) -> bool:
    """Whether a boolean parameter is true; only the literal true and false are understood."""
    value = one(shapes, shape, predicate)
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


def integer(value: Node | None) -> int:
    if (
        isinstance(value, Literal)
        and isinstance(value.toPython(), int)
        and not isinstance(value.toPython(), bool)
    ):
        return int(value.toPython())
    raise Unsupported(f"count {value!r}")


def allowed_properties(shapes: Graph, shape: Node) -> str:
    """The properties a closed shape allows, as a SPARQL list."""
    allowed: set[Node] = set()
    for prop in shapes.objects(shape, SH.property):
        path = one(shapes, prop, SH.path)
        if isinstance(path, URIRef):
            allowed.add(path)
    ignored = one(shapes, shape, SH.ignoredProperties)
    if ignored is not None:
        for member in Collection(shapes, ignored):
            allowed.add(member)
    ordered = sorted(allowed)  # type: ignore[type-var]  # rdflib orders its terms
    return ", ".join(iri_only(p) for p in ordered) or "<urn:x-kgtool:none>"


def sparql_prefixes(shapes: Graph) -> str:
    """The ``sh:declare`` prefixes as a SPARQL prologue."""
    lines = []
    for declaration in shapes.objects(None, SH.declare):
        prefix = shapes.value(declaration, SH.prefix)
        namespace = shapes.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))
