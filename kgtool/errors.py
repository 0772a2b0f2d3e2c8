"""Errors a user sees, each with the exit code it maps to (0 ok, 1 findings, 2 usage/input)."""

from __future__ import annotations

import click


class KgtoolError(click.ClickException):
    """An expected failure caused by the user's input or environment: exit 2, no traceback."""

    exit_code = 2


class InputError(KgtoolError):
    """A file that cannot be read or parsed; the message names the file (and line)."""


class ProjectError(KgtoolError):
    """A folder that is not a kgtool project; the message says what is missing."""


class ParameterError(KgtoolError):
    """A parameter value of the wrong type or an unknown name; the message names the parameter."""


class EndpointError(KgtoolError):
    """A SPARQL endpoint that cannot be reached or refuses; the message names the URL and why."""


class QueryRefused(KgtoolError):
    """A query that is not allowed here (an update, SERVICE or LOAD without --allow-remote)."""
