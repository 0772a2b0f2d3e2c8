"""CLI commands: ``kgtool publish`` (static linked-data site) and ``kgtool serve`` (HTTP)."""

from __future__ import annotations

import click

from kgtool.cli.group import cli
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
@click.option(
    "--contact-email",
    default=None,
    metavar="ADDRESS",
    help="The publishing organisation's e-mail address for the DCAT contact point "
    "(DCAT-AP-SE asks for one; never a person's).",
)
@pass_state
def publish(state: CliState, out_dir: str, base: str | None, contact_email: str | None) -> None:
    """Write a static linked-data site: dumps, VoID/DCAT, one page per resource, docs."""
    import sys

    from kgtool.web.publish import publish as publish_site

    result = publish_site(
        state.project(), out_dir, base, contact_email, progress=sys.stderr.isatty()
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(
        f"published {result.pages} resource pages, {result.files} files, "
        f"{result.triples} triples to {result.out_dir} in {result.seconds:.1f} s"
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Result rows (or triples) returned at most; a cut is signalled.",
)
@click.option(
    "--max-request-bytes",
    default=64 * 1024,
    show_default=True,
    type=click.IntRange(min=256),
    help="Largest request body or query string accepted (413/414 beyond).",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 32),
    help="Queries that may run longer than --quick-seconds at once (one worker process each).",
)
@click.option(
    "--quick-workers",
    default=2,
    show_default=True,
    type=click.IntRange(0, 32),
    help="More worker processes, kept for queries that finish within --quick-seconds.",
)
@click.option(
    "--quick-seconds",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.01),
    help="A query running longer needs one of the --workers long-query slots, or gets 503.",
)
@click.option(
    "--queue-wait",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds a query waits for a free worker before 503 with Retry-After.",
)
@click.option(
    "--queue-size",
    default=64,
    show_default=True,
    type=click.IntRange(min=0),
    help="Queries that may wait for a worker at once; more get 503 with Retry-After.",
)
@click.option(
    "--cache-mb",
    default=32,
    show_default=True,
    type=click.IntRange(min=0),
    help="MiB of query answers kept to answer the same query again without a worker (0: none).",
)
@click.option(
    "--worker-memory",
    default=1024,
    show_default=True,
    type=click.IntRange(min=0),
    help="MiB of memory each query worker may add before it is stopped (0: no cap).",
)
@click.option(
    "--request-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a client has to send a whole request; a slower or idle connection is closed.",
)
@click.option(
    "--max-connections",
    default=1000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Open connections at most; more are closed at once.",
)
@pass_state
def serve(
    state: CliState,
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    max_request_bytes: int,
    workers: int,
    worker_memory: int,
    quick_workers: int,
    quick_seconds: float,
    queue_wait: float,
    queue_size: int,
    cache_mb: int,
    request_timeout: float,
    max_connections: int,
) -> None:
    """Serve the site read-only: pages and RDF by content negotiation, /sparql, /api/<query>."""
    from kgtool.web.serve import ServeSettings, check_listen, run_server

    settings = ServeSettings(
        host,
        port,
        timeout,
        max_rows,
        max_request_bytes,
        workers,
        worker_memory or None,
        quick_workers,
        quick_seconds,
        queue_wait,
        queue_size,
        cache_mb,
        request_seconds=request_timeout,
        max_connections=max_connections,
    )
    project = state.project()
    check_listen(settings)
    click.echo(f"serving {project.root} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    run_server(project, settings)
