"""Bytes to text to CSV records, and the header row that maps cells to template columns."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from app.schemas import RowError

EMAIL, NAME, PASSWORD, FORCE_CHANGE = "Email", "Name", "Password", "Force Change Password"
TEMPLATE_COLUMNS = (EMAIL, NAME, PASSWORD, FORCE_CHANGE)
POUND_IN_WINDOWS_1252 = b"\xa3"
# Windows-1252 leaves five bytes undefined; like browsers, read them as the C1 controls.
_WINDOWS_1252 = {
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


class FileRefusedError(Exception):
    """Problems that make the whole file unreadable, found before any row is checked."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} file error(s)")
        self.errors = errors


def file_error(code: str, message: str) -> FileRefusedError:
    return FileRefusedError([RowError(row=None, column=None, code=code, message=message)])


@dataclass(frozen=True, slots=True)
class DecodedFile:
    text: str
    encoding: str


def decode(data: bytes) -> DecodedFile:
    """UTF-8 (BOM or not); otherwise Windows-1252, unless a £ shows the encoding matters."""
    try:
        return DecodedFile(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    if POUND_IN_WINDOWS_1252 in data:
        raise file_error(
            "encoding_not_utf8",
            'The file is not UTF-8 and contains a "£" that would be read wrongly. '
            'Save the file as "CSV UTF-8 (Comma delimited)" and upload it again.',
        )
    return DecodedFile(data.decode("latin-1").translate(_WINDOWS_1252), "windows-1252")


@dataclass(frozen=True, slots=True)
class Record:
    row: int  # as a spreadsheet numbers it: the first line of the file is row 1
    cells: list[str]


def is_blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def read_records(text: str) -> Iterator[Record]:
    """Every non-blank record; quoted line breaks stay inside their cell and row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 0
    try:
        for row, cells in enumerate(reader, start=1):
            if not is_blank(cells):
                yield Record(row, cells)
    except csv.Error as exc:
        raise file_error("malformed_csv", f"Row {row + 1} is not valid CSV: {exc}.") from None


def _header_key(name: str) -> str:
    return " ".join(name.split()).casefold()


_COLUMN_BY_KEY = {_header_key(column): column for column in TEMPLATE_COLUMNS}


@dataclass(frozen=True, slots=True)
class Header:
    row: int
    positions: dict[str, int]  # template column -> index of its cell
    width: int

    def cells_of(self, record: Record) -> dict[str, str]:
        cells = record.cells
        return {
            column: cells[index] if index < len(cells) else ""
            for column, index in self.positions.items()
        }


def read_header(record: Record) -> Header:
    """Map header cells to template columns: any order, any case; blank headers are ignored."""
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(record.cells):
        if not raw.strip():
            continue
        column = _COLUMN_BY_KEY.get(_header_key(raw))
        if column is None:
            message = (
                f'"{raw.strip()}" is not a template column; the columns are '
                f"{', '.join(TEMPLATE_COLUMNS)}."
            )
            errors.append(
                RowError(row=record.row, column=raw.strip(), code="unknown_column", message=message)
            )
        elif column in positions:
            message = f'The column "{column}" appears more than once.'
            errors.append(
                RowError(row=record.row, column=column, code="duplicate_column", message=message)
            )
        else:
            positions[column] = index
    for column in TEMPLATE_COLUMNS:
        if column not in positions:
            message = f'The header has no "{column}" column; download the template to see them all.'
            errors.append(
                RowError(row=record.row, column=column, code="missing_column", message=message)
            )
    if errors:
        raise FileRefusedError(errors)
    return Header(record.row, positions, len(record.cells))
