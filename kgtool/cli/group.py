"""The ``kgtool`` command group and its options; the command modules add their commands to it."""

from __future__ import annotations

import click

from kgtool.cli.options import CliState
from kgtool.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=str),
    envvar="KGTOOL_PROJECT",
    help="Project folder (ontology/, data/, shapes/, queries/); found automatically by default.",
)
@click.option("--debug", is_flag=True, help="Show a traceback for every error.")
@click.version_option(__version__, "--version", prog_name="kgtool")
@click.pass_context
def cli(ctx: click.Context, project_dir: str | None, debug: bool) -> None:
    """A knowledge graph of Swedish inter-municipal collaboration (kommunal samverkan)."""
    ctx.obj = CliState(project_dir=project_dir, debug=debug)
