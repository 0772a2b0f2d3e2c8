"""Pictures of the graph and the network for other tools.

- ``network_picture``: municipalities, regions and collaborations as a bipartite membership
  network, members coloured by county;
- ``timeline_picture``: one collaboration's chairs, posts, mandate periods, plans, decisions,
  meetings, events and minutes on a time axis, each at the precision its source gives;
- ``export_network``: the same network as GraphML, GEXF or CSV (for Gephi, R, pandas).

Both pictures render to SVG or PNG with the same bytes on every run (fixed layout seed, fixed
SVG id salt, no dates or software versions in the metadata) and carry a short text
alternative. matplotlib and networkx (the ``plot`` extra) are imported only when drawing.
All data comes from SPARQL through ``_select``, the one place that touches the query engine.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.errors import KgtoolError, ParameterError
from kgtool.terms import KS

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.figure import Figure

    from kgtool.project import Project

PICTURE_FORMATS = ("svg", "png")
EXPORT_FORMATS = ("graphml", "gexf", "csv")
SEED = 11  # the network layout's fixed seed
SALT = "kgtool"  # matplotlib's SVG id salt: the same ids on every run
ROLE_NAMES = {str(KS.FullMember): "full member", str(KS.AssociateMember): "associate member"}
LANGUAGES = ("en", "sv")  # the languages a picture's words can be in (English by default)

# The words drawn in the pictures and used in their text alternatives, by language.
TEXT: dict[str, dict[str, str]] = {
    "en": {
        "network.title": "Kommunal samverkan: members of the collaborations, coloured by county",
        "network.focus": "{name}: its members and their other collaborations, by county",
        "network.legend": "County (länskod) and symbols",
        "collaboration": "collaboration",
        "municipality": "municipality",
        "region": "region",
        "full member": "full member",
        "associate member": "associate member",
        "timeline.title": "{name}: chairs, mandates, plans, decisions and meetings",
        "timeline.empty": "no dated facts in the graph",
        "timeline.undated": "Not drawn, no usable date: {shown}{more}",
        "timeline.more": " and {count} more",
        "legend.day": "a day (hollow: planned)",
        "legend.vague": "a month or year the source gives, no exact day",
        "legend.sure": "certainly within the period",
        "legend.open": "end not known",
        "legend.planned": "planned when the source was written",
        "legend.inferred": "* inferred, not stated (ks:inferred)",
        "chair": "chair",
        "post": "post",
        "mandate period": "mandate period",
        "plan or report": "plan or report",
        "decision": "decision",
        "meeting": "meeting",
        "event": "event",
        "minutes": "minutes",
    },
    "sv": {
        "network.title": "Kommunal samverkan: samverkansorganens medlemmar, färgade efter län",
        "network.focus": "{name}: medlemmarna och deras andra samverkan, efter län",
        "network.legend": "Län (länskod) och symboler",
        "collaboration": "samverkan",
        "municipality": "kommun",
        "region": "region",
        "full member": "medlem",
        "associate member": "associerad medlem",
        "timeline.title": "{name}: ordförandeskap, mandat, planer, beslut och möten",
        "timeline.empty": "inga daterade fakta i grafen",
        "timeline.undated": "Inte ritat, inget användbart datum: {shown}{more}",
        "timeline.more": " och {count} till",
        "legend.day": "en dag (ihålig: planerad)",
        "legend.vague": "en månad eller ett år enligt källan, ingen exakt dag",
        "legend.sure": "säkert inom perioden",
        "legend.open": "slutet okänt",
        "legend.planned": "planerat när källan skrevs",
        "legend.inferred": "* härlett, inte angivet (ks:inferred)",
        "chair": "ordförandeskap",
        "post": "uppdrag",
        "mandate period": "mandatperiod",
        "plan or report": "plan eller rapport",
        "decision": "beslut",
        "meeting": "möte",
        "event": "händelse",
        "minutes": "protokoll",
    },
}


def _text(lang: str, key: str, **values: Any) -> str:
    """The words for ``key`` in ``lang`` (ParameterError for a language without words)."""
    if lang not in TEXT:
        raise ParameterError(f"language {lang!r}: pictures are in {' or '.join(LANGUAGES)}")
    return TEXT[lang][key].format(**values) if values else TEXT[lang][key]


class PlotError(KgtoolError):
    """A picture that cannot be drawn: the plot extra is missing, or there is nothing to draw."""


class NothingToDraw(PlotError):
    """A picture of nothing: a collaboration without members has no network."""


# -- Data access: the one function that runs SPARQL ------------------------------------------


def _select(
    project: Project, text: str, iris: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """Rows of a SELECT as plain strings (IRIs and lexical forms); unbound variables are absent.

    ``iris`` binds variables to IRIs. This is the only function here that knows the engine.
    """
    import pyoxigraph

    from kgtool.query.run import run_local
    from kgtool.store.engine import open_project_store

    bindings = {name: pyoxigraph.NamedNode(iri) for name, iri in (iris or {}).items()}
    result = run_local(open_project_store(project), text, bindings)
    return [
        {name: value.value for name, value in row.items() if value is not None}
        for row in result.rows
    ]


def resolve_collaboration(project: Project, value: str) -> str:
    """The IRI of a collaboration given by slug, name or IRI (ParameterError if unknown)."""
    from kgtool.query.catalogue import Param, convert
    from kgtool.query.names import NameIndex
    from kgtool.store.engine import open_project_store

    index = NameIndex.from_store(open_project_store(project), ("collaboration",))
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


def network_data(project: Project, collaboration: str | None = None) -> Network:
    """The network from the saved query ``network-edges`` (one row per membership).

    With ``collaboration`` (slug, name or IRI): only its members, with every collaboration
    each of them belongs to (the others show only the members they share with it).
    """
    rows = _select(project, _saved_query_text(project, "network-edges"))
    focus, codes = "", ()
    if collaboration is not None:
        codes = tuple(sorted({row["countyCode"] for row in rows if row.get("countyCode")}))
        focus = resolve_collaboration(project, collaboration)
        members = {row["member"] for row in rows if row["collab"] == focus}
        if not members:
            raise NothingToDraw(f"{collaboration}: no members, no network to draw")
        rows = [row for row in rows if row["member"] in members]
    nodes: dict[str, NetworkNode] = {}
    edges: list[NetworkEdge] = []
    for row in rows:
        collaboration = row["collab"]
        nodes.setdefault(
            collaboration,
            NetworkNode(collaboration, "collaboration", row["collaborationName"]),
        )
        kind = "municipality" if row["kind"] == str(KS.Municipality) else "region"
        nodes.setdefault(
            row["member"],
            NetworkNode(
                row["member"],
                kind,
                row["memberName"],
                kommunkod=row.get("code", "") if kind == "municipality" else "",
                lanskod=row.get("countyCode", ""),
                county=row.get("countyName", ""),
            ),
        )
        role = ROLE_NAMES.get(row["role"], row["role"].rsplit("/", 1)[-1])
        edges.append(NetworkEdge(row["member"], collaboration, role, row["role"]))
    order = {"collaboration": 0, "municipality": 1, "region": 2}
    ordered = sorted(nodes.values(), key=lambda n: (order[n.kind], n.kommunkod or n.lanskod, n.iri))
    return Network(ordered, edges, focus, codes)


def network_graph(network: Network) -> nx.Graph:
    """A networkx graph: nodes keyed by IRI with kind, label, kommunkod, lanskod, county."""
    import networkx as nx

    graph = nx.Graph(name="Kommunal samverkan: membership network")
    for node in network.nodes:
        graph.add_node(
            node.iri,
            kind=node.kind,
            label=node.label,
            kommunkod=node.kommunkod,
            lanskod=node.lanskod,
            county=node.county,
            bipartite=0 if node.kind == "collaboration" else 1,
        )
    for edge in network.edges:
        graph.add_edge(edge.member, edge.collaboration, role=edge.role, role_iri=edge.role_iri)
    return graph


def network_description(network: Network, lang: str = "en") -> str:
    """A short text alternative for the network picture (English or Swedish)."""
    collaborations = network.of_kind("collaboration")
    members: dict[str, int] = {}
    count: dict[str, int] = {}
    for edge in network.edges:
        members[edge.collaboration] = members.get(edge.collaboration, 0) + 1
        count[edge.member] = count.get(edge.member, 0) + 1
    sizes = ", ".join(f"{c.label} {members.get(c.iri, 0)}" for c in collaborations)
    shared = [n.label for n in network.nodes if count.get(n.iri, 0) > 1]
    _text(lang, "region")  # refuses an unknown language
    if network.focus:
        return _focus_description(network, lang, members, shared)
    if lang == "sv":
        text = (
            f"Medlemsnätverk med {len(collaborations)} samverkan, "
            f"{len(network.of_kind('municipality'))} kommuner och "
            f"{len(network.of_kind('region'))} regioner ({len(network.edges)} medlemskap; "
            f"medlemmar per samverkan: {sizes})."
        )
        if shared:
            text += f" Medlemmar i mer än en samverkan: {', '.join(shared)}."
        return text
    text = (
        f"Membership network of {len(collaborations)} collaborations, "
        f"{len(network.of_kind('municipality'))} municipalities and "
        f"{len(network.of_kind('region'))} regions ({len(network.edges)} memberships; "
        f"members per collaboration: {sizes})."
    )
    if shared:
        text += f" Members of more than one collaboration: {', '.join(shared)}."
    return text


def _focus_description(
    network: Network, lang: str, members: dict[str, int], shared: list[str]
) -> str:
    """The text alternative of one collaboration's network (``network.focus``)."""
    nodes = {node.iri: node for node in network.nodes}
    name = nodes[network.focus].label
    municipalities = len(network.of_kind("municipality"))
    regions = len(network.of_kind("region"))
    counties = len({n.lanskod for n in network.nodes if n.lanskod})
    others = [c for c in network.of_kind("collaboration") if c.iri != network.focus]
    also = ", ".join(f"{c.label} ({members.get(c.iri, 0)})" for c in others)
    if lang == "sv":
        text = (
            f"Medlemsnätverk för {name}: {municipalities} kommuner"
            + (f" och {regions} regioner" if regions else "")
            + f" i {counties} län, färgade efter län."
        )
        if also:
            text += f" Medlemmar också i {also}: {', '.join(shared)}."
        return text
    text = (
        f"Membership network of {name}: {municipalities} municipalities"
        + (f" and {regions} regions" if regions else "")
        + f" in {counties} counties, coloured by county."
    )
    if also:
        text += f" Members also in {also}: {', '.join(shared)}."
    return text


def _county_colours(network: Network) -> dict[str, Any]:
    """One colour per county code, from a qualitative palette, in code order (the codes of the
    whole network for one collaboration's: a county has the same colour in every picture)."""
    from matplotlib import colormaps

    codes = list(network.county_codes) or sorted({n.lanskod for n in network.nodes if n.lanskod})
    pairs = colormaps["tab20"].colors  # dark and light of ten hues: all darks first
    palette = pairs[0::2] + pairs[1::2]
    return {code: palette[i % len(palette)] for i, code in enumerate(codes)}


@dataclass
class _Layout:
    """Where each node sits, and the direction its label points (degrees; None: to the right)."""

    position: dict[str, tuple[float, float]] = field(default_factory=dict)
    label_angle: dict[str, float | None] = field(default_factory=dict)


def _network_layout(network: Network) -> _Layout:
    """A fixed, readable layout (no random state): the largest collaboration in the middle with
    its own members on a ring sorted by county; a collaboration sharing members with it outside
    the ring, the shared members between them (in a gap of the ring); a collaboration sharing
    none off to the left with its members on its own ring."""
    import math

    layout = _Layout()
    nodes = {node.iri: node for node in network.nodes}
    memberships: dict[str, list[str]] = {}
    for edge in network.edges:
        memberships.setdefault(edge.member, []).append(edge.collaboration)
    collaborations = sorted(
        network.of_kind("collaboration"),
        key=lambda c: (
            c.iri != network.focus,  # the focus (if any) in the middle
            -sum(c.iri in of for of in memberships.values()),
            c.iri,
        ),
    )
    if not collaborations:
        return layout

    def ring_order(member: str) -> tuple[str, int, str]:
        node = nodes[member]
        return (node.lanskod, node.kind == "region", node.label)

    def place_ring(centre: str, members: list[str], radius: float, gaps: dict[float, int]) -> None:
        """Members evenly round ``centre``, leaving ``gaps`` (angle → empty slots)."""
        slots = len(members) + sum(gaps.values())
        step = 2 * math.pi / max(slots, 1)
        cx, cy = layout.position[centre]
        blocked = set()
        for angle, width in gaps.items():
            middle = round((math.pi / 2 - angle) / step) % slots
            blocked |= {(middle + k - width // 2) % slots for k in range(width)}
        free = [k for k in range(slots) if k not in blocked]
        for member, slot in zip(sorted(members, key=ring_order), free, strict=False):
            angle = math.pi / 2 - slot * step
            layout.position[member] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
            layout.label_angle[member] = math.degrees(angle)

    def radius_for(count: int) -> float:
        return max(2.6, count * 0.56 / (2 * math.pi))

    main = collaborations[0].iri
    layout.position[main] = (0.0, 0.0)
    own = {c.iri: [m for m, of in memberships.items() if of == [c.iri]] for c in collaborations}
    main_radius = radius_for(len(memberships))
    sharing = [
        c.iri
        for c in collaborations[1:]
        if any(main in of and c.iri in of for of in memberships.values())
    ]
    apart = [c.iri for c in collaborations[1:] if c.iri not in sharing]
    shared_of = {
        c: sorted((m for m, of in memberships.items() if c in of and len(of) > 1), key=ring_order)
        for c in sharing
    }
    widths = {c: len(shared_of[c]) + 3 for c in sharing}
    step = 2 * math.pi / (len(own[main]) + sum(widths.values()))
    top = step * sum(widths.values()) / 2  # the gaps form one sector facing right
    gaps: dict[float, int] = {}
    for collaboration in sharing:
        angle = top - step * widths[collaboration] / 2
        top -= step * widths[collaboration]
        shared = shared_of[collaboration]
        gaps[angle] = widths[collaboration]
        distance = main_radius + 6.6
        layout.position[collaboration] = (distance * math.cos(angle), distance * math.sin(angle))
        # The shared members in a short row across the line between the two collaborations.
        mx, my = (main_radius + 1.6) * math.cos(angle), (main_radius + 1.6) * math.sin(angle)
        px, py = -math.sin(angle), math.cos(angle)
        for i, member in enumerate(shared):
            offset = ((len(shared) - 1) / 2 - i) * 0.8
            layout.position[member] = (mx + px * offset, my + py * offset)
            layout.label_angle[member] = None
        place_ring(collaboration, own[collaboration], radius_for(len(own[collaboration])), {})
    place_ring(main, own[main], main_radius, gaps)
    for index, collaboration in enumerate(apart):
        radius = max(radius_for(len(own[collaboration])), 3.9)
        angle = math.radians(180 + [-35, 35, -70, 70, 0][index % 5])
        distance = main_radius + radius + 4.6
        layout.position[collaboration] = (distance * math.cos(angle), distance * math.sin(angle))
        place_ring(collaboration, own[collaboration], radius, {})
    for member, of in memberships.items():  # members of several that share none with the main
        if member not in layout.position:
            xs = [layout.position[c][0] for c in of]
            ys = [layout.position[c][1] for c in of]
            layout.position[member] = (sum(xs) / len(xs), sum(ys) / len(ys))
            layout.label_angle[member] = None
    return layout


def network_figure(network: Network, lang: str = "en") -> Figure:
    """The membership network as a matplotlib Figure (not yet saved).

    One collaboration's network (``network.focus``) is drawn smaller, so that its labels stay
    readable when a page shows it at the page's width."""
    import math

    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    layout = _network_layout(network)
    position = layout.position
    colours = _county_colours(network)
    size = (15, 12.5)
    if network.focus:  # as tall as the drawing needs (with room for the legend), at most 10 in
        xs = [p[0] for p in position.values()]
        ys = [p[1] for p in position.values()]
        aspect = (max(ys) - min(ys) + 5.2) / (max(xs) - min(xs) + 5.2)
        size = (12, min(max(12 * 0.76 * aspect / 0.92 + 0.4, 4.4), 10))
    figure = Figure(figsize=size, dpi=100)
    axes = figure.add_axes((0.01, 0.01, 0.76, 0.92))
    axes.set_axis_off()
    axes.set_aspect("equal")
    for edge in network.edges:
        (x1, y1), (x2, y2) = position[edge.member], position[edge.collaboration]
        axes.plot(
            [x1, x2],
            [y1, y2],
            color="#888888",
            linewidth=0.8,
            linestyle="-" if edge.role == "full member" else (0, (3, 2)),
            zorder=1,
        )
    for node in network.nodes:
        x, y = position[node.iri]
        if node.kind == "collaboration":  # the node is its name, white on a dark box
            axes.annotate(
                node.label,
                (x, y),
                ha="center",
                va="center",
                fontsize=11.5,
                fontweight="bold",
                color="white",
                zorder=6,
                bbox={"boxstyle": "round,pad=0.45", "fc": "#222222", "ec": "#222222"},
            )
            continue
        colour = colours.get(node.lanskod, "#bbbbbb")
        marker = "o" if node.kind == "municipality" else "D"
        axes.scatter(
            [x], [y], s=110, marker=marker, color=colour, edgecolors="#333333", lw=0.6, zorder=4
        )
        angle = layout.label_angle.get(node.iri)
        if angle is None:  # a member of several: a label to the right, on white
            axes.annotate(
                node.label,
                (x, y),
                xytext=(8, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=9,
                fontweight="bold",
                zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85},
            )
            continue
        flip = 90 < angle % 360 < 270  # keep text upright: left half reads inwards-out
        radians = math.radians(angle)
        axes.annotate(
            node.label,
            (x, y),
            xytext=(8 * math.cos(radians), 8 * math.sin(radians)),
            textcoords="offset points",
            ha="right" if flip else "left",
            va="center",
            rotation=angle + 180 if flip else angle,
            rotation_mode="anchor",
            fontsize=8.5,
            zorder=5,
        )
    xs = [p[0] for p in position.values()]
    ys = [p[1] for p in position.values()]
    margin = 2.6
    axes.set_xlim(min(xs) - margin, max(xs) + margin)
    axes.set_ylim(min(ys) - margin, max(ys) + margin)
    counties = {n.lanskod: n.county for n in network.nodes if n.lanskod}
    handles = [
        Line2D([], [], marker="o", linestyle="", color=colours[code], markeredgecolor="#333333")
        for code in sorted(counties)
    ]
    labels = [f"{counties[code]} ({code})" for code in sorted(counties)]
    handles += [
        Line2D([], [], marker="s", linestyle="", color="#222222", markersize=10),
        Line2D([], [], marker="o", linestyle="", color="white", markeredgecolor="#333333"),
        Line2D([], [], marker="D", linestyle="", color="white", markeredgecolor="#333333"),
        Line2D([], [], color="#888888", linewidth=1),
        Line2D([], [], color="#888888", linewidth=1, linestyle=(0, (3, 2))),
    ]
    labels += [
        _text(lang, key)
        for key in ("collaboration", "municipality", "region", "full member", "associate member")
    ]
    figure.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(0.78, 0.93),
        title=_text(lang, "network.legend"),
        fontsize=10,
        title_fontsize=11,
        frameon=False,
    )
    if network.focus:
        name = next(n.label for n in network.nodes if n.iri == network.focus)
        title = _text(lang, "network.focus", name=name)
    else:
        title = _text(lang, "network.title")
    figure.suptitle(
        title,
        fontsize=15,
        x=0.02,
        ha="left",
    )
    return figure


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
  OPTIONAL { ?item rdfs:label ?svLabel FILTER(LANGMATCHES(LANG(?svLabel), "sv")) }
  OPTIONAL { ?item dct:title ?title }
  BIND(COALESCE(?svLabel, ?title) AS ?label)
  OPTIONAL { ?holderNode foaf:name ?holderName }
  OPTIONAL { ?holderNode rdfs:label ?holderLabel FILTER(LANGMATCHES(LANG(?holderLabel), "sv")) }
  BIND(COALESCE(?holderName, ?holderLabel) AS ?holder)
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
        return {4: "year", 7: "month"}.get(len(self.text), "day")


def moment(text: str) -> Moment | None:
    """A Moment from YYYY, YYYY-MM or YYYY-MM-DD (None for anything else, e.g. --07-04)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is None:
        return Moment(text, dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
    if day is None:
        first = dt.date(year, month, 1)
        return Moment(text, first, dt.date(year + month // 12, month % 12 + 1, 1))
    first = dt.date(year, month, day)
    return Moment(text, first, first + dt.timedelta(days=1))


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


def timeline_data(project: Project, collaboration: str) -> Timeline:
    """The timeline of a collaboration given by slug, name or IRI."""
    iri = resolve_collaboration(project, collaboration)
    name_rows = _select(
        project,
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?name WHERE { ?c rdfs:label ?name FILTER(LANGMATCHES(LANG(?name), 'sv')) }"
        " ORDER BY ?name",
        {"c": iri},
    )
    timeline = Timeline(iri, name_rows[0]["name"] if name_rows else iri.rsplit("/", 1)[-1])
    merged: dict[str, dict[str, str]] = {}
    for row in _select(project, _TIMELINE_QUERY, {"collaboration": iri}):
        merged.setdefault(row["item"], {}).update(row)  # one row per item
    for item_iri, row in sorted(merged.items()):
        category = row["category"]
        if category == "document":
            category = _CATEGORIES[row["type"]]
        label = row.get("label", item_iri.rsplit("/", 1)[-1])
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


def timeline_description(timeline: Timeline, lang: str = "en") -> str:
    """A short text alternative for the timeline picture (English or Swedish)."""
    _text(lang, "chair")  # refuses an unknown language
    if lang == "sv":
        return _timeline_description_sv(timeline)
    if not timeline.items:
        return f"Timeline of {timeline.name}: no dated facts in the graph."
    first = min(i.start.first for i in timeline.items)
    last = max((i.end or i.start).after for i in timeline.items) - dt.timedelta(days=1)
    parts = []
    for category, (name, _) in CATEGORY_STYLE.items():
        found = [i for i in timeline.items if i.category == category]
        if found:
            plural = PLURALS.get(name, name + "s") if len(found) > 1 else name
            parts.append(f"{len(found)} {plural}")
    text = f"Timeline of {timeline.name} from {first.year} to {last.year}: {', '.join(parts)}."
    planned = sum(i.planned for i in timeline.items)
    inferred = [i.label for i in timeline.items if i.inferred]
    if planned:
        text += f" {planned} still planned when the source was written."
    if inferred:
        text += f" Inferred dates: {'; '.join(inferred)}."
    if timeline.undated:
        text += f" Not drawn, no usable date: {'; '.join(i.label for i in timeline.undated)}."
    return text


def _timeline_description_sv(timeline: Timeline) -> str:
    if not timeline.items:
        return f"Tidslinje för {timeline.name}: inga daterade fakta i grafen."
    first = min(i.start.first for i in timeline.items)
    last = max((i.end or i.start).after for i in timeline.items) - dt.timedelta(days=1)
    parts = []
    for category, (name, _) in CATEGORY_STYLE.items():
        found = [i for i in timeline.items if i.category == category]
        if found:
            parts.append(f"{_text('sv', name)} {len(found)}")
    text = (
        f"Tidslinje för {timeline.name} {first.year}–{last.year} "
        f"(antal per slag: {', '.join(parts)})."
    )
    planned = sum(i.planned for i in timeline.items)
    inferred = [i.label for i in timeline.items if i.inferred]
    if planned:
        text += f" {planned} fortfarande planerade när källan skrevs."
    if inferred:
        text += f" Härledda datum: {'; '.join(inferred)}."
    if timeline.undated:
        text += (
            f" Inte ritade, inget användbart datum: {'; '.join(i.label for i in timeline.undated)}."
        )
    return text


def _row_label(item: TimelineItem, width: int = 48) -> str:
    """The item's label on at most two lines, with ' *' when its date is inferred."""
    import textwrap

    text = item.label + (" *" if item.inferred else "")
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder=" …")]
    return "\n".join(lines)


def _axis_range(items: list[TimelineItem]) -> tuple[dt.date, dt.date]:
    """The dates the time axis spans: every item, a margin, and room for open ends."""
    if not items:
        return dt.date(2000, 1, 1), dt.date(2001, 1, 1)
    low = min(i.start.first for i in items)
    high = max((i.end or i.start).after for i in items)
    span = max((high - low).days, 180)
    return low - dt.timedelta(days=span // 25 + 15), high + dt.timedelta(days=span // 10 + 30)


INFERRED_COLOUR = "#C00000"


def _draw_item(axes: Any, y: float, item: TimelineItem, right: dt.date, short: int) -> None:
    """One row: a point for a day, a pale span for a month or a year, a bar for a period.

    A period's sure part (after its start's month or year, before its end's) is solid and the
    uncertain ends pale; an open end runs to the right edge with an arrow. Planned items have
    hollow points and dashed outlines; inferred ones are hatched and ringed in red.
    """
    from matplotlib.dates import date2num

    colour = CATEGORY_STYLE[item.category][1]
    style = "--" if item.planned else "-"
    hatch = "////" if item.inferred else None
    edge = INFERRED_COLOUR if item.inferred else colour
    start, end = item.start, item.end
    assert start is not None

    def span(first: dt.date, after: dt.date, alpha: float) -> None:
        if after > first:
            x = date2num(first)
            axes.barh(
                y, date2num(after) - x, left=x, height=0.5, color=colour, alpha=alpha, linewidth=0
            )

    def outline(first: dt.date, after: dt.date) -> None:
        x = date2num(first)
        axes.barh(
            y,
            date2num(after) - x,
            left=x,
            height=0.5,
            fill=False,
            edgecolor=edge,
            linestyle=style,
            linewidth=1.2,
            hatch=hatch,
        )

    def point(day: dt.date) -> None:
        axes.plot(
            [date2num(day)],
            [y],
            marker="o",
            markersize=8,
            linestyle="",
            markerfacecolor="white" if item.planned else colour,
            markeredgecolor=colour,
            markeredgewidth=1.6,
            zorder=3,
        )
        if item.inferred:
            axes.plot(
                [date2num(day)],
                [y],
                marker="o",
                markersize=15,
                linestyle="",
                markerfacecolor="none",
                markeredgecolor=INFERRED_COLOUR,
                markeredgewidth=1.2,
                zorder=3,
            )

    if end is None:  # the end is not known: from the start to the edge, and an arrow
        if start.precision == "day":
            point(start.first)
            span(start.first, right, 0.35)
        else:
            span(start.first, start.after, 0.3)
            span(start.after, right, 0.6)
        outline(start.first, right)
        axes.annotate(
            "",
            xy=(date2num(right), y),
            xytext=(date2num(right) - 1, y),
            arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 1.2},
        )
        return
    if (
        start.precision == "day"
        and end.precision == "day"
        and (end.after - start.first).days <= short
    ):
        point(start.first)  # a day, or a few days too short to see as a bar
        if end.first != start.first:
            point(end.first)
        return
    span(start.first, start.after, 0.3)
    span(start.after, end.first, 0.85)
    if end != start:
        span(end.first, end.after, 0.3)
    outline(start.first, end.after)


def timeline_figure(timeline: Timeline, lang: str = "en") -> Figure:
    """The timeline as a matplotlib Figure (not yet saved)."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    items = timeline.items
    rows = max(len(items), 1)
    labels = [_row_label(item) for item in items]
    row_height = 0.5 if any("\n" in label for label in labels) else 0.38
    top, bottom = 0.75 + (0.3 if timeline.undated else 0), 1.25
    height = top + bottom + row_height * rows
    figure = Figure(figsize=(13, height), dpi=100)
    axes = figure.add_axes((0.33, bottom / height, 0.64, row_height * rows / height))
    left, right = _axis_range(items)
    short = max((right - left).days // 100, 1)
    for row, item in enumerate(items):
        _draw_item(axes, rows - 1 - row, item, right, short)
    if not items:
        axes.text(
            0.5,
            0.5,
            _text(lang, "timeline.empty"),
            ha="center",
            va="center",
            transform=axes.transAxes,
        )
    axes.set_yticks(range(rows))
    axes.set_yticklabels(list(reversed(labels)) if items else [""], fontsize=9)
    for tick, item in zip(axes.get_yticklabels(), reversed(items), strict=False):
        tick.set_color(CATEGORY_STYLE[item.category][1])
    axes.set_ylim(-0.6, rows - 0.4)
    axes.set_xlim(date2num(left), date2num(right))
    locator = AutoDateLocator(minticks=5, maxticks=12)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    present = [c for c in CATEGORY_STYLE if any(i.category == c for i in items)]
    handles: list[Any] = [Patch(color=CATEGORY_STYLE[c][1]) for c in present]
    names = [_text(lang, CATEGORY_STYLE[c][0]) for c in present]
    grey = "#555555"
    handles += [
        Line2D([], [], marker="o", linestyle="", color=grey),
        Patch(facecolor=grey, alpha=0.3),
        Patch(facecolor=grey, alpha=0.85),
        Line2D([], [], marker=r"$\rightarrow$", linestyle="", color=grey, markersize=12),
        Patch(fill=False, edgecolor=grey, linestyle="--"),
        Patch(fill=False, edgecolor=INFERRED_COLOUR, hatch="////"),
    ]
    names += [
        _text(lang, "legend." + key)
        for key in ("day", "vague", "sure", "open", "planned", "inferred")
    ]
    figure.legend(
        handles,
        names,
        loc="lower left",
        ncol=4,
        fontsize=9,
        frameon=False,
        bbox_to_anchor=(0.01, 0.0),
    )
    figure.suptitle(
        _text(lang, "timeline.title", name=timeline.name),
        fontsize=14,
        x=0.01,
        y=1 - 0.12 / height,
        ha="left",
        va="top",
    )
    if timeline.undated:
        shown = "; ".join(i.label for i in timeline.undated[:3])
        count = len(timeline.undated) - 3
        more = _text(lang, "timeline.more", count=count) if count > 0 else ""
        figure.text(
            0.01,
            1 - 0.62 / height,
            _shorten(_text(lang, "timeline.undated", shown=shown, more=more), 170),
            fontsize=8.5,
            color="#555555",
            ha="left",
            va="top",
        )
    return figure


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# -- Rendering and writing --------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """An SVG picture with its text alternative (for ``<title>``, ``alt`` or ``aria-label``)."""

    svg: str
    description: str


def _require_plot_extra() -> None:
    try:
        import matplotlib  # noqa: F401
        import networkx  # noqa: F401
    except ImportError:
        raise PlotError(
            "pictures need matplotlib and networkx: pip install 'kgtool[plot]'"
        ) from None


def render(figure: Figure, fmt: str, description: str = "") -> bytes:
    """The figure as SVG or PNG bytes, the same on every run (no dates, no version stamps)."""
    from matplotlib import rc_context

    if fmt not in PICTURE_FORMATS:
        raise ParameterError(f"format {fmt!r}: pictures are svg or png")
    buffer = io.BytesIO()
    if fmt == "svg":
        metadata: dict[str, Any] = {"Date": None, "Creator": "kgtool", "Description": description}
    else:
        metadata = {"Software": None, "Description": description or None}
    with rc_context({"svg.hashsalt": SALT, "svg.fonttype": "path", "path.simplify": True}):
        figure.savefig(buffer, format=fmt, metadata=metadata, dpi=100, facecolor="white")
    return buffer.getvalue()


def network_picture(
    project: Project, fmt: str = "svg", collaboration: str | None = None, lang: str = "en"
) -> tuple[bytes, str]:
    """The membership network (or one collaboration's, see ``network_data``) as SVG or PNG
    bytes, with its text alternative, in English or Swedish."""
    _require_plot_extra()
    network = network_data(project, collaboration)
    description = network_description(network, lang)
    return render(network_figure(network, lang), fmt, description), description


def timeline_picture(
    project: Project, collaboration: str, fmt: str = "svg", lang: str = "en"
) -> tuple[bytes, str]:
    """A collaboration's timeline as SVG or PNG bytes, with its text alternative."""
    _require_plot_extra()
    timeline = timeline_data(project, collaboration)
    description = timeline_description(timeline, lang)
    return render(timeline_figure(timeline, lang), fmt, description), description


def network_svg(
    project: Project, collaboration: str | None = None, lang: str = "en", prefix: str = ""
) -> Picture:
    """The network picture as SVG text to inline in a page, and its text alternative.

    ``prefix`` starts every id in the SVG, so that several pictures can share a page."""
    data, description = network_picture(project, "svg", collaboration, lang)
    return Picture(_inline(data, description, prefix), description)


def timeline_svg(
    project: Project, collaboration: str, lang: str = "en", prefix: str = ""
) -> Picture:
    """A collaboration's timeline as SVG text to inline in a page, and its text alternative."""
    data, description = timeline_picture(project, collaboration, "svg", lang)
    return Picture(_inline(data, description, prefix), description)


_ID_OR_REFERENCE = re.compile(r'( id="|href="#|url\(#)')
_TAG = re.compile(r"<[A-Za-z][^>]*>")
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>(.*?)</style>", re.DOTALL)


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = (part.partition(":") for part in css.split(";"))
    return [(name.strip(), value.strip()) for name, _, value in pairs if name.strip()]


def _presentation_attributes(tag: str) -> str:
    """A tag's ``style`` as presentation attributes (fill="…"): a page's Content-Security-Policy
    may refuse inline styles, never attributes (the ones the tag has already win)."""
    match = _STYLE_ATTRIBUTE.search(tag)
    if not match:
        return tag
    rest = tag[: match.start()] + tag[match.end() :]
    extra = "".join(
        f' {name}="{value.replace(chr(34), "&quot;")}"'
        for name, value in _declarations(match.group(1))
        if not re.search(rf"\s{re.escape(name)}=", rest)
    )
    end = len(rest) - (2 if rest.endswith("/>") else 1)
    return rest[:end] + extra + rest[end:]


def _inline(data: bytes, description: str, prefix: str = "") -> str:
    """SVG text for inside HTML: no XML declaration, DOCTYPE or metadata; ``role="img"`` and a
    ``<title>`` holding the text alternative; styles as presentation attributes (no inline CSS
    for a strict Content-Security-Policy to refuse); with ``prefix``, every id (glyphs, clip
    paths, markers) and every reference to one starts with it, so ids stay unique on a page."""
    from html import escape

    text = data.decode("utf-8")
    text = text[text.find("<svg") :]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, count=1, flags=re.DOTALL)
    if prefix:
        if not re.fullmatch(r"[A-Za-z][\w-]*", prefix):
            raise ParameterError(f"SVG id prefix {prefix!r}: use letters, digits, - and _")
        text = _ID_OR_REFERENCE.sub(lambda m: m.group(1) + prefix, text)
    sheet = _STYLE_ELEMENT.search(text)  # matplotlib's '*{stroke-linejoin: …}': to the root
    root_style = ""
    if sheet:
        text = text[: sheet.start()] + text[sheet.end() :]
        body = re.search(r"\{(.*)\}", sheet.group(1), re.DOTALL)
        root_style = body.group(1).strip() if body else ""
    text = _TAG.sub(lambda m: _presentation_attributes(m.group(0)), text)
    tag_end = text.find(">") + 1
    opening = text[:tag_end].replace("<svg ", '<svg role="img" ', 1)
    if root_style:
        opening = _presentation_attributes(opening[:-1] + f' style="{root_style}">')
    return f"{opening}\n <title>{escape(description, quote=False)}</title>{text[tag_end:]}"


def export_network(project: Project, fmt: str) -> bytes:
    """The network as GraphML, GEXF or an edge-list CSV (UTF-8), the same bytes on every run."""
    if fmt not in EXPORT_FORMATS:
        raise ParameterError(f"format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    network = network_data(project)
    if fmt == "csv":
        return edges_csv(network)
    try:
        import networkx as nx
    except ImportError:
        raise PlotError("GraphML and GEXF need networkx: pip install 'kgtool[plot]'") from None
    graph = network_graph(network)
    if fmt == "graphml":
        text = "\n".join(nx.generate_graphml(graph, encoding="utf-8", prettyprint=True))
    else:
        text = "\n".join(nx.generate_gexf(graph, encoding="utf-8", prettyprint=True))
        text = re.sub(r' lastmodifieddate="[^"]*"', "", text)  # no date: same bytes each run
    return (text + "\n").encode("utf-8")


NODE_COLUMNS = ("id", "kind", "label", "kommunkod", "lanskod", "county")
EDGE_COLUMNS = (
    "source",
    "target",
    "role",
    "role_iri",
    "source_label",
    "source_kind",
    "kommunkod",
    "lanskod",
    "county",
    "target_label",
)


def edges_csv(network: Network) -> bytes:
    """One row per membership: Gephi's and igraph's edge list with the member's attributes."""
    import csv

    nodes = {node.iri: node for node in network.nodes}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EDGE_COLUMNS)
    for edge in network.edges:
        member, collaboration = nodes[edge.member], nodes[edge.collaboration]
        writer.writerow(
            [
                edge.member,
                edge.collaboration,
                edge.role,
                edge.role_iri,
                member.label,
                member.kind,
                member.kommunkod,
                member.lanskod,
                member.county,
                collaboration.label,
            ]
        )
    return out.getvalue().encode("utf-8")


def nodes_csv(network: Network) -> bytes:
    """One row per node (Gephi's node table): id, kind, label, kommunkod, lanskod, county."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(NODE_COLUMNS)
    for node in network.nodes:
        writer.writerow(
            [node.iri, node.kind, node.label, node.kommunkod, node.lanskod, node.county]
        )
    return out.getvalue().encode("utf-8")


def format_for(path: Path, fmt: str | None, choices: tuple[str, ...]) -> str:
    """The output format: ``fmt`` if given, else the file's suffix (ParameterError if unknown)."""
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in choices:
        raise ParameterError(
            f"-o {path}: cannot tell the format from the suffix; use -f "
            f"{'|'.join(choices)} or a file ending in .{', .'.join(choices)}"
        )
    return chosen


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (never half-written)."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ParameterError(f"-o {path}: folder {folder} does not exist")
    from kgtool.atomic import write_atomic

    write_atomic(path, data)
