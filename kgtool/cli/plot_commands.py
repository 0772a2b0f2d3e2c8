"""CLI commands that draw and export: ``kgtool plot network|timeline``, ``export network``."""

from __future__ import annotations

from pathlib import Path

import click

from kgtool.cli.group import cli
from kgtool.cli.options import CliState, pass_state

_OUTPUT = click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; the format follows its suffix unless -f says otherwise.",
)


@cli.group()
def plot() -> None:
    """Draw the membership network or a collaboration's timeline as SVG or PNG."""


@plot.command("network")
@_OUTPUT
@click.option("-f", "--format", "fmt", type=click.Choice(["svg", "png"]), help="svg or png.")
@pass_state
def plot_network(state: CliState, output: Path, fmt: str | None) -> None:
    """Municipalities, regions and collaborations as a network, coloured by county."""
    from kgtool.plot import PICTURE_FORMATS, format_for, network_picture, write_file

    chosen = format_for(output, fmt, PICTURE_FORMATS)
    data, description = network_picture(state.project(), chosen)
    write_file(output, data)
    click.echo(f"wrote {output}: {description}", err=True)


@plot.command("timeline")
@click.argument("collaboration")
@_OUTPUT
@click.option("-f", "--format", "fmt", type=click.Choice(["svg", "png"]), help="svg or png.")
@pass_state
def plot_timeline(state: CliState, collaboration: str, output: Path, fmt: str | None) -> None:
    """Chairs, mandate periods, plans, decisions and meetings of COLLABORATION over time.

    COLLABORATION is a slug (fyra-malarstader), a name or an IRI.
    """
    from kgtool.plot import PICTURE_FORMATS, format_for, timeline_picture, write_file

    chosen = format_for(output, fmt, PICTURE_FORMATS)
    data, description = timeline_picture(state.project(), collaboration, chosen)
    write_file(output, data)
    click.echo(f"wrote {output}: {description}", err=True)


@cli.group()
def export() -> None:
    """Export the graph for other tools (Gephi, R, pandas)."""


@export.command("network")
@_OUTPUT
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "csv"]),
    help="graphml or gexf (nodes with kind, label, kommunkod, lanskod, county), or csv (edges).",
)
@click.option(
    "--nodes",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With csv: also write the node table to this file.",
)
@pass_state
def export_network_command(
    state: CliState, output: Path, fmt: str | None, nodes: Path | None
) -> None:
    """The membership network as GraphML, GEXF or a CSV edge list."""
    from kgtool.errors import ParameterError
    from kgtool.plot import EXPORT_FORMATS, export_network, format_for, write_file

    chosen = format_for(output, fmt, EXPORT_FORMATS)
    if nodes is not None and chosen != "csv":
        raise ParameterError("--nodes: only with the csv format (GraphML and GEXF hold nodes)")
    project = state.project()
    write_file(output, export_network(project, chosen))
    if nodes is not None:
        from kgtool.plot import network_data, nodes_csv

        write_file(nodes, nodes_csv(network_data(project)))
