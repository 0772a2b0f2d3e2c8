"""The ``kgtool`` command line: a thin click layer over the library.

Each command lives in a module of this package by responsibility; heavy libraries (pyshacl,
rdflib, the HTTP server) are imported inside the commands that need them, so
``kgtool --help`` stays fast.
"""

from __future__ import annotations

import sys
import traceback

import click

# Command modules register themselves on ``cli`` when imported (import only click at top level).
from kgtool.cli import (  # noqa: F401
    authoring_commands,
    graph_commands,
    plot_commands,
    project_commands,
    publish_commands,
    query_commands,
    validate_commands,
)
from kgtool.cli.group import cli
from kgtool.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, KgtoolError, internal_error_message


def main() -> None:
    """Entry point with one exit-code contract for every command (see the README).

    0 success; 1 findings (only where a command documents it); 2 a user or input error, one
    line on stderr; 3 an internal error, one line saying how to report it (the traceback only
    with ``--debug``); 130 interrupted with Ctrl-C.
    """
    debug = "--debug" in sys.argv[1:]
    try:
        result = cli.main(prog_name="kgtool", standalone_mode=False)
    except click.ClickException as error:
        if debug:
            traceback.print_exc()
        error.show()
        sys.exit(error.exit_code)
    except KgtoolError as error:  # raised outside a command's own run (commands map theirs)
        if debug:
            traceback.print_exc()
        click.echo(f"Error: {error.message}", err=True)
        sys.exit(error.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("kgtool: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)
    except BrokenPipeError:
        sys.exit(0)
    except Exception as error:  # anything else is a bug in kgtool, never the user's fault
        if debug:
            traceback.print_exc()
        click.echo(internal_error_message(error, debug), err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(result if isinstance(result, int) else 0)
