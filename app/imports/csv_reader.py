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
from itertools import pairwise
from typing import NamedTuple

from app.core.codes import RowCode
from app.core.schemas import RowError
from app.imports.rows import HEADER_NAMES, OPTIONAL_COLUMNS, TEMPLATE_COLUMNS

MAX_ROW_BYTES = 64 * 1024
MAX_COLUMNS = 64
MIN_LINES_PER_PART = 500  # a file is split between workers only when each part has this many
POUND_IN_WINDOWS_1252 = b"\xa3"
SAVE_AS_CSV = 'In your spreadsheet program choose "Save as" > "CSV UTF-8" and upload that file.'
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}

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


def file_error(code: RowCode, message: str, row: int | None = None) -> FileRefusedError:
    return FileRefusedError([RowError(row=row, column=None, code=code, message=message)])


@dataclass(frozen=True, slots=True)
class DecodedFile:
    text: str
    encoding: str


def _refuse_binary(data: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise file_error(RowCode.NOT_CSV, f"The file is {what}, not CSV. {SAVE_AS_CSV}")
    if b"\x00" in data:
        raise _binary_data()


def _binary_data() -> FileRefusedError:
    return file_error(RowCode.NOT_CSV, f"The file holds binary data, not CSV text. {SAVE_AS_CSV}")


# A well-formed multi-byte UTF-8 sequence: a file holding these was written as UTF-8.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _mixed_encoding(data: bytes, error: UnicodeDecodeError) -> FileRefusedError | None:
    """A file that is UTF-8 but for some bytes: reading it all as Windows-1252 would garble
    every non-ASCII character (passwords too), so it is refused at the first bad byte."""
    if not _UTF8_SEQUENCE.search(data):
        return None
    row = data.count(b"\n", 0, error.start) + 1
    message = (
        f"Row {row} holds bytes that are not UTF-8, while the rest of the file is UTF-8. "
        f"{SAVE_AS_CSV}"
    )
    return file_error(RowCode.ENCODING_MIXED, message, row)


def decode(data: bytes) -> DecodedFile:
    """UTF-16 with a BOM, UTF-8 (BOM or not), else Windows-1252 unless a £ makes it ambiguous
    or the file is UTF-8 but for some bytes. Text holding a NUL is no CSV."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            message = f"The file is not valid UTF-16 text. {SAVE_AS_CSV}"
            raise file_error(RowCode.NOT_CSV, message) from None
        if "\x00" in text:
            raise _binary_data()
        return DecodedFile(text, "utf-16")
    _refuse_binary(data)
    try:
        return DecodedFile(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as exc:
        mixed = _mixed_encoding(data, exc)
    if mixed is not None:
        raise mixed
    if POUND_IN_WINDOWS_1252 in data:
        raise file_error(
            RowCode.ENCODING_NOT_UTF8,
            f'The file is not UTF-8 and contains a "£" that would be read wrongly. {SAVE_AS_CSV}',
        )
    return DecodedFile(data.decode("latin-1").translate(_WINDOWS_1252), "windows-1252")


def detect_delimiter(text: str) -> str:
    """The delimiter the header row uses most: comma, semicolon or tab (comma on a tie)."""
    first_line = _LINE.match(text.lstrip("\r\n"))
    header = first_line.group() if first_line else ""
    return max(DELIMITERS, key=header.count)


class Record(NamedTuple):  # a tuple: made once per row, cheaply
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
    return file_error(RowCode.ROW_TOO_LONG, message, row)


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


def read_records(
    text: str, delimiter: str, first_row: int = 1, *, one_line: bool = False
) -> Iterator[Record]:
    """Every non-blank record; quoted line breaks stay inside their cell and row. first_row:
    the row number of the text's first line (when the text is a part of the file). one_line:
    a record over several lines is refused (a part whose rows must be its lines)."""
    reader = csv.reader(_physical_lines(text), delimiter=delimiter, strict=True)
    row = first_row - 1
    lines_read = 0
    try:
        for row, cells in enumerate(reader, start=first_row):
            if len(cells) > MAX_COLUMNS:
                message = f"Row {row} has {len(cells)} cells; at most {MAX_COLUMNS} are read."
                raise file_error(RowCode.TOO_MANY_COLUMNS, message, row)
            # A one-line record is no longer than its line, which was checked already.
            if reader.line_num > lines_read + 1:
                if one_line:
                    message = f"Row {row} is more than one line; the file is read whole."
                    raise file_error(RowCode.MALFORMED_CSV, message, row)
                if sum(map(len, cells)) > MAX_ROW_BYTES:
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
        raise file_error(RowCode.MALFORMED_CSV, message, row + 1) from None


def line_ranges(
    text: str, header_row: int, parts: int, min_lines: int | None = None
) -> list[tuple[int, int, int]] | None:
    """The user rows of a text split into parts of whole lines: (start, end, first row) each.

    Only when a row is a line: no quote (no quoted line break) and no lone CR line end.
    None otherwise, or when a part would have fewer than min_lines lines (default
    MIN_LINES_PER_PART)."""
    if '"' in text or text.count("\r") != text.count("\r\n"):
        return None
    start = 0
    for _ in range(header_row):  # past the header row (and blank lines before it)
        start = text.find("\n", start) + 1
        if start == 0:
            return None
    if text.count("\n", start) < parts * (MIN_LINES_PER_PART if min_lines is None else min_lines):
        return None
    size = len(text) - start
    bounds = [start]
    for part in range(1, parts):
        cut = text.find("\n", start + size * part // parts) + 1
        bounds.append(cut if cut > bounds[-1] else bounds[-1])
    bounds.append(len(text))
    ranges, row = [], header_row + 1
    for begin, end in pairwise(bounds):
        ranges.append((begin, end, row))
        row += text.count("\n", begin, end)
    return ranges


def _header_key(name: str) -> str:
    return " ".join(name.split()).casefold()


_COLUMN_BY_KEY = {
    _header_key(name): column for column, names in HEADER_NAMES.items() for name in names
}
# A first row that names fewer template columns than this is data, not a header: it is never
# quoted (it may hold a password).
MIN_HEADER_MATCHES = 2


@dataclass(frozen=True)
class Header:
    row: int
    positions: dict[str, int]  # template column -> index of its cell
    names: dict[str, str]  # header as written -> template column
    width: int

    @cached_property
    def optional(self) -> tuple[int | None, int | None] | None:
        """Where the Password Hash and Password Hash Function columns are; None for neither."""
        found = tuple(self.positions.get(column) for column in OPTIONAL_COLUMNS)
        return None if found == (None, None) else (found[0], found[1])

    def pick_optional(self, cells: list[str]) -> tuple[str, str]:
        """The row's Password Hash and Password Hash Function cells ("" if missing)."""
        assert self.optional is not None
        width = len(cells)
        return tuple(  # type: ignore[return-value]
            cells[index] if index is not None and index < width else "" for index in self.optional
        )

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


def column_letter(index: int) -> str:
    """A spreadsheet's name of the column at this index: A, B, ... Z, AA, AB ..."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _header_error(row: int, column: str | None, code: RowCode, message: str) -> RowError:
    return RowError(row=row, column=column, code=code, message=message)


def read_header(record: Record) -> Header:
    """Map header cells to template columns: any order, any case; blank headers are ignored.

    A first row naming fewer than two template columns is taken for data (the header was
    deleted): one file error, and none of its cells is quoted."""
    matches = sum(_header_key(cell) in _COLUMN_BY_KEY for cell in record.cells)
    if matches < MIN_HEADER_MATCHES:
        message = (
            f"Row {record.row} is not the template's header; the first row must name the "
            f"columns {', '.join(TEMPLATE_COLUMNS)}. Add the header row back (download the "
            "template to copy it)."
        )
        raise file_error(RowCode.MISSING_HEADER, message, record.row)
    positions: dict[str, int] = {}
    names: dict[str, str] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(record.cells):
        written = raw.strip()
        if not written:
            continue
        column = _COLUMN_BY_KEY.get(_header_key(written))
        if column is None:  # its text is not quoted: anything may have been pasted there
            message = (
                f"The header's column {column_letter(index)} names no template column; the "
                f"columns are {', '.join(TEMPLATE_COLUMNS)}."
            )
            errors.append(_header_error(record.row, None, RowCode.UNKNOWN_COLUMN, message))
        elif column in positions:
            message = f'Two header cells name the "{column}" column.'
            errors.append(_header_error(record.row, column, RowCode.DUPLICATE_COLUMN, message))
        else:
            positions[column] = index
            names[written] = column
    for column in TEMPLATE_COLUMNS:
        if column not in positions:
            message = f'The header has no "{column}" column; download the template to see them all.'
            errors.append(_header_error(record.row, column, RowCode.MISSING_COLUMN, message))
    if errors:
        raise FileRefusedError(errors)
    return Header(record.row, positions, names, len(record.cells))


def delimiter_mismatch(header: Header, record: Record, delimiter: str) -> FileRefusedError | None:
    """The first user row read with the header's separator falls short of the template's
    columns, and holds another separator often enough: the two were saved differently."""
    if len(record.cells) >= len(TEMPLATE_COLUMNS):
        return None
    text = delimiter.join(record.cells)
    for other, other_name in DELIMITERS.items():
        if other != delimiter and text.count(other) >= len(TEMPLATE_COLUMNS) - 1:
            message = (
                f"The header row is separated by {DELIMITERS[delimiter]}s but row "
                f"{record.row} by {other_name}s; save the file again as CSV with one separator."
            )
            return file_error(RowCode.DELIMITER_MISMATCH, message, record.row)
    return None
