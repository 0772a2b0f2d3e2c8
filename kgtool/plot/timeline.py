"""A collaboration's timeline: the figure and its text alternative."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from kgtool.plot.data import CATEGORY_STYLE, PLURALS, Timeline, TimelineItem
from kgtool.plot.words import text as _text
from kgtool.query.tables import clip

if TYPE_CHECKING:
    from matplotlib.figure import Figure


_DESCRIPTION = {
    "en": {
        "empty": "Timeline of {name}: no dated facts in the graph.",
        "span": "Timeline of {name} from {first} to {last}: {counts}.",
        "planned": " {planned} still planned when the source was written.",
        "inferred": " Inferred dates: {labels}.",
        "undated": " Not drawn, no usable date: {labels}.",
    },
    "sv": {
        "empty": "Tidslinje för {name}: inga daterade fakta i grafen.",
        "span": "Tidslinje för {name} {first}–{last} (antal per slag: {counts}).",
        "planned": " {planned} fortfarande planerade när källan skrevs.",
        "inferred": " Härledda datum: {labels}.",
        "undated": " Inte ritade, inget användbart datum: {labels}.",
    },
}


def timeline_description(timeline: Timeline, lang: str = "en") -> str:
    """A short text alternative for the timeline picture (English or Swedish)."""
    _text(lang, "chair")  # refuses an unknown language
    words = _DESCRIPTION[lang]
    if not timeline.items:
        return words["empty"].format(name=timeline.name)
    first = min(i.start.first for i in timeline.items)
    last = max((i.end or i.start).after for i in timeline.items) - dt.timedelta(days=1)
    counts = []
    for category, (name, _) in CATEGORY_STYLE.items():
        found = [i for i in timeline.items if i.category == category]
        if found and lang == "sv":
            counts.append(f"{_text('sv', name)} {len(found)}")
        elif found:
            plural = PLURALS.get(name, name + "s") if len(found) > 1 else name
            counts.append(f"{len(found)} {plural}")
    text = words["span"].format(
        name=timeline.name, first=first.year, last=last.year, counts=", ".join(counts)
    )
    planned = sum(i.planned for i in timeline.items)
    inferred = [i.label for i in timeline.items if i.inferred]
    if planned:
        text += words["planned"].format(planned=planned)
    if inferred:
        text += words["inferred"].format(labels="; ".join(inferred))
    if timeline.undated:
        text += words["undated"].format(labels="; ".join(i.label for i in timeline.undated))
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


class _Row:
    """One row of the timeline's axes, in the item's colour and style."""

    def __init__(self, axes: Any, y: float, item: TimelineItem) -> None:
        from matplotlib.dates import date2num

        self.axes, self.y, self.item, self.x = axes, y, item, date2num
        self.colour = CATEGORY_STYLE[item.category][1]

    def span(self, first: dt.date, after: dt.date, alpha: float) -> None:
        if after > first:
            x = self.x(first)
            self.axes.barh(
                self.y,
                self.x(after) - x,
                left=x,
                height=0.5,
                color=self.colour,
                alpha=alpha,
                linewidth=0,
            )

    def outline(self, first: dt.date, after: dt.date) -> None:
        """Dashed when planned; hatched and red when inferred."""
        x = self.x(first)
        self.axes.barh(
            self.y,
            self.x(after) - x,
            left=x,
            height=0.5,
            fill=False,
            edgecolor=INFERRED_COLOUR if self.item.inferred else self.colour,
            linestyle="--" if self.item.planned else "-",
            linewidth=1.2,
            hatch="////" if self.item.inferred else None,
        )

    def point(self, day: dt.date) -> None:
        """A day: hollow when planned, ringed in red when inferred."""
        self.axes.plot(
            [self.x(day)],
            [self.y],
            marker="o",
            markersize=8,
            linestyle="",
            markerfacecolor="white" if self.item.planned else self.colour,
            markeredgecolor=self.colour,
            markeredgewidth=1.6,
            zorder=3,
        )
        if self.item.inferred:
            self.axes.plot(
                [self.x(day)],
                [self.y],
                marker="o",
                markersize=15,
                linestyle="",
                markerfacecolor="none",
                markeredgecolor=INFERRED_COLOUR,
                markeredgewidth=1.2,
                zorder=3,
            )

    def arrow(self, right: dt.date) -> None:
        self.axes.annotate(
            "",
            xy=(self.x(right), self.y),
            xytext=(self.x(right) - 1, self.y),
            arrowprops={"arrowstyle": "-|>", "color": self.colour, "lw": 1.2},
        )


def _draw_item(axes: Any, y: float, item: TimelineItem, right: dt.date, short: int) -> None:
    """One row: a point for a day, a pale span for a month or a year, a bar for a period.

    A period's sure part (after its start's month or year, before its end's) is solid and the
    uncertain ends pale; an open end runs to the right edge with an arrow. Planned items have
    hollow points and dashed outlines; inferred ones are hatched and ringed in red.
    """
    row = _Row(axes, y, item)
    start, end = item.start, item.end
    assert start is not None
    if end is None:  # the end is not known: from the start to the edge, and an arrow
        if start.precision == "day":
            row.point(start.first)
            row.span(start.first, right, 0.35)
        else:
            row.span(start.first, start.after, 0.3)
            row.span(start.after, right, 0.6)
        row.outline(start.first, right)
        row.arrow(right)
        return
    if (
        start.precision == "day"
        and end.precision == "day"
        and (end.after - start.first).days <= short
    ):
        row.point(start.first)  # a day, or a few days too short to see as a bar
        if end.first != start.first:
            row.point(end.first)
        return
    row.span(start.first, start.after, 0.3)
    row.span(start.after, end.first, 0.85)
    if end != start:
        row.span(end.first, end.after, 0.3)
    row.outline(start.first, end.after)


def _timeline_legend(figure: Figure, items: list[TimelineItem], lang: str) -> None:
    """The categories present, in drawing order, then what the marks mean."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

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


def _timeline_axis(axes: Any, items: list[TimelineItem], labels: list[str], lang: str) -> None:
    """The rows (top to bottom), their labels in the category's colour, and the time axis."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter, date2num

    rows = max(len(items), 1)
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


def timeline_figure(timeline: Timeline, lang: str = "en") -> Figure:
    """The timeline as a matplotlib Figure (not yet saved)."""
    from matplotlib.figure import Figure

    items = timeline.items
    rows = max(len(items), 1)
    labels = [_row_label(item) for item in items]
    row_height = 0.5 if any("\n" in label for label in labels) else 0.38
    top, bottom = 0.75 + (0.3 if timeline.undated else 0), 1.25
    height = top + bottom + row_height * rows
    figure = Figure(figsize=(13, height), dpi=100)
    axes = figure.add_axes((0.33, bottom / height, 0.64, row_height * rows / height))
    _timeline_axis(axes, items, labels, lang)
    _timeline_legend(figure, items, lang)
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
            clip(_text(lang, "timeline.undated", shown=shown, more=more), 170),
            fontsize=8.5,
            color="#555555",
            ha="left",
            va="top",
        )
    return figure
