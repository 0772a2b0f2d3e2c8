"""CLI commands that grow the graph: ``new``, ``import``, ``export memberships``, ``diff``,
``release`` and ``coverage`` (a thin layer over :mod:`kgtool.authoring`)."""

from __future__ import annotations

from pathlib import Path

import click

from kgtool.cli.group import cli
from kgtool.cli.options import CliState, pass_state

# authoring.table.FORMATS, named here so that --help needs no import of the table readers
# (tests/test_cli_choices.py holds them equal)
TABLE_FORMATS = ("csv", "xlsx")
_TABLE_FORMAT = click.option(
    "-f", "--format", "fmt", type=click.Choice(TABLE_FORMATS), help="csv or xlsx."
)


@cli.group()
def new() -> None:
    """Start a new collaboration (a commented Turtle file in data/collaborations/)."""


@new.command("collaboration")
@click.argument("slug")
@click.option("--name", required=True, help="The Swedish name (rdfs:label @sv).")
@click.option("--name-en", help="The English name (default: the Swedish name).")
@click.option(
    "--members",
    multiple=True,
    help="Member municipalities (or regions): codes, names or IRIs, comma-separated (repeatable).",
)
@click.option(
    "--role",
    type=click.Choice(["full", "associate"]),
    default="full",
    show_default=True,
    help="The members' role.",
)
@click.option(
    "--body",
    type=click.Choice(["board", "council", "nomination-committee", "presidium", "secretariat"]),
    help="A body of the collaboration.",
)
@click.option("--mandate", help="The body's mandate period: 2023-2027 or START/END.")
@click.option("--seats", "member_seats", type=click.IntRange(min=0), help="Member seats.")
@click.option("--deputy-seats", type=click.IntRange(min=0), help="Deputy seats.")
@click.option(
    "--source",
    help="Number of the source document (e.g. 005, described in data/sources.ttl); "
    "without it every resource names the placeholder <source/TODO>.",
)
@click.option("--description", help="A Swedish description (dct:description @sv).")
@pass_state
def new_collaboration(state: CliState, slug: str, **options) -> None:
    """Write data/collaborations/SLUG.ttl for a new collaboration.

    IRIs, Swedish and English labels, one membership per member and, with --body, a body with
    its mandate period, each with its source. 'kgtool validate' reports the placeholder source
    until it is replaced.
    """
    from kgtool.authoring.new import NewCollaboration, write
    from kgtool.project import shown_path

    project = state.project()
    spec = NewCollaboration(slug=slug, **{**options, "members": list(options["members"])})
    path = write(project, spec)
    click.echo(f"wrote {shown_path(path, project.root)}", err=True)


@new.command("sheet")
@click.argument("output", type=click.Path(dir_okay=False, path_type=Path))
@_TABLE_FORMAT
def new_sheet(output: Path, fmt: str | None) -> None:
    """Write the empty membership table (header row; xlsx: the help on a second sheet).

    The columns and allowed values are described in the help sheet and in
    kgtool/authoring/templates/memberships.md.
    """
    from kgtool.atomic import write_atomic
    from kgtool.authoring.importing import template
    from kgtool.authoring.table import table_format
    from kgtool.errors import ParameterError

    if output.exists():
        raise ParameterError(f"OUTPUT: {output} exists already")
    write_atomic(output, template(table_format(output, fmt)))
    click.echo(f"wrote {output}", err=True)


@cli.group("import")
def import_group() -> None:
    """Import facts from a table into the project's Turtle files."""


@import_group.command("memberships")
@click.argument("table", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--collaboration", required=True, help="The collaboration: slug, name or IRI.")
@click.option("--source", required=True, help="Number of the source document (e.g. 004).")
@pass_state
def import_memberships(state: CliState, table: Path, collaboration: str, source: str) -> None:
    """Add the memberships in TABLE (.csv or .xlsx) to a collaboration's file.

    Columns: code or municipality, role, from, to, notes (see 'kgtool new sheet'). Every row is
    checked first; any problem is listed as 'FILE row R column C: …', the exit code is 2 and no
    file changes.
    """
    from kgtool.authoring.importing import import_memberships as run
    from kgtool.project import shown_path

    project = state.project()
    result = run(project, table, collaboration, source)
    click.echo(
        f"added {result.memberships} membership(s) to {shown_path(result.file, project.root)}",
        err=True,
    )


def _register_export() -> None:
    from kgtool.cli.plot_commands import export

    @export.command("memberships")
    @click.argument("collaboration")
    @_TABLE_FORMAT
    @click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write to this file (default: CSV on standard output).",
    )
    @pass_state
    def export_memberships(
        state: CliState, collaboration: str, fmt: str | None, output: Path | None
    ) -> None:
        """A collaboration's memberships as the table 'kgtool import memberships' reads."""
        from kgtool.atomic import write_atomic
        from kgtool.authoring.importing import export_memberships as run
        from kgtool.authoring.table import table_format
        from kgtool.errors import ParameterError

        chosen = table_format(output, fmt) if output else (fmt or "csv")
        data = run(state.project(), collaboration, chosen)
        if output is None:
            if chosen == "xlsx":
                raise ParameterError("-f xlsx: give a file with -o")
            click.echo(data.decode("utf-8"), nl=False)
        else:
            write_atomic(output, data)


_register_export()


@cli.command("diff")
@click.argument("old")
@click.argument("new", default=".")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"]),
    default="text",
    show_default=True,
    help="text for people, md for release notes, json for machines.",
)
@click.option("--lang", type=click.Choice(["en", "sv"]), default="en", show_default=True)
@pass_state
def diff_command(state: CliState, old: str, new: str, fmt: str, lang: str) -> None:
    """What changed from OLD to NEW, fact by fact, then triples per graph.

    OLD and NEW are releases (2026.12.0, see 'kgtool release'), git revisions of the project
    (HEAD~1, v1.0), folders (a project, or any folder of RDF files) or dump files (.nq, .trig,
    .ttl, .nt). NEW defaults to '.', the project as it is now.
    """
    from kgtool.authoring.diff import RENDERERS, diff

    project = state.project()
    new = str(project.root) if new == "." else new
    click.echo(RENDERERS[fmt](diff(project, old, new, lang)), nl=False)


@cli.command("release")
@click.argument("version")
@pass_state
def release_command(state: CliState, version: str) -> None:
    """Freeze the graph as release VERSION in releases/VERSION/ (dumps, record, notes).

    The graph must validate. The notes are 'kgtool diff' (Markdown) from the previous release;
    'kgtool publish' puts every release at /releases/VERSION/ of the site.
    """
    from kgtool.authoring.release import make_release
    from kgtool.project import shown_path

    project = state.project()
    made = make_release(project, version)
    after = f" (notes: changes since {made.previous})" if made.previous else " (the first)"
    click.echo(
        f"released {version}{after}: {made.triples} triples in "
        f"{shown_path(made.folder, project.root)}/",
        err=True,
    )


@cli.command("coverage")
@click.option(
    "--sources",
    "sources_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the source texts (default: ../shared/sources beside the project).",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="md (Markdown) for people, json for machines.",
)
@pass_state
def coverage_command(state: CliState, sources_dir: Path | None, fmt: str) -> None:
    """Which names, dates and figures of each source text the graph records with that source.

    The extraction rules are simple and documented in kgtool/authoring/coverage.py; totals per
    source first, then every item found and whether it is recorded.
    """
    from kgtool.authoring.coverage import RENDERERS, coverage

    click.echo(RENDERERS[fmt](coverage(state.project(), sources_dir)), nl=False)
