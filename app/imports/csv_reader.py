"""Bytes to text to CSV records, and the header row that maps cells to template columns.

Everything here streams: records are read one at a time, and a structural problem (a broken
quote, an over-long row, too many columns) stops the reading where it is found.
"""

import codecs
import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from app.schemas import RowError

EMAIL, NAME, PASSWORD, FORCE_CHANGE = "Email", "Name", "Password", "Force Change Password"
TEMPLATE_COLUMNS = (EMAIL, NAME, PASSWORD, FORCE_CHANGE)
MAX_ROW_BYTES = 64 * 1024
MAX_COLUMNS = 64
POUND_IN_WINDOWS_1252 = b"\xa3"
SAVE_AS_CSV = 'In your spreadsheet program choose "Save as" > "CSV UTF-8" and upload that file.'
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}

# Header names other consoles use (Microsoft 365, Google Workspace, Auth0...), case-insensitive.
_ALIASES = {
    EMAIL: ("e-mail", "e-mail address", "email address", "email address [required]",
            "user name", "username", "mail", "primary email"),
    NAME: ("display name", "full name"),
    PASSWORD: ("password [required]",),
    FORCE_CHANGE: ("change password at next sign-in", "change password at next sign in",
                   "force password change"),
}  # fmt: skip
_BINARY_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another ZIP archive",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Excel workbook (.xls)",
    b"%PDF-": "a PDF document",
}
# Windows-1252 leaves five bytes undefined; like browsers, read them as the C1 controls.
_WINDOWS_1252 = {
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_LINE_END = re.compile(r"\r\n|\r|\n")
CHUNK_CHARS = 256 * 1024
# str.splitlines also breaks at these; CSV breaks lines only at CR and LF.
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# csv's own bound on one cell: a longer cell is an over-long row, refused without reading on.
csv.field_size_limit(MAX_ROW_BYTES)


class FileRefusedError(Exception):
    """Problems that stop the reading of the file."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} file error(s)")
        self.errors = errors


def file_error(code: str, message: str, row: int | None = None) -> FileRefusedError:
    return FileRefusedError([RowError(row=row, column=None, code=code, message=message)])


@dataclass(frozen=True, slots=True)
class DecodedFile:
    text: str
    encoding: str


def _refuse_binary(data: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise file_error("not_csv", f"The file is {what}, not CSV. {SAVE_AS_CSV}")
    if b"\x00" in data:
        raise file_error("not_csv", f"The file holds binary data, not CSV text. {SAVE_AS_CSV}")


def decode(data: bytes) -> DecodedFile:
    """UTF-16 with a BOM, UTF-8 (BOM or not), else Windows-1252 unless a £ makes it ambiguous."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return DecodedFile(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError:
            raise file_error(
                "not_csv", f"The file is not valid UTF-16 text. {SAVE_AS_CSV}"
            ) from None
    _refuse_binary(data)
    try:
        return DecodedFile(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError:
        pass
    if POUND_IN_WINDOWS_1252 in data:
        raise file_error(
            "encoding_not_utf8",
            f'The file is not UTF-8 and contains a "£" that would be read wrongly. {SAVE_AS_CSV}',
        )
    return DecodedFile(data.decode("latin-1").translate(_WINDOWS_1252), "windows-1252")


def detect_delimiter(text: str) -> str:
    """The delimiter the header row uses most: comma, semicolon or tab (comma on a tie)."""
    first_line = _LINE.match(text.lstrip("\r\n"))
    header = first_line.group() if first_line else ""
    return max(DELIMITERS, key=header.count)


@dataclass(frozen=True, slots=True)
class Record:
    row: int  # as a spreadsheet numbers it: the first record of the file is row 1
    cells: list[str]


class _RowTooLongError(Exception):
    pass


def _lines(text: str) -> Iterator[str]:
    """Physical lines, lazily (no copy of the text); an over-long one stops the reading."""
    for match in _LINE.finditer(text):
        line = match.group()
        if len(line) > MAX_ROW_BYTES or (
            len(line) > MAX_ROW_BYTES // 4 and len(line.encode("utf-8")) > MAX_ROW_BYTES
        ):
            raise _RowTooLongError
        yield line


def _row_too_long(row: int) -> FileRefusedError:
    message = f"Row {row} is longer than {MAX_ROW_BYTES // 1024} KiB; check its quoting."
    return file_error("row_too_long", message, row)


def is_blank(cells: list[str]) -> bool:
    first = cells[0] if cells else ""
    if first and not first.isspace():  # the first cell is nearly always filled in
        return False
    return not "".join(cells).strip()


def _chunks(text: str) -> Iterator[str]:
    """The text in pieces of about CHUNK_CHARS that end at a line end (CR, LF or CRLF)."""
    start, size = 0, len(text)
    while start < size:
        found = _LINE_END.search(text, min(start + CHUNK_CHARS, size))
        end = found.end() if found else size
        yield text[start:end]
        start = end


def _physical_lines(text: str) -> Iterator[str]:
    """The text's lines, a chunk at a time: each chunk is split at once (fast) when its lines
    are short, otherwise line by line, stopping at an over-long one. Only the lines of one
    chunk exist at once, so a file of millions of short lines costs no more than its text.
    Where other characters would break lines for str.splitlines, the lines are found lazily."""
    if _OTHER_BREAKS.search(text):
        yield from _lines(text)
        return
    for chunk in _chunks(text):
        lines = chunk.splitlines(keepends=True)
        if max(map(len, lines), default=0) <= MAX_ROW_BYTES // 4:  # even at 4 bytes a character
            yield from lines
        else:
            yield from _lines(chunk)


def read_records(text: str, delimiter: str) -> Iterator[Record]:
    """Every non-blank record; quoted line breaks stay inside their cell and row."""
    reader = csv.reader(_physical_lines(text), delimiter=delimiter, strict=True)
    row = 0
    lines_read = 0
    try:
        for row, cells in enumerate(reader, start=1):
            if len(cells) > MAX_COLUMNS:
                message = f"Row {row} has {len(cells)} cells; at most {MAX_COLUMNS} are read."
                raise file_error("too_many_columns", message, row)
            # A one-line record is no longer than its line, which was checked already.
            if reader.line_num > lines_read + 1 and sum(map(len, cells)) > MAX_ROW_BYTES:
                raise _row_too_long(row)
            lines_read = reader.line_num
            if not is_blank(cells):
                yield Record(row, cells)
    except _RowTooLongError:
        raise _row_too_long(row + 1) from None
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _row_too_long(row + 1) from None
        message = f"Row {row + 1} is not valid CSV ({exc}); check its quotes."
        raise file_error("malformed_csv", message, row + 1) from None


def _header_key(name: str) -> str:
    return " ".join(name.split()).casefold()


_COLUMN_BY_KEY = {
    _header_key(name): column
    for column in TEMPLATE_COLUMNS
    for name in (column, *_ALIASES.get(column, ()))
}


@dataclass(frozen=True)
class Header:
    row: int
    positions: dict[str, int]  # template column -> index of its cell
    names: dict[str, str]  # header as written -> template column
    width: int

    @cached_property
    def _indexes(self) -> tuple[int, int, int, int]:
        email, name, password, force = (self.positions[column] for column in TEMPLATE_COLUMNS)
        return email, name, password, force

    def pick(self, cells: list[str]) -> tuple[str, str, str, str]:
        """The row's Email, Name, Password and Force Change Password cells ("" if missing)."""
        email, name, password, force = self._indexes
        width = len(cells)
        if width > max(self._indexes):
            return cells[email], cells[name], cells[password], cells[force]
        return (
            cells[email] if email < width else "",
            cells[name] if name < width else "",
            cells[password] if password < width else "",
            cells[force] if force < width else "",
        )


def _header_error(row: int, column: str, code: str, message: str) -> RowError:
    return RowError(row=row, column=column, code=code, message=message)


def read_header(record: Record) -> Header:
    """Map header cells to template columns: any order, any case; blank headers are ignored."""
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(record.cells):
        written = raw.strip()
        if not written:
            continue
        column = _COLUMN_BY_KEY.get(_header_key(written))
        if column is None:
            message = (
                f'"{written}" is not a template column; the columns are '
                f"{', '.join(TEMPLATE_COLUMNS)}."
            )
            errors.append(_header_error(record.row, written, "unknown_column", message))
        elif column in positions:
            message = f'Two header cells name the "{column}" column.'
            errors.append(_header_error(record.row, column, "duplicate_column", message))
        else:
            positions[column] = index
            names[written] = column
    for column in TEMPLATE_COLUMNS:
        if column not in positions:
            message = f'The header has no "{column}" column; download the template to see them all.'
            errors.append(_header_error(record.row, column, "missing_column", message))
    if errors:
        raise FileRefusedError(errors)
    return Header(record.row, positions, names, len(record.cells))
