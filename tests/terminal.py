"""Children started as from a user's terminal.

A shell without job control starts background commands with SIGINT ignored (``sh -c 'pytest &'``),
pytest passes that on, and kgtool, like Python itself, then keeps ignoring Ctrl-C. Tests that send
a child SIGINT start it with ``preexec_fn=ctrl_c_as_in_a_terminal`` so that they test what a user
at a terminal gets, however the suite itself was started.
"""

from __future__ import annotations

import signal


def ctrl_c_as_in_a_terminal() -> None:
    """In the child, before it runs: Ctrl-C has its default meaning."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def ctrl_c_ignored() -> None:
    """In the child, before it runs: Ctrl-C ignored, as for a background command of a script."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
