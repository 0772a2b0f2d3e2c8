"""Writing Turtle in the project's style (docs/modelling.md): literals, periods, prefixes.

The authoring commands write text, not an rdflib serialisation, so that a file keeps its
comments, its order and the layout of the hand-written files; every text written is parsed
again before it reaches the disk (:func:`check_parses`).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from kgtool.errors import InputError
from kgtool.terms import PREFIX_IRIS, date_precision

BASE_LINE = f"BASE <{PREFIX_IRIS['id']}>"
# The prefixes a collaboration file uses, in the order the hand-written files list them.
FILE_PREFIXES = ("dct", "ks", "org", "prov", "rdfs", "time", "xsd")

_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def literal(text: str, lang: str | None = None) -> str:
    """``text`` as a Turtle string literal (quotes, backslashes and line breaks escaped)."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"' + (f"@{lang}" if lang else "")


def prefix_lines(names: tuple[str, ...] = FILE_PREFIXES) -> str:
    """``BASE`` and ``PREFIX`` lines for ``names``, sorted as the project's files sort them."""
    lines = [BASE_LINE] + [f"PREFIX {n}: <{PREFIX_IRIS[n]}>" for n in sorted(names)]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class When:
    """A point in time at the precision a source gives: a year, a month or a day."""

    text: str  # ISO form: 2020, 2020-09, 2020-09-09

    @property
    def precision(self) -> str:
        """``gYear``, ``gYearMonth`` or ``date`` (``terms.date_precision``)."""
        return date_precision(self.text) or "date"

    @property
    def predicate(self) -> str:
        return {"gYear": "time:inXSDgYear", "gYearMonth": "time:inXSDgYearMonth"}.get(
            self.precision, "time:inXSDDate"
        )

    @property
    def datatype(self) -> str:
        return f"xsd:{self.precision}"

    def instant(self) -> str:
        return f'[ a time:Instant ; {self.predicate} "{self.text}"^^{self.datatype} ]'


def parse_when(value: object) -> When:
    """A year, month or day from a cell: ``2020``, ``2020-09``, ``2020-09-09``, a date cell.

    ValueError with a reason a person can act on when it is no such date.
    """
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return When(value.isoformat())
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))
    text = str(value).strip()
    if date_precision(text) is not None:
        return When(text)
    if match := _YEAR_MONTH.fullmatch(text):
        raise ValueError(f"impossible date {text!r}: there is no month {match.group(2)}")
    if _DATE.fullmatch(text):
        raise ValueError(f"impossible date {text!r}: no such day")
    raise ValueError(f"not a date: {text!r} (write YYYY, YYYY-MM or YYYY-MM-DD)")


def surely_before(first: str, second: str) -> bool:
    """``first`` is surely before ``second`` at the precision both give (docs/modelling.md)."""
    return first < second and not second.startswith(first)


def overlap(start1: str | None, end1: str | None, start2: str | None, end2: str | None) -> bool:
    """Do two periods surely overlap? No start: since ever; no end: still going.

    The same test as ``kssh:MembershipsDoNotOverlap``: touching or same-precision ties are not
    overlaps.
    """
    s1, e1, s2, e2 = start1 or "0000", end1 or "9999", start2 or "0000", end2 or "9999"
    return surely_before(s1, e2) and surely_before(s2, e1)


def interval(start: When | None, end: When | None, indent: str = "    ") -> str:
    """An anonymous ``time:ProperInterval`` (the object of ``org:memberDuring``)."""
    inner = indent + "    "
    lines = [f"{inner}a time:ProperInterval"]
    if start:
        lines.append(f"{inner}time:hasBeginning {start.instant()}")
    if end:
        lines.append(f"{inner}time:hasEnd {end.instant()}")
    return "[\n" + " ;\n".join(lines) + f"\n{indent}]"


def check_parses(text: str, shown: str) -> None:
    """Parse ``text`` as the file ``shown`` would be read; InputError (a bug) when it does not."""
    import pyoxigraph

    try:
        for _ in pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE):
            pass
    except SyntaxError as error:
        raise InputError(f"{shown}: the Turtle written does not parse: {error}") from None


def add_prefixes(text: str, shown: str, needed: tuple[str, ...] = FILE_PREFIXES) -> str:
    """``text`` with the PREFIX lines it lacks for ``needed``, after its last directive.

    The file must declare the project's BASE (its relative IRIs would change meaning if one were
    added); InputError naming ``shown`` otherwise.
    """
    bases = re.findall(r"(?im)^\s*(?:@base|BASE)\s*<([^>]*)>", text)
    if bases != [PREFIX_IRIS["id"]]:
        raise InputError(
            f"{shown}: does not declare BASE <{PREFIX_IRIS['id']}> once; add the facts by hand"
        )
    declared = {m.lower() for m in re.findall(r"(?im)^\s*(?:@prefix|PREFIX)\s+([\w.-]*):", text)}
    missing = [f"PREFIX {n}: <{PREFIX_IRIS[n]}>" for n in sorted(needed) if n not in declared]
    if not missing:
        return text
    lines = text.split("\n")
    directive = re.compile(r"(?i)^\s*(@prefix|PREFIX|@base|BASE)\b")
    last = max(i for i, line in enumerate(lines) if directive.match(line))
    lines[last + 1 : last + 1] = missing
    return "\n".join(lines)
