"""The ``kgtool`` console script: Ctrl-C means exit 130 and one line, from the first instant.

Importing the CLI takes a moment (click and the command modules); a SIGINT in that window would
otherwise print a ``KeyboardInterrupt`` traceback from deep inside an import. Until the CLI's
own handling (``kgtool.cli.main``) takes over, a SIGINT ends the process at once with exit 130:
nothing is running yet that could lose work, so ending without unwinding is safe. Once the
command has finished, a late SIGINT is ignored and the command's own exit code stands. (The
interpreter's own start, before any kgtool code runs, is Python's: about 20 ms.)

A process started with Ctrl-C ignored (``kgtool … &`` from a script, where the shell ignores
SIGINT for background commands) keeps ignoring it, as Python itself does: nothing is installed.
"""

from __future__ import annotations

import _signal  # the C module under ``signal``: ``signal`` itself imports enum, ~10 ms
import os
import sys

INTERRUPTED = 130  # kgtool.errors.EXIT_INTERRUPTED, repeated so that nothing is imported first


def _interrupted_while_starting(_signum: int, _frame: object) -> None:
    os.write(2, b"kgtool: interrupted\n")
    os._exit(INTERRUPTED)


#: Started with SIGINT ignored: leave it so (a Ctrl-C meant for the foreground is not ours).
IGNORING_CTRL_C = _signal.getsignal(_signal.SIGINT) == _signal.SIG_IGN
if not IGNORING_CTRL_C:
    _signal.signal(_signal.SIGINT, _interrupted_while_starting)


def _flush() -> None:
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()


def main() -> None:
    """Import the CLI under the early handler, hand Ctrl-C to the CLI while the command runs,
    and take it back for the interpreter's shutdown (output flushed first, so none is lost)."""
    import signal

    from kgtool.cli import main as cli_main

    if not IGNORING_CTRL_C:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        cli_main()
    finally:
        # The command is over and its exit code decided: a late Ctrl-C is ignored rather than
        # left to the interpreter's shutdown, which restores the default (death by signal).
        _flush()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
