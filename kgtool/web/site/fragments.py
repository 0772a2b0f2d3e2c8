"""The HTML of the values a page shows and of the parts every resource page has, written in
Python for the templates (``value``, ``values``, ``rows``; ``rdf_links``, ``identity``,
``generic``, ``sources_list``): a page shows hundreds of values, and a Jinja macro call costs
many times what these do (the site has hundreds of thousands of pages). Text is escaped
exactly as the templates' autoescaping escapes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

try:  # markupsafe's escaping of a str, without making a ``Markup`` of each piece
    from markupsafe._speedups import _escape_inner
except ImportError:  # pragma: no cover (no C speedups, or a markupsafe that moved it)

    def _escape_inner(s: str) -> str:
        return str(escape(s))


if TYPE_CHECKING:
    from kgtool.web.site.model import Row, Value


def _text(s) -> str:
    """``str(escape(s))``: a value's texts are plain strings (the pieces join into Markup)."""
    return _escape_inner(s) if type(s) is str else str(escape(s))


def _value(v: Value) -> str:
    text, href, _, note, lang = v
    if href:
        shown = f'<a href="{_text(href)}">{_text(text)}</a>'
    elif lang:
        shown = f'<span lang="{_text(lang)}">{_text(text)}</span>'
    else:
        shown = _text(text)
    if note:
        return f'{shown} <span class="note">{_text(note)}</span>'
    return shown


def value(v: Value) -> Markup:
    """One value: a link, text in another language, or text; a datatype note after it."""
    return Markup(_value(v))


def values(vs: Iterable[Value]) -> Markup:
    """Values separated by commas."""
    return Markup(", ".join([_value(v) for v in vs]))


def rows(rs: Iterable[Row]) -> Markup:
    """A table of facts: each predicate and its values, one a line."""
    lines = [
        f'\n<tr><th scope="row">{_value(r.predicate)}</th>'
        f"<td>{'<br>'.join([_value(v) for v in r.values])}</td></tr>"
        for r in rs
    ]
    return Markup(f'<div class="scroll"><table class="facts">{"".join(lines)}\n</table></div>')


def membership_rows(t: Texts, rows: Iterable, members: bool = True) -> Markup:
    """The rows of a table of memberships (``resource.MembershipRow``), each between line
    breaks: the member (when ``members``), the collaboration, roles, period and sources."""
    member, collaboration, role, period, source = (
        _text(t[key]) for key in ("member", "collaboration", "role", "period", "source")
    )
    lines = []
    for m in rows:
        first = ""
        if members:
            first = f'<td data-label="{member}">{_value(m.member) if m.member else ""}</td>'
        organization = _value(m.organization) if m.organization else ""
        roles = ", ".join([_value(v) for v in m.roles])
        sources = ", ".join([_value(v) for v in m.sources])
        lines.append(
            f'\n<tr>{first}<td data-label="{collaboration}">{organization}</td>'
            f'<td data-label="{role}">{roles}</td><td data-label="{period}">{_text(m.period)}</td>'
            f'<td data-label="{source}">{sources}</td></tr>\n'
        )
    return Markup("".join(lines))


def member_rows(group) -> Markup:
    """The rows of a collaboration's table of members (a ``collaboration.MemberGroup``), one
    a line: member, code, county, roles and, when any row has one, the period."""
    dated = group.dated
    lines = []
    for m in group.rows:
        county = _value(m.county) if m.county else ""
        period = f"<td>{_text(m.period)}</td>" if dated else ""
        roles = ", ".join([_value(v) for v in m.roles])
        lines.append(
            f"<tr><td>{_value(m.member)}</td><td>{_text(m.code)}</td><td>{county}</td>"
            f"<td>{roles}</td>{period}</tr>\n"
        )
    return Markup("".join(lines))


def rdf_links(folder: str = "") -> Markup:
    """The ``<link rel="alternate">`` of a page's RDF files in ``folder``."""
    at = escape(folder)
    return Markup(
        f'<link rel="alternate" type="text/turtle" href="{at}index.ttl">\n'
        f'<link rel="alternate" type="application/ld+json" href="{at}index.jsonld">\n'
        f'<link rel="alternate" type="application/n-triples" href="{at}index.nt">'
    )


def identity(t: Texts, r, rdf_dir: str) -> Markup:
    """A resource's IRI, links to its RDF files (in ``rdf_dir``) and its types."""
    at = escape(rdf_dir)
    return Markup(
        f'<p class="iri">IRI: <code>{escape(r.iri)}</code> · {escape(t.rdf)}: '
        f'<a href="{at}index.ttl">Turtle</a> · <a href="{at}index.jsonld">JSON-LD</a> · '
        f'<a href="{at}index.nt">N-Triples</a></p>\n'
        f'<p class="types">{escape(t.type)}: {values(r.types)}</p>'
    )


def generic(t: Texts, r, rdf_dir: str = "") -> Markup:
    """A resource's facts, relations and (folded) incoming links, as tables."""
    parts = []
    if r.properties:
        parts.append(f"\n<h2>{escape(t.facts)}</h2>\n{rows(r.properties)}\n")
    parts.append("\n")
    if r.relations:
        parts.append(f"\n<h2>{escape(t.relations)}</h2>\n{rows(r.relations)}\n")
    parts.append("\n")
    if r.incoming:
        total = sum(len(row.values) for row in r.incoming)
        parts.append(
            f'\n<h2>{escape(t.incoming)}</h2>\n<details class="incoming"><summary>{total}'
            f"</summary>\n{rows(r.incoming)}\n</details>\n"
        )
    return Markup("".join(parts))


def sources_list(t: Texts, sources: list[Value]) -> Markup:
    """The heading "sources" and the list of ``sources`` (or a line saying there is none)."""
    if sources:
        shown = "".join([f"<li>{_value(s)}</li>" for s in sources])
        listed = f'<ul class="sources">{shown}</ul>'
    else:
        listed = f"<p>{escape(t.no_source)}</p>"
    return Markup(f"<h2>{escape(t.sources)}</h2>\n{listed}")


GLOBALS = {
    "value": value,
    "values": values,
    "rows": rows,
    "member_rows": member_rows,
    "membership_rows": membership_rows,
    "rdf_links": rdf_links,
    "identity": identity,
    "generic": generic,
    "sources_list": sources_list,
}


class Texts:
    """A language's interface texts as the templates read them: ``t.key`` (an attribute:
    Jinja tries ``getattr`` before ``[]``, and a dict's failed ``getattr`` raises, on every
    text of every page) or ``t[key]``."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.__dict__.update(texts)

    def __getitem__(self, key: str) -> str:
        return self.__dict__[key]


_TEXTS: dict[str, Texts] = {}


def texts(lang: str) -> Texts:
    """The interface texts of ``lang`` (``i18n.UI``) for the templates."""
    found = _TEXTS.get(lang)
    if found is None:
        from kgtool.web.site.i18n import UI

        found = _TEXTS[lang] = Texts(UI[lang])
    return found
