"""A file too large to hold, staged in parts as it arrives: the web process never holds it.

The bytes are cut at line ends into parts of about USERIMPORT_JOB_PART_ROWS lines (and at most
MAX_PART_BYTES), each sealed and written in a short transaction of its own, with the file's
header lines written before every part's own so that any worker can check a part apart. What
the cut learns on the way decides whether the parts can be checked apart at all: a UTF-8 file
whose rows are its lines can; any other file is joined again and checked whole by a worker.
"""

import codecs
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

MAX_PART_BYTES = 16 * 1024 * 1024
MAX_HEAD_BYTES = 64 * 1024  # the header row is no longer than a row may be
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


@dataclass(frozen=True, slots=True)
class Part:
    number: int
    first_row: int  # the file's row of the part's first own line (as validate_file's first_row)
    data: bytes  # the file's header lines (head_bytes of them), then the part's own lines
    head_bytes: int


def find_head(data: bytes) -> bytes | None:
    """The file's lines up to and including its first one that is not blank (the header row),
    or None when it cannot be told apart from raw bytes (UTF-16, no line end soon enough)."""
    if data.startswith(_UTF16_BOMS):
        return None
    start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    position = start
    while True:
        end = data.find(b"\n", position, MAX_HEAD_BYTES)
        if end == -1:
            return None
        if data[position:end].strip():
            return data[: end + 1]
        position = end + 1


class PartCutter:
    """The file's bytes, fed as they arrive, cut into parts at line ends; its SHA-256, size and
    lines counted on the way. No I/O: the caller writes the parts."""

    def __init__(self, part_rows: int, max_part_bytes: int = MAX_PART_BYTES) -> None:
        self.part_rows = part_rows
        self.max_part_bytes = max_part_bytes
        self.digest = hashlib.sha256()
        self.size = 0
        self.lines = 0  # line ends in the parts cut so far
        self.utf8 = True  # valid UTF-8 so far
        self.lone_cr = False  # a line ends in a lone CR: rows cannot be told by line ends
        self.overlong = False  # a part had to be cut inside a line
        self.head: bytes | None = None
        self.parts = 0
        self._buffer = bytearray()
        self._buffered_lines = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._ends_with_line_end = True

    def feed(self, data: bytes) -> Iterator[Part]:
        """The parts that data completes."""
        self.digest.update(data)
        self.size += len(data)
        if self.utf8:
            try:
                self._decoder.decode(data)
            except UnicodeDecodeError:
                self.utf8 = False
        self._buffer += data
        self._buffered_lines += data.count(b"\n")
        while self._buffered_lines >= self.part_rows or len(self._buffer) >= self.max_part_bytes:
            end = self._part_end()
            if end == 0:
                if len(self._buffer) < self.max_part_bytes:
                    break
                end, self.overlong = len(self._buffer), True
            yield self._cut(end)

    def _part_end(self) -> int:
        """Where the next part ends: after its part_rows-th line end (found from the buffer's
        end: a part is cut as soon as a read completes it), or the last one before the size
        limit. 0 when the buffer has no line end."""
        surplus = self._buffered_lines - self.part_rows
        if surplus < 0:  # too many bytes for the lines
            return self._buffer.rfind(b"\n", 0, self.max_part_bytes) + 1
        end = len(self._buffer)
        for _ in range(surplus + 1):
            end = self._buffer.rfind(b"\n", 0, end)
        return end + 1

    def finish(self) -> Iterator[Part]:
        """The last part (if any bytes are left)."""
        if self.utf8:
            try:
                self._decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                self.utf8 = False
        if self._buffer:
            yield self._cut(len(self._buffer))

    def _cut(self, end: int) -> Part:
        data = bytes(self._buffer[:end])
        del self._buffer[:end]
        lines = data.count(b"\n")
        self._buffered_lines -= lines
        self._ends_with_line_end = data.endswith(b"\n")
        if data.count(b"\r") != data.count(b"\r\n"):
            self.lone_cr = True
        number = self.parts
        if number == 0:
            self.head = find_head(data)
            head_lines = self.head.count(b"\n") if self.head is not None else 0
            part = Part(0, head_lines + 1, data, 0)
        else:
            head = self.head or b""
            part = Part(number, self.lines + 1, head + data, len(head))
        self.parts += 1
        self.lines += lines
        return part

    @property
    def apart(self) -> bool:
        """Whether the parts can be checked apart: UTF-8, rows that are lines, a header found."""
        return self.utf8 and not self.lone_cr and not self.overlong and self.head is not None

    @property
    def rows(self) -> int:
        """The rows below the header, counted by line ends (blank lines too): the job's size
        until its check counts them exactly."""
        head_lines = self.head.count(b"\n") if self.head is not None else 1
        last = 0 if self._ends_with_line_end else 1
        return max(0, self.lines + last - head_lines)
