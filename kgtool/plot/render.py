"""Rendering the pictures to SVG or PNG (the same bytes on every run), inlining SVG in a page,
and writing files."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kgtool.errors import ParameterError
from kgtool.plot.data import PlotError, network_data, timeline_data
from kgtool.plot.network import network_description, network_figure
from kgtool.plot.timeline import timeline_description, timeline_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from kgtool.project import Project
    from kgtool.store.engine import ProjectStore

PICTURE_FORMATS = ("svg", "png")
SALT = "kgtool"  # matplotlib's SVG id salt: the same ids on every run


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
    # Text as <text> (searchable, translatable, read by screen readers), not drawn as paths.
    with rc_context({"svg.hashsalt": SALT, "svg.fonttype": "none", "path.simplify": True}):
        figure.savefig(buffer, format=fmt, metadata=metadata, dpi=100, facecolor="white")
    return buffer.getvalue()


def network_picture(
    project: Project,
    fmt: str = "svg",
    collaboration: str | None = None,
    lang: str = "en",
    store: ProjectStore | None = None,
    as_of: str | None = None,
) -> tuple[bytes, str]:
    """The membership network (or one collaboration's, see ``network_data``; as it was on
    ``as_of``) as SVG or PNG bytes, with its text alternative, in English or Swedish."""
    _require_plot_extra()
    network = network_data(project, collaboration, store, as_of)
    description = network_description(network, lang)
    return render(network_figure(network, lang), fmt, description), description


def timeline_picture(
    project: Project,
    collaboration: str,
    fmt: str = "svg",
    lang: str = "en",
    store: ProjectStore | None = None,
) -> tuple[bytes, str]:
    """A collaboration's timeline as SVG or PNG bytes, with its text alternative."""
    _require_plot_extra()
    timeline = timeline_data(project, collaboration, store, lang)
    description = timeline_description(timeline, lang)
    return render(timeline_figure(timeline, lang), fmt, description), description


def network_svg(
    project: Project,
    collaboration: str | None = None,
    lang: str = "en",
    prefix: str = "",
    store: ProjectStore | None = None,
) -> Picture:
    """The network picture as SVG text to inline in a page, and its text alternative.

    ``prefix`` starts every id in the SVG, so that several pictures can share a page."""
    data, description = network_picture(project, "svg", collaboration, lang, store)
    return Picture(_inline(data, description, prefix), description)


def timeline_svg(
    project: Project,
    collaboration: str,
    lang: str = "en",
    prefix: str = "",
    store: ProjectStore | None = None,
) -> Picture:
    """A collaboration's timeline as SVG text to inline in a page, and its text alternative."""
    data, description = timeline_picture(project, collaboration, "svg", lang, store)
    return Picture(_inline(data, description, prefix), description)


_ID_OR_REFERENCE = re.compile(r'( id="|href="#|url\(#)')
_TAG = re.compile(r"<[A-Za-z][^>]*>")
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>(.*?)</style>", re.DOTALL)


def _declarations(css: str) -> list[tuple[str, str]]:
    pairs = (part.partition(":") for part in css.split(";"))
    out = []
    for name, _, value in pairs:
        name, value = name.strip(), value.strip()
        if name == "font":  # 'font: bold 12px "DejaVu Sans"': no such attribute, its parts are
            out.extend(_font_parts(value))
        elif name:
            out.append((name, value))
    return out


def _font_parts(value: str) -> list[tuple[str, str]]:
    """The CSS ``font`` shorthand as matplotlib writes it, as SVG font attributes."""
    match = re.fullmatch(r"(?P<before>.*?)\s*(?P<size>[\d.]+px)\s+(?P<family>.+)", value)
    if not match:
        return []
    parts = [("font-size", match["size"]), ("font-family", match["family"].replace('"', "'"))]
    for word in match["before"].split():
        if word in ("italic", "oblique"):
            parts.append(("font-style", word))
        elif word == "bold" or word.isdigit():
            parts.append(("font-weight", word))
    return parts


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
