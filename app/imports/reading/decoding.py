"""Bytes to text: UTF-16 with a BOM, UTF-8, else Windows-1252 unless that would garble the file;
no workbook, PDF or binary data. A file that cannot be read is refused with one file error."""

import codecs
import re
from dataclasses import dataclass

from app.core.codes import RowCode
from app.core.schemas import RowError

POUND_IN_WINDOWS_1252 = b"\xa3"
SAVE_AS_CSV = 'In your spreadsheet program choose "Save as" > "CSV UTF-8" and upload that file.'


_BINARY_SIGNATURES = {
    b"PK\x03\x04": "an Excel workbook (.xlsx) or another ZIP archive",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Excel workbook (.xls)",
    b"%PDF-": "a PDF document",
}
# Windows-1252 leaves five bytes undefined; like browsers, read them as the C1 controls.
_WINDOWS_1252 = {
    byte: bytes([byte]).decode("cp1252")
    for byte in range(0x80, 0xA0)
    if byte not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


class FileRefusedError(Exception):
    """Problems that stop the reading of the file."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} file error(s)")
        self.errors = errors


def file_error(code: RowCode, message: str, row: int | None = None) -> FileRefusedError:
    return FileRefusedError([RowError(row=row, column=None, code=code, message=message)])


@dataclass(frozen=True, slots=True)
class DecodedFile:
    text: str
    encoding: str


def _refuse_binary(data: bytes) -> None:
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise file_error(RowCode.NOT_CSV, f"The file is {what}, not CSV. {SAVE_AS_CSV}")
    if b"\x00" in data:
        raise _binary_data()


def _binary_data() -> FileRefusedError:
    return file_error(RowCode.NOT_CSV, f"The file holds binary data, not CSV text. {SAVE_AS_CSV}")


# A well-formed multi-byte UTF-8 sequence: a file holding these was written as UTF-8.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _mixed_encoding(data: bytes, error: UnicodeDecodeError) -> FileRefusedError | None:
    """A file that is UTF-8 but for some bytes: reading it all as Windows-1252 would garble
    every non-ASCII character (passwords too), so it is refused at the first bad byte."""
    if not _UTF8_SEQUENCE.search(data):
        return None
    row = data.count(b"\n", 0, error.start) + 1
    message = (
        f"Row {row} holds bytes that are not UTF-8, while the rest of the file is UTF-8. "
        f"{SAVE_AS_CSV}"
    )
    return file_error(RowCode.ENCODING_MIXED, message, row)


def decode(data: bytes) -> DecodedFile:
    """UTF-16 with a BOM, UTF-8 (BOM or not), else Windows-1252 unless a £ makes it ambiguous
    or the file is UTF-8 but for some bytes. Text holding a NUL is no CSV."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            message = f"The file is not valid UTF-16 text. {SAVE_AS_CSV}"
            raise file_error(RowCode.NOT_CSV, message) from None
        if "\x00" in text:
            raise _binary_data()
        return DecodedFile(text, "utf-16")
    _refuse_binary(data)
    try:
        return DecodedFile(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as exc:
        mixed = _mixed_encoding(data, exc)
    if mixed is not None:
        raise mixed
    if POUND_IN_WINDOWS_1252 in data:
        raise file_error(
            RowCode.ENCODING_NOT_UTF8,
            f'The file is not UTF-8 and contains a "£" that would be read wrongly. {SAVE_AS_CSV}',
        )
    return DecodedFile(data.decode("latin-1").translate(_WINDOWS_1252), "windows-1252")
