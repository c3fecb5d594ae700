"""Where records end in a file's bytes (UTF-8, Windows-1252: line ends and quotes are single
bytes) or its text (UTF-16, decoded): at a line end (LF, CRLF or a lone CR) outside quoted
cells, whose quotes are doubled, so quotes outside come in pairs. What app/imports/jobs/
part_cutter.py cuts a file on, and counts its rows by."""

import codecs
import csv
import re
from typing import Any

from app.imports.reading.records import RowTooLongError, physical_lines

MAX_HEAD_BYTES = 64 * 1024  # the header row is no longer than a row may be
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_LINE_ENDS: dict[type, re.Pattern[Any]] = {
    str: re.compile(r"\r\n|\r|\n"),
    bytes: re.compile(rb"\r\n|\r|\n"),
}
# What is searched: the file's bytes (UTF-8, Windows-1252), or its text (UTF-16, decoded): the
# same methods either way.
Searched = Any


def tokens(text: Searched) -> tuple[Searched, Searched, Searched]:
    """LF, CR and the quote, as the text's own type."""
    if isinstance(text, str):
        return "\n", "\r", '"'
    return b"\n", b"\r", b'"'


def record_ends(text: Searched) -> int:
    """How many records end in a text that begins outside quotes: its line ends outside quoted
    cells (a quoted cell's quotes are doubled, so quotes come in pairs)."""
    nl, cr, quote = tokens(text)
    pieces = text.split(quote)[::2] if quote in text else [text]
    return sum(piece.count(nl) + piece.count(cr) - piece.count(cr + nl) for piece in pieces)


def head_records(head: bytes) -> int:
    """The records of a part's head (the file's header lines, as the file's bytes)."""
    return record_ends(head.decode("utf-16") if head.startswith(UTF16_BOMS) else head)


def find_head(text: Searched) -> int | None:
    """Where the text's lines up to and including its first one that is not blank (the header
    row) end, or None when no line end comes soon enough."""
    bom = "\ufeff" if isinstance(text, str) else codecs.BOM_UTF8
    for found in _LINE_ENDS[type(text)].finditer(text, 0, MAX_HEAD_BYTES):
        if text[: found.start()].strip().removeprefix(bom):
            end: int = found.end()
            return end
    return None


def record_boundary(text: Searched, limit: int) -> int:
    """The last place at or before about `limit` where a record ends in a text that begins
    outside quotes: after a line end with an even number of quotes before it (a CR is never
    parted from the LF that may follow it). 0 when there is none. Linear: each step searches
    only the text between two line ends."""
    nl, cr, quote = tokens(text)
    counted, quotes = limit, int(text.count(quote, 0, limit))
    position = limit
    while True:
        at = int(max(text.rfind(nl, 0, position), text.rfind(cr, 0, position)))
        if at < 0:
            return 0
        end = at + 1
        if text[at:end] == cr:
            if end == len(text):  # an LF may come with the next bytes
                position = at
                continue
            end += text[end : end + 1] == nl
        if end <= counted:
            quotes -= text.count(quote, end, counted)
        else:
            quotes += text.count(quote, counted, end)
        counted = end
        if quotes % 2 == 0:
            return end
        position = at


def read_record_count(text: str, delimiter: str) -> int | None:
    """How many records csv reads in a part's text (blank ones too: each is a row), when the
    text holds a quote: a quote opens a quoted cell only at a cell's start, so pairs of quotes
    do not tell every file's records. None when the text does not end on a record boundary
    (it ends in a quoted cell) or is not CSV: the file is then checked whole."""
    try:
        return sum(1 for _ in csv.reader(physical_lines(text), delimiter=delimiter, strict=True))
    except (csv.Error, RowTooLongError):
        return None
