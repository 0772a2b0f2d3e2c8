"""A query's result shape, read from its text: which columns may hold IRIs or places.

The analysis-ready table (``kgtool.query.tables``) adds a ``_label`` column after every column
that may hold an IRI and a ``_code`` column after every column that may hold a municipality, a
county or a region. Which columns those are is decided here, from the query's text and the
ontology's property kinds, never from the rows: the same query gives the same columns for any
parameters and any data, an empty answer included.

A variable may hold an IRI when the query uses it as a subject, a predicate, a class
(``?x a ?class``), the object of a property whose values are not literals, or binds it from
one of these (``BIND(?a AS ?b)``, ``COALESCE``, ``IF``, ``SAMPLE``, ``MIN``/``MAX``,
``IRI()``) or from ``VALUES`` holding IRIs. It may hold a place when it is typed as one
(``a ks:Municipality``, or ``a ?kind``), is the subject of a property of places (a code, a
county), the object of a property whose range is a place or an agent (``org:member``), or
holds ``id:municipality/…``, ``id:county/…``, ``id:region/…`` in ``VALUES``.

The text is read with a small lexer, not a full parser: what it cannot read (an unusual
construct) only means a column gets no companion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kgtool.terms import ID_IRI, KS_IRI, PREFIX_IRIS

if TYPE_CHECKING:
    from kgtool.store.engine import ProjectStore

_RDF_TYPE = PREFIX_IRIS["rdf"] + "type"
PLACE_CLASSES = frozenset(KS_IRI + name for name in ("Municipality", "County", "Region"))
# Properties of other vocabularies whose values are literals (the ontology tells its own).
LITERAL_PROPERTIES = frozenset(
    PREFIX_IRIS[prefix] + name
    for prefix, names in {
        "rdfs": ("label", "comment"),
        "skos": ("prefLabel", "altLabel", "hiddenLabel", "definition", "note", "notation",
                 "scopeNote", "example"),
        "foaf": ("name", "givenName", "familyName", "nick", "title"),
        "dct": ("title", "description", "abstract", "date", "created", "issued", "modified",
                "valid", "identifier", "bibliographicCitation", "alternative", "extent"),
        "time": ("inXSDDate", "inXSDgYear", "inXSDgYearMonth", "inXSDDateTime",
                 "inXSDDateTimeStamp", "inDateTime", "year", "month", "day", "hour", "minute",
                 "second", "numericDuration", "numericPosition"),
        "owl": ("versionInfo",),
        "schema": ("name", "description", "alternateName", "identifier", "email", "telephone",
                   "startDate", "endDate", "foundingDate", "url"),
        "dcat": ("keyword", "byteSize", "mediaType"),
        "void": ("triples", "entities", "distinctSubjects", "distinctObjects", "classes",
                 "properties"),
    }.items()
    for name in names
)  # fmt: skip
# Properties of other vocabularies whose values may be municipalities or regions (agents).
AGENT_PROPERTIES = frozenset(
    PREFIX_IRIS["org"] + name for name in ("member", "hasMember", "heldBy", "memberOf")
)
# The ontology's property kinds, read from the store (the ontology is schema, not data).
ONTOLOGY_QUERY = """
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?p ?kind WHERE {
  { ?p a owl:DatatypeProperty BIND("literal" AS ?kind) }
  UNION { ?p rdfs:range ?range FILTER(STRSTARTS(STR(?range), STR(xsd:)) || ?range = rdfs:Literal)
          BIND("literal" AS ?kind) }
  UNION { ?p rdfs:range ?range
          FILTER(?range IN (ks:Municipality, ks:County, ks:Region, ks:Member))
          BIND("place" AS ?kind) }
  UNION { ?p rdfs:domain ?domain
          FILTER(?domain IN (ks:Municipality, ks:County, ks:Region)) BIND("of-place" AS ?kind) }
}
"""


@dataclass(frozen=True)
class Vocabulary:
    """What the ontology says about its properties: literal-valued, place-valued, of places."""

    literal: frozenset[str] = frozenset()
    place: frozenset[str] = frozenset()
    of_place: frozenset[str] = frozenset()


_PNAME = r"(?:[A-Za-z_](?:[\w-]|\.(?=[\w-]))*)?:(?:[\w%:-]|\.(?=[\w%:-]))*"
_TOKEN = re.compile(
    r"""(?P<skip>\#[^\n]*|\s+)
    |(?P<str>(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
        (?:@[A-Za-z][\w-]*|\^\^(?:<[^<>\s]*>|"""
    + _PNAME
    + r"""))?)
    |(?P<iri><[^<>"{}|^`\\\s]*>)
    |(?P<var>[?$]\w+)
    |(?P<num>(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+))
    |(?P<pname>"""
    + _PNAME
    + r""")
    |(?P<word>[A-Za-z_]\w*)
    |(?P<punct>\^\^|&&|\|\||!=|<=|>=|.)""",
    re.VERBOSE,
)
_PLACE_IRIS = tuple(ID_IRI + kind for kind in ("municipality/", "county/", "region/"))
_KEYWORDS_BEFORE_GROUP = {"OPTIONAL", "MINUS", "UNION", "WHERE", "GRAPH", "SERVICE", "SILENT"}
_LITERAL_WORDS = {"TRUE", "FALSE"}
_PASS_THROUGH = {"COALESCE", "IF", "SAMPLE", "MIN", "MAX"}
_MAKES_IRI = {"IRI", "URI"}


@dataclass
class _Facts:
    """What the text says of each variable."""

    iri: set[str] = field(default_factory=set)
    place: set[str] = field(default_factory=set)
    objects: dict[str, set[str]] = field(default_factory=dict)  # variable -> predicates
    subjects: dict[str, set[str]] = field(default_factory=dict)
    binds: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    class_of: dict[str, set[str]] = field(default_factory=dict)  # ``?x a ?class``


def _tokens(text: str) -> list[tuple[str, str]]:
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind != "skip":
            out.append((kind, match.group(0)))
    return out


def _expand(kind: str, token: str, prefixes: dict[str, str]) -> str | None:
    if kind == "iri":
        return token[1:-1]
    if kind == "pname":
        prefix, _, local = token.partition(":")
        namespace = prefixes.get(prefix)
        return None if namespace is None else namespace + local
    if kind == "word" and token == "a":
        return _RDF_TYPE
    return None


def _prefixes(tokens: list[tuple[str, str]]) -> dict[str, str]:
    prefixes = dict(PREFIX_IRIS)
    for i, (kind, token) in enumerate(tokens[:-2]):
        if kind == "word" and token.upper() == "PREFIX" and tokens[i + 2][0] == "iri":
            prefixes[tokens[i + 1][1].rstrip(":")] = tokens[i + 2][1][1:-1]
    return prefixes


def _balanced(tokens: list[tuple[str, str]], start: int) -> int:
    """The index after the ``)`` that closes the ``(`` at ``start``."""
    depth = 0
    for i in range(start, len(tokens)):
        if tokens[i] == ("punct", "("):
            depth += 1
        elif tokens[i] == ("punct", ")"):
            depth -= 1
            if depth == 0:
                return i + 1
    return len(tokens)


def _as_binding(expression: list[tuple[str, str]], facts: _Facts) -> None:
    """``expr AS ?v`` inside ``expression`` (the tokens within the parentheses)."""
    for i in range(len(expression) - 1, 0, -1):
        if expression[i][0] == "var" and expression[i - 1][1].upper() == "AS":
            facts.binds.append((expression[i][1][1:], expression[: i - 1]))
            return


def _values(tokens: list[tuple[str, str]], i: int, prefixes: dict[str, str], facts: _Facts) -> int:
    """Read ``VALUES ?v { … }`` or ``VALUES (?a ?b) { (…) … }`` at ``i`` (after VALUES)."""
    names: list[str] = []
    if tokens[i][0] == "var":
        names, i, rows_nested = [tokens[i][1][1:]], i + 1, False
    else:
        end = _balanced(tokens, i)
        names = [t[1:] for k, t in tokens[i:end] if k == "var"]
        i, rows_nested = end, True
    if i >= len(tokens) or tokens[i] != ("punct", "{"):
        return i
    column = 0
    i += 1
    while i < len(tokens) and tokens[i] != ("punct", "}"):
        kind, token = tokens[i]
        if token in ("(", ")"):
            column = 0
        elif names:
            name = names[column % len(names)] if rows_nested else names[0]
            iri = _expand(kind, token, prefixes)
            if iri is not None:
                facts.iri.add(name)
                if iri.startswith(_PLACE_IRIS):
                    facts.place.add(name)
            column += 1
        i += 1
    return i + 1


def _read(text: str) -> _Facts:
    """Walk the text's triple patterns, BINDs, VALUES and projected expressions."""
    tokens = _tokens(text)
    facts = _Facts()
    _projections(tokens, facts)
    _Walk(tokens, _prefixes(tokens), facts).run()
    return facts


def _projections(tokens: list[tuple[str, str]], facts: _Facts) -> None:
    """Projected expressions ``(expr AS ?v)`` of every SELECT (the query's and sub-SELECTs')."""
    for i, (kind, token) in enumerate(tokens):
        if kind == "word" and token.upper() == "SELECT":
            j = i + 1
            while j < len(tokens) and tokens[j] != ("punct", "{") and tokens[j][1] != "WHERE":
                if tokens[j] == ("punct", "("):
                    end = _balanced(tokens, j)
                    _as_binding(tokens[j + 1 : end - 1], facts)
                    j = end
                else:
                    j += 1


class _Walk:
    """The triple patterns as a small state machine (subject -> verb -> object)."""

    def __init__(
        self, tokens: list[tuple[str, str]], prefixes: dict[str, str], facts: _Facts
    ) -> None:
        self.tokens = tokens
        self.prefixes = prefixes
        self.facts = facts
        self.state = "subject"
        self.subject: str | None = None
        self.verbs: list[tuple[str, bool]] = []
        self.stack: list[str | None] = []
        forms = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
        self.i = next(
            (n for n, (k, t) in enumerate(tokens) if k == "word" and t.upper() in forms), 0
        )

    def run(self) -> None:
        tokens = self.tokens
        while self.i < len(tokens):
            kind, token = tokens[self.i]
            if self.keyword(kind, token.upper() if kind == "word" else ""):
                continue
            if token in ("{", "}"):
                self.state = "subject"
                self.i += 1
            elif self.state == "subject":
                self.subject_token(kind, token)
                self.i += 1
            elif self.state == "verb":
                self.verbs, self.i = _path(tokens, self.i, self.prefixes, self.facts)
                self.state = "object"
            elif self.state == "object":
                if token == "[":  # a blank node object: its own properties follow
                    self.stack.append(self.subject)
                    self.subject, self.state = None, "verb"
                    self.i += 1
                    continue
                self.object_token(kind, token)
                self.i += 1
                self.punctuation()
            else:
                self.i += 1

    def keyword(self, kind: str, upper: str) -> bool:
        """Step over what is no triple pattern (FILTER, BIND, VALUES, a sub-SELECT's head, a
        group's modifiers); True when the token was one."""
        tokens, i = self.tokens, self.i
        if kind == "word" and upper in ("FILTER", "BIND") and i + 1 < len(tokens):
            end = _balanced(tokens, i + 1) if tokens[i + 1] == ("punct", "(") else i + 2
            if upper == "BIND":
                _as_binding(tokens[i + 2 : end - 1], self.facts)
            self.i, self.state = end, "subject"
        elif kind == "word" and upper == "VALUES":
            self.i, self.state = _values(tokens, i + 1, self.prefixes, self.facts), "subject"
        elif kind == "word" and upper == "SELECT":  # a sub-SELECT: skip to its WHERE group
            while self.i < len(tokens) and tokens[self.i] != ("punct", "{"):
                self.i += 1
            self.state = "subject"
        elif upper in ("ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET"):  # to the group's end
            while self.i < len(tokens) and tokens[self.i][1] not in ("{", "}"):
                self.i += 1
        elif upper in _KEYWORDS_BEFORE_GROUP:
            self.state = "subject"
            self.i += 1
        else:
            return False
        return True

    def subject_token(self, kind: str, token: str) -> None:
        if token == "[":
            self.stack.append(None)
            self.subject, self.state = None, "verb"
        elif kind == "var" or kind in ("iri", "pname"):
            self.subject, self.state = token, "verb"
            if kind == "var":
                self.facts.iri.add(token[1:])

    def object_token(self, kind: str, token: str) -> None:
        """What an object says of its variable, and of the subject's (``rdf:type``)."""
        facts, subject = self.facts, self.subject
        if kind == "var":
            name = token[1:]
            for verb, inverse in self.verbs:
                if inverse:
                    facts.iri.add(name)
                    facts.subjects.setdefault(name, set()).add(verb)
                else:
                    facts.objects.setdefault(name, set()).add(verb)
        if subject is not None and subject.startswith(("?", "$")):
            for verb, inverse in self.verbs:
                target = facts.objects if inverse else facts.subjects
                target.setdefault(subject[1:], set()).add(verb)
                if verb == _RDF_TYPE and not inverse:
                    iri = _expand(kind, token, self.prefixes)
                    if kind == "var":
                        facts.class_of.setdefault(subject[1:], set()).add(token[1:])
                    elif iri in PLACE_CLASSES:
                        facts.place.add(subject[1:])

    def punctuation(self) -> None:
        """After an object: ``,`` another object, ``;`` another verb, ``.`` another subject,
        ``]`` the end of a blank node's properties."""
        tokens = self.tokens
        while self.i < len(tokens) and tokens[self.i][1] in (",", ";", ".", "]"):
            mark = tokens[self.i][1]
            self.i += 1
            if mark == "]" and self.stack:
                self.subject = self.stack.pop()
                self.state = "object" if self.subject is not None or self.stack else "verb"
                continue
            self.state = {",": "object", ";": "verb", ".": "subject"}[mark]
            if mark == ";" and self.i < len(tokens) and tokens[self.i][1] in (".", "]", "}"):
                continue
            break


def _path(
    tokens: list[tuple[str, str]], i: int, prefixes: dict[str, str], facts: _Facts
) -> tuple[list[tuple[str, bool]], int]:
    """The property path at ``i``: its last steps as (IRI, inverse) and the index after it."""
    steps: list[tuple[str, bool]] = []
    inverse, depth = False, 0
    if tokens[i][0] == "var":  # a variable predicate
        facts.iri.add(tokens[i][1][1:])
        return [], i + 1
    while i < len(tokens):
        kind, token = tokens[i]
        if token in ("^", "!"):
            inverse = inverse or token == "^"
        elif token == "(":
            depth, steps = depth + 1, []
        elif token == ")":
            depth -= 1
        elif token == "/":
            steps = []
        elif token == "|":
            pass
        else:
            iri = _expand(kind, token, prefixes)
            if iri is None:
                return steps, i
            steps.append((iri, inverse))
            inverse = False
        i += 1
        if depth == 0 and token not in ("^", "!", "/", "|", "("):
            while i < len(tokens) and tokens[i] in (("punct", "*"), ("punct", "+"), ("punct", "?")):
                i += 1
            if i >= len(tokens) or tokens[i][1] not in ("/", "|"):
                return steps, i
    return steps, i


def _arguments(expression: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The top-level arguments of ``F( a, b, … )`` (or the whole expression when no call)."""
    if len(expression) < 3 or expression[1] != ("punct", "("):
        return [expression]
    args: list[list[tuple[str, str]]] = [[]]
    depth = 0
    for token in expression[2:-1]:
        if token == ("punct", ",") and depth == 0:
            args.append([])
            continue
        depth += {"(": 1, ")": -1}.get(token[1], 0) if token[0] == "punct" else 0
        args[-1].append(token)
    return args


def _propagate(facts: _Facts, kinds: dict[str, bool], place: dict[str, bool]) -> None:
    """Add what BIND and projected expressions carry from one variable to another."""
    for _ in range(4):  # chains of BINDs are short
        for name, expression in facts.binds:
            head = expression[0][1].upper() if expression and expression[0][0] == "word" else ""
            if head in _MAKES_IRI:
                kinds[name] = True
                continue
            if head and head not in _PASS_THROUGH:
                continue
            args = _arguments(expression)
            for arg in args[1:] if head == "IF" else args:
                if len(arg) == 1 and arg[0][0] == "var":
                    kinds[name] = kinds.get(name, False) or kinds.get(arg[0][1][1:], False)
                    place[name] = place.get(name, False) or place.get(arg[0][1][1:], False)
                elif len(arg) == 1 and arg[0][0] in ("iri", "pname"):
                    kinds[name] = True


@dataclass(frozen=True)
class Shape:
    """The columns that get a ``_label`` (may hold IRIs) and a ``_code`` (may hold places)."""

    labelled: frozenset[str]
    coded: frozenset[str]


def shape_of(text: str, vocabulary: Vocabulary) -> Shape:
    """The result shape of the query ``text`` (see the module docstring)."""
    facts = _read(text)
    subclass = PREFIX_IRIS["rdfs"] + "subClassOf"
    for name, classes in facts.class_of.items():  # ``?x a ?c``: any class, unless ?c is bound
        if any(subclass not in facts.subjects.get(c, set()) for c in classes):  # to a hierarchy
            facts.place.add(name)
    names = set(facts.objects) | set(facts.subjects) | facts.iri | {n for n, _ in facts.binds}
    kinds: dict[str, bool] = {}
    place: dict[str, bool] = {}
    for name in names:
        objects = facts.objects.get(name, set())
        kinds[name] = name in facts.iri or any(
            p not in LITERAL_PROPERTIES and p not in vocabulary.literal for p in objects
        )
        place[name] = (
            name in facts.place
            or any(p in vocabulary.place or p in AGENT_PROPERTIES for p in objects)
            or any(p in vocabulary.of_place for p in facts.subjects.get(name, set()))
        )
    _propagate(facts, kinds, place)
    labelled = frozenset(n for n, v in kinds.items() if v)
    return Shape(labelled, frozenset(n for n, v in place.items() if v and n in labelled))


def vocabulary_of(project_store: ProjectStore) -> Vocabulary:
    """The ontology's property kinds in the project's store."""
    from kgtool.terms import prologue

    kinds: dict[str, set[str]] = {"literal": set(), "place": set(), "of-place": set()}
    query = prologue(ONTOLOGY_QUERY) + ONTOLOGY_QUERY
    for p, kind in project_store.select(query):
        kinds[kind.value].add(p.value)
    return Vocabulary(
        frozenset(kinds["literal"]), frozenset(kinds["place"]), frozenset(kinds["of-place"])
    )
