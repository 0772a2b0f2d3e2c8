"""CLI commands that grow the graph: ``new``, ``import``, ``export memberships``, ``diff``,
``release`` and ``coverage`` (a thin layer over :mod:`kgtool.authoring`)."""

from __future__ import annotations

import click

from kgtool.cli.group import cli
from kgtool.cli.options import CliState, pass_state


@cli.group()
def new() -> None:
    """Start a new collaboration (a commented Turtle file in data/collaborations/)."""


@new.command("collaboration")
@click.argument("slug")
@click.option("--name", required=True, help="The Swedish name (rdfs:label @sv).")
@click.option("--name-en", help="The English name (default: the Swedish name).")
@click.option(
    "--members",
    multiple=True,
    help="Member municipalities (or regions): codes, names or IRIs, comma-separated (repeatable).",
)
@click.option(
    "--role",
    type=click.Choice(["full", "associate"]),
    default="full",
    show_default=True,
    help="The members' role.",
)
@click.option(
    "--body",
    type=click.Choice(["board", "council", "nomination-committee", "presidium", "secretariat"]),
    help="A body of the collaboration.",
)
@click.option("--mandate", help="The body's mandate period: 2023-2027 or START/END.")
@click.option("--seats", "member_seats", type=click.IntRange(min=0), help="Member seats.")
@click.option("--deputy-seats", type=click.IntRange(min=0), help="Deputy seats.")
@click.option(
    "--source",
    help="Number of the source document (e.g. 005, described in data/sources.ttl); "
    "without it every resource names the placeholder <source/TODO>.",
)
@click.option("--description", help="A Swedish description (dct:description @sv).")
@pass_state
def new_collaboration(state: CliState, slug: str, **options) -> None:
    """Write data/collaborations/SLUG.ttl for a new collaboration.

    IRIs, Swedish and English labels, one membership per member and, with --body, a body with
    its mandate period, each with its source. 'kgtool validate' reports the placeholder source
    until it is replaced.
    """
    from kgtool.authoring.new import NewCollaboration, write
    from kgtool.project import shown_path

    project = state.project()
    spec = NewCollaboration(slug=slug, **{k: v for k, v in options.items()})
    spec.members = list(options["members"])
    path = write(project, spec)
    click.echo(f"wrote {shown_path(path, project.root)}", err=True)
