"""A file's rows checked in parts: a file whose rows are its lines cut into parts (each with the
header), and the parts' verdicts joined into one."""

from app.core.schemas import RowError
from app.imports.reading.decoding import FileRefusedError, decode
from app.imports.reading.file_rules import duplicate_error
from app.imports.reading.records import detect_delimiter, line_ranges, read_records
from app.imports.reading.validation import Validation, too_many_rows


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
