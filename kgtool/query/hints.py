"""Hints for ad-hoc SPARQL: why a query may answer nothing, said before and after it runs.

``kgtool sparql`` (and ``KnowledgeGraph.sparql``) run the query unchanged; these hints only
explain, on stderr or in ``Result.hints``:

- a term the ontology and the data never use, with the closest term that is used
  (``ks:Municipalty`` → ``ks:Municipality``, ``org:memberOf`` → ``org:member``);
- a prefix declared with a namespace that is nearly, but not exactly, one of the project's
  (``PREFIX ks: <https://w3id.org/kommunsamverkan/def>``);
- a literal without a language tag where the data has that text only with one
  (``"Västerås"`` where the graph says ``"Västerås"@sv``), or a literal no name in the graph
  has, with the closest names (``"Vasteras"``);
- on an empty answer: the first triple pattern that matches nothing, alone or joined with the
  patterns before it.

Terms are written so that they paste back into a query: ``ks:Municipality`` or ``<https://…>``.
The query's words are read with the lexer of ``kgtool.query.sparql_text``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import TYPE_CHECKING, Any

from kgtool.query.sparql_text import WORDS
from kgtool.terms import KS_IRI, KS_TERMS, PREFIX_IRIS

if TYPE_CHECKING:
    from kgtool.store.engine import ProjectStore

_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>\s]*)>", re.IGNORECASE)
_ESCAPED_REST = re.compile(r"(?:\\[_~.\-!$&'()*+,;=/?#@%]|[\w.:%-])*")
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[\w.-]*[\w-])?")
_STRING_FUNCTIONS = re.compile(
    r"(?:\bSTR\s*\(\s*[?$]\w+\s*\)\s*!?=\s*|\b(?:CONTAINS|REGEX|STRSTARTS|STRENDS|LCASE|UCASE|"
    r"LANGMATCHES|LANG|DATATYPE|STRDT|STRLANG|CONCAT|REPLACE)\s*\([^()]*)$",
    re.IGNORECASE,
)
# Terms every store knows or that name no data (rdf:type is ``a``; XSD types are datatypes).
_ALWAYS_KNOWN = (PREFIX_IRIS["xsd"], PREFIX_IRIS["rdf"] + "type")
_LABELS = (
    "rdfs:label|skos:prefLabel|skos:altLabel|foaf:name|ks:officialName|dct:title|ks:nameInSource"
)


def sparql_term(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """``iri`` as it pastes back into a query: ``ks:Municipality`` when the local part is a
    valid SPARQL local name, else ``<https://…>`` (``id:municipality/1980`` is not SPARQL)."""
    table = PREFIX_IRIS if prefixes is None else prefixes
    best = ""
    for prefix, namespace in table.items():
        longer = len(namespace) > len(table.get(best, ""))
        if iri.startswith(namespace) and longer and _PN_LOCAL.fullmatch(iri[len(namespace) :]):
            best = prefix
    return f"{best}:{iri[len(table[best]) :]}" if best else f"<{iri}>"


def declared_prefixes(query_text: str) -> dict[str, str]:
    """The ``PREFIX`` declarations of the query (name -> namespace), comments left out."""
    without_comments = re.sub(r"#[^\n]*", " ", _blank_iris_keep(query_text))
    return {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(without_comments)}


def _blank_iris_keep(text: str) -> str:
    """The text with strings blanked (so a '#' inside one is not a comment), IRIs kept."""
    return re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', lambda m: " " * len(m[0]), text)


class Advisor:
    """Hints for one query on one store (see the module docstring)."""

    def __init__(self, project_store: ProjectStore, query_text: str, prefixes: dict[str, str]):
        self.store = project_store.store
        self.text = query_text
        self.own = declared_prefixes(query_text)
        self.prefixes = {**prefixes, **self.own}

    def _ask(self, body: str) -> bool:
        try:
            answer = self.store.query(
                f"ASK {{ {body} }}", use_default_graph_as_union=True, prefixes=self.prefixes
            )
        except SyntaxError:  # a term written back in a form Oxigraph refuses: no verdict
            return True
        return bool(answer)

    def _select(self, text: str) -> list[Any]:
        import pyoxigraph

        answer = self.store.query(text, use_default_graph_as_union=True, prefixes=self.prefixes)
        assert isinstance(answer, pyoxigraph.QuerySolutions)
        return list(answer)

    def before(self) -> list[str]:
        """Hints from the query text alone and a few indexed look-ups (no full run)."""
        return [*self.prefix_hints(), *self.term_hints(), *self.literal_hints()]

    # -- prefixes ----------------------------------------------------------------------------
    def prefix_hints(self) -> list[str]:
        out = []
        known = set(PREFIX_IRIS.values())
        for name, namespace in self.own.items():
            if namespace in known:
                if PREFIX_IRIS.get(name, namespace) != namespace:
                    usual = next(p for p, n in PREFIX_IRIS.items() if n == namespace)
                    out.append(f"PREFIX {name}: <{namespace}> is what the project calls {usual}:")
                continue
            close = difflib.get_close_matches(namespace, sorted(known), n=1, cutoff=0.85)
            project = PREFIX_IRIS.get(name)
            if project is not None or close:
                meant = project if project is not None and not close else close[0]
                usual = next(p for p, n in PREFIX_IRIS.items() if n == meant)
                out.append(
                    f"PREFIX {name}: <{namespace}> is not a namespace of the graph; "
                    f"did you mean {usual}: <{meant}>?"
                )
        return out

    # -- terms -------------------------------------------------------------------------------
    def used_iris(self) -> list[str]:
        """The IRIs the query mentions, prefixed names expanded, in order, each once."""
        found: list[str] = []
        body = _PREFIX_DECL.sub(" ", self.text)
        previous = ""
        for match in WORDS.finditer(body):
            token = match.group(0)
            if token.startswith("#"):
                continue
            before, previous = previous, token.upper()
            if before in ("GRAPH", "FROM", "NAMED", "SERVICE", "SILENT", "BASE"):
                continue  # a graph's or an endpoint's name, not a term of the data
            iri = None
            if token.startswith("<") and token.endswith(">"):
                iri = token[1:-1]
            elif ":" in token and token[0] not in "\"'#?$":
                name, _, local = token.partition(":")
                rest = _ESCAPED_REST.match(body, match.end())
                if rest and rest.group(0):  # id:municipality\/1980: escapes continue it
                    local += rest.group(0)
                local = re.sub(r"\\(.)", r"\1", local)
                if name in self.prefixes and not local.endswith(":"):
                    iri = self.prefixes[name] + local.rstrip(".")
            if iri and re.match(r"[A-Za-z][\w+.-]*:", iri) and iri not in found:
                found.append(iri)
        return found

    def is_used(self, iri: str) -> bool:
        """True when the IRI stands anywhere in the graph (subject, predicate or object)."""
        import pyoxigraph

        try:
            node = str(pyoxigraph.NamedNode(iri))
        except ValueError:
            return True  # not an IRI pyoxigraph takes: the parser will say so
        return self._ask(f"{{ {node} ?p ?o }} UNION {{ ?s {node} ?o }} UNION {{ ?s ?p {node} }}")

    def term_hints(self) -> list[str]:
        out = []
        for iri in self.used_iris():
            if iri.startswith(_ALWAYS_KNOWN) or self.is_used(iri):
                continue
            shown = sparql_term(iri, self.prefixes)
            closest = self.closest_term(iri)
            if closest:
                out.append(
                    f"{shown} is used nowhere in the ontology or the data; "
                    f"did you mean {sparql_term(closest, self.prefixes)}?"
                )
            else:
                out.append(f"{shown} is used nowhere in the ontology or the data")
        return out

    def closest_term(self, iri: str) -> str | None:
        """The used term of the same namespace whose local name is closest, if one is close."""
        namespace = re.match(r".*[/#]", iri)
        if namespace is None:
            return None
        base = namespace.group(0)
        local = iri[len(base) :]
        candidates = list(KS_TERMS) if base == KS_IRI else sorted(self._terms_in(base))
        folded = {c.casefold(): c for c in candidates}
        close = difflib.get_close_matches(local.casefold(), list(folded), n=1, cutoff=0.6)
        return base + folded[close[0]] if close else None

    def _terms_in(self, base: str) -> set[str]:
        """Local names of the predicates and classes of namespace ``base`` in the graph."""
        text = (
            "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } "
            f"FILTER(ISIRI(?t) && STRSTARTS(STR(?t), {_string(base)})) }}"
        )
        return {row[0].value[len(base) :] for row in self._select(text)}

    # -- literals ----------------------------------------------------------------------------
    def _expand(self, token: str) -> str | None:
        """The IRI a token names (``<…>`` or a prefixed name), else None."""
        if token.startswith("<") and token.endswith(">"):
            return token[1:-1]
        name, colon, local = token.partition(":")
        if colon and token[0] not in "\"'#?$" and name in self.prefixes:
            return self.prefixes[name] + local
        return None

    def literals(self) -> list[tuple[str, str | None, str | None]]:
        """Strings in the query outside string functions: (text, language, predicate IRI when
        the string is the object of a triple pattern). Typed literals are left out."""
        found: list[tuple[str, str | None, str | None]] = []
        previous = ""
        for match in WORDS.finditer(self.text):
            token = match.group(0)
            if token.startswith("#"):
                continue
            before, previous = previous, token
            if token[:1] not in "\"'" or token[:3] in ('"""', "'''"):
                continue
            after = self.text[match.end() : match.end() + 40]
            if after.startswith("^^"):
                continue
            language = re.match(r"@([A-Za-z]+(?:-[A-Za-z0-9]+)*)", after)
            if _STRING_FUNCTIONS.search(self.text[max(0, match.start() - 80) : match.start()]):
                continue
            value = _unescape(token[1:-1])
            item = (value, language.group(1) if language else None, self._expand(before))
            if value and item not in found:
                found.append(item)
        return found

    def literal_hints(self) -> list[str]:
        import pyoxigraph

        out = []
        for value, language, predicate in self.literals():
            literal = str(pyoxigraph.Literal(value, language=language))
            where = f"<{predicate}>" if predicate else "?p"
            if self._ask(f"?s {where} {literal}"):
                continue
            if language is None:
                tagged = " ".join(
                    str(pyoxigraph.Literal(value, language=lang)) for lang in ("sv", "en")
                )
                rows = self._select(
                    f"SELECT DISTINCT (LANG(?o) AS ?l) WHERE {{ VALUES ?o {{ {tagged} }} "
                    f"?s {where} ?o }}"
                )
                languages = sorted(row[0].value for row in rows)
                if languages:
                    written = " and ".join(f'"{value}"@{lang}' for lang in languages)
                    out.append(
                        f'"{value}" has no language tag, but the data has it as {written}: '
                        f'write "{value}"@{languages[0]}, or compare STR(?x) = "{value}"'
                    )
                    continue
            close = self.closest_names(value)
            if close:
                out.append(f"no name in the graph is {literal}; did you mean {', '.join(close)}?")
        return out

    def closest_names(self, value: str) -> list[str]:
        """The graph's names closest to ``value`` (accents and case aside), as literals."""
        prologue = "".join(
            f"PREFIX {p}: <{PREFIX_IRIS[p]}>\n" for p in ("rdfs", "skos", "foaf", "ks", "dct")
        )
        rows = self._select(f"{prologue}SELECT DISTINCT ?name WHERE {{ ?s {_LABELS} ?name }}")
        names: dict[str, str] = {}
        for (name,) in rows:
            shown = f'"{name.value}"@{name.language}' if name.language else f'"{name.value}"'
            names.setdefault(_fold(name.value), shown)
        close = difflib.get_close_matches(_fold(value), list(names), n=3, cutoff=0.8)
        return [names[c] for c in close]

    # -- after an empty answer ---------------------------------------------------------------
    def after_empty(self) -> list[str]:
        """Which triple pattern matched nothing (alone, or joined with those before it)."""
        patterns = self.triple_patterns()
        for pattern in patterns:
            if not self._ask(pattern):
                return [f"the triple pattern {{ {pattern} }} matches nothing in the graph"]
        for index in range(1, len(patterns)):
            if not self._ask(" . ".join(patterns[: index + 1])):
                return [
                    f"the triple pattern {{ {patterns[index]} }} matches, but joined with the "
                    "patterns before it nothing is left"
                ]
        if patterns:
            return ["every triple pattern matches; the FILTERs, OPTIONALs or groups leave no row"]
        return []

    def triple_patterns(self) -> list[str]:
        """The triple patterns of the query's basic graph patterns, written back as SPARQL."""
        import logging

        quiet = logging.getLogger("rdflib.term")
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # rdflib warns about escaped local names (\/) it keeps
        try:
            from rdflib.plugins.sparql import prepareQuery

            query = prepareQuery(self.text, initNs=self.prefixes)
        except Exception:  # rdflib cannot read it (Oxigraph could): no pattern to point at
            return []
        finally:
            quiet.setLevel(level)
        out: list[str] = []
        _collect_bgps(query.algebra, out, self.prefixes)
        return list(dict.fromkeys(out))


def _collect_bgps(node: Any, out: list[str], prefixes: dict[str, str]) -> None:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "BGP":
            for triple in node.get("triples") or []:
                written = [_n3(term, prefixes) for term in triple]
                if all(written):
                    out.append(" ".join(w for w in written if w))
            return
        for value in node.values():
            _collect_bgps(value, out, prefixes)
    elif isinstance(node, list | tuple):
        for value in node:
            _collect_bgps(value, out, prefixes)


def _n3(term: Any, prefixes: dict[str, str]) -> str | None:
    from rdflib import BNode, Literal, URIRef, Variable

    if isinstance(term, Variable):
        return f"?{term}"
    if isinstance(term, URIRef):
        if str(term) == PREFIX_IRIS["rdf"] + "type":
            return "a"
        return sparql_term(re.sub(r"\\(.)", r"\1", str(term)), prefixes)  # rdflib keeps \/
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, BNode):
        return f"?_{term}"
    return None  # a property path: left out


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).casefold()


def _string(text: str) -> str:
    import pyoxigraph

    return str(pyoxigraph.Literal(text))


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m[1], m[1]), text)
