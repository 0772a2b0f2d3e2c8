"""The data of the pictures, from SPARQL over the project's store: the membership network and a
collaboration's timeline, and the dates as precise as their sources give them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kgtool.errors import KgtoolError
from kgtool.terms import KS, LABEL_PROPERTIES, date_precision, local_name, pick_label

if TYPE_CHECKING:
    from kgtool.project import Project
    from kgtool.store.engine import ProjectStore


def _open(project: Project) -> ProjectStore:
    from kgtool.store.engine import open_project_store

    return open_project_store(project)


class PlotError(KgtoolError):
    """A picture that cannot be drawn: the plot extra is missing, or there is nothing to draw."""


class NothingToDraw(PlotError):
    """A picture of nothing: a collaboration without members has no network."""


# -- Data access: the one place that runs SPARQL ----------------------------------------------


def select(
    store: ProjectStore,
    text: str,
    iris: dict[str, str] | None = None,
    as_of: str | None = None,
    lang: str | None = None,
) -> list[dict[str, str]]:
    """Rows of a SELECT as plain strings (IRIs and lexical forms); unbound variables are absent.

    ``iris`` binds variables to IRIs; ``as_of`` (a day, a month or a year) binds ``?date``;
    ``lang`` binds ``?lang`` (the language names are picked in). This is the only function
    here that knows the engine.
    """
    import pyoxigraph

    from kgtool.query.run import run_local

    bindings: dict[str, Any] = {
        name: pyoxigraph.NamedNode(iri) for name, iri in (iris or {}).items()
    }
    if as_of is not None:
        from kgtool.errors import ParameterError
        from kgtool.query.catalogue import time_literal

        found = time_literal(as_of)
        if found is None:
            raise ParameterError(
                f"--as-of: {as_of!r} is not a day, a month or a year (YYYY-MM-DD, YYYY-MM or YYYY)"
            )
        xsd = "http://www.w3.org/2001/XMLSchema#"
        bindings["date"] = pyoxigraph.Literal(
            found[0], datatype=pyoxigraph.NamedNode(xsd + found[1])
        )
    if lang is not None:
        bindings["lang"] = pyoxigraph.Literal(lang)
    result = run_local(store, text, bindings)
    return [
        {name: value.value for name, value in row.items() if value is not None}
        for row in result.rows
    ]


def resolve_collaboration(store: ProjectStore, value: str) -> str:
    """The IRI of a collaboration given by slug, name or IRI (ParameterError if unknown)."""
    from kgtool.query.catalogue import Param, convert
    from kgtool.query.names import NameIndex

    index = NameIndex.from_store(store, ("collaboration",))
    return convert(Param("collaboration", "collaboration"), value, index).value


def _saved_query_text(project: Project, name: str) -> str:
    from kgtool.query.catalogue import get_query

    return get_query(project, name).text


# -- The membership network -------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkNode:
    """A collaboration, municipality or region in the membership network."""

    iri: str
    kind: str  # 'collaboration' | 'municipality' | 'region'
    label: str
    kommunkod: str = ""  # municipalities only
    lanskod: str = ""  # the county code of a municipality or region
    county: str = ""  # the county's name


@dataclass(frozen=True)
class NetworkEdge:
    """A membership: member, collaboration and role."""

    member: str
    collaboration: str
    role: str  # 'full member' | 'associate member'
    role_iri: str


@dataclass
class Network:
    """The bipartite membership network: nodes in a stable order, then edges; ``focus`` (an IRI)
    when it is one collaboration's members and their other collaborations."""

    nodes: list[NetworkNode] = field(default_factory=list)
    edges: list[NetworkEdge] = field(default_factory=list)
    focus: str = ""
    county_codes: tuple[str, ...] = ()  # the codes the colours are chosen from ('': this one's)

    def of_kind(self, kind: str) -> list[NetworkNode]:
        return [node for node in self.nodes if node.kind == kind]


_ROLE_LABELS = """SELECT ?role ?p ?label WHERE {
  VALUES ?role { %s } VALUES ?p { %s } ?role ?p ?label FILTER (isLiteral(?label)) }"""


def _role_names(store: ProjectStore, roles: set[str]) -> dict[str, str]:
    """Each membership role's English name from the ontology (``terms.pick_label``), as the
    exports name it (``full member``)."""
    if not roles:
        return {}
    import pyoxigraph

    listed = " ".join(str(pyoxigraph.NamedNode(role)) for role in sorted(roles))
    props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
    found: dict[str, list[tuple[str, str, str | None]]] = {}
    for role, prop, label in store.select(_ROLE_LABELS % (listed, props)):
        if isinstance(role, pyoxigraph.NamedNode) and isinstance(label, pyoxigraph.Literal):
            candidates = found.setdefault(role.value, [])
            candidates.append(
                (str(prop.value) if prop is not None else "", label.value, label.language)
            )
    return {role: name for role, c in found.items() if (name := pick_label(c, "en")) is not None}


def network_data(
    project: Project,
    collaboration: str | None = None,
    store: ProjectStore | None = None,
    as_of: str | None = None,
) -> Network:
    """The network from the saved query ``network-edges`` (one row per membership).

    With ``collaboration`` (slug, name or IRI): only its members, with every collaboration
    each of them belongs to (the others show only the members they share with it). With
    ``as_of`` (a day, a month or a year): the network then, leaving out memberships whose
    known period does not cover it. ``store`` is the project's store when the caller has it
    open (else it is opened once here).
    """
    store = _open(project) if store is None else store
    rows = select(store, _saved_query_text(project, "network-edges"), as_of=as_of)
    focus, codes = "", ()
    if collaboration is not None:
        codes = tuple(sorted({row["countyCode"] for row in rows if row.get("countyCode")}))
        focus = resolve_collaboration(store, collaboration)
        members = {row["member"] for row in rows if row["collab"] == focus}
        if not members:
            raise NothingToDraw(f"{collaboration}: no members, no network to draw")
        rows = [row for row in rows if row["member"] in members]
    nodes: dict[str, NetworkNode] = {}
    edges: list[NetworkEdge] = []
    roles = _role_names(store, {row["role"] for row in rows})
    for row in rows:
        collaboration = row["collab"]
        nodes.setdefault(
            collaboration,
            NetworkNode(collaboration, "collaboration", row["collabName"]),
        )
        kind = "municipality" if row["kind"] == str(KS.Municipality) else "region"
        nodes.setdefault(
            row["member"],
            NetworkNode(
                row["member"],
                kind,
                row["memberName"],
                kommunkod=row.get("memberCode", "") if kind == "municipality" else "",
                lanskod=row.get("countyCode", ""),
                county=row.get("countyName", ""),
            ),
        )
        role = roles.get(row["role"]) or local_name(row["role"])
        edges.append(NetworkEdge(row["member"], collaboration, role, row["role"]))
    order = {"collaboration": 0, "municipality": 1, "region": 2}
    ordered = sorted(nodes.values(), key=lambda n: (order[n.kind], n.kommunkod or n.lanskod, n.iri))
    return Network(ordered, edges, focus, codes)


# -- A collaboration's timeline ---------------------------------------------------------------

_TIMELINE_QUERY = """\
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ks: <https://w3id.org/kommunsamverkan/def/>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX time: <http://www.w3.org/2006/time#>

SELECT ?item ?category ?type ?label ?holder ?date ?start ?end ?planned ?inferred
WHERE {
  {
    ?item a ks:Chairmanship ;
      org:organization ?collaboration ;
      org:member ?holderNode .
    BIND("chair" AS ?category)
  } UNION {
    ?item a org:Post ;
      org:postIn ?in .
    ?in org:unitOf? ?collaboration .
    OPTIONAL { ?item org:heldBy ?holderNode }
    BIND("post" AS ?category)
  } UNION {
    ?item a ks:MandatePeriod ;
      ks:mandateOf/org:unitOf ?collaboration .
    BIND("mandate" AS ?category)
  } UNION {
    ?item ks:concerns ?collaboration ;
      a ?type .
    FILTER(?type IN (ks:LetterOfIntent, ks:ActivityPlan, ks:DevelopmentPlan, ks:DirectionGoals,
      ks:Vision, ks:AnnualReport, ks:Decision, ks:Meeting, ks:Event, ks:Minutes))
    OPTIONAL { ?item dct:date ?itemDate }
    BIND("document" AS ?category)
  }
  OPTIONAL {
    { ?item org:memberDuring|ks:heldDuring|dct:temporal ?period }
    UNION { ?item a ks:MandatePeriod . BIND(?item AS ?period) }
    OPTIONAL {
      ?period time:hasBeginning/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?start
    }
    OPTIONAL { ?period time:hasEnd/(time:inXSDDate|time:inXSDgYearMonth|time:inXSDgYear) ?end }
    OPTIONAL {
      ?period time:inDateTime ?description .
      ?description time:month ?month ;
        time:day ?day .
    }
    OPTIONAL { ?period ks:inferred ?inferredPeriod }
  }
  BIND(COALESCE(?itemDate, CONCAT(STR(?month), SUBSTR(STR(?day), 3))) AS ?date)
  OPTIONAL { ?item rdfs:label ?ownLabel FILTER(LANGMATCHES(LANG(?ownLabel), ?lang)) }
  OPTIONAL { ?item rdfs:label ?svLabel FILTER(LANGMATCHES(LANG(?svLabel), "sv")) }
  OPTIONAL { ?item dct:title ?title }
  BIND(COALESCE(?ownLabel, ?svLabel, ?title) AS ?label)
  OPTIONAL { ?holderNode foaf:name ?holderName }
  OPTIONAL {
    ?holderNode rdfs:label ?holderOwn FILTER(LANGMATCHES(LANG(?holderOwn), ?lang))
  }
  OPTIONAL { ?holderNode rdfs:label ?holderLabel FILTER(LANGMATCHES(LANG(?holderLabel), "sv")) }
  BIND(COALESCE(?holderName, ?holderOwn, ?holderLabel) AS ?holder)
  OPTIONAL { ?item ks:planned ?planned }
  OPTIONAL { ?item ks:inferred ?inferredItem }
  BIND(COALESCE(?inferredItem, ?inferredPeriod) AS ?inferred)
}
ORDER BY ?item
"""

_CATEGORIES = {
    str(KS.LetterOfIntent): "plan",
    str(KS.ActivityPlan): "plan",
    str(KS.DevelopmentPlan): "plan",
    str(KS.DirectionGoals): "plan",
    str(KS.Vision): "plan",
    str(KS.AnnualReport): "plan",
    str(KS.Decision): "decision",
    str(KS.Meeting): "meeting",
    str(KS.Event): "event",
    str(KS.Minutes): "minutes",
}
# Drawing order (top to bottom), legend names and colours (colour-blind-safe Okabe–Ito).
CATEGORY_STYLE = {
    "chair": ("chair", "#D55E00"),
    "post": ("post", "#CC79A7"),
    "mandate": ("mandate period", "#0072B2"),
    "plan": ("plan or report", "#009E73"),
    "decision": ("decision", "#E69F00"),
    "meeting": ("meeting", "#56B4E9"),
    "event": ("event", "#8C6D31"),
    "minutes": ("minutes", "#666666"),
}


PLURALS = {"plan or report": "plans or reports", "minutes": "minutes"}


@dataclass(frozen=True)
class Moment:
    """A time as the source gives it: a year, a month or a day, as the span it covers."""

    text: str  # '2020', '2020-09' or '2020-09-09'
    first: dt.date  # the first day it may mean
    after: dt.date  # the day after the last day it may mean

    @property
    def precision(self) -> str:
        return {"gYear": "year", "gYearMonth": "month"}.get(date_precision(self.text) or "", "day")


def moment(text: str) -> Moment | None:
    """A Moment from YYYY, YYYY-MM or YYYY-MM-DD (None for anything else, e.g. --07-04, or for
    a month or day that does not exist, e.g. 2020-13)."""
    precision = date_precision(text)
    if precision is None:
        return None
    year = int(text[:4])
    try:  # a span Python's dates cannot hold (years 1 to 9999): nothing to place
        if precision == "gYear":
            return Moment(text, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
        month = int(text[5:7])
        if precision == "gYearMonth":
            first = dt.date(year, month, 1)
            return Moment(text, first, dt.date(year + month // 12, month % 12 + 1, 1))
        first = dt.date.fromisoformat(text)
        return Moment(text, first, first + dt.timedelta(days=1))
    except (ValueError, OverflowError):
        return None


@dataclass(frozen=True)
class TimelineItem:
    """One row of a timeline: a dated fact, or a period from ``start`` to ``end``."""

    iri: str
    category: str
    label: str
    start: Moment | None = None
    end: Moment | None = None  # None with a start: the end is not known
    planned: bool = False
    inferred: bool = False
    holder: str = ""
    when: str = ""  # the raw date text (kept for items that cannot be drawn)


@dataclass
class Timeline:
    """A collaboration's timeline: drawable items in order, and the ones without a usable date."""

    collaboration: str
    name: str
    items: list[TimelineItem] = field(default_factory=list)
    undated: list[TimelineItem] = field(default_factory=list)


def timeline_data(
    project: Project, collaboration: str, store: ProjectStore | None = None, lang: str = "sv"
) -> Timeline:
    """The timeline of a collaboration given by slug, name or IRI (``store``: as for
    ``network_data``), its names in ``lang`` where the data has them, else in Swedish."""
    store = _open(project) if store is None else store
    iri = resolve_collaboration(store, collaboration)
    name_rows = select(
        store,
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?name WHERE { ?c rdfs:label ?name FILTER(LANGMATCHES(LANG(?name), 'sv')) }"
        " ORDER BY ?name",
        {"c": iri},
    )
    timeline = Timeline(iri, name_rows[0]["name"] if name_rows else local_name(iri))
    merged: dict[str, dict[str, str]] = {}
    for row in select(store, _TIMELINE_QUERY, {"collaboration": iri}, lang=lang):
        merged.setdefault(row["item"], {}).update(row)  # one row per item
    for item_iri, row in sorted(merged.items()):
        category = row["category"]
        if category == "document":
            category = _CATEGORIES[row["type"]]
        label = row.get("label", local_name(item_iri))
        holder = row.get("holder", "")
        if category in ("chair", "post") and holder and holder not in label:
            label = f"{holder}: {label}"
        when = row.get("date") or row.get("start") or ""
        start = moment(when) if when else None
        end = moment(row["end"]) if row.get("end") else None
        if row.get("date") and not row.get("end"):
            end = start  # a dated fact, not an open period
        item = TimelineItem(
            item_iri,
            category,
            label,
            start,
            end,
            planned=row.get("planned") == "true",
            inferred=row.get("inferred") == "true",
            holder=holder,
            when=when,
        )
        (timeline.items if start else timeline.undated).append(item)
    order = list(CATEGORY_STYLE)
    timeline.items.sort(key=lambda i: (order.index(i.category), i.start.first, i.label))
    timeline.undated.sort(key=lambda i: (order.index(i.category), i.label))
    return timeline
