"""The membership network: a fixed layout, the figure, its text alternative and the exports for
other tools (GraphML, GEXF, CSV)."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kgtool.errors import ParameterError
from kgtool.plot.data import Network, NetworkNode, PlotError, network_data
from kgtool.plot.words import text as _text

if TYPE_CHECKING:
    import networkx as nx
    from matplotlib.figure import Figure

    from kgtool.project import Project
    from kgtool.store.engine import ProjectStore

EXPORT_FORMATS = ("graphml", "gexf", "csv")


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
    words = _FOCUS_DESCRIPTION["sv" if lang == "sv" else "en"]
    text = words["network"].format(
        name=name,
        municipalities=municipalities,
        regions=words["regions"].format(regions=regions) if regions else "",
        counties=counties,
    )
    if also:
        text += words["also"].format(also=also, shared=", ".join(shared))
    return text


_FOCUS_DESCRIPTION = {
    "en": {
        "network": "Membership network of {name}: {municipalities} municipalities{regions}"
        " in {counties} counties (all members, associates included), coloured by county.",
        "regions": " and {regions} regions",
        "also": " Members also in {also}: {shared}.",
    },
    "sv": {
        "network": "Medlemsnätverk för {name}: {municipalities} kommuner{regions}"
        " i {counties} län (alla medlemmar, associerade medräknade), färgade efter län.",
        "regions": " och {regions} regioner",
        "also": " Medlemmar också i {also}: {shared}.",
    },
}


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

    network: Network
    position: dict[str, tuple[float, float]] = field(default_factory=dict)
    label_angle: dict[str, float | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.nodes = {node.iri: node for node in self.network.nodes}
        self.memberships: dict[str, list[str]] = {}
        for edge in self.network.edges:
            self.memberships.setdefault(edge.member, []).append(edge.collaboration)

    def ring_order(self, member: str) -> tuple[str, int, str]:
        node = self.nodes[member]
        return (node.lanskod, node.kind == "region", node.label)

    def place_ring(self, centre: str, members: list[str], radius: float, gaps: dict[float, int]):
        """Members evenly round ``centre``, leaving ``gaps`` (angle → empty slots)."""
        slots = len(members) + sum(gaps.values())
        step = 2 * math.pi / max(slots, 1)
        cx, cy = self.position[centre]
        blocked = set()
        for angle, width in gaps.items():
            middle = round((math.pi / 2 - angle) / step) % slots
            blocked |= {(middle + k - width // 2) % slots for k in range(width)}
        free = [k for k in range(slots) if k not in blocked]
        for member, slot in zip(sorted(members, key=self.ring_order), free, strict=False):
            angle = math.pi / 2 - slot * step
            self.position[member] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
            self.label_angle[member] = math.degrees(angle)

    def place_row(self, shared: list[str], angle: float, distance: float) -> None:
        """Members in a short row across the line from the middle at ``angle``, ``distance`` out."""
        mx, my = distance * math.cos(angle), distance * math.sin(angle)
        px, py = -math.sin(angle), math.cos(angle)
        for i, member in enumerate(shared):
            offset = ((len(shared) - 1) / 2 - i) * 0.8
            self.position[member] = (mx + px * offset, my + py * offset)
            self.label_angle[member] = None


def _radius_for(count: int) -> float:
    return max(2.6, count * 0.56 / (2 * math.pi))


def _network_layout(network: Network) -> _Layout:
    """A fixed, readable layout (no random state): the largest collaboration in the middle with
    its own members on a ring sorted by county; a collaboration sharing members with it outside
    the ring, the shared members between them (in a gap of the ring); a collaboration sharing
    none off to the left with its members on its own ring."""
    layout = _Layout(network)
    memberships = layout.memberships
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
    main = collaborations[0].iri
    layout.position[main] = (0.0, 0.0)
    own = {c.iri: [m for m, of in memberships.items() if of == [c.iri]] for c in collaborations}
    main_radius = _radius_for(len(memberships))
    sharing = [
        c.iri
        for c in collaborations[1:]
        if any(main in of and c.iri in of for of in memberships.values())
    ]
    gaps = _place_sharing(layout, sharing, own, main_radius, len(own[main]))
    layout.place_ring(main, own[main], main_radius, gaps)
    apart = [c.iri for c in collaborations[1:] if c.iri not in sharing]
    for index, collaboration in enumerate(apart):
        radius = max(_radius_for(len(own[collaboration])), 3.9)
        angle = math.radians(180 + [-35, 35, -70, 70, 0][index % 5])
        distance = main_radius + radius + 4.6
        layout.position[collaboration] = (distance * math.cos(angle), distance * math.sin(angle))
        layout.place_ring(collaboration, own[collaboration], radius, {})
    for member, of in memberships.items():  # members of several that share none with the main
        if member not in layout.position:
            xs = [layout.position[c][0] for c in of]
            ys = [layout.position[c][1] for c in of]
            layout.position[member] = (sum(xs) / len(xs), sum(ys) / len(ys))
            layout.label_angle[member] = None
    return layout


def _place_sharing(
    layout: _Layout, sharing: list[str], own: dict[str, list[str]], main_radius: float, rest: int
) -> dict[float, int]:
    """Each collaboration sharing members with the main one outside its ring, the shared members
    between them; the gaps (angle → slots) the main ring leaves for them (``rest``: its own)."""
    memberships = layout.memberships
    shared_of = {
        c: sorted(
            (m for m, of in memberships.items() if c in of and len(of) > 1), key=layout.ring_order
        )
        for c in sharing
    }
    widths = {c: len(shared_of[c]) + 3 for c in sharing}
    step = 2 * math.pi / (rest + sum(widths.values()))
    top = step * sum(widths.values()) / 2  # the gaps form one sector facing right
    gaps: dict[float, int] = {}
    for collaboration in sharing:
        angle = top - step * widths[collaboration] / 2
        top -= step * widths[collaboration]
        gaps[angle] = widths[collaboration]
        distance = main_radius + 6.6
        layout.position[collaboration] = (distance * math.cos(angle), distance * math.sin(angle))
        layout.place_row(shared_of[collaboration], angle, main_radius + 1.6)
        radius = _radius_for(len(own[collaboration]))
        layout.place_ring(collaboration, own[collaboration], radius, {})
    return gaps


def _figure_size(network: Network, layout: _Layout) -> tuple[float, float]:
    """15 × 12.5 in; one collaboration's network as tall as it needs (room for the legend), at
    most 10 in."""
    if not network.focus:
        return (15, 12.5)
    xs = [p[0] for p in layout.position.values()]
    ys = [p[1] for p in layout.position.values()]
    aspect = (max(ys) - min(ys) + 5.2) / (max(xs) - min(xs) + 5.2)
    return (12, min(max(12 * 0.76 * aspect / 0.92 + 0.4, 4.4), 10))


def _draw_edges(axes: Any, network: Network, layout: _Layout) -> None:
    for edge in network.edges:
        (x1, y1), (x2, y2) = layout.position[edge.member], layout.position[edge.collaboration]
        axes.plot(
            [x1, x2],
            [y1, y2],
            color="#888888",
            linewidth=0.8,
            linestyle="-" if edge.role == "full member" else (0, (3, 2)),
            zorder=1,
        )


def _draw_node(axes: Any, node: NetworkNode, layout: _Layout, colours: dict[str, Any]) -> None:
    """A collaboration as its name, white on a dark box; a member as a county-coloured mark with
    its label pointing out of its ring (or to the right, on white, for a member of several)."""
    x, y = layout.position[node.iri]
    if node.kind == "collaboration":
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
        return
    colour = colours.get(node.lanskod, "#bbbbbb")
    marker = "o" if node.kind == "municipality" else "D"
    axes.scatter(
        [x], [y], s=110, marker=marker, color=colour, edgecolors="#333333", lw=0.6, zorder=4
    )
    angle = layout.label_angle.get(node.iri)
    if angle is None:
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
        return
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


def _network_legend(figure: Figure, network: Network, colours: dict[str, Any], lang: str) -> None:
    """The counties (name and code) in code order, then the symbols."""
    from matplotlib.lines import Line2D

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


def network_figure(network: Network, lang: str = "en") -> Figure:
    """The membership network as a matplotlib Figure (not yet saved).

    One collaboration's network (``network.focus``) is drawn smaller, so that its labels stay
    readable when a page shows it at the page's width."""
    from matplotlib.figure import Figure

    layout = _network_layout(network)
    colours = _county_colours(network)
    figure = Figure(figsize=_figure_size(network, layout), dpi=100)
    axes = figure.add_axes((0.01, 0.01, 0.76, 0.92))
    axes.set_axis_off()
    axes.set_aspect("equal")
    _draw_edges(axes, network, layout)
    for node in network.nodes:
        _draw_node(axes, node, layout, colours)
    xs = [p[0] for p in layout.position.values()]
    ys = [p[1] for p in layout.position.values()]
    margin = 2.6
    axes.set_xlim(min(xs) - margin, max(xs) + margin)
    axes.set_ylim(min(ys) - margin, max(ys) + margin)
    _network_legend(figure, network, colours, lang)
    if network.focus:
        name = next(n.label for n in network.nodes if n.iri == network.focus)
        title = _text(lang, "network.focus", name=name)
    else:
        title = _text(lang, "network.title")
    figure.suptitle(title, fontsize=15, x=0.02, ha="left")
    return figure


def export_network(
    project: Project, fmt: str, store: ProjectStore | None = None, as_of: str | None = None
) -> bytes:
    """The network (as it was on ``as_of``, if given) as GraphML, GEXF or an edge-list CSV
    (UTF-8), the same bytes on every run."""
    if fmt not in EXPORT_FORMATS:
        raise ParameterError(f"format {fmt!r}: choose one of {', '.join(EXPORT_FORMATS)}")
    network = network_data(project, store=store, as_of=as_of)
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
