"""What every CSV the service writes shares: UTF-8 with a BOM (so spreadsheet programs read it
as UTF-8), CRLF line ends, every cell quoted, and no cell a spreadsheet would run as a formula
(OWASP CSV injection); and how a client asks for CSV."""

import codecs
import csv
import io
from collections.abc import Iterable, Sequence

BOM = codecs.BOM_UTF8
# A cell starting with one of these is read as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """A cell a spreadsheet shows as text, never runs: a leading quote before a formula (and
    before a cell that reads as one already neutralised, so restored() gives it back)."""
    return "'" + cell if cell.lstrip("'").startswith(FORMULA_STARTS) else cell


def restored(cell: str) -> str:
    """What neutralised() made of a cell, given back: the import reads an exported file as it
    was before export (a name that only starts with a quote, 'Ollie, stays as it is)."""
    if cell[:1] == "'" and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def csv_lines(rows: Iterable[Sequence[str]]) -> bytes:
    """The rows as CSV lines (UTF-8, no BOM), every cell neutralised and quoted."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")


def wants_csv(accept: str) -> bool:
    """Accept names text/csv before (or without) any JSON type."""
    types = [part.split(";", 1)[0].strip().lower() for part in accept.split(",")]
    csv_at = types.index("text/csv") if "text/csv" in types else None
    json_at = next((n for n, t in enumerate(types) if "json" in t), None)
    return csv_at is not None and (json_at is None or csv_at < json_at)
