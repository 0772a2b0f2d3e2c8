"""The pictures the site shows: a collaboration's network and timeline on its page, the whole
membership network on the home page (``kgtool.plot``, drawn from the project's store)."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from rdflib import URIRef

from kgtool.terms import DEFAULT_BASE, KS

if TYPE_CHECKING:
    from kgtool.plot import Picture
    from kgtool.web.site.store import StoreGraph

#: Pictures are drawn for at most this many collaborations (see ``Pictures.of``).
PICTURE_LIMIT = 12


class Pictures:
    """The pictures of ``project`` read from its store (``graph``: the data's own IRIs), for the
    site under ``base``; a picture that cannot be drawn is left out with a line in ``warnings``."""

    def __init__(self, project, graph: StoreGraph, base: str, warnings: list[str]) -> None:
        self.project = project
        self.graph = graph
        self.base = base
        self.warnings = warnings
        self._drawn: dict[tuple[str, str], dict[str, Picture]] = {}

    @cached_property
    def drawn(self) -> bool:
        """Whether pictures are drawn: at most PICTURE_LIMIT collaborations."""
        count = self.graph.count(
            f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{KS.Collaboration}> }}"
        )
        return count <= PICTURE_LIMIT

    @property
    def left_out(self) -> int:
        """What the pages say of pictures left out: the limit, or 0 when they are drawn."""
        return 0 if self.drawn else PICTURE_LIMIT

    def of(self, iri: URIRef, lang: str) -> dict[str, Picture]:
        """A collaboration's pictures, 'network' and 'timeline', in ``lang`` (inline SVG with
        its text alternative; ids prefixed so both fit on one page). A picture of nothing is
        left out, and all of them (with a warning) without the plot extra; none are drawn when
        the graph holds more than PICTURE_LIMIT collaborations (each picture asks the whole
        graph: pictures would cost more than all the pages, and a network of thousands of
        collaborations is not readable)."""
        if not self.drawn:
            return {}
        slug = self._project_iri(iri)
        return {
            name: picture
            for name, picture in (
                ("network", self._draw("network_svg", slug, lang, "network-")),
                ("timeline", self._draw("timeline_svg", slug, lang, "timeline-")),
            )
            if picture is not None
        }

    def network(self, lang: str) -> Picture | None:
        """The whole membership network for the index page (None without the plot extra)."""
        if not self.drawn:
            return None
        key = ("", lang)
        if key not in self._drawn:
            picture = self._draw("network_svg", None, lang, "all-")
            self._drawn[key] = {"network": picture} if picture else {}
        return self._drawn[key].get("network")

    def _draw(self, function: str, collaboration: str | None, lang: str, prefix: str):
        """``kgtool.plot.<function>`` for ``collaboration``, or None if it cannot be drawn."""
        from kgtool import plot

        try:
            draw = getattr(plot, function)
            return draw(self.project, collaboration, lang, prefix, store=self.graph.project_store)
        except plot.NothingToDraw:
            return None
        except plot.PlotError as error:
            message = f"pictures left out: {error.format_message()}"
            if message not in self.warnings:
                self.warnings.append(message)
            return None

    def _project_iri(self, iri: URIRef) -> str:
        """The IRI of a published resource as the project graph has it (before ``--base``)."""
        text = str(iri)
        return DEFAULT_BASE + text[len(self.base) :] if text.startswith(self.base) else text
