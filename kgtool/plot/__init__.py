"""Pictures of the graph and the network for other tools.

- ``network_picture``: municipalities, regions and collaborations as a bipartite membership
  network, members coloured by county;
- ``timeline_picture``: one collaboration's chairs, posts, mandate periods, plans, decisions,
  meetings, events and minutes on a time axis, each at the precision its source gives;
- ``export_network``: the same network as GraphML, GEXF or CSV (for Gephi, R, pandas).

Both pictures render to SVG or PNG with the same bytes on every run (fixed layout, fixed SVG id
salt, no dates or software versions in the metadata) and carry a short text alternative.
matplotlib and networkx (the ``plot`` extra) are imported only when drawing.

The parts: ``data`` (the network and timeline from SPARQL, the one place that runs queries;
every function takes the project's store when the caller has it open), ``network`` and
``timeline`` (layout, figure, text alternative), ``render`` (SVG/PNG bytes, inline SVG, files)
and ``words`` (the pictures' words in English and Swedish).
"""

from kgtool.plot.data import (
    CATEGORY_STYLE,
    Moment,
    Network,
    NetworkEdge,
    NetworkNode,
    NothingToDraw,
    PlotError,
    Timeline,
    TimelineItem,
    moment,
    network_data,
    resolve_collaboration,
    timeline_data,
)
from kgtool.plot.network import (
    EXPORT_FORMATS,
    edges_csv,
    export_network,
    network_description,
    network_figure,
    network_graph,
    nodes_csv,
)
from kgtool.plot.render import (
    PICTURE_FORMATS,
    Picture,
    format_for,
    network_picture,
    network_svg,
    render,
    timeline_picture,
    timeline_svg,
    write_file,
)
from kgtool.plot.timeline import timeline_description, timeline_figure
from kgtool.plot.words import LANGUAGES, TEXT

__all__ = [
    "CATEGORY_STYLE",
    "EXPORT_FORMATS",
    "LANGUAGES",
    "PICTURE_FORMATS",
    "TEXT",
    "Moment",
    "Network",
    "NetworkEdge",
    "NetworkNode",
    "NothingToDraw",
    "Picture",
    "PlotError",
    "Timeline",
    "TimelineItem",
    "edges_csv",
    "export_network",
    "format_for",
    "moment",
    "network_data",
    "network_description",
    "network_figure",
    "network_graph",
    "network_picture",
    "network_svg",
    "nodes_csv",
    "render",
    "resolve_collaboration",
    "timeline_data",
    "timeline_description",
    "timeline_figure",
    "timeline_picture",
    "timeline_svg",
    "write_file",
]
