"""Boolean SPARQL expressions for nested shapes: does a value node satisfy a constraint, or
conform to a shape (``sh:node``, ``sh:or``, ``sh:not``, …)?"""

from __future__ import annotations

import itertools

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, XSD
from rdflib.term import Node

from kgtool.checks.fastshacl.plan import Plan, Unsupported
from kgtool.checks.fastshacl.shapes import (
    MAX_DEPTH,
    RANGE,
    VALUE_PARAMETERS,
    ShapeInfo,
    allowed_properties,
    integer,
    iri_only,
    is_true,
    one,
    passive,
    sparql_term,
)
from kgtool.terms import SH


class Conditions:
    """Boolean SPARQL expressions that never raise an error: does value node ``var`` satisfy a
    constraint (or conform to a shape)?"""

    def __init__(self, shapes: Graph, plan: Plan) -> None:
        self.shapes = shapes
        self.plan = plan
        self.counter = itertools.count()

    def fresh(self) -> str:
        return f"?_v{next(self.counter)}"

    def parameter(self, shape: Node, parameter: Node, value: Node, var: str, depth: int = 0) -> str:
        """Does ``var`` satisfy ``parameter value`` of ``shape``?"""
        shapes = self.shapes
        if parameter == SH["class"]:
            return f"EXISTS {{ {var} <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_term(value)} }}"
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
                f'(isLiteral({var}) && lang({var}) = "" && datatype({var}) = {sparql_term(value)} '
                f"&& !(__ILL_TYPED__{var}__))"
            )
        if parameter == SH.pattern:
            if len(list(shapes.objects(shape, SH.pattern))) > 1:
                raise Unsupported("several sh:pattern with sh:flags")
            flags = one(shapes, shape, SH.flags)
            flag_text = f", {Literal(str(flags)).n3()}" if flags is not None else ""
            regex = f"REGEX(STR({var}), {Literal(str(value)).n3()}{flag_text})"
            return f"(!isBlank({var}) && COALESCE({regex}, false))"
        if parameter == SH["in"]:
            members = list(Collection(shapes, value))
            tests = [f"sameTerm({var}, {sparql_term(m)})" for m in members] or ["false"]
            return "(" + " || ".join(tests) + ")"
        if parameter == SH.languageIn:
            tags = list(Collection(shapes, value))
            if not all(isinstance(t, Literal) for t in tags):
                raise Unsupported("sh:languageIn with a non-literal")
            tests = [f"langMatches(lang({var}), {Literal(str(t)).n3()})" for t in tags]
            return f"(isLiteral({var}) && ({' || '.join(tests or ['false'])}))"
        if parameter in RANGE:
            if not isinstance(value, Literal):
                raise Unsupported("a range bound that is not a literal")
            bound = sparql_term(value)
            return f"COALESCE(isLiteral({var}) && {var} {RANGE[parameter]} {bound}, false)"
        if parameter in (SH.minLength, SH.maxLength):
            operator = ">=" if parameter == SH.minLength else "<="
            return f"(!isBlank({var}) && STRLEN(STR({var})) {operator} {integer(value)})"
        if parameter in (SH["or"], SH["and"], SH.xone):
            parts = [self.shape(m, var, depth + 1) for m in Collection(shapes, value)]
            if parameter == SH["or"]:
                return "(" + " || ".join(parts or ["false"]) + ")"
            if parameter == SH["and"]:
                return "(" + " && ".join(parts or ["true"]) + ")"
            counts = " + ".join(f"IF({m}, 1, 0)" for m in parts) or "0"
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

    def shape(self, shape: Node, var: str, depth: int) -> str:
        """Does ``var`` conform to ``shape`` (targets ignored, as for any nested shape)?"""
        if depth > MAX_DEPTH:
            raise Unsupported("shapes nested too deep (or recursive)")
        shapes = self.shapes
        if is_true(shapes, shape, SH.deactivated):
            return "true"  # every node conforms to a deactivated shape
        info = ShapeInfo(shapes, shape)
        if info.is_property:
            return self._property(info, var, depth)
        tests = []
        for parameter, value in shapes.predicate_objects(shape):
            if passive(parameter) or parameter == SH.target:
                continue
            if parameter in VALUE_PARAMETERS:
                tests.append(self.parameter(shape, parameter, value, var, depth))
            elif parameter == SH.hasValue:
                tests.append(f"sameTerm({var}, {sparql_term(value)})")
            elif parameter == SH.property:
                tests.append(self.shape(value, var, depth + 1))
            elif parameter == SH.closed:
                if is_true(shapes, shape, SH.closed):
                    allowed = allowed_properties(shapes, shape)
                    tests.append(
                        f"NOT EXISTS {{ {var} ?_p{depth} ?_o{depth} "
                        f"FILTER (?_p{depth} NOT IN ({allowed})) }}"
                    )
            elif parameter in (SH.equals, SH.disjoint):
                other = iri_only(value)
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

    def _property(self, info: ShapeInfo, var: str, depth: int) -> str:
        """Does focus node ``var`` conform to the property shape ``info``?"""
        shapes = self.shapes
        if info.zero is not None:
            raise Unsupported("a zero-length path in a nested shape")
        tests = []
        for parameter, value in shapes.predicate_objects(info.node):
            if passive(parameter) or parameter == SH.target:
                continue
            x = self.fresh()
            values = f"{var} {info.path} {x} ."
            if parameter in VALUE_PARAMETERS:
                test = self.parameter(info.node, parameter, value, x, depth)
                tests.append(f"NOT EXISTS {{ {values} FILTER (!{test}) }}")
            elif parameter == SH.hasValue:
                tests.append(f"EXISTS {{ {values} FILTER (sameTerm({x}, {sparql_term(value)})) }}")
            elif parameter == SH.minCount:
                limit = integer(value)
                if limit > 1:
                    raise Unsupported("sh:minCount above 1 in a nested shape")
                tests.append(f"EXISTS {{ {values} }}" if limit == 1 else "true")
            elif parameter == SH.maxCount:
                limit = integer(value)
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
