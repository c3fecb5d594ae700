"""From the file's bytes to its rows' verdict in one reading: decode, read, check every row (no
database)."""

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.core.codes import RowCode
from app.core.schemas import RowError
from app.imports.reading.decoding import FileRefusedError, decode, file_error
from app.imports.reading.file_rules import FileChecker
from app.imports.reading.header import Header, delimiter_mismatch, read_header
from app.imports.reading.limits import FileLimits, Scope
from app.imports.reading.records import (
    DELIMITERS,
    LINE_END,
    Record,
    Records,
    detect_delimiter,
    is_blank,
    line_ranges,
)
from app.imports.reading.usual_rows import STOP, read_usual


@dataclass(slots=True)
class Validation:
    """What the file says, before the directory is asked."""

    encoding: str | None = None
    delimiter: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    checker: FileChecker | None = None  # None when the file could not be read as rows
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    # A share of a file read by lines (see validate_file): rows counts this share's rows only.
    lines_share: bool = False
    # More rows than a synchronous import takes: counted, not checked (a job checks them).
    job_sized: bool = False
    # Email, Name and Force Change Password of each row, when asked for (the CSV error file).
    cells: dict[int, tuple[str, str, str]] | None = None


def _extra_cells(row: int, cells: list[str], width: int) -> RowError | None:
    if len(cells) > width and not is_blank(cells[width:]):
        message = f"Row {row} has more cells than the header has columns; check its quoting."
        return RowError(row=row, column=None, code=RowCode.MALFORMED_CSV, message=message)
    return None


def too_many_rows(rows: int, max_rows: int) -> list[RowError] | None:
    """The one judgement of a file's length: None when it may be imported."""
    if rows <= max_rows:
        return None
    message = (
        f"The file has {rows} addresses; at most {max_rows} can be imported at once. "
        f"Split it and import it in batches of {max_rows} or fewer."
    )
    return file_error(RowCode.TOO_MANY_ROWS, message).errors


def _count_rest(
    result: Validation, checker: FileChecker, rest: Iterator[Record], max_rows: int
) -> Validation:
    """Past the rows this reading checks: count the rest without keeping or checking it. Too
    many rows refuse the file; else it is job-sized (a job checks every row); a broken tail
    refuses it with what was found so far."""
    broken = None
    try:
        result.rows += sum(1 for _ in rest)
    except FileRefusedError as exc:
        broken = exc.errors
    refused = too_many_rows(result.rows, max_rows)
    if refused is not None:
        result.errors, result.error_count = refused, 1
    elif broken is not None:
        checker.report(broken)
        result.errors, result.error_count = checker.errors, checker.error_count
    else:
        result.job_sized = True
    return result


def check_scope(data: bytes, limits: FileLimits, scope: Scope) -> Validation:
    return validate_file(
        data,
        limits,
        keep_users=scope.keep_users,
        first_row=scope.first_row,
        head_rows=scope.head_rows,
    )


def validate_file(
    data: bytes,
    limits: FileLimits,
    *,
    keep_users: bool = True,
    part: int = 0,
    parts: int = 1,
    job_above: int | None = None,
    keep_cells: bool = False,
    first_row: int | None = None,
    head_rows: int | None = None,
) -> Validation:
    """Read and check the rows, in one reading: every row error of the file (the first
    max_errors), or the valid users; no database. A file with more than job_above rows (and
    at most max_rows) is counted, not checked: job_sized. keep_cells keeps each row's cells
    but its password (for the CSV error file).

    With parts > 1 only a share of the rows is checked, for merge_parts to join: a large file
    whose rows are its lines (no quotes) is split into ranges of lines and only the part-th is
    read; any other file is read whole and every parts-th row, from the part-th on, checked.

    first_row: the data is a part (the file's header, then a range of its records, cut by
    cut_parts or app/imports/jobs/part_cutter.py), whose first record after the header is this
    row of the file. head_rows: its header must be this row (else it is refused: the caller
    reads the file whole)."""
    result = Validation(cells={} if keep_cells else None)
    checker = FileChecker(limits.max_errors, limits.policy, keep_users, first_row is None)
    try:
        decoded = decode(data)
        result.encoding = decoded.encoding
        delimiter = detect_delimiter(decoded.text)
        result.delimiter = DELIMITERS[delimiter]
        records = Records(decoded.text, delimiter)
        first = next(records.read(), None)
        if first is None:
            raise file_error(
                RowCode.EMPTY_FILE, "The file is empty; fill in the template and upload it."
            )
        header = read_header(first)
        result.columns = header.names
        reading = _Reading(result, checker, header, limits, job_above, delimiter)
        start, ranges = first.row + 1, None
        if first_row is not None:  # a part of a file: its lines after the header
            if head_rows is not None and first.row != head_rows:
                raise file_error(RowCode.MALFORMED_CSV, "The part's header is not the file's.")
            begin = _after_lines(decoded.text, first.row)
            records, start = Records(decoded.text[begin:], delimiter), first_row
            reading.share(first_row == first.row + 1)
        elif parts > 1 and (ranges := line_ranges(decoded.text, first.row, parts)) is not None:
            begin, end, start = ranges[part]
            records = Records(decoded.text[begin:end], delimiter)
            reading.share(part == 0)  # the parts' total is judged when they are joined
        elif parts > 1:
            reading.stride, reading.part = parts, part
        reading.records = records
        if reading.stride == 1 and result.cells is None:
            counted = read_usual(records, start, header, checker, reading.limit, reading.other)
        else:
            counted = 0
            for record in records.read(start):
                if (counted := reading.record(record, counted)) == STOP:
                    break
        if counted == STOP:
            return result  # counted past the rows it checks (_count_rest)
        result.rows = counted
        if not result.rows:
            raise file_error(RowCode.EMPTY_FILE, "The file has a header but no user rows.")
    except FileRefusedError as exc:
        checker.report(exc.errors)
        result.errors, result.error_count = checker.errors, checker.error_count
        return result
    result.checker = checker
    result.errors, result.error_count = checker.errors, checker.error_count
    return result


class _Reading:
    """What validate_file does with each record the usual rows' loop leaves to the full rules
    (or with every record, when that loop is not used)."""

    def __init__(
        self,
        result: Validation,
        checker: FileChecker,
        header: Header,
        limits: FileLimits,
        job_above: int | None,
        delimiter: str,
    ) -> None:
        self.result, self.checker, self.header = result, checker, header
        self.delimiter = delimiter
        self.max_rows = limits.max_rows
        self.limit = self.max_rows if job_above is None else min(job_above, self.max_rows)
        self.stride, self.part = 1, 0  # every stride-th row from the part-th on is checked
        self.first_of_file = True  # the first row read is the file's (its delimiter checked)
        self.records: Records | None = None

    def share(self, first_of_file: bool) -> None:
        """Only a share of the file's rows is read: its total is judged when they are joined."""
        self.result.lines_share, self.first_of_file, self.limit = True, first_of_file, sys.maxsize

    def other(self, row: int, cells: list[str], rows: int) -> int:
        assert self.records is not None
        record = self.records.take(row, cells)
        return rows if record is None else self.record(record, rows)

    def record(self, record: Record, rows: int) -> int:
        """Count and check one record; rows: how many were counted before it. How many are
        counted with it, or STOP once past the rows this reading checks (the rest counted)."""
        result, checker, header = self.result, self.checker, self.header
        rows += 1
        if rows == 1 and self.first_of_file:
            mismatch = delimiter_mismatch(header, record, self.delimiter)
            if mismatch:
                raise mismatch
        if rows > self.limit:
            assert self.records is not None
            result.rows = rows
            _count_rest(result, checker, self.records.read(record.row + 1), self.max_rows)
            return STOP
        if self.stride > 1 and (rows - 1) % self.stride != self.part:
            return rows
        cells = header.pick(record.cells)
        if result.cells is not None:
            result.cells[record.row] = (cells[0], cells[1], cells[3])
        extra = _extra_cells(record.row, record.cells, header.width)
        if extra is not None:
            checker.report([extra])
        elif header.optional is None:
            checker.check(record.row, cells)
        else:
            checker.check(record.row, cells, header.pick_optional(record.cells))
        return rows


def _after_lines(text: str, lines: int) -> int:
    """Where the text's line after its first `lines` lines (each ending in LF, CRLF or a lone
    CR) begins."""
    start = 0
    for found, _line in zip(LINE_END.finditer(text), range(lines), strict=False):
        start = found.end()
    return start
