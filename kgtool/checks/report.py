"""The validation report: findings with file:line, and their text, JSON and Turtle renderings."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import Graph
    from rdflib.term import Node

SEVERITIES = ("violation", "warning", "info")
SHAPES_NS = "https://w3id.org/kommunsamverkan/def/shapes#"
_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Finding:
    """One result: which resource (focus), where it is defined, which rule, value and message.

    ``focus`` is always a named resource; when SHACL's focus node was a blank node inside it,
    ``node`` holds that blank node (the Turtle report uses it as sh:focusNode).
    """

    focus: str
    shape: str
    severity: str
    messages: dict[str, str] = field(compare=False, hash=False)
    path: str | None = None
    value: str | None = None
    label: str | None = None
    file: str | None = None
    line: int | None = None
    component: str | None = None
    node: str | None = field(default=None, compare=False)
    value_n3: str | None = field(default=None, compare=False)
    focus_n3: str | None = field(default=None, compare=False)  # SHACL's focus node, any term
    path_node: str | None = None  # a path that is not an IRI: its blank node (see context)
    detail: str | None = None  # tells apart results that name no value (sh:uniqueLang's tag)
    # statements describing a blank source shape or path, copied into the SHACL report
    context: tuple[tuple[Node, Node, Node], ...] = field(default=(), compare=False, hash=False)

    @property
    def shape_name(self) -> str:
        """The rule's short name, e.g. ``MembershipsDoNotOverlap``."""
        return self.shape.removeprefix(SHAPES_NS)

    def message(self, lang: str = "en") -> str:
        """The message in ``lang``, else English, else any."""
        return (
            self.messages.get(lang)
            or self.messages.get("en")
            or next(iter(self.messages.values()), "")
        )

    def as_dict(self, lang: str = "en") -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "focus": self.focus,
            "label": self.label,
            "shape": self.shape_name,
            "path": self.path,
            "value": self.value,
            "severity": self.severity,
            "message": self.message(lang),
        }

    def sort_key(self) -> tuple[str, int, str, str, str]:
        return (self.file or "~", self.line or 0, self.focus, self.shape, self.value or "")


@dataclass
class Report:
    """All findings of one validation run, sorted by file and line."""

    findings: list[Finding] = field(default_factory=list)
    # which shape ran on which engine: (shape, "fast" or "pyshacl", why it was handed over)
    engines: list[tuple[str, str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # not a set: SHACL reports a result once per constraint (two sh:class, say) and per
        # path to a value, even when they read the same
        self.findings = sorted(self.findings, key=Finding.sort_key)

    @property
    def violations(self) -> list[Finding]:
        """Violations, and results of a severity of the shapes' own (counted as violations)."""
        return [f for f in self.findings if f.severity not in ("warning", "info")]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos do not count)."""
        return not self.violations

    def at_least(self, severity: str) -> Report:
        """Only findings of ``severity`` or worse (``violation`` < ``warning`` < ``info``)."""
        limit = _RANK[severity]
        return Report(
            [f for f in self.findings if _RANK.get(f.severity, 0) <= limit], engines=self.engines
        )

    def shapes(self) -> set[str]:
        """The short names of the rules that produced findings."""
        return {f.shape_name for f in self.findings}

    # -- renderings --

    def as_text(self, lang: str = "en") -> str:
        """Findings grouped by file, each with line, resource (label and IRI), rule and value."""
        words = _WORDS[lang if lang in _WORDS else "en"]
        if not self.findings:
            return words["none"]
        lines: list[str] = []
        current: object = object()
        for finding in self.findings:
            if finding.file != current:
                current = finding.file
                lines.append(finding.file or words["nofile"])
            where = f"{finding.line}" if finding.line else "?"
            name = f"{finding.label} <{finding.focus}>" if finding.label else f"<{finding.focus}>"
            kind = words.get(finding.severity, finding.severity)
            lines.append(f"  {where}: {kind} {finding.shape_name}: {name}")
            lines.append(f"      {finding.message(lang)}")
            if finding.value is not None:
                detail = f"{words['value']}: {finding.value}"
                if finding.path:
                    detail += f" ({words['path']}: <{finding.path}>)"
                lines.append(f"      {detail}")
        counts = words["summary"].format(
            violations=len(self.violations), warnings=len(self.warnings)
        )
        lines.append(counts)
        return "\n".join(lines)

    def as_json(self, lang: str = "en") -> str:
        """A JSON list of findings with keys file, line, focus, label, shape, path, value,
        severity, message."""
        return json.dumps([f.as_dict(lang) for f in self.findings], ensure_ascii=False, indent=2)

    def as_graph(self) -> Graph:
        """The standard SHACL validation report (sh:ValidationReport) as an rdflib Graph."""
        from rdflib import BNode, Graph, Literal, URIRef
        from rdflib.namespace import RDF, XSD

        from kgtool.terms import PREFIXES, SH

        graph = Graph()
        for prefix, namespace in PREFIXES.items():
            graph.bind(prefix, namespace)
        graph.bind("kssh", SHAPES_NS)
        report = BNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        # SHACL: a report conforms when it has no result at all, of any severity
        graph.add((report, SH.conforms, Literal(not self.findings, datatype=XSD.boolean)))
        for finding in self.findings:
            result = BNode()
            graph.add((report, SH.result, result))
            graph.add((result, RDF.type, SH.ValidationResult))
            graph.add((result, SH.focusNode, _focus(finding)))
            graph.add((result, SH.sourceShape, _term(finding.shape)))
            severity = finding.severity
            graph.add(
                (
                    result,
                    SH.resultSeverity,
                    SH[severity.capitalize()] if severity in _RANK else URIRef(severity),
                )
            )
            if finding.component:
                graph.add((result, SH.sourceConstraintComponent, URIRef(finding.component)))
            if finding.path:
                graph.add((result, SH.resultPath, URIRef(finding.path)))
            elif finding.path_node:
                graph.add((result, SH.resultPath, _term(finding.path_node)))
            for statement in finding.context:
                graph.add(statement)
            if finding.value is not None:
                graph.add((result, SH.value, _value(finding)))
            for lang, text in sorted(finding.messages.items()):
                graph.add((result, SH.resultMessage, Literal(text, lang=lang)))
        return graph

    def as_turtle(self) -> str:
        return str(self.as_graph().serialize(format="turtle"))


def term_key(term: Node | None) -> str:
    """A term as a finding holds it: an IRI as itself, a blank node as ``_:label`` (so the SHACL
    report names the same node; people are shown ``terms.BLANK_NODE_TEXT``)."""
    from rdflib import BNode

    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _term(text: str) -> Node:
    """The term a finding's text names (the inverse of :func:`term_key`)."""
    from rdflib import BNode, URIRef

    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


def _focus(finding: Finding) -> Node:
    """SHACL's focus node: the term itself (a literal, a blank node) when it is known."""
    if finding.focus_n3 and not finding.focus_n3.startswith("_:"):
        return _from_n3(finding.focus_n3, finding.focus)
    return _term(finding.node or finding.focus)


def _from_n3(text: str, fallback: str) -> Node:
    from rdflib import Literal
    from rdflib.util import from_n3

    try:
        term = from_n3(text)
    except Exception:  # a form from_n3 cannot read back: keep the text
        term = None
    from rdflib.term import Node as Term

    return term if isinstance(term, Term) else Literal(fallback)


def _value(finding: Finding) -> Node:
    """The value as an RDF term: from its N-Triples form when known, else a plain literal."""
    if finding.value_n3 and finding.value_n3.startswith("_:"):
        return _term(finding.value_n3)
    return _from_n3(finding.value_n3 or "", str(finding.value))


def merge(*parts: Iterable[Finding]) -> Report:
    """One report from several lists of findings (SHACL and Python checks)."""
    return Report([finding for part in parts for finding in part])


_WORDS = {
    "en": {
        "none": "No findings: the graph conforms to the shapes.",
        "nofile": "(not defined in any file)",
        "violation": "violation",
        "warning": "warning",
        "info": "info",
        "value": "value",
        "path": "property",
        "summary": "{violations} violation(s), {warnings} warning(s)",
    },
    "sv": {
        "none": "Inga fynd: grafen uppfyller formkraven.",
        "nofile": "(inte definierad i någon fil)",
        "violation": "fel",
        "warning": "varning",
        "info": "info",
        "value": "värde",
        "path": "egenskap",
        "summary": "{violations} fel, {warnings} varning(ar)",
    },
}


# -- filling a rule's message with the value --

_PLACEHOLDER = re.compile(r"\{[?$](value|path)\}")
# a parenthesised clause that shows a value, dropped when the finding has none (a missing value)
_OPTIONAL_CLAUSE = re.compile(r"\s*\([^()]*\{[?$](value|path)\}[^()]*\)")


_BARE = {
    "http://www.w3.org/2001/XMLSchema#" + name: re.compile(pattern)
    for name, pattern in (
        ("integer", r"[+-]?[0-9]+"),
        ("decimal", r"[+-]?[0-9]*[.]?[0-9]+"),
        ("date", r"[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"),
        ("gYearMonth", r"[0-9]{4}-(0[1-9]|1[0-2])"),
        ("gYear", r"[0-9]{4}"),
    )
}


def show_term(term: object) -> str:
    """A short, readable form of an rdflib term for a message: prefixed names where the project
    has a prefix, literals in Turtle form (``"2023-13-45"^^xsd:date``), ``[]`` for a blank node
    (whose label differs from one parse to the next)."""
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    from kgtool.terms import BLANK_NODE_TEXT
    from kgtool.terms import shorten as name

    if isinstance(term, BNode):
        return BLANK_NODE_TEXT
    if isinstance(term, URIRef):
        return name(str(term))
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if term.language:
            return f"{text}@{term.language}"
        bare = _BARE.get(str(term.datatype))
        if bare is not None and bare.fullmatch(str(term)):
            return str(term)  # a well-formed number or date reads best as itself
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^{name(str(term.datatype))}"
        return text
    return str(term)


def fill_message(text: str, value: object = None, path: object = None) -> str:
    """A rule's message with ``{?value}``/``{$value}`` (and ``{?path}``) filled in, as SHACL
    fills a SPARQL constraint's message. Without a value (a missing or repeated value, where
    SHACL names none) a parenthesised clause holding the placeholder is dropped, and any other
    placeholder shows as ``–``."""
    terms = {"value": value, "path": path}
    if any(term is None for term in terms.values()):
        text = _OPTIONAL_CLAUSE.sub(lambda m: "" if terms[m.group(1)] is None else m.group(0), text)
    return _PLACEHOLDER.sub(
        lambda m: "–" if terms[m.group(1)] is None else show_term(terms[m.group(1)]), text
    )


def filled(messages: dict[str, str], value: object = None, path: object = None) -> dict[str, str]:
    """Every language's message filled in (see :func:`fill_message`)."""
    return {lang: fill_message(text, value, path) for lang, text in messages.items()}
