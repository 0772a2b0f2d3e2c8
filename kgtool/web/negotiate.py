"""HTTP content negotiation: pick the best offered media type for an Accept header."""

from __future__ import annotations

from kgtool.query.result import GRAPH_FORMATS, MEDIA_TYPES

HTML = "text/html"
TURTLE = MEDIA_TYPES["ttl"]
NTRIPLES = MEDIA_TYPES["nt"]
JSONLD = MEDIA_TYPES["jsonld"]
SPARQL_JSON = MEDIA_TYPES["json"]
SPARQL_XML = MEDIA_TYPES["xml"]
CSV = MEDIA_TYPES["csv"]
TSV = MEDIA_TYPES["tsv"]

TYPE_OF_EXT = {ext: MEDIA_TYPES[ext] for ext in GRAPH_FORMATS}
RDF_TYPES = {media: ext for ext, media in TYPE_OF_EXT.items()}
"""Media type → extension of the RDF serialisations of a resource."""

ALIASES = {
    "application/json": SPARQL_JSON,
    "application/xml": SPARQL_XML,
    "text/xml": SPARQL_XML,
    "application/x-turtle": TURTLE,
    "text/plain": NTRIPLES,
    "application/xhtml+xml": HTML,
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q values, best first (ties keep header order)."""
    if not header or not header.strip():
        return [("*/*", 1.0)]
    ranges = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((position, media, q))
    ranges.sort(key=lambda item: (-item[2], item[0]))
    return [(media, q) for _, media, q in ranges]


def _specificity(media_range: str, offer: str) -> int:
    if media_range == offer or ALIASES.get(media_range) == offer:
        return 3
    major = media_range.split("/", 1)[0]
    if media_range.endswith("/*") and offer.startswith(major + "/"):
        return 2
    if media_range == "*/*":
        return 1
    return 0


def choose(header: str | None, offers: list[str]) -> str | None:
    """The offer the client prefers most (first offer wins for ``*/*``); None: 406."""
    best: tuple[float, int, int] | None = None
    chosen = None
    for index, offer in enumerate(offers):
        q_for_offer, level = None, 0
        for media_range, q in parse_accept(header):
            spec = _specificity(media_range, offer)
            if spec > level:
                q_for_offer, level = q, spec
        if q_for_offer is None or q_for_offer <= 0:
            continue
        key = (q_for_offer, level, -index)
        if best is None or key > best:
            best, chosen = key, offer
    return chosen


def choose_language(header: str | None, offers: list[str]) -> str | None:
    """The language the client prefers most of ``offers`` (by primary tag); None: no header."""
    if not header or not header.strip():
        return None
    best, chosen = 0.0, None
    for tag, q in parse_accept(header):
        primary = tag.split("-", 1)[0]
        for offer in offers:
            if (primary == offer or tag == "*") and q > best:
                best, chosen = q, offer
    return chosen
