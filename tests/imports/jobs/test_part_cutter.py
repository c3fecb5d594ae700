"""A file received in parts is cut on record boundaries whatever its shape (UTF-8 with or without
a BOM, Windows-1252, UTF-16 of either byte order; LF, CRLF or lone-CR line ends; quoted cells
holding line breaks, delimiters and quotes), fed in reads of any size: the parts joined are the
file, and when they can be checked apart, their records (each part read as a worker reads it)
are exactly the whole file's, row numbers included."""

import codecs
import csv

from hypothesis import given, settings
from hypothesis import strategies as st

from app.imports.jobs.boundaries import head_records
from app.imports.jobs.part_cutter import Part, PartCutter
from app.imports.reading.decoding import decode
from app.imports.reading.records import Record, detect_delimiter, physical_lines, read_records
from app.imports.reading.validation import _after_lines

CELL = st.text(st.sampled_from(list("ab Zé,;\t\"\r\n'x")), max_size=8)
ENCODINGS = ["utf-8", "utf-8-sig", "cp1252", "utf-16-le", "utf-16-be"]
BOMS = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}


def quoted(cell: str, delimiter: str) -> str:
    if any(c in cell for c in (delimiter, '"', "\r", "\n")) or cell != cell.strip():
        return '"' + cell.replace('"', '""') + '"'
    return cell


def encoded(text: str, encoding: str) -> bytes:
    return BOMS.get(encoding, b"") + text.encode(encoding)


def records_of(data: bytes, first_row: int | None = None) -> list[Record]:
    """The records a check reads: of a whole file, or of a part after its head."""
    text = decode(data).text
    delimiter = detect_delimiter(text)
    if first_row is None:
        return list(read_records(text, delimiter))
    first = next(read_records(text, delimiter))
    return list(read_records(text[_after_lines(text, first.row) :], delimiter, first_row))


def cut(data: bytes, reads: int, part_rows: int, max_bytes: int) -> tuple[PartCutter, list[Part]]:
    cutter = PartCutter(part_rows, max_bytes)
    parts = [part for n in range(0, len(data), reads) for part in cutter.feed(data[n : n + reads])]
    return cutter, parts + list(cutter.finish())


@settings(max_examples=500, deadline=None)
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=4), min_size=1, max_size=30),
    delimiter=st.sampled_from([",", ";", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
    encoding=st.sampled_from(ENCODINGS),
    reads=st.integers(1, 40),
    part_rows=st.integers(1, 6),
    stray_quote=st.booleans(),
    last_line_end=st.booleans(),
)
def test_parts_are_the_file_and_read_as_its_records(
    rows: list[list[str]],
    delimiter: str,
    line_end: str,
    encoding: str,
    reads: int,
    part_rows: int,
    stray_quote: bool,
    last_line_end: bool,
) -> None:
    header = delimiter.join(["Email", "Name", "Password", "Force Change Password"])
    lines = [delimiter.join(quoted(cell, delimiter) for cell in row) for row in rows]
    if stray_quote:  # a quote inside a cell that is not quoted: a literal quote
        lines[len(lines) // 2] += delimiter + 'a 5" screen'
    data = encoded(line_end.join([header, *lines]) + line_end * last_line_end, encoding)

    cutter, parts = cut(data, reads, part_rows, max_bytes=4096)

    assert b"".join(part.data[part.head_bytes :] for part in parts) == data
    assert cutter.apart or stray_quote
    if cutter.apart:
        whole = records_of(data)
        read = records_of(parts[0].data)
        for part in parts[1:]:
            assert head_records(part.data[: part.head_bytes]) == parts[0].first_row - 1
            read += records_of(part.data, part.first_row)
        assert read == whole
        assert cutter.encoding == decode(data).encoding
        text = decode(data).text
        every = csv.reader(physical_lines(text), delimiter=detect_delimiter(text), strict=True)
        assert cutter.rows == sum(1 for _ in every) - (parts[0].first_row - 1)  # blank rows too


def test_a_spreadsheet_s_unicode_text_is_cut_into_parts_of_its_own_encoding() -> None:
    """Excel's "Unicode text": UTF-16 with tabs; each part is a UTF-16 file with the header."""
    text = "Email\tName\tPassword\tForce Change Password\r\n" + "".join(
        f"u{n}@example.com\tZoë {n}\tCorrect-Horse-{n}\tTRUE\r\n" for n in range(40)
    )
    data = encoded(text, "utf-16-le")

    cutter, parts = cut(data, 64, part_rows=10, max_bytes=1 << 20)

    assert (cutter.apart, cutter.encoding, cutter.rows) == (True, "utf-16", 40)
    assert [part.first_row for part in parts] == [2, 11, 21, 31, 41]
    assert all(decode(part.data).encoding == "utf-16" for part in parts)
    assert all(decode(part.data).text.startswith("Email\tName") for part in parts)


def test_a_windows_1252_file_is_cut_apart_unless_a_whole_reading_would_refuse_it() -> None:
    rows = "".join(f"u{n}@example.com,Zoë {n},Correct-Horse-{n},TRUE\n" for n in range(30))
    data = ("Email,Name,Password,Force Change Password\n" + rows).encode("cp1252")
    mixed = data + "x@example.com,Zoë UTF-8,Correct-Horse-9,TRUE\n".encode()
    pound = data + "x@example.com,£ sign,Correct-Horse-9,TRUE\n".encode("cp1252")

    assert cut(data, 50, 10, 1 << 20)[0].apart
    assert cut(data, 50, 10, 1 << 20)[0].encoding == "windows-1252"
    assert not cut(mixed, 50, 10, 1 << 20)[0].apart  # refused whole: mixed encodings
    assert not cut(pound, 50, 10, 1 << 20)[0].apart  # refused whole: the £ is ambiguous
