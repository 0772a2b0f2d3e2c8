"""Shared CLI state and option bundles (decorators), reused by every command module."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

from kgtool.terms import LANGUAGES

if TYPE_CHECKING:
    from kgtool.project import Project


@dataclass
class CliState:
    """What the group options say; the project is located only when a command asks for it."""

    project_dir: str | None = None
    debug: bool = False

    def project(self) -> Project:
        from kgtool.project import find_project

        return find_project(self.project_dir)


pass_state = click.make_pass_decorator(CliState, ensure=True)


def data_option(function):
    """``--data FILE`` (repeatable): extra Turtle or N-Triples files loaded with the project."""
    return click.option(
        "--data",
        "data_files",
        multiple=True,
        type=click.Path(exists=True, dir_okay=False, path_type=str),
        help="An extra Turtle (.ttl) or N-Triples (.nt) file to load with the project's "
        "data (repeatable).",
    )(function)


def lang_option(function):
    """``--lang sv|en``: the language of labels and text (one default for every command)."""
    return click.option(
        "--lang",
        type=click.Choice(LANGUAGES),
        default=None,
        help="Language of labels and text [default: $KGTOOL_LANG, else sv when the locale is "
        "Swedish, else en].",
    )(function)


def chosen_lang(lang: str | None) -> str:
    """``--lang`` as given, else the one default (``kgtool.terms.default_lang``)."""
    from kgtool.terms import default_lang

    return lang or default_lang()
