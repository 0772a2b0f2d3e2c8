"""CLI commands: ``queries``, ``query``, ``sparql`` and ``push`` (saved and ad-hoc SPARQL)."""

from __future__ import annotations

import click

from kgtool.cli import cli
from kgtool.cli.options import CliState, data_option, pass_state
from kgtool.errors import ParameterError

NAMED_TYPES = {"municipality", "collaboration", "county", "area", "source", "role"}


def open_project_store(project, data_files: tuple[str, ...] = ()):
    """The project's Oxigraph store (built or reused from the cache), plus ``--data`` files."""
    from pathlib import Path

    from kgtool.store import open_project_store as open_store

    return open_store(project, [Path(p) for p in data_files])


FORMAT_CHOICES = ("table", "csv", "tsv", "json", "md", "ttl", "xml")


def endpoint_options(function):
    """``--endpoint URL`` and ``--timeout S``, shared by every command that can go remote."""
    function = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=30.0,
        show_default=True,
        help="Seconds to wait for the endpoint.",
    )(function)
    return click.option(
        "--endpoint",
        metavar="URL",
        help="Run on this SPARQL endpoint instead of the local graph: a query URL, or a "
        "server base such as http://127.0.0.1:7878 (Oxigraph: /query is appended).",
    )(function)


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ParameterError(f"-p {pair!r}: write parameters as name=value")
        values[name.strip()] = value
    return values


def _emit(result, fmt: str | None) -> None:
    from kgtool.formats import render

    chosen = fmt or ("ttl" if result.kind == "CONSTRUCT" else "table")
    click.echo(render(result, chosen), nl=False)


@cli.command()
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["table", "json", "ttl"]), default="table",
    show_default=True, help="table (name, summary, parameters), json, or ttl (SHACL executables).",
)  # fmt: skip
@pass_state
def queries(state: CliState, fmt: str) -> None:
    """List the saved queries with their summaries and parameters."""
    from kgtool.catalogue import catalogue_graph, load_catalogue

    catalogue = load_catalogue(state.project())
    if fmt == "ttl":
        click.echo(catalogue_graph(catalogue).serialize(format="longturtle"), nl=False)
        return
    if fmt == "json":
        import json

        data = [
            {
                "name": q.name,
                "summary": q.summary,
                "description": q.description,
                "type": q.query_type,
                "tags": q.tags,
                "params": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "default": p.default,
                        "optional": p.optional,
                        "description": p.description,
                    }
                    for p in q.params
                ],
            }
            for q in catalogue
        ]
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    width = max((len(q.name) for q in catalogue), default=0)
    for query in catalogue:
        click.echo(f"{query.name.ljust(width)}  {query.summary}")
        if query.params:
            shown = " ".join(p.signature() for p in query.params)
            click.echo(f"{' ' * width}  params: {shown}")


@cli.command()
@click.argument("name")
@click.option(
    "-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
    help="A parameter value (repeatable); see 'kgtool queries' for each query's parameters.",
)  # fmt: skip
@click.option(
    "--as-of", metavar="YYYY-MM-DD",
    help="Restrict time-bound facts to this date (binds the query's 'date' parameter).",
)  # fmt: skip
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMAT_CHOICES),
    help="Output format [default: table; ttl for CONSTRUCT].",
)  # fmt: skip
@endpoint_options
@data_option
@pass_state
def query(
    state: CliState,
    name: str,
    params: tuple[str, ...],
    as_of: str | None,
    fmt: str | None,
    endpoint: str | None,
    timeout: float,
    data_files: tuple[str, ...],
) -> None:
    """Run the saved query NAME with typed parameters (-p name=value), locally or on --endpoint.

    Example: kgtool query collaborations-of-municipality -p municipality=1980

    Names (municipality, collaboration, county) are looked up in the project's graph, also when
    the query runs on --endpoint.
    """
    from kgtool.catalogue import get_query
    from kgtool.errors import InputError, QueryRefused
    from kgtool.run import check_read_only

    project = state.project()
    saved = get_query(project, name)
    try:
        check_read_only(saved.text, allow_remote=endpoint is not None, hint=None)
    except (InputError, QueryRefused) as error:  # name the file: the line is the file's line
        shown = (
            saved.path.relative_to(project.root)
            if saved.path.is_relative_to(project.root)
            else saved.path
        )
        raise type(error)(f"{shown}: {error.message}") from None
    values = _parse_params(params)
    needs_names = any(p.type in NAMED_TYPES for p in saved.params)
    needed = endpoint is None or needs_names
    store = open_project_store(project, data_files) if needed else None
    bindings = saved.bind(values, as_of=as_of, store=store)
    if endpoint is not None:
        from kgtool.run import run_remote

        result = run_remote(endpoint, saved.text, bindings, timeout=timeout)
    else:
        from kgtool.run import run_local

        result = run_local(store, saved.text, bindings)
    _emit(result, fmt)


@cli.command()
@click.argument("query_text", metavar="QUERY", required=False)
@click.option(
    "-i", "--file", "query_file", type=click.File("r", encoding="utf-8"),
    help="Read the query from this file ('-' for stdin).",
)  # fmt: skip
@click.option(
    "-f", "--format", "fmt", type=click.Choice(FORMAT_CHOICES),
    help="Output format [default: table; ttl for CONSTRUCT].",
)  # fmt: skip
@click.option(
    "--allow-remote", is_flag=True,
    help="Allow SERVICE and FROM/FROM NAMED (data fetched from other servers or graphs).",
)  # fmt: skip
@endpoint_options
@data_option
@pass_state
def sparql(
    state: CliState,
    query_text: str | None,
    query_file,
    fmt: str | None,
    allow_remote: bool,
    endpoint: str | None,
    timeout: float,
    data_files: tuple[str, ...],
) -> None:
    """Run an ad-hoc read-only SPARQL QUERY (or -i FILE); updates are refused.

    The project's prefixes (ks, id, org, time, prov, skos, rdfs, dct, schema, xsd, owl, foaf,
    …) are predeclared; a PREFIX in the query wins.
    """
    from kgtool.prefixes import PREFIX_IRIS
    from kgtool.run import check_read_only

    if (query_text is None) == (query_file is None):
        raise click.UsageError("give either a QUERY argument or -i FILE")
    if query_text is not None:
        text = query_text
    else:
        try:
            text = query_file.read()
        except UnicodeDecodeError as error:
            from kgtool.errors import InputError

            raise InputError(f"{query_file.name}: not UTF-8 text: {error.reason}") from None
    check_read_only(text, allow_remote=allow_remote, prefixes=PREFIX_IRIS)
    if endpoint is not None:
        from kgtool.run import run_remote

        result = run_remote(endpoint, text, timeout=timeout, prefixes=PREFIX_IRIS)
    else:
        from kgtool.run import run_local

        result = run_local(
            open_project_store(state.project(), data_files),
            text,
            prefixes=PREFIX_IRIS,
            allow_remote=allow_remote,
        )
    _emit(result, fmt)


@cli.command()
@click.option(
    "--endpoint", required=True, metavar="URL",
    help="The store: a server base such as http://127.0.0.1:7878 (updates go to /update), "
    "a query URL ending in /query (updates to the sibling /update), or one URL for both.",
)  # fmt: skip
@click.option(
    "--graph", "graph_iri", metavar="IRI",
    help="Replace this named graph [default: the store's default graph].",
)  # fmt: skip
@click.option("--update-url", metavar="URL", help="Send updates here instead.")
@click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0, show_default=True,
    help="Seconds to wait for each request.",
)  # fmt: skip
@pass_state
def push(
    state: CliState,
    endpoint: str,
    graph_iri: str | None,
    update_url: str | None,
    timeout: float,
) -> None:
    """Load the project's graph into a SPARQL 1.1 store, replacing the target graph atomically.

    The graph goes into a temporary named graph first and then replaces the target with one
    MOVE, so a failed upload leaves the store as it was.
    """
    from kgtool.graph import load_project
    from kgtool.remote import push as push_graph

    graph = load_project(state.project()).graph
    report = push_graph(graph, endpoint, graph_iri, timeout=timeout, update_url=update_url)
    click.echo(report.as_text())
