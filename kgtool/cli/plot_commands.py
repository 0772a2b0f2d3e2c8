"""CLI commands that draw and export: ``kgtool plot network|timeline``, ``export network``."""

from __future__ import annotations

from pathlib import Path

import click

from kgtool.cli.group import cli
from kgtool.cli.options import CliState, chosen_lang, lang_option, pass_state

_OUTPUT = click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write; the format follows its suffix unless -f says otherwise.",
)


_AS_OF = click.option(
    "--as-of",
    metavar="WHEN",
    help="The network as it was on a day (2020-09-09), in a month (2020-09) or a year (2020): "
    "memberships whose known period does not cover it are left out.",
)


def _write_provenance(
    state: CliState, output: Path, as_of: str | None, lang: str, made: str
) -> None:
    """``OUTPUT.provenance.json``: the saved query ``network-edges`` behind the picture or
    export, its ``--as-of``, versions, the sources its rows cite and a citation line."""
    from kgtool.api import KnowledgeGraph
    from kgtool.query.provenance import write_sidecar

    graph = KnowledgeGraph(state.project(), lang=lang)
    result = graph.query("network-edges", as_of=as_of)
    record = dict(result.provenance)
    record["made"] = made
    write_sidecar(output, record)


# The formats of kgtool.plot (PICTURE_FORMATS, EXPORT_FORMATS), named here because the CLI
# builds its --help without importing matplotlib; tests/test_cli_choices.py holds them equal.
PICTURE_FORMATS = ("svg", "png")
EXPORT_FORMATS = ("graphml", "gexf", "csv")
_PICTURE_FORMAT = click.option(
    "-f", "--format", "fmt", type=click.Choice(PICTURE_FORMATS), help="svg or png."
)


@cli.group()
def plot() -> None:
    """Draw the membership network or a collaboration's timeline as SVG or PNG."""


@plot.command("network")
@_OUTPUT
@_PICTURE_FORMAT
@_AS_OF
@lang_option
@pass_state
def plot_network(
    state: CliState, output: Path, fmt: str | None, as_of: str | None, lang: str | None
) -> None:
    """Municipalities, regions and collaborations as a network, coloured by county.

    With --as-of, the network as it was then; OUTPUT.provenance.json says how it was made.
    """
    from kgtool.plot import PICTURE_FORMATS, format_for, network_picture, write_file

    chosen = format_for(output, fmt, PICTURE_FORMATS)
    language = chosen_lang(lang)
    data, description = network_picture(state.project(), chosen, lang=language, as_of=as_of)
    write_file(output, data)
    _write_provenance(state, output, as_of, language, f"plot network ({chosen})")
    click.echo(f"wrote {output}: {description}", err=True)


@plot.command("timeline")
@click.argument("collaboration")
@_OUTPUT
@_PICTURE_FORMAT
@lang_option
@pass_state
def plot_timeline(
    state: CliState, collaboration: str, output: Path, fmt: str | None, lang: str | None
) -> None:
    """Chairs, mandate periods, plans, decisions and meetings of COLLABORATION over time.

    COLLABORATION is a slug (fyra-malarstader), a name or an IRI.
    """
    from kgtool.plot import PICTURE_FORMATS, format_for, timeline_picture, write_file

    chosen = format_for(output, fmt, PICTURE_FORMATS)
    data, description = timeline_picture(
        state.project(), collaboration, chosen, lang=chosen_lang(lang)
    )
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
    type=click.Choice(EXPORT_FORMATS),
    help="graphml or gexf (nodes with kind, label, kommunkod, lanskod, county), or csv (edges).",
)
@click.option(
    "--nodes",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With csv: also write the node table to this file.",
)
@_AS_OF
@pass_state
def export_network_command(
    state: CliState, output: Path, fmt: str | None, nodes: Path | None, as_of: str | None
) -> None:
    """The membership network as GraphML, GEXF or a CSV edge list (as it was --as-of a date);
    OUTPUT.provenance.json says how it was made."""
    from kgtool.errors import ParameterError
    from kgtool.plot import EXPORT_FORMATS, export_network, format_for, write_file

    chosen = format_for(output, fmt, EXPORT_FORMATS)
    if nodes is not None and chosen != "csv":
        raise ParameterError("--nodes: only with the csv format (GraphML and GEXF hold nodes)")
    project = state.project()
    write_file(output, export_network(project, chosen, as_of=as_of))
    _write_provenance(state, output, as_of, chosen_lang(None), f"export network ({chosen})")
    if nodes is not None:
        from kgtool.plot import network_data, nodes_csv

        write_file(nodes, nodes_csv(network_data(project, as_of=as_of)))
