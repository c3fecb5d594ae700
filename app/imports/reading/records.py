"""Text to CSV records, streaming: the delimiter the header uses, then one record at a time, a
structural problem (a broken quote, an over-long row, too many cells) stopping the reading
where it is found; and a text's rows cut into ranges of whole lines."""

import csv
import re
from collections.abc import Iterable, Iterator
from itertools import chain, pairwise
from typing import NamedTuple

from app.core.codes import RowCode
from app.imports.reading.decoding import FileRefusedError, file_error

MAX_ROW_BYTES = 64 * 1024
MAX_COLUMNS = 64
MIN_LINES_PER_PART = 500  # a file is split between workers only when each part has this many


DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
LINE_END = re.compile(r"\r\n|\r|\n")
CHUNK_CHARS = 256 * 1024
# csv's own bound on one cell: a longer cell is an over-long row, refused without reading on.
csv.field_size_limit(MAX_ROW_BYTES)


def detect_delimiter(text: str) -> str:
    """The delimiter the header row uses most: comma, semicolon or tab (comma on a tie)."""
    first_line = _LINE.match(text.lstrip("\r\n"))
    header = first_line.group() if first_line else ""
    return max(DELIMITERS, key=header.count)


class Record(NamedTuple):  # a tuple: made once per row, cheaply
    row: int  # as a spreadsheet numbers it: the first record of the file is row 1
    cells: list[str]


class RowTooLongError(Exception):
    pass


def _lines(text: str) -> Iterator[str]:
    """Physical lines, lazily (no copy of the text); an over-long one stops the reading."""
    for match in _LINE.finditer(text):
        line = match.group()
        if len(line) > MAX_ROW_BYTES or (
            len(line) > MAX_ROW_BYTES // 4 and len(line.encode("utf-8")) > MAX_ROW_BYTES
        ):
            raise RowTooLongError
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
        found = LINE_END.search(text, min(start + CHUNK_CHARS, size))
        end = found.end() if found else size
        yield text[start:end]
        start = end


def _chunk_lines(text: str) -> Iterator[Iterable[str]]:
    """The lines of each chunk of the text: split at once (fast) when they are short and
    str.splitlines breaks them at CR and LF only, else found one by one, stopping at an
    over-long one."""
    for chunk in _chunks(text):
        lines = chunk.splitlines(keepends=True)
        ends = chunk.count("\n") + chunk.count("\r") - chunk.count("\r\n")
        if len(lines) == ends + (chunk[-1] not in "\r\n") and (
            max(map(len, lines)) <= MAX_ROW_BYTES // 4  # even at 4 bytes a character
        ):
            yield lines
        else:  # a long line, or a character str.splitlines also breaks at (not CSV)
            yield _lines(chunk)


def physical_lines(text: str) -> Iterator[str]:
    """The text's lines (ending at CR, LF or CRLF), a chunk at a time, chained in C: csv.reader
    takes each line without a Python call, as fast as from the text whole. Only the lines
    of one chunk exist at once, so a file of millions of short lines costs no more than
    its text."""
    return chain.from_iterable(_chunk_lines(text))


def refused(error: Exception, row: int) -> FileRefusedError:
    """What a reading stopped by `error` (RowTooLongError, csv.Error) after `row` answers."""
    if isinstance(error, RowTooLongError) or "field larger than field limit" in str(error):
        return _row_too_long(row + 1)
    message = f"Row {row + 1} is not valid CSV ({error}); check its quotes."
    return file_error(RowCode.MALFORMED_CSV, message, row + 1)


class Records:
    """A text's CSV records: read one at a time (read), or by a loop of the caller's own over
    `reader` (the usual rows' one step: usual_rows.py) that hands it every other record
    (take) and maps a stopped reading with refused()."""

    def __init__(self, text: str, delimiter: str) -> None:
        self.reader = csv.reader(physical_lines(text), delimiter=delimiter, strict=True)
        self.lines_read = 0  # the reader's line count after the last record taken

    def take(self, row: int, cells: list[str]) -> Record | None:
        """The record just read, as row `row`; None when it is blank. Raises when it has too
        many cells or, spread over lines, is too long."""
        if len(cells) > MAX_COLUMNS:
            message = f"Row {row} has {len(cells)} cells; at most {MAX_COLUMNS} are read."
            raise file_error(RowCode.TOO_MANY_COLUMNS, message, row)
        # A one-line record is no longer than its line, which was checked already.
        line_num = self.reader.line_num
        if line_num > self.lines_read + 1 and sum(map(len, cells)) > MAX_ROW_BYTES:
            raise _row_too_long(row)
        self.lines_read = line_num
        return None if is_blank(cells) else Record(row, cells)

    def read(self, first_row: int = 1) -> Iterator[Record]:
        """Every non-blank record left; quoted line breaks stay inside their cell and row.
        first_row: the row number of the next record."""
        row = first_row - 1
        try:
            for row, cells in enumerate(self.reader, start=first_row):
                record = self.take(row, cells)
                if record is not None:
                    yield record
        except (RowTooLongError, csv.Error) as exc:
            raise refused(exc, row) from None


def read_records(text: str, delimiter: str, first_row: int = 1) -> Iterator[Record]:
    """Every non-blank record; quoted line breaks stay inside their cell and row. first_row:
    the row number of the text's first record (when the text is a part of the file)."""
    return Records(text, delimiter).read(first_row)


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
