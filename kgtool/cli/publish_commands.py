"""CLI commands: ``kgtool publish`` (static linked-data site) and ``kgtool serve`` (HTTP)."""

from __future__ import annotations

from collections.abc import Callable

import click

from kgtool.cli.group import cli
from kgtool.cli.options import CliState, pass_state

# The server's settings (web.settings): option, default, type and help, in --help's order.
_SERVER_SETTINGS: tuple[tuple[str, float, click.ParamType, str], ...] = (
    (
        "--timeout",
        10.0,
        click.FloatRange(min=0.01),
        "Seconds a query may run before it is stopped.",
    ),
    (
        "--max-rows",
        10_000,
        click.IntRange(min=1),
        "Result rows (or triples) returned at most; a cut is signalled.",
    ),
    (
        "--max-request-bytes",
        64 * 1024,
        click.IntRange(min=256),
        "Largest request body or query string accepted (413/414 beyond).",
    ),
    (
        "--workers",
        2,
        click.IntRange(1, 32),
        "Queries that may run longer than --quick-seconds at once (one worker process each).",
    ),
    (
        "--quick-workers",
        2,
        click.IntRange(0, 32),
        "More worker processes, kept for queries that finish within --quick-seconds.",
    ),
    (
        "--quick-seconds",
        1.0,
        click.FloatRange(min=0.01),
        "A query running longer needs one of the --workers long-query slots, or gets 503.",
    ),
    (
        "--queue-wait",
        2.0,
        click.FloatRange(min=0),
        "Seconds a query waits for a free worker before 503 with Retry-After.",
    ),
    (
        "--queue-size",
        64,
        click.IntRange(min=0),
        "Queries that may wait for a worker at once; more get 503 with Retry-After.",
    ),
    (
        "--cache-mb",
        32,
        click.IntRange(min=0),
        "MiB of query answers kept to answer the same query again without a worker (0: none).",
    ),
    (
        "--worker-memory",
        1024,
        click.IntRange(min=0),
        "MiB of memory each query worker may add before it is stopped (0: no cap).",
    ),
    (
        "--request-timeout",
        10.0,
        click.FloatRange(min=0.1),
        "Seconds a client has to send a whole request; a slower or idle connection is closed.",
    ),
    (
        "--max-connections",
        1000,
        click.IntRange(min=1),
        "Open connections at most; more are closed at once.",
    ),
)


def _server_settings(command: Callable[..., None]) -> Callable[..., None]:
    """``serve``'s setting options, each default shown in ``--help``."""
    for name, default, kind, text in reversed(_SERVER_SETTINGS):
        command = click.option(name, default=default, show_default=True, type=kind, help=text)(
            command
        )
    return command


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
@click.option(
    "--full",
    is_flag=True,
    help="Render every page, even those an earlier publish into the folder left unchanged.",
)
@pass_state
def publish(
    state: CliState, out_dir: str, base: str | None, contact_email: str | None, full: bool
) -> None:
    """Write a static linked-data site: dumps, VoID/DCAT, one page per resource, docs.

    Into a folder an earlier publish wrote, only the resource pages whose data changed are
    rendered again (the rest are reused); the result is the same as a full publish."""
    import sys

    from kgtool.web.publish import publish as publish_site

    result = publish_site(
        state.project(), out_dir, base, contact_email, progress=sys.stderr.isatty(), full=full
    )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.full_because and result.full_because != "--full":
        click.echo(f"kgtool publish: every page rendered: {result.full_because}", err=True)
    elif result.rendered < result.pages:
        click.echo(
            f"kgtool publish: {result.rendered} of {result.pages} resource pages rendered, "
            "the others unchanged",
            err=True,
        )
    click.echo(
        f"published {result.pages} resource pages, {result.files} files, "
        f"{result.triples} triples to {result.out_dir} in {result.seconds:.1f} s"
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@_server_settings
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
