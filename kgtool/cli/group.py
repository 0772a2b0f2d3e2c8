"""The ``kgtool`` command group and its options; the command modules add their commands to it."""

from __future__ import annotations

import click

from kgtool.cli.options import CliState
from kgtool.errors import KgtoolError


class UserError(click.ClickException):
    """A library error (``kgtool.errors.KgtoolError``) as click shows it: ``Error: <message>``
    on stderr and the error's exit code."""

    def __init__(self, error: KgtoolError) -> None:
        super().__init__(error.message)
        self.exit_code = error.exit_code


class KgtoolGroup(click.Group):
    """The command group: a library error raised by any command becomes a ``UserError``."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KgtoolError as error:
            raise UserError(error) from error


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the software's version and, when a project is found, the dataset's."""
    if not value or ctx.resilient_parsing:
        return
    from kgtool.errors import ProjectError
    from kgtool.project import find_project
    from kgtool.version import project_version_lines

    try:
        project = find_project(ctx.params.get("project_dir"))
    except ProjectError:
        project = None
    for line in project_version_lines(project):
        click.echo(line)
    ctx.exit(0)


@click.group(cls=KgtoolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--project",
    "project_dir",
    type=click.Path(file_okay=False, path_type=str),
    envvar="KGTOOL_PROJECT",
    is_eager=True,  # read before --version, which reports the project's dataset
    help="Project folder (ontology/, data/, shapes/, queries/); found automatically by default.",
)
@click.option("--debug", is_flag=True, help="Show a traceback for every error.")
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_print_version,
    help="Show kgtool's version and the dataset's version and content hash, then exit.",
)
@click.pass_context
def cli(ctx: click.Context, project_dir: str | None, debug: bool) -> None:
    """A knowledge graph of Swedish inter-municipal collaboration (kommunal samverkan)."""
    ctx.obj = CliState(project_dir=project_dir, debug=debug)
