"""Where a finding's value is written: the file and line of the triple that holds it.

Found from the Turtle text alone, so that both validation engines place a finding the same way:
each file is split into subject blocks (a subject at column 0 opens one), and within the blocks
of the finding's resource the first line that shows the value (after the predicate, when the
predicate is on that line) is the place. Without a value, the block's first line is.
Files are read only when a finding needs them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from kgtool.terms import local_name

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_BASE = re.compile(r"^\s*(?:@base|BASE)\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT_IRI = re.compile(r"^<([^>]*)>")
_SUBJECT_PNAME = re.compile(r"^([A-Za-z][\w.-]*)?:([\w.-]*)")


@dataclass(frozen=True)
class Block:
    file: int  # index into Locator.files
    first: int  # 1-based line of the subject
    last: int  # last line of the block (inclusive)


class Locator:
    """Finds the file and line of (subject, predicate, value) in the loaded Turtle files."""

    def __init__(self, paths: Sequence[Path], shown: Sequence[str]):
        self.paths = list(paths)
        self.shown = list(shown)
        self._blocks: dict[str, list[Block]] | None = None
        self._lines: dict[int, list[str]] = {}

    def _index(self) -> dict[str, list[Block]]:
        if self._blocks is None:
            self._blocks = {}
            for number, path in enumerate(self.paths):
                self._index_file(number, path)
        return self._blocks

    def _index_file(self, number: int, path: Path) -> None:
        assert self._blocks is not None
        lines = path.read_text(encoding="utf-8").splitlines()
        self._lines[number] = lines
        namespaces: dict[str, str] = {}
        base = path.resolve().as_uri()
        opened: list[tuple[str, int]] = []
        for index, line in enumerate(lines, start=1):
            if not line or line[0] in " \t#)]":
                continue
            match = _PREFIX.match(line)
            if match:
                namespaces[match.group(1)] = urljoin(base, match.group(2))
                continue
            match = _BASE.match(line)
            if match:
                base = urljoin(base, match.group(1))
                continue
            iri = _SUBJECT_IRI.match(line)
            if iri:
                opened.append((_resolve(base, iri.group(1)), index))
                continue
            pname = _SUBJECT_PNAME.match(line)
            if pname and (pname.group(1) or "") in namespaces:
                opened.append((namespaces[pname.group(1) or ""] + pname.group(2), index))
        for position, (subject, first) in enumerate(opened):
            last = opened[position + 1][1] - 1 if position + 1 < len(opened) else len(lines)
            self._blocks.setdefault(subject, []).append(Block(number, first, last))

    def locate(
        self, subject: str | None, predicate: str | None = None, value: str | None = None
    ) -> tuple[str | None, int | None]:
        """(file, line) of the triple, else of the subject's first block, else (None, None)."""
        if subject is None:
            return None, None
        blocks = self._index().get(subject, [])
        if not blocks:
            return None, None
        if value is not None:
            needles = _needles(value)
            verb = local_name(predicate) if predicate else None
            fallback = None
            for block in blocks:
                lines = self._lines[block.file]
                for number in range(block.first, block.last + 1):
                    text = _code(lines[number - 1])
                    if any(needle in text for needle in needles):
                        if verb is None or verb in text or number == block.first:
                            return self.shown[block.file], number
                        if fallback is None:
                            fallback = (self.shown[block.file], number)
            if fallback is not None:
                return fallback
        first = blocks[0]
        return self.shown[first.file], first.first


def _resolve(base: str, reference: str) -> str:
    """``reference`` resolved against ``base``; a plain relative path (the common case, and
    urljoin's cost on a million subjects) is appended without parsing."""
    if (
        base.endswith("/")
        and "?" not in base
        and "#" not in base
        and reference
        and reference[0] not in "./?#"
        and ":" not in reference
        and "/." not in reference
    ):
        return base + reference
    return urljoin(base, reference)


def _needles(value: str) -> list[str]:
    """Ways ``value`` may be written: an IRI in full or by its last segment, a literal quoted."""
    if "://" in value or value.startswith(("urn:", "mailto:", "tel:")):
        local = local_name(value)
        return [value, local] if local else [value]
    return [f'"{value}"', value]


def _code(line: str) -> str:
    """A line without a trailing comment (a '#' outside <...> and quotes)."""
    inside_iri = inside_string = False
    for position, char in enumerate(line):
        if char == '"' and not inside_iri:
            inside_string = not inside_string
        elif char == "<" and not inside_string:
            inside_iri = True
        elif char == ">" and not inside_string:
            inside_iri = False
        elif char == "#" and not inside_iri and not inside_string:
            return line[:position]
    return line
