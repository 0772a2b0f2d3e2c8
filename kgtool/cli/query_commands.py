"""CLI commands: ``queries``, ``query``, ``sparql`` and ``push`` (saved and ad-hoc SPARQL)."""

from __future__ import annotations

from pathlib import Path

import click

from kgtool.cli.group import cli
from kgtool.cli.options import CliState, chosen_lang, data_option, lang_option, pass_state
from kgtool.errors import ParameterError

FORMAT_CHOICES = (
    "table", "csv", "json", "md", "xlsx", "tsv", "xml", "sparql-csv", "sparql-json", "ttl",
)  # fmt: skip
FORMAT_HELP = (
    "Output format [default: from -o FILE's suffix, else table; ttl for CONSTRUCT]. table, csv, "
    "json, md and xlsx are analysis-ready (a _label and a _code column after each IRI column); "
    "tsv, xml, sparql-csv and sparql-json are the W3C SPARQL result formats."
)


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


def output_options(function):
    """``-f FORMAT``, ``-o FILE``, ``--raw`` and ``--excel``: how a result is written."""
    for decorator in reversed(
        (
            click.option(
                "-f", "--format", "fmt", type=click.Choice(FORMAT_CHOICES), help=FORMAT_HELP
            ),
            click.option(
                "-o", "--output", "output", type=click.Path(dir_okay=False, path_type=str),
                help="Write to FILE (replaced atomically); .csv .tsv .json .xlsx .md .ttl .xml "
                "pick the format.",
            ),
            click.option(
                "--raw", is_flag=True,
                help="csv and json in the W3C SPARQL form (sparql-csv, sparql-json).",
            ),
            click.option(
                "--excel", is_flag=True,
                help="Start CSV with a byte-order mark so Excel reads it as UTF-8.",
            ),
        )
    ):  # fmt: skip
        function = decorator(function)
    return function


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str | list[str]]:
    """``name=value`` pairs; a name given several times keeps all its values, in order (the
    saved query decides whether it takes several: ``multiple: true`` in its header)."""
    values: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ParameterError(f"-p {pair!r}: write parameters as name=value")
        values.setdefault(name.strip(), []).append(value)
    return {name: listed[0] if len(listed) == 1 else listed for name, listed in values.items()}


def _terminal_width() -> int | None:
    """The width to fit ``table`` output in: $COLUMNS, else the terminal's; None when piped."""
    import os
    import shutil
    import sys

    if os.environ.get("COLUMNS", "").isdigit() or sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def emit(result, fmt: str | None, output: str | None, raw: bool, excel: bool) -> None:
    """Write ``result`` (a ``kgtool.api.Result``) to stdout or ``output`` in the chosen format."""
    from pathlib import Path

    from kgtool.api import SUFFIX_FORMATS

    if fmt is None and output is not None:
        suffix = Path(output).suffix.lower()
        if suffix not in SUFFIX_FORMATS:
            raise ParameterError(
                f"-o {output}: cannot tell the format from {suffix or 'no suffix'!r} "
                f"(use {' '.join(SUFFIX_FORMATS)} or give -f)"
            )
        fmt = SUFFIX_FORMATS[suffix]
    chosen = fmt or ("ttl" if result.kind == "CONSTRUCT" else "table")
    if raw and chosen in ("csv", "json"):
        chosen = f"sparql-{chosen}"
    if chosen == "xlsx" and output is None:
        raise ParameterError("-f xlsx writes a binary workbook: give -o FILE.xlsx")
    width = _terminal_width() if chosen == "table" and output is None else None
    data = result.render(chosen, excel=excel, width=width)
    if output is None:
        click.echo(data, nl=False)
        return
    from kgtool.atomic import write_atomic
    from kgtool.query import provenance

    record = result.provenance if result.origin else None
    if record is not None and chosen == "xlsx":
        data = provenance.xlsx_with_provenance(data, record)
    write_atomic(Path(output), data)
    if record is not None:  # how the file was made, beside it
        provenance.write_sidecar(Path(output), record)


@cli.command()
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["table", "json", "ttl"]), default="table",
    show_default=True, help="table (name, summary, parameters), json, or ttl (SHACL executables).",
)  # fmt: skip
@pass_state
def queries(state: CliState, fmt: str) -> None:
    """List the saved queries with their summaries and parameters."""
    from kgtool.query.catalogue import catalogue_graph, load_catalogue

    catalogue = load_catalogue(state.project())
    if fmt == "ttl":
        click.echo(catalogue_graph(catalogue).serialize(format="longturtle"), nl=False)
        return
    if fmt == "json":
        import json

        data = [q.listing() for q in catalogue]
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
    help="A parameter value; see 'kgtool queries' for each query's parameters. Repeat a "
    "parameter marked … to mean any of its values.",
)  # fmt: skip
@click.option(
    "--as-of", metavar="WHEN",
    help="Restrict time-bound facts to a day (2020-09-09), a month (2020-09) or a year (2020), "
    "meaning at any time during it (binds the query's 'date' parameter).",
)  # fmt: skip
@output_options
@lang_option
@endpoint_options
@data_option
@pass_state
def query(
    state: CliState,
    name: str,
    params: tuple[str, ...],
    as_of: str | None,
    fmt: str | None,
    output: str | None,
    raw: bool,
    excel: bool,
    lang: str | None,
    endpoint: str | None,
    timeout: float,
    data_files: tuple[str, ...],
) -> None:
    """Run the saved query NAME with typed parameters (-p name=value), locally or on --endpoint.

    Example: kgtool query collaborations-of-municipality -p municipality=1980

    Names (municipality, collaboration, county) are looked up in the project's graph, also when
    the query runs on --endpoint.
    """
    graph = _open(state, data_files, endpoint, timeout, lang)
    saved = graph.saved_query(name)
    values = _parse_params(params)
    if as_of is not None and saved.time_param is not None and saved.time_param.name in values:
        raise ParameterError(
            f"parameter '{saved.time_param.name}': give either --as-of or "
            f"-p {saved.time_param.name}=…, not both"
        )
    if as_of is not None and saved.time_param is not None:
        as_of = _as_of(as_of)
    elif as_of is not None:
        raise ParameterError(f"--as-of: query '{name}' has no time (no 'date' parameter)")
    result = (
        graph.query(name, **values) if as_of is None else graph.query(name, as_of=as_of, **values)
    )
    emit(result, fmt, output, raw, excel)


def _as_of(value: str | None, option: str = "--as-of") -> str | None:
    from kgtool.query.catalogue import time_literal

    if value is not None and time_literal(value) is None:
        raise ParameterError(
            f"{option}: {value!r} is not a day, a month or a year (YYYY-MM-DD, YYYY-MM or YYYY)"
        )
    return value


def _open(
    state: CliState,
    data_files: tuple[str, ...],
    endpoint: str | None,
    timeout: float,
    lang: str | None = None,
):
    from kgtool.api import KnowledgeGraph

    return KnowledgeGraph(
        state.project(),
        tuple(Path(p) for p in data_files),
        endpoint=endpoint,
        timeout=timeout,
        lang=chosen_lang(lang),
    )


@cli.command()
@click.argument("query_text", metavar="QUERY", required=False)
@click.option(
    "-i", "--file", "query_file", type=click.File("r", encoding="utf-8"),
    help="Read the query from this file ('-' for stdin).",
)  # fmt: skip
@output_options
@lang_option
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
    output: str | None,
    raw: bool,
    excel: bool,
    allow_remote: bool,
    endpoint: str | None,
    timeout: float,
    data_files: tuple[str, ...],
    lang: str | None = None,
) -> None:
    """Run an ad-hoc read-only SPARQL QUERY (or -i FILE); updates are refused.

    The project's prefixes (ks, id, org, time, prov, skos, rdfs, dct, schema, xsd, owl, foaf,
    …) are predeclared; a PREFIX in the query wins.
    """
    from kgtool.errors import InputError

    if (query_text is None) == (query_file is None):
        raise click.UsageError("give either a QUERY argument or -i FILE")
    if query_text is not None:
        text = query_text
    else:
        try:
            text = query_file.read()
        except UnicodeDecodeError as error:
            raise InputError(f"{query_file.name}: not UTF-8 text: {error.reason}") from None
    graph = _open(state, data_files, endpoint, timeout, lang)
    try:
        result = graph.sparql(text, allow_remote=allow_remote)
    except InputError as error:
        raise _in_file(error, query_file) from None
    emit(result, fmt, output, raw, excel)
    for hint in result.hints:  # advice only: the rows and the exit code stay as they are
        click.echo(f"warning: {hint}", err=True)


def _in_file(error, query_file):
    """A malformed query read from a file: ``FILE:LINE:COLUMN: what`` (as for Turtle)."""
    import re

    from kgtool.errors import InputError

    name = getattr(query_file, "name", None)
    match = re.match(r"malformed query: line (\d+), column (\d+): (.*)", error.message)
    if name is None or name == "<stdin>" or match is None:
        return error
    line, column, detail = match.groups()
    return InputError(f"{name}:{line}:{column}: malformed query: {detail}")


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
@click.option(
    "--verify", "verify_only", is_flag=True,
    help="Send nothing: compare the target with the project (count and checksum); exit 1 if "
    "it differs.",
)  # fmt: skip
@pass_state
def push(
    state: CliState,
    endpoint: str,
    graph_iri: str | None,
    update_url: str | None,
    timeout: float,
    verify_only: bool,
) -> None:
    """Load the project's graph into a SPARQL 1.1 store, replacing the target graph atomically.

    The graph goes into a temporary named graph first and then replaces the target with one
    MOVE, so a failed upload leaves the store as it was; the target is then counted and its
    checksum compared. ``--verify`` only compares (e.g. after a store crashed during a push).
    """
    from kgtool.query import remote
    from kgtool.store.engine import open_project_store

    triples = open_project_store(state.project()).distinct_triples()
    if verify_only:
        urls = remote.endpoints(endpoint, update_url)
        check = remote.verify(list(remote.chunks(triples)), urls.query, graph_iri, timeout)
        target = f"<{graph_iri}>" if graph_iri else "the default graph"
        if check.complete:
            click.echo(
                f"{target} at {urls.query} matches the project: {check.in_store} triples, "
                f"checksum {check.checksum[:16]}"
            )
            return
        click.echo(f"{target} at {urls.query} differs from the project: {check.problem}")
        raise SystemExit(1)
    report = remote.push(triples, endpoint, graph_iri, timeout=timeout, update_url=update_url)
    click.echo(report.as_text())


@cli.command()
@click.option("--from", "start", metavar="WHEN", help="First day, month or year [default: 2019].")
@click.option("--to", "end", metavar="WHEN", help="Last day, month or year [default: 2021].")
@output_options
@lang_option
@data_option
@pass_state
def changes(
    state: CliState,
    start: str | None,
    end: str | None,
    fmt: str | None,
    output: str | None,
    raw: bool,
    excel: bool,
    lang: str | None,
    data_files: tuple[str, ...],
) -> None:
    """List what changed between two dates: members, chairs, posts and bodies, with sources.

    Example: kgtool changes --from 2019 --to 2021 (the saved query 'changes': a membership,
    chair, post or mandate period that began or ended in the span, at the precision the
    source gives).
    """
    values = {"from": _as_of(start, "--from"), "to": _as_of(end, "--to")}
    graph = _open(state, data_files, None, 30.0, lang)
    result = graph.query("changes", **{k: v for k, v in values.items() if v is not None})
    emit(result, fmt, output, raw, excel)
