"""The CSV error file: a refused upload's own rows that have problems, with their messages,
to open beside the original. Built from the upload during the request, never stored."""

from collections import defaultdict

from app.core.schemas import RowError
from app.core.spreadsheet import BOM, csv_lines
from app.imports.reading.decoding import FileRefusedError, decode
from app.imports.reading.header import read_header
from app.imports.reading.records import detect_delimiter, read_records
from app.imports.reading.user_row import TEMPLATE_COLUMNS

COLUMNS = ("Row", *TEMPLATE_COLUMNS, "Errors")
FILENAME = "import-errors.csv"


def _messages(errors: list[RowError]) -> dict[int | None, list[str]]:
    found: dict[int | None, list[str]] = defaultdict(list)
    for error in errors:
        where = f"{error.column}: " if error.column else ""
        found[error.row].append(where + error.message)
    return found


RowCells = dict[int, tuple[str, str, str]]  # row -> Email, Name, Force Change Password


def read_cells(data: bytes) -> RowCells:
    """Each row's cells but its password, read from the upload (a replayed answer: the first
    request's reading is gone); what cannot be read is left out."""
    cells: RowCells = {}
    try:
        decoded = decode(data)
        records = read_records(decoded.text, detect_delimiter(decoded.text))
        first = next(records, None)
        if first is not None:
            header = read_header(first)
            for record in records:
                email, name, _password, force = header.pick(record.cells)
                cells[record.row] = (email, name, force)
    except FileRefusedError:
        pass  # what could not be read is listed by row number only
    return cells


def error_csv(cells: RowCells, errors: list[RowError]) -> bytes:
    """UTF-8 with a BOM; the file's problem rows in their order, the Password column empty;
    problems of the file as a whole (and of rows that cannot be read) on lines of their own."""
    messages = _messages(errors)
    lines: list[list[str]] = []
    for row, text in messages.items():
        email, name, force = cells.get(row, ("", "", "")) if row is not None else ("", "", "")
        lines.append([str(row or ""), email, name, "", force, " | ".join(text)])
    lines.sort(key=lambda line: int(line[0] or 0))  # the file's order; its own problems first
    return BOM + csv_lines([COLUMNS, *lines])
