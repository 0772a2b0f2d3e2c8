"""``kgtool import memberships`` and ``kgtool export memberships``: a collaboration's members
as a table (CSV or xlsx) and back.

The columns and rules are documented in ``templates/memberships.md`` (shipped with the package;
``kgtool new sheet`` writes the empty table). An import checks every row before it writes
anything; all problems are reported together as ``FILE row R column C (name): …`` (exit 2).
The memberships are appended to the file that describes the collaboration, in the project's
style, each with ``prov:wasDerivedFrom`` the source given.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.authoring.graphinfo import KS, Existing, GraphView, Member, member_key
from kgtool.authoring.table import Table, column_letter, read_table, write_table
from kgtool.authoring.turtle import (
    When,
    add_prefixes,
    check_parses,
    interval,
    literal,
    overlap,
    parse_when,
)
from kgtool.errors import KgtoolError, ParameterError
from kgtool.project import shown_path
from kgtool.query.names import normalise
from kgtool.terms import ID_IRI, local_name, source

if TYPE_CHECKING:
    from kgtool.project import Project

COLUMNS = ("code", "municipality", "role", "from", "to", "notes")
ROLE_NAMES = {
    "ks:FullMember": ("full", "full member", "medlem", "fullvardig medlem", "ks:FullMember"),
    "ks:AssociateMember": (
        "associate",
        "associate member",
        "associerad",
        "associerad medlem",
        "ks:AssociateMember",
    ),
}
ROLE_SHORT = {"ks:FullMember": "full", "ks:AssociateMember": "associate"}
_ROLE_BY_NAME = {normalise(n): role for role, names in ROLE_NAMES.items() for n in names}


class TableProblems(KgtoolError):
    """Rows that cannot be imported: every problem, one per line (exit 2)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s), nothing written:\n" + "\n".join(problems))


@dataclass
class Planned:
    """One row that will become a membership."""

    row: int
    member: Member
    role: str  # ks:FullMember or ks:AssociateMember
    start: When | None
    end: When | None
    notes: str | None


def template_text(name: str) -> str:
    """A file of ``templates/`` (the documented empty table and its help)."""
    return resources.files("kgtool.authoring").joinpath("templates", name).read_text("utf-8")


def template(fmt: str) -> bytes:
    """The empty membership table with its header (xlsx: the help on a second sheet)."""
    help_lines = [[line] for line in template_text("memberships.md").splitlines()]
    return write_table(list(COLUMNS), [], fmt, notes=help_lines)


def _cell(cells: list[object], index: int | None) -> object:
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _text(value: object) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def read_rows(
    table: Table, shown: str, view: GraphView, existing: list[Existing]
) -> tuple[list[Planned], list[str]]:
    """The memberships the table asks for, and every problem found in it."""
    problems: list[str] = []
    columns: dict[str, int] = {}
    for index, name in enumerate(table.header):
        key = name.strip().lower()
        where = f"{shown} row 1 column {column_letter(index)}"
        if key in columns:
            problems.append(f"{where}: the column {name!r} is given twice")
        elif key in COLUMNS:
            columns[key] = index
        elif key:
            problems.append(
                f"{where}: unknown column {name!r}; the columns are {', '.join(COLUMNS)}"
            )
    if "code" not in columns and "municipality" not in columns:
        problems.append(f"{shown} row 1: no column 'code' or 'municipality' (one is needed)")
    if "role" not in columns:
        problems.append(f"{shown} row 1: no column 'role' (full or associate)")
    if problems:
        return [], problems

    def where(row: int, column: str) -> str:
        return f"{shown} row {row} column {column_letter(columns[column])} ({column})"

    planned: list[Planned] = []
    for row, cells in table.rows:
        member = _member(row, cells, columns, view, where, problems)
        role = _role(row, cells, columns, where, problems)
        start = _when(row, cells, columns, "from", where, problems)
        end = _when(row, cells, columns, "to", where, problems)
        if start and end and start.text > end.text and not start.text.startswith(end.text):
            problems.append(f"{where(row, 'to')}: {end.text} is before the start {start.text}")
            end = None
        notes = _cell(cells, columns.get("notes"))
        if member is None or role is None:
            continue
        entry = Planned(row, member, role, start, end, _text(notes) if notes is not None else None)
        _overlaps(entry, planned, existing, where, problems)
        planned.append(entry)
    return planned, problems


def _member(row, cells, columns, view: GraphView, where, problems) -> Member | None:
    found: dict[str, Member] = {}
    for column in ("code", "municipality"):
        value = _cell(cells, columns.get(column))
        if value is None:
            continue
        text = _text(value)
        if column == "code" and text.isdigit() and len(text) < 4:
            text = text.zfill(4)  # a spreadsheet turned 0381 into 381
        try:
            found[column] = view.member(text, "x")
        except ParameterError as error:
            problems.append(f"{where(row, column)}: {str(error.message).removeprefix('x: ')}")
            return None
    if not found:
        column = "municipality" if "municipality" in columns else "code"
        problems.append(f"{where(row, column)}: empty (give a code or a name)")
        return None
    if len({m.iri for m in found.values()}) > 1:
        code, name = found["code"], found["municipality"]
        problems.append(
            f"{where(row, 'municipality')}: {name.name} ({name.key}) is not the municipality of "
            f"the code {code.key} ({code.name})"
        )
        return None
    return next(iter(found.values()))


def _role(row, cells, columns, where, problems) -> str | None:
    value = _cell(cells, columns["role"])
    role = _ROLE_BY_NAME.get(normalise(_text(value))) if value is not None else None
    if role is None:
        shown = "empty" if value is None else f"{_text(value)!r} is not a membership role"
        problems.append(f"{where(row, 'role')}: {shown}; allowed values: full, associate")
    return role


def _when(row, cells, columns, column, where, problems) -> When | None:
    value = _cell(cells, columns.get(column))
    if value is None:
        return None
    try:
        return parse_when(value)
    except ValueError as error:
        problems.append(f"{where(row, column)}: {error}")
        return None


def _period(start: str | None, end: str | None) -> str:
    return f"{start or '…'}–{end or ''}" if start or end else "no known period (always)"


def _overlaps(entry: Planned, planned, existing, where, problems) -> None:
    start = entry.start.text if entry.start else None
    end = entry.end.text if entry.end else None
    mine = f"{entry.member.name}'s period {_period(start, end)}"
    for other in planned:
        if other.member.iri == entry.member.iri and overlap(
            start,
            end,
            other.start.text if other.start else None,
            other.end.text if other.end else None,
        ):
            problems.append(f"{where(entry.row, 'from')}: {mine} overlaps row {other.row}")
    for old in existing:
        if old.member == entry.member.iri and overlap(start, end, old.start, old.end):
            problems.append(
                f"{where(entry.row, 'from')}: {mine} overlaps the membership "
                f"<{old.iri.removeprefix(ID_IRI)}> in the graph ({_period(old.start, old.end)})"
            )


@dataclass
class ImportResult:
    file: Path
    memberships: int


def import_memberships(
    project: Project, table_path: Path, slug: str, source_number: str
) -> ImportResult:
    """Check the table, then append its memberships to the collaboration's file (atomically)."""
    from kgtool.atomic import write_atomic

    view = GraphView(project)
    collaboration = view.names_for_collaboration(slug)
    try:
        source_iri = str(source(source_number))
    except ValueError as error:
        raise ParameterError(f"--source: {error}") from None
    if not view.is_a(source_iri, KS + "SourceDocument"):
        raise ParameterError(
            f"--source: no source document {source_number} in the graph "
            "(describe it in data/sources.ttl first)"
        )
    target = view.file_of(collaboration, KS + "Collaboration")
    if target is None:
        raise ParameterError(f"--collaboration: no file of the project describes {slug}")
    shown = str(table_path)
    table = read_table(table_path, shown)
    existing = view.memberships(collaboration)
    planned, problems = read_rows(table, shown, view, existing)
    if problems:
        raise TableProblems(problems)
    labels = view.labels(collaboration)
    text = target.read_text(encoding="utf-8")
    taken = {e.iri for e in existing} | _subjects_in(view, collaboration)
    section = render_memberships(
        planned, collaboration, labels, source_iri, taken, f"{table_path.name}"
    )
    target_shown = shown_path(target, project.root)
    new_text = add_prefixes(text, target_shown).rstrip("\n") + "\n\n" + section
    check_parses(new_text, target_shown)
    write_atomic(target, new_text)
    return ImportResult(target, len(planned))


def _subjects_in(view: GraphView, collaboration: str) -> set[str]:
    rows = view.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(?c))) }",
        c=collaboration,
    )
    return {row[0].value for row in rows}


def render_memberships(
    planned: list[Planned],
    collaboration: str,
    labels: dict[str, str],
    source_iri: str,
    taken: set[str],
    table_name: str,
) -> str:
    """The Turtle section for the imported memberships."""
    name = labels.get("sv") or labels.get("") or local_name(collaboration)
    name_en = labels.get("en") or name
    base = collaboration.removeprefix(ID_IRI)
    number = local_name(source_iri)
    out = [
        f"# -- Members imported from {table_name} (source {number}) by "
        "`kgtool import memberships` --",
        "",
    ]
    for entry in planned:
        iri = _membership_iri(collaboration, entry, taken)
        taken.add(iri)
        lines = [
            f"<{iri.removeprefix(ID_IRI)}>",
            "    a org:Membership ;",
            f"    rdfs:label {literal(f'{entry.member.name} i {name}', 'sv')} , "
            f"{literal(f'{entry.member.name} in {name_en}', 'en')} ;",
            f"    org:member <{entry.member.iri.removeprefix(ID_IRI)}> ;",
            f"    org:organization <{base}> ;",
            f"    org:role {entry.role} ;",
        ]
        if entry.start or entry.end:
            lines.append(f"    org:memberDuring {interval(entry.start, entry.end)} ;")
        if entry.notes:
            lines.append(f"    rdfs:comment {literal(entry.notes)} ;")
        out += [*lines, f"    prov:wasDerivedFrom <{source_iri.removeprefix(ID_IRI)}> .", ""]
    return "\n".join(out)


def _membership_iri(collaboration: str, entry: Planned, taken: set[str]) -> str:
    """``…/membership/1980``; a second membership of the same member: ``…/1980-2020-09``."""
    base = f"{collaboration}/membership/{entry.member.key}"
    candidates = [base]
    if entry.start:
        candidates.append(f"{base}-{entry.start.text}")
    if entry.end:
        candidates.append(f"{base}-until-{entry.end.text}")
    candidates += [f"{base}-{n}" for n in range(2, 1000)]
    return next(c for c in candidates if c not in taken)


def export_rows(project: Project, slug: str) -> list[list[str]]:
    """The memberships of the collaboration as table rows (see ``templates/memberships.md``)."""
    view = GraphView(project)
    collaboration = view.names_for_collaboration(slug)
    rows = []
    for entry in view.memberships(collaboration):
        key = member_key(entry.member)
        rows.append(
            [
                key,
                view.swedish_label(entry.member) or key,
                ROLE_SHORT["ks:" + entry.role.removeprefix(KS)],
                entry.start or "",
                entry.end or "",
                entry.notes or "",
            ]
        )
    return sorted(rows, key=lambda r: (r[0], r[3], r[4]))


def export_memberships(project: Project, slug: str, fmt: str) -> bytes:
    return write_table(list(COLUMNS), export_rows(project, slug), fmt)
