"""Errors a user sees, and the exit codes every command keeps to (``kgtool.cli`` maps them).

0 success; 1 findings (violations; only where a command documents it); 2 a user or input error
(one line naming the file:line, parameter or URL); 3 an internal error (a bug in kgtool: one
line saying how to report it, the traceback only with ``--debug``); 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USER = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130


def internal_error_message(error: BaseException, debug: bool = False) -> str:
    """The one line printed for an unexpected exception (a bug in kgtool, not in the input)."""
    what = " ".join(f"{type(error).__name__}: {error}".split())
    if len(what) > 200:
        what = what[:200] + "…"
    how = (
        "please report it with the traceback above"
        if debug
        else "please report it with the output of the same command run with --debug"
    )
    return f"kgtool: internal error ({what}); this is a bug in kgtool, {how}"


class KgtoolError(Exception):
    """An expected failure caused by the user's input or environment: exit 2, no traceback.

    A plain exception: the library does not depend on the command line. The CLI shows
    ``message`` as ``Error: <message>`` and exits with ``exit_code``.
    """

    exit_code = EXIT_USER

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message

    def format_message(self) -> str:
        """The message as shown to the user (the same as ``str(error)``)."""
        return self.message


class InputError(KgtoolError):
    """A file that cannot be read or parsed; the message names the file (and line)."""


class ProjectError(KgtoolError):
    """A folder that is not a kgtool project; the message says what is missing."""


class ParameterError(KgtoolError):
    """A parameter value of the wrong type or an unknown name; the message names the parameter."""


class AmbiguousName(ParameterError):
    """A name that fits several things of one kind; the message lists them."""


class EndpointError(KgtoolError):
    """A SPARQL endpoint that cannot be reached or refuses; the message names the URL and why."""


class QueryRefused(KgtoolError):
    """A query that is not allowed here (an update, SERVICE or LOAD without --allow-remote)."""
