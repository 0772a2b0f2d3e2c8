"""Reading and writing the membership table as CSV or xlsx (openpyxl, the ``xlsx`` extra).

A table is a header row and data rows; cells are kept as the file gives them (a date cell of a
spreadsheet stays a date) so that the importer can say what is wrong with each. Row numbers are
the spreadsheet's: the header is row 1. Written tables hold text cells only, so a year stays
``2020`` and a month ``2020-09`` (a spreadsheet program would turn them into dates).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kgtool.errors import InputError, ParameterError

FORMATS = ("csv", "xlsx")
SHEET = "memberships"


@dataclass
class Table:
    """The header (as written, trimmed) and the data rows with their row numbers."""

    header: list[str]
    rows: list[tuple[int, list[object]]]


def column_letter(index: int) -> str:
    """``A`` for the first column, ``AA`` for the 27th."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def table_format(path: Path, given: str | None = None) -> str:
    chosen = given or path.suffix.lower().lstrip(".")
    if chosen not in FORMATS:
        raise ParameterError(f"{path}: give a .csv or .xlsx file (or -f csv|xlsx)")
    return chosen


def _blank(cells: list[object]) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def read_table(path: Path, shown: str) -> Table:
    """The table in ``path`` (CSV or xlsx); InputError naming the file when it cannot be read."""
    fmt = table_format(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"{shown}: cannot read: {error.strerror or error}") from None
    raw = _read_xlsx(data, shown) if fmt == "xlsx" else _read_csv(data, shown)
    if not raw or _blank(raw[0]):
        raise InputError(f"{shown} row 1: no header row (see `kgtool new sheet`)")
    header = [str(c or "").strip() for c in raw[0]]
    rows = [(n, cells) for n, cells in enumerate(raw[1:], start=2) if not _blank(cells)]
    return Table(header, rows)


def _read_csv(data: bytes, shown: str) -> list[list[object]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"{shown} row {line}: not UTF-8 text ({error.reason})") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel in Swedish writes ';'
    return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _read_xlsx(data: bytes, shown: str) -> list[list[object]]:
    openpyxl = _openpyxl()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is no workbook
        raise InputError(f"{shown}: not an xlsx workbook ({type(error).__name__})") from None
    sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _openpyxl():
    try:
        import openpyxl
    except ImportError:
        raise ParameterError(
            "xlsx needs openpyxl: pip install 'kgtool[xlsx]' (or use a .csv file)"
        ) from None
    return openpyxl


def write_table(
    header: list[str], rows: list[list[str]], fmt: str, notes: list[list[str]] | None = None
) -> bytes:
    """The table as CSV or xlsx bytes; ``notes`` (rows of text) go to a second sheet ``help``."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return out.getvalue().encode("utf-8")
    openpyxl = _openpyxl()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET
    for values in [header, *rows]:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            cell.number_format = "@"  # text: a year or a month stays as written
    for cell in sheet[1]:
        cell.font = openpyxl.styles.Font(bold=True)
    for index, name in enumerate(header):
        sheet.column_dimensions[column_letter(index)].width = max(12, len(name) + 4)
    if notes:
        help_sheet = book.create_sheet("help")
        for line in notes:
            help_sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
