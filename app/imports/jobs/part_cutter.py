"""A file too large to hold, staged in parts as it arrives: the web process never holds it.

The bytes are cut on record boundaries into parts of about USERIMPORT_JOB_PART_ROWS lines (and
at most MAX_PART_BYTES), each sealed and written in a short transaction of its own, with the
file's header lines written before every part's own so that any worker can check a part apart.
A record ends at a line end (LF, CRLF or a lone CR) outside quotes: a quoted cell may hold line
breaks. Every encoding the file check reads is cut so: UTF-8, Windows-1252 (both searched as
bytes: their line ends and quotes are single bytes) and UTF-16 of either byte order (searched
as decoded text; each part keeps the file's own bytes after the byte order mark, so it is a
UTF-16 file itself). Parts keep the file's bytes as they came: joined again, they are the file.
What the cut learns on the way decides whether the parts can be checked apart at all; a file
that cannot (not readable in one encoding, no header, a record longer than a part) is joined
and checked whole by a worker."""

import codecs
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

from app.imports.jobs.boundaries import (
    UTF16_BOMS,
    Searched,
    find_head,
    head_records,
    read_record_count,
    record_boundary,
    record_ends,
    tokens,
)
from app.imports.reading.decoding import POUND_IN_WINDOWS_1252
from app.imports.reading.records import detect_delimiter

MAX_PART_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Part:
    number: int
    first_row: int  # the file's row of the part's first own record (validate_file's first_row)
    data: bytes  # the file's header lines (head_bytes of them), then the part's own records
    head_bytes: int


def _has_sequence(data: bytes) -> bool:
    """Whether the bytes hold a UTF-8 sequence: one the decoder reads (in C, where a search
    for decoding.py's pattern takes seconds for 100 MB). A sequence its pattern finds that
    the decoder does not (an overlong form) is in a part whose own reading refuses it as
    mixed: that part is then read whole, so the verdict stays the whole reading's."""
    return not data.decode("utf-8", "replace").replace("\ufffd", "").isascii()


class PartCutter:
    """The file's bytes, fed as they arrive, cut into parts on record boundaries; its SHA-256,
    size and records counted on the way. No I/O: the caller writes the parts."""

    def __init__(self, part_rows: int, max_part_bytes: int = MAX_PART_BYTES) -> None:
        self.part_rows = part_rows
        self.max_part_bytes = max_part_bytes
        self.digest = hashlib.sha256()
        self.size = 0
        self.records = 0  # records in the parts cut so far
        self.encoding = "utf-8"  # utf-16 (its BOM), windows-1252 from a byte that is not UTF-8
        self.readable = True  # UTF-16 that decodes (a byte file: see apart)
        # A part had to be cut inside a record (or its records could not be read as CSV).
        self.overlong = False
        self._delimiter = ","
        self.head: bytes | None = None
        self.parts = 0
        self._start = b""  # the first bytes, until the BOM can be told
        self._buffer = bytearray()  # the bytes not cut yet
        # UTF-16: the buffer decoded, in pieces as read (joined when searched), else None.
        self._text: list[str] | None = None
        self._utf16: codecs.IncrementalDecoder | None = None
        self._lines = 0  # LFs in the buffer
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._multibyte = False  # a UTF-8 sequence seen: a byte that is not UTF-8 is mixed in
        self._pound = False  # a £ in Windows-1252 (ambiguous: refused)
        self._tail = b""
        self._ends_with_line_end = True

    def feed(self, data: bytes) -> Iterator[Part]:
        """The parts that data completes."""
        self.digest.update(data)
        self.size += len(data)
        if self.parts == 0 and not self._buffer and len(self._start) + len(data) < 2:
            self._start += data  # not yet the two bytes of a BOM
            return
        data, self._start = self._start + data, b""
        self._take(data)
        while self._lines >= self.part_rows or len(self._buffer) >= self.max_part_bytes:
            end = self._part_end()
            if end == 0:
                if len(self._buffer) < self.max_part_bytes:
                    break
                self.overlong = True  # checked whole: from here on cut by size only
                self._text = None
                yield self._cut_bytes(len(self._buffer))
                continue
            yield self._cut(end)

    def _take(self, data: bytes) -> None:
        if not self._buffer and self.parts == 0 and data.startswith(UTF16_BOMS):
            self.encoding, self._text = "utf-16", []
            self._utf16 = codecs.getincrementaldecoder("utf-16")()
        self._buffer += data
        if self._utf16 is not None and self._text is not None:
            try:
                text = self._utf16.decode(data)
            except UnicodeDecodeError:
                self.readable, self._text = False, None  # refused whole; cut by size only
                self._lines = 0
                return
            self._text.append(text)
            self._lines += text.count("\n")
        elif self._utf16 is None:
            self._learn_encoding(data)
            self._lines += data.count(b"\n")

    def _joined(self) -> str:
        """The decoded buffer as one text (kept so: joined once, not at every read)."""
        assert self._text is not None
        if len(self._text) != 1:
            self._text = ["".join(self._text)]
        return self._text[0]

    def _learn_encoding(self, data: bytes) -> None:
        """UTF-8 until a byte is not; then Windows-1252, unless the file is refused whole:
        a UTF-8 sequence anywhere (mixed) or a £ (app/imports/reading/decoding.py)."""
        if self.encoding == "utf-8":
            try:
                # A whole sequence decoded (not a byte that may start one).
                decoded = self._utf8.decode(data)
                self._multibyte = self._multibyte or not decoded.isascii()
            except UnicodeDecodeError:
                self.encoding = "windows-1252"
        if self.encoding == "windows-1252":
            self._multibyte = self._multibyte or _has_sequence(self._tail + data)
            self._pound = self._pound or POUND_IN_WINDOWS_1252 in data
        self._tail = data[-3:]

    def _part_end(self) -> int:
        """Where the next part ends in the searched buffer: on the last record boundary up to
        its part_rows-th LF (found from the buffer's end: a part is cut as soon as a read
        completes it), or up to the size limit. 0 when there is none."""
        searched: Searched = self._buffer if self._text is None else self._joined()
        if self._utf16 is not None and self._text is None:
            return 0  # UTF-16 that does not decode (or a record too long): cut by size
        surplus = self._lines - self.part_rows
        if surplus < 0:  # too many bytes for the lines
            limit = min(len(searched), self.max_part_bytes // (1 if self._text is None else 2))
        else:
            limit = len(searched)
            for _ in range(surplus + 1):
                limit = searched.rfind(tokens(searched)[0], 0, limit)
            limit += 1
        return record_boundary(searched, limit)

    def finish(self) -> Iterator[Part]:
        """The last part (if any bytes are left)."""
        if self._start:
            data, self._start = self._start, b""
            self._take(data)
        if self._utf16 is not None and self._text is not None:
            try:
                self._text.append(self._utf16.decode(b"", final=True))
            except UnicodeDecodeError:
                self.readable, self._text = False, None
        elif self._utf16 is None and self.encoding == "utf-8":
            try:
                self._utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                self.encoding = "windows-1252"
        if self._buffer:
            if self._text is None and self._utf16 is not None:
                yield self._cut_bytes(len(self._buffer))
            else:
                yield self._cut(len(self._buffer if self._text is None else self._joined()))

    def _cut(self, end: int) -> Part:
        """The part up to `end` of the searched buffer."""
        if self._text is None:
            own: Searched = memoryview(self._buffer)[:end].tobytes()
            byte_end = end
        else:
            text = self._joined()
            own, self._text = text[:end], [text[end:]]
            byte_end = len(own.encode("utf-16-le")) + (2 if self.parts == 0 else 0)
        if self.parts == 0:
            head_end = find_head(own)
            if head_end is not None:
                head = own[:head_end]
                size = head_end if isinstance(head, bytes) else 2 + len(head.encode("utf-16-le"))
                self.head = bytes(self._buffer[:size])
                text = head if isinstance(head, str) else head.decode("latin-1")
                self._delimiter = detect_delimiter(text)
        nl, cr, quote = tokens(own)
        counted = None
        if quote in own:  # its records as csv reads them (a quote may be a cell's own)
            text = own if isinstance(own, str) else own.decode("latin-1")  # byte for byte
            counted = read_record_count(text, self._delimiter)
            self.overlong = self.overlong or counted is None
        if counted is None:
            records = record_ends(own)
        else:  # a last record with no line end is counted by `rows`
            records = counted - (bool(own) and not own.endswith((nl, cr)))
        self._lines -= own.count(nl)
        self._ends_with_line_end = own.endswith((nl, cr))
        return self._part(byte_end, records, own if isinstance(own, bytes) else None)

    def _cut_bytes(self, end: int) -> Part:
        """A part cut by size, inside a record maybe (the file is then checked whole)."""
        data = bytes(self._buffer[:end])
        self._lines = 0 if self._utf16 is not None else self._lines - data.count(b"\n")
        self._ends_with_line_end = data.endswith((b"\n", b"\r"))
        return self._part(end, data.count(b"\n"), data)

    def _part(self, end: int, records: int, data: bytes | None) -> Part:
        """The first `end` bytes of the buffer (data, when the caller has them) as a part."""
        data = bytes(self._buffer[:end]) if data is None else data
        del self._buffer[:end]
        number = self.parts
        if number == 0:
            head_rows = head_records(self.head) if self.head is not None else 0
            part = Part(0, head_rows + 1, data, 0)
        else:
            head = self.head or b""
            part = Part(number, self.records + 1, head + data, len(head))
        self.parts += 1
        self.records += records
        return part

    @property
    def apart(self) -> bool:
        """Whether the parts can be checked apart: read in one encoding, every part cut on a
        record boundary, a header found."""
        encoding = self.readable and (
            self.encoding != "windows-1252" or not (self._multibyte or self._pound)
        )
        return encoding and not self.overlong and self.head is not None

    @property
    def rows(self) -> int:
        """The rows below the header, counted by records (blank lines too): the job's size
        until its check counts them exactly."""
        head_rows = head_records(self.head) if self.head is not None else 1
        last = 0 if self._ends_with_line_end else 1
        return max(0, self.records + last - head_rows)
