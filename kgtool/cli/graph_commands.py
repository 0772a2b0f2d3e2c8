"""CLI commands about the graph itself: ``kgtool describe THING`` and ``kgtool stats``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kgtool.cli.group import cli
from kgtool.cli.options import CliState, chosen_lang, lang_option, pass_state

if TYPE_CHECKING:
    from kgtool.query.describe import Description, Relation
    from kgtool.query.stats import Stats


def _relations(title: str, relations: list[Relation], arrow: str) -> list[str]:
    if not relations:
        return []
    width = max(len(r.predicate.short) for r in relations)
    lines = [f"{title}:"]
    lines += [f"  {r.predicate.short:<{width}}  {arrow} {r.other}" for r in relations]
    return lines


def render_description(description: Description) -> str:
    """The text ``kgtool describe`` prints."""
    lines = [f"<{description.resource.iri}>"]
    if description.location:
        lines.append(f"defined in: {description.location}")
    if description.labels:
        lines.append("labels:")
        lines += [f"  {text}" for text in description.labels]
    if description.types:
        lines.append("types:")
        lines += [f"  {t}" for t in description.types]
    lines += _relations("values", description.values, "")
    lines += _relations("outgoing", description.outgoing, "→")
    lines += _relations("incoming", description.incoming, "←")
    lines.append("sources:")
    lines += [f"  {s}" for s in description.sources] or ["  (none)"]
    if description.mentioned_in:
        lines.append("also mentioned in:")
        lines += [f"  {s}" for s in description.mentioned_in]
    return "\n".join(line.rstrip() for line in lines)


def render_stats(stats: Stats) -> str:
    """The text ``kgtool stats`` prints."""
    lines = [f"triples: {stats.triples}", "", "resources per class:"]
    width = max((len(t.short) for t, _ in stats.classes), default=0)
    lines += [f"  {t.short:<{width}}  {n:>5}" for t, n in stats.classes]
    lines += ["", "facts per source (resources, triples):"]
    width = max((len(s.source.short) for s in stats.sources), default=0)
    for count in stats.sources:
        title = f"  {count.source.label}" if count.source.label else ""
        lines.append(
            f"  {count.source.short:<{width}}  {count.resources:>5}  {count.facts:>6}{title}"
        )
    lines += ["", "members per collaboration (full, associate):"]
    width = max((len(c.collaboration.short) for c in stats.collaborations), default=0)
    for c in stats.collaborations:
        lines.append(f"  {c.collaboration.short:<{width}}  {c.full:>3}  {c.associate:>3}")
    lines += [
        "",
        "municipalities in at least one collaboration: "
        f"{stats.municipalities_in_collaboration} of {stats.municipalities}",
    ]
    return "\n".join(lines)


@cli.command()
@click.argument("thing")
@lang_option
@pass_state
def describe(state: CliState, thing: str, lang: str | None) -> None:
    """Show one resource: labels, types, relations both ways, and its sources.

    THING is an IRI, a relative IRI (municipality/1980), a prefixed term (ks:Region), a code
    (1980 for a municipality, 19 for a county, 004 for a source) or a name (Västerås), matched
    as 'kgtool query' matches names: Vasteras, VÄSTERÅS and "Västerås kommun" are Västerås.
    """
    from kgtool.api import KnowledgeGraph

    graph = KnowledgeGraph(state.project(), lang=chosen_lang(lang))
    click.echo(render_description(graph.describe(thing)))


@cli.command()
@lang_option
@pass_state
def stats(state: CliState, lang: str | None) -> None:
    """Count triples, resources per class, facts per source and municipal coverage."""
    from kgtool.query.stats import compute_stats
    from kgtool.store.engine import open_project_store

    project = state.project()
    store = open_project_store(project)
    click.echo(render_stats(compute_stats(store, chosen_lang(lang), project.root)))
