"""``kgtool new collaboration``: a commented Turtle file for a new collaboration.

The file follows docs/modelling.md and the hand-written files of data/collaborations/: IRIs under
``collaboration/<slug>``, Swedish and English labels, one membership per member and, when asked,
a body with a mandate period. Every resource names its source; without ``--source`` it names the
placeholder ``<source/TODO>``, which ``kgtool validate`` reports (``kssh:SourceNotPlaceholder``)
until it is replaced by the source document the facts come from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kgtool.authoring.graphinfo import KS, GraphView, Member, genitive
from kgtool.authoring.turtle import When, check_parses, literal, parse_when, prefix_lines
from kgtool.errors import ParameterError
from kgtool.project import shown_path
from kgtool.terms import ID_IRI, collaboration, source

if TYPE_CHECKING:
    from kgtool.project import Project

PLACEHOLDER_SOURCE = f"{ID_IRI}source/TODO"
ROLES = {"full": "ks:FullMember", "associate": "ks:AssociateMember"}

# body slug -> (class, Swedish noun, its definite genitive, English noun)
BODIES = {
    "board": ("ks:Board", "styrelse", "Styrelsens", "Board"),
    "council": ("ks:Council", "råd", "Rådets", "Council"),
    "nomination-committee": (
        "ks:NominationCommittee",
        "valberedning",
        "Valberedningens",
        "Nomination committee",
    ),
    "presidium": ("ks:Presidium", "presidium", "Presidiets", "Presidium"),
    "secretariat": ("ks:Secretariat", "kansli", "Kansliets", "Secretariat"),
}
_PERIOD = re.compile(r"(\d{4}(?:-\d{2}(?:-\d{2})?)?)(?:/|-(?=\d{4}))(\d{4}(?:-\d{2}(?:-\d{2})?)?)")


@dataclass
class NewCollaboration:
    """What ``kgtool new collaboration`` is asked to write."""

    slug: str
    name: str
    name_en: str | None = None
    members: list[str] = field(default_factory=list)
    role: str = "full"
    body: str | None = None
    mandate: str | None = None
    member_seats: int | None = None
    deputy_seats: int | None = None
    source: str | None = None
    description: str | None = None


def parse_period(text: str, what: str = "--mandate") -> tuple[When, When]:
    """``2023-2027`` or ``2022-10-15/2026-10-14``: a start and an end at any precision."""
    match = _PERIOD.fullmatch(text.strip())
    if not match:
        raise ParameterError(f"{what}: {text!r} is no period (write 2023-2027 or START/END)")
    try:
        start, end = parse_when(match.group(1)), parse_when(match.group(2))
    except ValueError as error:
        raise ParameterError(f"{what}: {error}") from None
    if start.text > end.text and not start.text.startswith(end.text):
        raise ParameterError(f"{what}: {text!r} starts after it ends")
    return start, end


def target_file(project: Project, slug: str) -> Path:
    return project.data_dir / "collaborations" / f"{slug}.ttl"


def plan(
    project: Project, spec: NewCollaboration, view: GraphView | None = None
) -> tuple[Path, str]:
    """The file to write and its text; ParameterError for anything that cannot be written."""
    try:
        iri = str(collaboration(spec.slug))
    except ValueError as error:
        raise ParameterError(f"SLUG: {error}") from None
    if not spec.name.strip():
        raise ParameterError("--name: the collaboration needs a Swedish name")
    if spec.role not in ROLES:
        raise ParameterError(f"--role: {spec.role!r}; allowed values: {', '.join(ROLES)}")
    if spec.body is not None and spec.body not in BODIES:
        raise ParameterError(f"--body: {spec.body!r}; allowed values: {', '.join(BODIES)}")
    if spec.body is None and (spec.mandate or spec.member_seats is not None):
        raise ParameterError("--mandate/--seats: only with --body (the body the period is of)")
    if spec.mandate is None and (spec.member_seats is not None or spec.deputy_seats is not None):
        raise ParameterError("--seats/--deputy-seats: only with --mandate (seats are per period)")
    path = target_file(project, spec.slug)
    if path.exists():
        raise ParameterError(f"SLUG: {shown_path(path, project.root)} exists already")
    view = view or GraphView(project)
    if view.exists(iri):
        raise ParameterError(f"SLUG: {spec.slug} is in the graph already")
    source_iri = PLACEHOLDER_SOURCE
    if spec.source is not None:
        try:
            source_iri = str(source(spec.source))
        except ValueError as error:
            raise ParameterError(f"--source: {error}") from None
        if not view.is_a(source_iri, KS + "SourceDocument"):
            raise ParameterError(
                f"--source: no source document {spec.source} in the graph; describe it in "
                "data/sources.ttl first, or leave --source out to write a placeholder"
            )
    members: list[Member] = []
    for value in (v for given in spec.members for v in given.split(",") if v.strip()):
        found = view.member(value, "--members")
        if found.iri in {m.iri for m in members}:
            raise ParameterError(f"--members: {found.name} is named twice")
        members.append(found)
    return path, render(spec, members, source_iri)


def render(spec: NewCollaboration, members: list[Member], source_iri: str) -> str:
    """The commented Turtle text of the new collaboration."""
    name, name_en = spec.name.strip(), (spec.name_en or spec.name).strip()
    base = f"collaboration/{spec.slug}"
    derived = f"prov:wasDerivedFrom <{source_iri.removeprefix(ID_IRI)}> ."
    placeholder = source_iri == PLACEHOLDER_SOURCE
    out = [f"# {name}: written by `kgtool new collaboration`; check every fact against its source."]
    if placeholder:
        out += [
            "# TODO: <source/TODO> is a placeholder that `kgtool validate` reports until it is",
            "# replaced by the source document these facts come from (e.g. <source/005>, described",
            "# in data/sources.ttl).",
        ]
    out += ["", prefix_lines(), "# -- The collaboration --", ""]
    lines = [
        f"<{base}>",
        "    a ks:Collaboration ;",
        f"    rdfs:label {literal(name, 'sv')} , {literal(name_en, 'en')} ;",
    ]
    if spec.description:
        lines.append(f"    dct:description {literal(spec.description.strip(), 'sv')} ;")
    out += [*lines, f"    {derived}", ""]
    if members:
        role = ROLES[spec.role]
        what = "full members" if spec.role == "full" else "associate members"
        out += [f"# -- Members ({what}, as given to `kgtool new`) --", ""]
        for member in members:
            out += [
                f"<{base}/membership/{member.key}>",
                "    a org:Membership ;",
                f"    rdfs:label {literal(f'{member.name} i {name}', 'sv')} , "
                f"{literal(f'{member.name} in {name_en}', 'en')} ;",
                f"    org:member <{member.iri.removeprefix(ID_IRI)}> ;",
                f"    org:organization <{base}> ;",
                f"    org:role {role} ;",
                f"    {derived}",
                "",
            ]
    if spec.body:
        out += body_text(spec, base, name, name_en, derived)
    text = "\n".join(out).rstrip("\n") + "\n"
    check_parses(text, f"data/collaborations/{spec.slug}.ttl")
    return text


def body_text(
    spec: NewCollaboration, base: str, name: str, name_en: str, derived: str
) -> list[str]:
    """The body and, when asked, its mandate period with seats."""
    assert spec.body is not None
    cls, noun, definite, noun_en = BODIES[spec.body]
    body = f"{base}/{spec.body}"
    out = [
        f"# -- The {noun_en.lower()} --",
        "",
        f"<{body}>",
        f"    a {cls} ;",
        f"    rdfs:label {literal(f'{genitive(name)} {noun}', 'sv')} , "
        f"{literal(f'{noun_en} of {name_en}', 'en')} ;",
        f"    org:unitOf <{base}> ;",
        f"    {derived}",
        "",
    ]
    if spec.mandate:
        start, end = parse_period(spec.mandate)
        key = f"{start.text}-{end.text}"
        shown = f"{start.text}–{end.text}"
        lines = [
            f"<{body}/{key}>",
            "    a ks:MandatePeriod ;",
            f"    rdfs:label {literal(f'{definite} mandatperiod {shown}', 'sv')} , "
            f"{literal(f'{noun_en} mandate period {shown}', 'en')} ;",
            f"    ks:mandateOf <{body}> ;",
            f"    time:hasBeginning {start.instant()} ;",
            f"    time:hasEnd {end.instant()} ;",
        ]
        if spec.member_seats is not None:
            lines.append(f"    ks:memberSeats {spec.member_seats} ;")
        if spec.deputy_seats is not None:
            lines.append(f"    ks:deputySeats {spec.deputy_seats} ;")
        out += [*lines, f"    {derived}", ""]
    return out


def write(project: Project, spec: NewCollaboration) -> Path:
    """Write the new collaboration's file (atomically); its path."""
    from kgtool.atomic import write_atomic

    path, text = plan(project, spec)
    write_atomic(path, text)
    return path
