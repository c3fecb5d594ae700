"""From the file's bytes to its rows' verdict: decode, read, check every row (no database)."""

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from app.core.codes import RowCode
from app.core.config import Settings
from app.core.schemas import RowError
from app.imports.csv_reader import (
    DELIMITERS,
    FileRefusedError,
    Record,
    decode,
    delimiter_mismatch,
    detect_delimiter,
    file_error,
    is_blank,
    line_ranges,
    read_header,
    read_records,
)
from app.imports.options import OnExisting
from app.imports.rows import RowPolicy
from app.imports.rules import FileChecker, duplicate_error


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


@dataclass(frozen=True, slots=True)
class FileLimits:
    """What a file is judged by. Fixed when an upload is accepted: a job carries its limits
    (UserImport.limits), so a worker never judges it again by its own settings."""

    max_rows: int
    max_errors: int
    policy: RowPolicy

    @classmethod
    def from_settings(cls, settings: Settings, *, keep_passwords: bool = False) -> "FileLimits":
        """keep_passwords: the import updates existing users (on_existing=update), so a row
        may leave Password empty to keep its user's own."""
        domains = tuple(settings.allowed_domains)
        policy = RowPolicy(settings.min_password_length, domains, keep_passwords)
        return cls(settings.max_rows, settings.max_errors, policy)

    @classmethod
    def of_import(cls, settings: Settings, on_existing: str) -> "FileLimits":
        """An import's limits: with on_existing=update an empty Password keeps a user's own."""
        return cls.from_settings(settings, keep_passwords=on_existing == OnExisting.UPDATE)

    def to_json(self) -> dict[str, Any]:
        return {
            "max_rows": self.max_rows,
            "max_errors": self.max_errors,
            "min_password_length": self.policy.min_password_length,
            "allowed_domains": list(self.policy.allowed_domains),
            "keep_passwords": self.policy.keep_passwords,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "FileLimits":
        policy = RowPolicy(
            int(data["min_password_length"]),
            tuple(data["allowed_domains"]),
            bool(data.get("keep_passwords", False)),
        )
        return cls(int(data["max_rows"]), int(data["max_errors"]), policy)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a job's check reads: a whole file, or a part of one (the file's header lines,
    then a range of its lines whose first is first_row)."""

    first_row: int | None = None
    # A part received as it arrived: its header is this row, or the part cannot be read apart.
    head_rows: int | None = None
    keep_users: bool = True  # a dry run needs only the addresses


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

    first_row: the data is a part cut by cut_parts (the file's header, then a range of its
    lines), whose first line after the header is this row of the file. head_rows: its header
    must be this row, and every row one line (else it is refused: the caller reads the file
    whole)."""
    max_rows = limits.max_rows
    checked_rows = max_rows if job_above is None else min(job_above, max_rows)
    result = Validation(cells={} if keep_cells else None)
    checker = FileChecker(limits.max_errors, limits.policy, keep_users, first_row is None)
    try:
        decoded = decode(data)
        result.encoding = decoded.encoding
        delimiter = detect_delimiter(decoded.text)
        result.delimiter = DELIMITERS[delimiter]
        records = read_records(decoded.text, delimiter)
        first = next(records, None)
        if first is None:
            raise file_error(
                RowCode.EMPTY_FILE, "The file is empty; fill in the template and upload it."
            )
        header = read_header(first)
        result.columns = header.names
        ranges = line_ranges(decoded.text, first.row, parts) if parts > 1 else None
        stride = parts
        if first_row is not None:  # a part of a file: its lines after the header
            if head_rows is not None and first.row != head_rows:
                raise file_error(RowCode.MALFORMED_CSV, "The part's header is not the file's.")
            begin = _after_lines(decoded.text, first.row)
            records = read_records(
                decoded.text[begin:], delimiter, first_row, one_line=head_rows is not None
            )
            result.lines_share = True
            checked_rows = sys.maxsize
        elif ranges is not None:
            begin, end, first_row = ranges[part]
            records = read_records(decoded.text[begin:end], delimiter, first_row)
            result.lines_share, stride = True, 1
            checked_rows = sys.maxsize  # the parts' total is judged when they are joined
        for record in records:
            result.rows += 1
            if (
                result.rows == 1
                and (ranges is None or part == 0)
                and (first_row is None or first_row == first.row + 1)
                and (mismatch := delimiter_mismatch(header, record, delimiter))
            ):
                raise mismatch
            if result.rows > checked_rows:
                return _count_rest(result, checker, records, max_rows)
            if stride > 1 and (result.rows - 1) % stride != part:
                continue
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
        if not result.rows:
            raise file_error(RowCode.EMPTY_FILE, "The file has a header but no user rows.")
    except FileRefusedError as exc:
        checker.report(exc.errors)
        result.errors, result.error_count = checker.errors, checker.error_count
        return result
    result.checker = checker
    result.errors, result.error_count = checker.errors, checker.error_count
    return result


def _after_lines(text: str, lines: int) -> int:
    """Where the text's line after its first `lines` lines begins."""
    start = 0
    for _ in range(lines):
        start = text.find("\n", start) + 1
    return start


def cut_parts(data: bytes, parts: int) -> tuple[str, list[tuple[int, bytes]]] | None:
    """A file whose rows are its lines cut into about `parts` parts, each the file's header
    and a range of its lines (UTF-8), with the row of its first line: for validate_file's
    first_row. Also the file's encoding. None when the file cannot be cut so (quotes, a lone
    CR, too few lines, or not readable at all: it is checked whole)."""
    try:
        decoded = decode(data)
        text = decoded.text
        delimiter = detect_delimiter(text)
        first = next(read_records(text, delimiter), None)
    except FileRefusedError:
        return None
    if first is None:
        return None
    ranges = line_ranges(text, first.row, parts, min_lines=1)  # the job decided how many
    if ranges is None:
        return None
    header = text[: ranges[0][0]]
    cut = [(row, (header + text[begin:end]).encode()) for begin, end, row in ranges]
    return decoded.encoding, cut


def _key(error: RowError) -> tuple[int | None, str | None, str, str]:
    return (error.row, error.column, error.code, error.message)


def merge_errors(parts: list[tuple[list[RowError], int]]) -> tuple[list[RowError], int]:
    """The row errors of a file's parts (each part's errors and count), joined: an error every
    part found (a file error, when each part read the whole file) counts once."""
    shared = set.intersection(*({_key(e) for e in errors} for errors, _count in parts))
    joined = list(parts[0][0])
    joined += [e for errors, _count in parts[1:] for e in errors if _key(e) not in shared]
    count = sum(count for _errors, count in parts) - (len(parts) - 1) * len(shared)
    return joined, count


def merge_parts(parts: list[Validation], max_rows: int) -> Validation | None:
    """One verdict from the parts of a file checked in parallel (dry runs: no users kept), or
    None when the file must be checked whole after all.

    Parts that read the whole file all found its file errors (a broken row, too many rows):
    those count once. Parts that read ranges of lines cannot judge the file as a whole: when
    one of them met a file error, or their rows add up to too many, the file is checked whole
    (None). Row errors are each part's own; an address first seen in one part and again in
    another is a duplicate on its later row."""
    merged = parts[0]
    if len(parts) == 1:
        return merged
    if merged.lines_share:
        rows = sum(part.rows for part in parts)
        if too_many_rows(rows, max_rows) or any(part.checker is None for part in parts):
            return None
        merged.rows = rows
    errors, count = merge_errors([(part.errors, part.error_count) for part in parts])
    checkers = [part.checker for part in parts]
    if merged.checker is None or None in checkers:
        merged.checker = None
    else:
        first_rows = merged.checker.first_rows
        for checker in checkers[1:]:
            assert checker is not None
            merged.checker.keeps.update(checker.keeps)
            for key, row in checker.first_rows.items():
                earlier = first_rows.setdefault(key, row)
                if earlier != row:
                    first_rows[key] = min(earlier, row)
                    errors.append(duplicate_error(max(earlier, row), min(earlier, row)))
                    count += 1
    merged.errors, merged.error_count = errors, count
    return merged
