"""Finding a thing by what a person types: a code, a slug, a name, with or without accents.

One matcher for ``query``, ``describe``, ``/api`` and the Python API: ``Vasteras``, ``VÄSTERÅS``,
``västerås kommun`` and ``1980`` are the same municipality. Names are compared after
``normalise`` (accents dropped, case folded, hyphens and runs of spaces as one space, a trailing
"kommun", "stad", "län", "municipality" or "county" dropped). An unknown name suggests the
closest names (names, never codes); a name that fits several things lists them.

Counties and regions also answer to their common names: a county to its name without "län" and
the genitive "s" ("Västmanlands län" → "Västmanland", "Dalarnas län" → "Dalarna") and to the
names of its region ("Region Sörmland", "Sörmland"); a region to its name without "Region" and to
the names of its county. So ``-p county=Västmanland`` is ``-p county=19``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kgtool.errors import AmbiguousName, ParameterError
from kgtool.terms import ID_IRI, KS_IRI, local_name, shorten

if TYPE_CHECKING:
    from kgtool.store.engine import ProjectStore

# kind -> (the pattern that finds its things as ?thing, IRI folder under id/ or None).
KINDS: dict[str, tuple[str, str | None]] = {
    "municipality": ("?thing a ks:Municipality", "municipality"),
    "collaboration": ("?thing a ks:Collaboration", "collaboration"),
    "county": ("?thing a ks:County", "county"),
    "region": ("?thing a ks:Region", "region"),
    "area": ("?thing a skos:Concept", "area"),
    "source": ("?thing a ks:SourceDocument", "source"),
    # the roles a membership can have (not every org:Role: a chair is a post, not a membership)
    "role": ("?membership a org:Membership ; org:role ?thing", None),
}
# Kinds whose values are a short closed list: a unique prefix is enough, and errors list all.
CONCEPT_KINDS = {"role", "area"}
_SUFFIXES = (" kommun", " stad", " lan", " municipality", " county", " region")
# The county of a region, and the region of a county: each answers to the other's names.
_PARTNER_QUERY = """
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?county ?region ?name WHERE {
  ?region a ks:Region ; ks:county ?county .
  ?county a ks:County .
  { ?county rdfs:label ?name } UNION { ?region rdfs:label ?name }
}
"""
_NAME_QUERY = """
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?thing ?kind ?name ?code WHERE {
  { %s }
  OPTIONAL {
    { ?thing rdfs:label|skos:prefLabel|skos:altLabel|ks:officialName ?name }
    UNION { ?thing ks:municipalityCode|ks:countyCode|ks:iso3166Code ?name BIND(true AS ?code) }
  }
}
"""


def normalise(text: str) -> str:
    """Compare form of a name: no accents, case folded, one space between words, no suffix."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = " ".join(re.sub(r"[-_/]+", " ", plain.casefold()).split())
    for suffix in _SUFFIXES:
        if words.endswith(suffix) and len(words) > len(suffix):
            return words[: -len(suffix)]
    return words


def common_names(kind: str, name: str) -> list[str]:
    """The shorter names a county or region goes by: ``Dalarnas län`` → ``Dalarna``,
    ``Region Sörmland`` → ``Sörmland`` (the name itself is not repeated)."""
    out = []
    if kind == "county" and name.endswith(" län"):
        stem = name[: -len(" län")]
        out.append(stem)
        if stem.endswith("s") and not stem.endswith("ss"):
            out.append(stem[:-1])
    if kind == "region" and name.startswith("Region "):
        out.append(name[len("Region ") :])
    return out


@dataclass
class Entry:
    """One thing that can be named: its IRI, the names it answers to (as written) and its codes."""

    iri: str
    names: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # its partner's names (county <-> region)

    @property
    def title(self) -> str:
        """The name shown in messages: its first name that is not a code (never an ISO code)."""
        return next((n for n in self.names if n not in self.codes and not n.isdigit()), self.iri)


class NameIndex:
    """The nameable things of each kind, looked up in the store.

    An exact IRI, slug, code or label is found with one indexed query; only a name that needs
    normalising (accents, case, a suffix) or a suggestion reads every name of that kind, once.
    """

    def __init__(self, project_store: ProjectStore, kinds: tuple[str, ...] = tuple(KINDS)):
        self.store = project_store
        self.kinds = kinds
        self._entries: dict[str, dict[str, Entry]] = {}

    @classmethod
    def from_store(
        cls, project_store: ProjectStore, kinds: tuple[str, ...] = tuple(KINDS)
    ) -> NameIndex:
        return cls(project_store, kinds)

    def entries(self, kind: str) -> dict[str, Entry]:
        """Every thing of ``kind`` (IRI -> entry with its names), read once."""
        if kind not in self._entries:
            found: dict[str, Entry] = {}
            folder = KINDS[kind][1]
            answer = self.store.select(_NAME_QUERY % f'{KINDS[kind][0]} BIND("{kind}" AS ?kind)')
            for thing, _, name, code in answer:
                iri = thing.value
                if folder and not iri.startswith(f"{ID_IRI}{folder}/"):
                    continue
                entry = found.setdefault(iri, Entry(iri, [], [local_name(iri)]))
                if name is None:
                    continue
                if code is not None:
                    entry.codes.append(name.value)
                elif name.value not in entry.names:
                    entry.names.append(name.value)
            if kind in ("county", "region"):
                self._add_common_names(kind, found)
            for entry in found.values():
                entry.names.extend(c for c in entry.codes if c not in entry.names)
            self._entries[kind] = found
        return self._entries[kind]

    def _add_common_names(self, kind: str, found: dict[str, Entry]) -> None:
        """Counties and regions: their short names, and the names of their partner."""
        for entry in found.values():
            for name in list(entry.names):
                entry.names.extend(n for n in common_names(kind, name) if n not in entry.names)
        answer = self.store.select(_PARTNER_QUERY)
        for county, region, name in answer:
            partner = found.get(county.value if kind == "county" else region.value)
            if partner is None:
                continue
            for alias in (name.value, *common_names("county", name.value),
                          *common_names("region", name.value)):  # fmt: skip
                if alias not in partner.names and alias not in partner.aliases:
                    partner.aliases.append(alias)

    def exact(self, kind: str, value: str) -> set[str]:
        """Things of ``kind`` whose IRI, slug, code or label is exactly ``value`` (indexed)."""
        import pyoxigraph

        pattern, folder = KINDS[kind]
        candidates = []
        for iri in (value, f"{ID_IRI}{folder}/{value}" if folder else KS_IRI + value):
            try:
                candidates.append(str(pyoxigraph.NamedNode(iri)))
            except ValueError:
                continue
        literals = [
            str(pyoxigraph.Literal(value)),
            *(str(pyoxigraph.Literal(value, language=lang)) for lang in ("sv", "en")),
        ]
        names = "rdfs:label|skos:prefLabel|skos:altLabel|ks:officialName"
        codes = "ks:municipalityCode|ks:countyCode|ks:iso3166Code"
        prologue = _NAME_QUERY.split("SELECT")[0]
        # Two small queries, not one UNION: Oxigraph plans each from its VALUES (indexed).
        queries = [f"VALUES ?name {{ {' '.join(literals)} }} ?thing {names}|{codes} ?name ."]
        if candidates:
            queries.insert(0, f"VALUES ?thing {{ {' '.join(candidates)} }}")
        found: set[str] = set()
        for lookup in queries:
            text = f"{prologue}SELECT DISTINCT ?thing WHERE {{ {lookup} {pattern} }}"
            answer = self.store.select(text)
            found = {row[0].value for row in answer}
            if folder:
                found = {iri for iri in found if iri.startswith(f"{ID_IRI}{folder}/")}
            if found:
                break
        return found

    def resolve(self, kind: str, value: str, what: str, aliases: bool = False) -> str:
        """The IRI of the ``kind`` named ``value``; ParameterError (naming ``what``) otherwise.

        With ``aliases``, a county also answers to its region's names and a region to its
        county's (``-p county="Region Stockholm"``), when no own name fits.
        """
        quick = self.exact(kind, value)
        if len(quick) == 1:
            return quick.pop()
        entries = self.entries(kind)
        if value in entries:
            return value
        wanted = normalise(value)
        found = {e.iri for e in entries.values() if any(normalise(n) == wanted for n in e.names)}
        if not found and aliases:
            found = {
                e.iri for e in entries.values() if any(normalise(n) == wanted for n in e.aliases)
            }
        if not found and kind in CONCEPT_KINDS and wanted:
            found = {
                e.iri
                for e in entries.values()
                if any(normalise(n).startswith(wanted) for n in e.names)
            }
        if len(found) == 1:
            return found.pop()
        if found:
            listed = ", ".join(sorted(f"{entries[i].title} ({shorten(i)})" for i in found))
            raise AmbiguousName(f"{what}: {value!r} fits several {kind}s: {listed}")
        if kind in CONCEPT_KINDS:
            allowed = ", ".join(sorted(shorten(i) for i in entries))
            raise ParameterError(f"{what}: no {kind} {value!r}; allowed values: {allowed}")
        raise ParameterError(f"{what}: no {kind} {value!r} in the graph{self.suggest(kind, value)}")

    def suggest(self, kind: str, value: str) -> str:
        """``; did you mean A, B?`` with the closest names, or a hint what to give."""
        names: dict[str, str] = {}
        for entry in self.entries(kind).values():
            for name in (*entry.names, *entry.aliases):
                if name not in entry.codes:
                    names.setdefault(normalise(name), entry.title)
        close = difflib.get_close_matches(normalise(value), list(names), n=3, cutoff=0.75)
        titles = list(dict.fromkeys(names[c] for c in close))
        if titles:
            return f"; did you mean {', '.join(titles)}?"
        return " (give a code, a name or an IRI)"
