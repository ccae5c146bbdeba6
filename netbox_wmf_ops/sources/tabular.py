"""CSV and XLSX exports read as rows of strings, plus A1-range selection, so an exported copy of a spreadsheet can
stand in for the Google Sheets API (the same A1 ranges pick the same cells)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from . import SourceError

Rows = list[list[str]]

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls
MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Table:
    title: str  # worksheet name; the file name for a CSV
    rows: Rows
    is_csv: bool = False


def read_tables(name: str, content: bytes) -> list[Table]:
    """Every worksheet of an XLSX file, or the single table of a CSV file (detected by content, not by name)."""
    if len(content) > MAX_BYTES:
        raise SourceError(f"{name}: file is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    if content.startswith(ZIP_MAGIC):
        return _read_xlsx(name, content)
    if content.startswith(OLE_MAGIC):
        raise SourceError(f"{name}: legacy .xls files are not supported; export as .xlsx or .csv")
    return [Table(Path(name).stem, _read_csv(name, content), is_csv=True)]


def read_file(path: str) -> list[Table]:
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        raise SourceError(f"cannot read {path}: {error.strerror}") from None
    return read_tables(path, content)


def _read_csv(name: str, content: bytes) -> Rows:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise SourceError(f"{name}: not a text (CSV) file")
    if "\x00" in text:
        raise SourceError(f"{name}: not a CSV or XLSX file")
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return _trim([list(row) for row in csv.reader(io.StringIO(text), dialect)])
    except csv.Error as error:
        raise SourceError(f"{name}: malformed CSV: {error}") from None


def _read_xlsx(name: str, content: bytes) -> list[Table]:
    import openpyxl  # imported here: only XLSX uploads need it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # data_only=False: a formula cell reads as its formula text, like the Sheets API's FORMULA rendering.
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise SourceError(f"{name}: not a readable XLSX file ({type(error).__name__})") from None
    try:
        return [
            Table(sheet.title, _trim([[xlsx_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]))
            for sheet in book.worksheets
        ]
    finally:
        book.close()


def xlsx_cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.strftime("%m/%d/%Y") if value.time() == datetime.time() else value.strftime("%m/%d/%Y %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.strftime("%m/%d/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _trim(rows: Rows) -> Rows:
    """Drop trailing empty cells of each row and trailing empty rows, as the Sheets API does."""
    trimmed = []
    for row in rows:
        end = len(row)
        while end and not row[end - 1].strip():
            end -= 1
        trimmed.append(row[:end])
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return trimmed


# --- A1 notation -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class A1Range:
    sheet: str | None
    first_row: int = 1
    first_col: int = 1
    last_row: int | None = None  # None: open-ended
    last_col: int | None = None


_CELL = re.compile(r"^([A-Za-z]{0,3})(\d*)$")
_CELLS_ONLY = re.compile(r"^(?:[A-Za-z]{1,3}\d*|\d+)(?::(?:[A-Za-z]{1,3}\d*|\d+))?$")


def parse_a1(text: str) -> A1Range:
    """Parse 'Sheet!A1:F', "'My sheet'!A:F", 'Sheet', 'A:F' or '' (the whole first sheet)."""
    text = text.strip()
    if not text:
        return A1Range(None)
    if "!" in text:
        sheet, cells = text.rsplit("!", 1)
    elif _CELLS_ONLY.match(text):
        sheet, cells = None, text
    else:
        sheet, cells = text, ""
    if sheet is not None and len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    if not cells:
        return A1Range(sheet)
    start, _, end = cells.partition(":")
    first_col, first_row = _cell(start, text)
    last_col, last_row = _cell(end or start, text)
    return A1Range(sheet, first_row or 1, first_col or 1, last_row, last_col)


def _cell(ref: str, whole: str) -> tuple[int | None, int | None]:
    match = _CELL.match(ref)
    if not match:
        raise SourceError(f"invalid A1 range {whole!r}")
    letters, digits = match.groups()
    col = 0
    for letter in letters.upper():
        col = col * 26 + ord(letter) - ord("A") + 1
    return (col or None), (int(digits) if digits else None)


def select_range(tables: list[Table], a1: str) -> Rows:
    """The cells of ``a1`` in ``tables``, like values.get would return them. A CSV has one table, so its sheet name
    is ignored; an XLSX file must contain the named worksheet."""
    bounds = parse_a1(a1)
    table = _pick_table(tables, bounds.sheet)
    rows = table.rows[bounds.first_row - 1 : bounds.last_row]
    return _trim([row[bounds.first_col - 1 : bounds.last_col] for row in rows])


def _pick_table(tables: list[Table], sheet: str | None) -> Table:
    if not tables:
        raise SourceError("the file holds no worksheet")
    if sheet is None or tables[0].is_csv:
        return tables[0]
    for table in tables:
        if table.title == sheet:
            return table
    for table in tables:
        if table.title.casefold() == sheet.casefold():
            return table
    names = ", ".join(t.title for t in tables)
    raise SourceError(f"worksheet {sheet!r} not found (the file has: {names})")
