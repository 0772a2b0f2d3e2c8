"""CLI commands: ``kgtool publish`` (static linked-data site) and ``kgtool serve`` (HTTP)."""

from __future__ import annotations

import click

from kgtool.cli import cli
from kgtool.cli.options import CliState, pass_state


@cli.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=str),
    help="Folder to write the site into (created if missing; files are overwritten).",
)
@click.option(
    "--base",
    default=None,
    metavar="IRI",
    help="Publish under this base IRI instead of https://w3id.org/kommunsamverkan/.",
)
@pass_state
def publish(state: CliState, out_dir: str, base: str | None) -> None:
    """Write a static linked-data site: dumps, VoID/DCAT, one page per resource, docs."""
    from kgtool.publish import publish as publish_site

    result = publish_site(state.project(), out_dir, base)
    click.echo(
        f"published {result.pages} resource pages, {result.files} files, "
        f"{result.triples} triples to {result.out_dir} in {result.seconds:.1f} s"
    )
