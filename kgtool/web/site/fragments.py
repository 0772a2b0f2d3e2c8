"""The HTML of the values a page shows, written in Python for the templates (``value``,
``values``, ``rows``): a page shows hundreds of values, and a Jinja macro call costs many
times what these do. Text is escaped exactly as the templates' autoescaping escapes it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from kgtool.web.site.model import Row, Value


def _value(v: Value) -> str:
    if v.href:
        shown = f'<a href="{escape(v.href)}">{escape(v.text)}</a>'
    elif v.lang:
        shown = f'<span lang="{escape(v.lang)}">{escape(v.text)}</span>'
    else:
        shown = escape(v.text)
    if v.note:
        return f'{shown} <span class="note">{escape(v.note)}</span>'
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


GLOBALS = {"value": value, "values": values, "rows": rows}


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
