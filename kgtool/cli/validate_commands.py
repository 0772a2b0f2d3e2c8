"""CLI command: ``kgtool validate``, SHACL shapes and Python checks with file:line findings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click

from kgtool.cli.group import cli
from kgtool.cli.options import CliState, lang_option, pass_state
from kgtool.terms import default_lang

# checks.report.SEVERITIES and checks.validate.ENGINES, named here so that --help needs no
# import of rdflib or pySHACL (tests/test_cli_choices.py holds them equal)
SEVERITIES = ("violation", "warning", "info")
ENGINES = ("fast", "pyshacl")


@contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None]]:
    """A progress line on stderr (phase, how far within it, elapsed) when stderr is a
    terminal: ``SHACL 12/78: MembershipsDoNotOverlap  00:05``."""
    import sys

    if not enabled or not sys.stderr.isatty():
        yield lambda _phase: None
        return
    from tqdm import tqdm

    # every phase drawn (mininterval 0): some 80 short lines a run
    bar = tqdm(file=sys.stderr, leave=False, mininterval=0, bar_format="{desc}  {elapsed}")

    def step(phase: str) -> None:
        bar.set_description_str(phase, refresh=False)
        bar.update(1)

    try:
        yield step
    finally:
        bar.close()


def _say_engines(engines: list[tuple[str, str, str]], engine: str) -> None:
    """One line per shape with focus nodes: the engine it ran on, and why if handed over."""
    from kgtool.terms import shorten

    if engine == "pyshacl":
        click.echo("every shape ran on pySHACL (--engine pyshacl)", err=True)
        return
    counts = {name: sum(1 for _, e, _ in engines if e == name) for name in ("fast", "pyshacl")}
    click.echo(
        f"{counts['fast']} shape(s) on the fast engine, {counts['pyshacl']} on pySHACL", err=True
    )
    for shape, ran_on, reason in engines:
        name = shape if shape.startswith("_:") else shorten(shape)
        line = f"  {ran_on}: {name}" + (f" ({reason})" if reason else "")
        click.echo(line, err=True)


@cli.command()
@click.option(
    "--data",
    "data_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=str),
    help="Extra Turtle file to check, together with the project's data (repeatable).",
)
@click.option(
    "--format",
    "-f",
    "output_format",
    type=click.Choice(["text", "json", "ttl"]),
    default="text",
    show_default=True,
    help="text for people, json for machines, ttl for the standard SHACL report.",
)
@click.option(
    "--severity",
    type=click.Choice(SEVERITIES),
    default="info",
    show_default=True,
    help="Show findings of this severity or worse.",
)
@lang_option
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="fast",
    show_default=True,
    help="fast: every rule once over the whole graph (Oxigraph); pyshacl: the reference engine.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display on stderr.")
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Say on stderr which shapes ran on which engine (and why a shape went to pySHACL).",
)
@pass_state
def validate(
    state: CliState,
    data_files: tuple[str, ...],
    output_format: str,
    severity: str,
    lang: str | None,
    engine: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Check the graph against shapes/ and list every finding with its file and line.

    Exit 0 when there is no violation (warnings alone still 0), 1 when there is any,
    2 when an input cannot be read.
    """
    from kgtool.store.graph import quiet_rdflib

    with quiet_rdflib():  # the report's literals are read again by rdflib: keep it quiet
        _validate(state, data_files, output_format, severity, lang, engine, quiet, verbose)


def _validate(state, data_files, output_format, severity, lang, engine, quiet, verbose) -> None:
    from pathlib import Path

    from kgtool.checks.validate import validate_project  # pyshacl and rdflib load only here

    project = state.project()
    with _progress(enabled=not quiet) as progress:
        report = validate_project(
            project, extra_files=[Path(p) for p in data_files], engine=engine, progress=progress
        )
    if verbose:
        _say_engines(report.engines, engine)
    shown = report.at_least(severity)
    language = lang or default_lang()
    if output_format == "json":
        click.echo(shown.as_json(language))
    elif output_format == "ttl":
        click.echo(shown.as_turtle(), nl=False)
    else:
        click.echo(shown.as_text(language))
    raise SystemExit(0 if report.conforms else 1)
