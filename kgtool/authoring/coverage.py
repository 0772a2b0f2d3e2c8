"""``kgtool coverage``: how much of each source text the graph records.

For each source document of the graph (``ks:fileName``) the text in the sources folder is read
and three kinds of item are found in it with simple rules:

* **names**: the Swedish names the graph knows for municipalities (``rdfs:label``,
  ``ks:officialName``), regions, counties, collaborations and people (``foaf:name``), found as
  whole words (a trailing genitive ``s`` allowed; a name inside a hyphenated word such as
  "Stockholm-Mälarregionen" does not count), longest first so "Region Stockholm" is not also
  "Stockholm". A name the graph does not know is not found.
* **dates**: ``2024-02-16``; a day and a Swedish month with or without a year (``11 februari
  2020``, ``16–17 september``: two days, year unknown); a month and a year (``september
  2019``); a year range (``2019-2023``: two years); a year on its own (1800–2099, not part of a
  longer number or of a hyphenated code).
* **figures**: ``N av M`` (``8 av 10``); a number with a Swedish scale word (``1,5 miljoner``,
  ``fyra miljoner``: number words two to twelve); a number in groups of three digits
  (``700 000``); any other number followed by a space and a lower-case word (``46 procent``,
  ``19 ledamöter``). Phone numbers are skipped first; numbers beginning with 0, next
  to ``-``, ``.``, ``:`` or ``/`` (phone numbers, times, codes), years and days are not figures.

An item is **recorded** when a resource that names the source in ``prov:wasDerivedFrom`` (or
the source document itself, or a blank node under either) holds it: a name when the thing's
IRI is that resource or one of its values; a date when a date value equals it or is finer
(``2020-01-16`` records ``2020``; a day without a year is matched by month and day); a figure
when a number value equals it, or a ``ks:valueInSource`` contains its text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.errors import ParameterError
from kgtool.terms import PREFIX_IRIS, local_name, prologue, shorten

if TYPE_CHECKING:
    from kgtool.project import Project

MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]
NUMBER_WORDS = {
    word: number
    for number, word in enumerate(
        ["två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"], 2
    )
}
SCALES = {"miljon": 10**6, "miljoner": 10**6, "miljard": 10**9, "miljarder": 10**9}
KINDS = ("names", "dates", "figures")
_MONTH = "|".join(MONTHS)
_THOUSANDS = r"\d{1,3}(?:[ \u00a0]\d{3})+(?:,\d+)?"
_NUMBER = _THOUSANDS + r"|\d+(?:,\d+)?"
# a Swedish phone number (as kssh:PersonHasNoContactText finds one): 0NN - NNN NN NN
_PHONE = re.compile(
    r"(?<!\d)(?:\+46|0)[ ]*[1-9]\d{0,2}[ ]*[-/–]?[ ]*\d{2,3}[ -]?\d{2,3}[ -]?\d{2}(?!\d)"
)
_EDGE_BEFORE = r"(?<![\w.,:/-])(?<!\d[ \u00a0])"
_EDGE_AFTER = r"(?![\w:/]|[.,-]\d)"


@dataclass
class Item:
    """One name, date or figure found in a source text."""

    kind: str
    text: str  # as the source writes it (first occurrence)
    value: str  # normalised: an IRI, an ISO date (--MM-DD without a year), a number
    mentions: int = 1
    recorded: bool = False


@dataclass
class SourceCoverage:
    number: str
    file: str
    iri: str
    items: list[Item] = field(default_factory=list)

    def totals(self) -> dict[str, dict[str, int]]:
        out = {}
        for kind in KINDS:
            listed = [i for i in self.items if i.kind == kind]
            out[kind] = {"found": len(listed), "recorded": sum(i.recorded for i in listed)}
        return out


# -- finding items -------------------------------------------------------------------------------


def _take(text: str, taken: list[tuple[int, int]], start: int, end: int) -> bool:
    """Claim ``text[start:end]`` unless an earlier rule claimed part of it."""
    if any(start < e and s < end for s, e in taken):
        return False
    taken.append((start, end))
    return True


def _add(found: dict[tuple[str, str], Item], kind: str, text: str, value: str) -> None:
    key = (kind, value)
    if key in found:
        found[key].mentions += 1
    else:
        found[key] = Item(kind, " ".join(text.split()), value)


def find_names(text: str, names: dict[str, str], found, taken) -> None:
    """Names the graph knows (name → IRI) as whole words; one pattern, longest name first, so
    at any place the longest name that fits is taken ("Region Stockholm", not "Stockholm")."""
    ordered = sorted(names, key=lambda n: (-len(n), n))
    alternatives = "|".join(re.escape(name) for name in ordered)
    pattern = re.compile(rf"(?<![\w-])({alternatives})s?(?![\w-])")
    for match in pattern.finditer(text):
        if _take(text, taken, match.start(), match.end()):
            _add(found, "names", match.group(0), names[match.group(1)])


def find_dates(text: str, found, taken) -> None:
    rules = [
        (r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)", lambda m: [f"{m[1]}-{m[2]}-{m[3]}"]),
        (
            rf"(?<![\d.,])(\d{{1,2}})(?:[–-](\d{{1,2}}))? ({_MONTH})(?: (\d{{4}}))?(?!\w)",
            _day_month,
        ),
        (rf"(?<!\w)({_MONTH}) (\d{{4}})(?!\d)", lambda m: [f"{m[2]}-{_month(m[1])}"]),
        (
            r"(?<![\d-])(1[89]\d{2}|20\d{2})[–-](1[89]\d{2}|20\d{2})(?![\d-])",
            lambda m: [m[1], m[2]],
        ),
        (r"(?<![\d,.:/-])(1[89]\d{2}|20\d{2})(?![\d-]|[.,:]\d)", lambda m: [m[1]]),
    ]
    for pattern, values in rules:
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            if _take(text, taken, match.start(), match.end()):
                for value in values(match):
                    _add(found, "dates", match.group(0), value)


def _month(name: str) -> str:
    return f"{MONTHS.index(name.lower()) + 1:02d}"


def _day_month(match: re.Match) -> list[str]:
    month, year = _month(match[3]), match[4]
    days = [match[1]] + ([match[2]] if match[2] else [])
    prefix = f"{year}-" if year else "--"
    return [f"{prefix}{month}-{int(day):02d}" for day in days]


def _number(text: str) -> Decimal:
    return Decimal(re.sub(r"[ \u00a0]", "", text).replace(",", "."))


def find_figures(text: str, found, taken) -> None:
    words = "|".join(NUMBER_WORDS)
    scales = "|".join(SCALES)
    rules = [
        (
            rf"{_EDGE_BEFORE}(\d+) av (\d+){_EDGE_AFTER}",
            lambda m: _number(m[1]) / _number(m[2]) * 100,
        ),
        (
            rf"(?<![\w.,:/-])({_NUMBER}|{words}) ({scales})(?!\w)",
            lambda m: (NUMBER_WORDS.get(m[1].lower()) or _number(m[1])) * SCALES[m[2].lower()],
        ),
        (rf"{_EDGE_BEFORE}({_THOUSANDS}){_EDGE_AFTER}", lambda m: _number(m[1])),
        (rf"{_EDGE_BEFORE}({_NUMBER})(?=[ \u00a0][a-zåäö])", lambda m: _number(m[1])),
    ]
    for pattern, value in rules:
        for match in re.finditer(pattern, text, flags=re.IGNORECASE if scales in pattern else 0):
            number = match.group(1)
            if number.startswith("0") or not _take(text, taken, match.start(), match.end()):
                continue
            amount = value(match)
            _add(found, "figures", match.group(0), _plain(amount))


def _plain(amount: Decimal | int) -> str:
    amount = Decimal(amount)
    return (
        str(amount.quantize(Decimal(1)))
        if amount == amount.to_integral()
        else str(amount.normalize())
    )


def find_items(text: str, names: dict[str, str]) -> list[Item]:
    """Every name, date and figure of ``text`` (dates before figures: a year is no figure)."""
    found: dict[tuple[str, str], Item] = {}
    taken: list[tuple[int, int]] = []
    for phone in _PHONE.finditer(text):  # never report a phone number, not even as "not recorded"
        taken.append(phone.span())
    find_names(text, names, found, taken)
    find_dates(text, found, taken)
    find_figures(text, found, taken)
    order = {kind: i for i, kind in enumerate(KINDS)}
    return sorted(found.values(), key=lambda i: (order[i.kind], i.value, i.text))


# -- what the graph records ---------------------------------------------------------------------


_NAMES_QUERY = """
SELECT ?thing ?name WHERE {
  { ?thing a ks:Municipality } UNION { ?thing a ks:Region } UNION { ?thing a ks:County }
  UNION { ?thing a ks:Collaboration } UNION { ?thing a foaf:Person }
  { ?thing rdfs:label|ks:officialName|foaf:name ?name FILTER(LANG(?name) IN ("sv", "")) }
}"""


@dataclass
class Recorded:
    """What the resources of one source hold: IRIs, date strings, numbers, source texts."""

    iris: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    texts: list[str] = field(default_factory=list)

    def has(self, item: Item) -> bool:
        if item.kind == "names":
            return item.value in self.iris
        if item.kind == "figures":
            return item.value in self.numbers or any(
                item.text.lower() in t.lower() for t in self.texts
            )
        if item.value.startswith("--"):  # a day without a year
            return any(d.endswith(item.value[1:]) or d == item.value for d in self.dates)
        return any(d == item.value or d.startswith(item.value + "-") for d in self.dates)


_DATE_TYPES = {PREFIX_IRIS["xsd"] + t for t in ("date", "gYearMonth", "gYear", "dateTime")}
_NUMBER_TYPES = {PREFIX_IRIS["xsd"] + t for t in ("integer", "decimal", "nonNegativeInteger")}


def recorded(store, source_iri: str) -> Recorded:
    """What the resources derived from the source (and the source itself) hold, blank nodes
    under them included (periods, instants, date-time descriptions)."""
    import pyoxigraph

    out = Recorded()
    months: dict[object, str] = {}
    days: dict[object, str] = {}
    source = pyoxigraph.NamedNode(source_iri)
    derived = pyoxigraph.NamedNode(PREFIX_IRIS["prov"] + "wasDerivedFrom")
    holders: list[object] = [source]
    holders += list({q.subject for q in store.quads_for_pattern(None, derived, source)})
    seen: set[object] = set()
    while holders:
        holder = holders.pop()
        if holder in seen:
            continue
        seen.add(holder)
        if isinstance(holder, pyoxigraph.NamedNode):
            out.iris.add(holder.value)
        for quad in store.quads_for_pattern(holder, None, None):
            value = quad.object
            if isinstance(value, pyoxigraph.BlankNode):
                holders.append(value)
            elif isinstance(value, pyoxigraph.NamedNode):
                out.iris.add(value.value)
            else:
                _note_literal(out, holder, quad.predicate.value, value, months, days)
    for holder, month in months.items():
        if holder in days:
            out.dates.add(f"{month}-{days[holder][3:]}")  # --07-04
    return out


def _note_literal(out: Recorded, holder, predicate: str, value, months, days) -> None:
    datatype = value.datatype.value
    if datatype in _DATE_TYPES:
        out.dates.add(value.value[:10])
    elif datatype in _NUMBER_TYPES:
        out.numbers.add(_plain(Decimal(value.value)))
    elif datatype == PREFIX_IRIS["xsd"] + "gMonth":
        months[holder] = value.value  # --07
    elif datatype == PREFIX_IRIS["xsd"] + "gDay":
        days[holder] = value.value  # ---04
    if predicate == PREFIX_IRIS["ks"] + "valueInSource":
        out.texts.append(value.value)


# -- the report ---------------------------------------------------------------------------------


def default_sources(project: Project) -> Path:
    """``../shared/sources`` beside the project (where the five texts are kept)."""
    return project.root.parent / "shared" / "sources"


def coverage(project: Project, sources_dir: Path | None = None) -> list[SourceCoverage]:
    from kgtool.store.engine import open_project_store

    folder = sources_dir or default_sources(project)
    if not folder.is_dir():
        raise ParameterError(f"--sources: no folder {folder} (give the folder of source texts)")
    store = open_project_store(project).store
    query = prologue(_NAMES_QUERY) + _NAMES_QUERY
    names = {
        row[1].value: row[0].value for row in store.query(query, use_default_graph_as_union=True)
    }
    listing = prologue("") + "SELECT ?s ?file WHERE { ?s a ks:SourceDocument ; ks:fileName ?file }"
    report = []
    for source_iri, file_name in sorted(
        ((r[0].value, r[1].value) for r in store.query(listing, use_default_graph_as_union=True)),
    ):
        path = folder / file_name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        items = find_items(text, names)
        held = recorded(store, source_iri)
        for item in items:
            item.recorded = held.has(item)
        number = local_name(source_iri)
        report.append(SourceCoverage(number, file_name, source_iri, items))
    if not report:
        raise ParameterError(f"--sources: none of the graph's source files is in {folder}")
    return report


def _shown_value(item: Item) -> str:
    return shorten(item.value) if item.kind == "names" else item.value


def as_markdown(report: list[SourceCoverage]) -> str:
    lines = [
        "# Source coverage",
        "",
        "| source | file | names | dates | figures |",
        "|---|---|---|---|---|",
    ]
    for source in report:
        t = source.totals()
        cells = " | ".join(f"{t[k]['recorded']} of {t[k]['found']}" for k in KINDS)
        lines.append(f"| {source.number} | `{source.file}` | {cells} |")
    for source in report:
        lines += ["", f"## Source {source.number} (`{source.file}`)"]
        for kind in KINDS:
            listed = [i for i in source.items if i.kind == kind]
            recorded_count = sum(i.recorded for i in listed)
            lines += [
                "",
                f"### {kind.capitalize()}: {recorded_count} of {len(listed)} recorded",
                "",
            ]
            if not listed:
                lines.append("(none found)")
                continue
            lines += ["| in the text | value | mentions | recorded |", "|---|---|---:|---|"]
            for i in listed:
                answer = "yes" if i.recorded else "no"
                lines.append(f"| {i.text} | `{_shown_value(i)}` | {i.mentions} | {answer} |")
    return "\n".join(lines) + "\n"


def as_json(report: list[SourceCoverage]) -> str:
    data = [
        {
            "source": s.number,
            "iri": s.iri,
            "file": s.file,
            "totals": s.totals(),
            "items": [i.__dict__ for i in s.items],
        }
        for s in report
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


RENDERERS = {"md": as_markdown, "json": as_json}
