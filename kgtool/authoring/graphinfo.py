"""What the authoring commands need to know about the graph: names, files, memberships."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.errors import ParameterError
from kgtool.terms import ID_IRI, PREFIX_IRIS, local_name

if TYPE_CHECKING:
    from kgtool.project import Project
    from kgtool.query.names import NameIndex
    from kgtool.store.engine import ProjectStore

ORG = PREFIX_IRIS["org"]
KS = PREFIX_IRIS["ks"]
RDFS = PREFIX_IRIS["rdfs"]


@dataclass(frozen=True)
class Member:
    """A municipality or region that can be a member: its IRI, key in IRIs and Swedish name."""

    iri: str
    key: str  # 1980, or region-01 for a region
    name: str


@dataclass(frozen=True)
class Existing:
    """A membership already in the graph (full or associate; chairmanships are not)."""

    iri: str
    member: str
    role: str
    start: str | None
    end: str | None
    notes: str | None


class GraphView:
    """The project's graph, opened once, with the look-ups the authoring commands make."""

    def __init__(self, project: Project, extra: tuple[Path, ...] = ()):
        from kgtool.query.names import NameIndex
        from kgtool.store.engine import open_project_store

        self.project = project
        self.store: ProjectStore = open_project_store(project, extra)
        self.names: NameIndex = NameIndex(
            self.store, ("municipality", "region", "collaboration", "source")
        )

    def query(self, text: str, **bindings: str):
        """Run ``text`` over every file's graph; each ``?name`` of ``bindings`` is bound to an
        IRI as an RDF term (checked by pyoxigraph), never pasted as text."""
        import re

        import pyoxigraph

        terms = {k: str(pyoxigraph.NamedNode(v)) for k, v in bindings.items()}
        if terms:
            text = re.sub(r"\?(\w+)\b", lambda m: terms.get(m.group(1), m.group(0)), text)
        return self.store.store.query(text, use_default_graph_as_union=True)

    def member(self, value: str, what: str) -> Member:
        """The municipality (or region) named ``value``: a code, a name or an IRI."""
        text = value.strip()
        try:
            iri = self.names.resolve("municipality", text, what)
        except ParameterError as municipality_error:
            if not text.lower().startswith(("region", f"{ID_IRI}region/")):
                raise
            try:
                key = text.lower().removeprefix("region-")
                iri = self.names.resolve("region", key if key.isdigit() else text, what)
            except ParameterError:
                raise municipality_error from None
        return Member(iri, member_key(iri), self.swedish_label(iri) or member_key(iri))

    def names_for_collaboration(self, value: str, what: str = "--collaboration") -> str:
        """The IRI of the collaboration named ``value`` (a slug, a name or an IRI)."""
        return self.names.resolve("collaboration", value, what)

    def swedish_label(self, iri: str) -> str | None:
        rows = self.query(
            f"SELECT ?l WHERE {{ ?t <{RDFS}label> ?l FILTER(LANG(?l) = 'sv') }}", t=iri
        )
        return min((row[0].value for row in rows), default=None)

    def labels(self, iri: str) -> dict[str, str]:
        rows = self.query(f"SELECT ?l WHERE {{ ?t <{RDFS}label> ?l }}", t=iri)
        found: dict[str, str] = {}
        for (label,) in rows:
            found.setdefault(label.language or "", label.value)
        return found

    def exists(self, iri: str) -> bool:
        return bool(self.query("ASK { { ?t ?p ?o } UNION { ?s ?p ?t } }", t=iri))

    def is_a(self, iri: str, cls: str) -> bool:
        return bool(self.query(f"ASK {{ ?t a <{cls}> }}", t=iri))

    def file_of(self, iri: str, cls: str) -> Path | None:
        """The project file whose graph says ``iri`` is a ``cls``."""
        import pyoxigraph

        for quad in self.store.store.quads_for_pattern(
            pyoxigraph.NamedNode(iri),
            pyoxigraph.NamedNode(PREFIX_IRIS["rdf"] + "type"),
            pyoxigraph.NamedNode(cls),
            None,
        ):
            for source in self.store.files:
                if source.graph == getattr(quad.graph_name, "value", None):
                    # a cached store keeps the paths relative to the project
                    return self.project.root / source.path
        return None

    def memberships(self, collaboration: str) -> list[Existing]:
        """The full and associate memberships of ``collaboration``, with periods and notes."""
        text = f"""
        PREFIX org: <{ORG}> PREFIX ks: <{KS}> PREFIX rdfs: <{RDFS}>
        PREFIX time: <{PREFIX_IRIS["time"]}>
        SELECT ?m ?member ?role ?start ?end ?notes WHERE {{
          ?m org:organization ?c ; org:member ?member ; org:role ?role .
          FILTER (?role IN (ks:FullMember, ks:AssociateMember))
          OPTIONAL {{ ?m org:memberDuring/time:hasBeginning/
              (time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?start }}
          OPTIONAL {{ ?m org:memberDuring/time:hasEnd/
              (time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?end }}
          OPTIONAL {{ ?m rdfs:comment ?notes FILTER (LANG(?notes) = "") }}
        }}"""
        found = []
        for m, member, role, start, end, notes in self.query(text, c=collaboration):
            found.append(
                Existing(
                    m.value,
                    member.value,
                    role.value,
                    start.value if start else None,
                    end.value if end else None,
                    notes.value if notes else None,
                )
            )
        return sorted(found, key=lambda e: (e.member, e.start or "", e.iri))


def member_key(iri: str) -> str:
    """``1980`` for a municipality, ``region-01`` for a region (as membership IRIs end)."""
    local = local_name(iri)
    return f"region-{local}" if iri.startswith(f"{ID_IRI}region/") else local


def genitive(name: str) -> str:
    """The Swedish genitive: ``Mälardalsrådets``, ``Fyra Mälarstäders``, ``Västerås``."""
    return name if name[-1:].lower() in "sxz" else name + "s"
