"""The header row: which cell is which template column (any order, any letter case, the aliases
consoles export), and a header whose delimiter the rows do not share."""

from dataclasses import dataclass
from functools import cached_property

from app.core.codes import RowCode
from app.core.schemas import RowError
from app.imports.reading.decoding import FileRefusedError, file_error
from app.imports.reading.records import DELIMITERS, Record
from app.imports.reading.user_row import HEADER_NAMES, OPTIONAL_COLUMNS, TEMPLATE_COLUMNS, Extras


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
    def optional(self) -> tuple[int | None, int | None, int | None, int | None] | None:
        """Where the Password Hash, Password Hash Function, Aliases and Active columns are;
        None when the file has none of them."""
        found = tuple(self.positions.get(column) for column in OPTIONAL_COLUMNS)
        return None if found == (None, None, None, None) else found  # type: ignore[return-value]

    def pick_optional(self, cells: list[str]) -> Extras:
        """The row's cells of the optional columns ("" when a cell is missing; None for
        Aliases and Active when the file has no such column)."""
        assert self.optional is not None
        width = len(cells)
        hash_at, function_at, aliases_at, active_at = self.optional
        return Extras(
            cells[hash_at] if hash_at is not None and hash_at < width else "",
            cells[function_at] if function_at is not None and function_at < width else "",
            None if aliases_at is None else (cells[aliases_at] if aliases_at < width else ""),
            None if active_at is None else (cells[active_at] if active_at < width else ""),
        )

    @cached_property
    def indexes(self) -> tuple[int, int, int, int]:
        email, name, password, force = (self.positions[column] for column in TEMPLATE_COLUMNS)
        return email, name, password, force

    def pick(self, cells: list[str]) -> tuple[str, str, str, str]:
        """The row's Email, Name, Password and Force Change Password cells ("" if missing)."""
        email, name, password, force = self.indexes
        width = len(cells)
        if width > max(self.indexes):
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
