"""CLI command: ``kgtool info``, where the project is and what it holds."""

from __future__ import annotations

import click

from kgtool.cli.group import cli
from kgtool.cli.options import CliState, pass_state


@cli.command()
@pass_state
def info(state: CliState) -> None:
    """Show the project folder in use and how many files each part holds."""
    project = state.project()
    click.echo(f"project: {project.root}")
    click.echo(f"ontology: {len(project.ontology_files())} Turtle file(s)")
    click.echo(f"data:     {len(project.data_files())} Turtle file(s)")
    click.echo(f"shapes:   {len(project.shape_files())} Turtle file(s)")
    click.echo(f"queries:  {len(project.query_files())} saved quer(y/ies)")
