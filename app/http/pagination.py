"""Opaque cursors for keyset pagination over integer ids."""

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import TypeVar

from app.core.errors import InvalidCursorError
from app.db.models.base import MAX_ID

T = TypeVar("T")
_PREFIX = "id:"
_INVALID = "The cursor is not one this service returned."


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    padded = cursor + "=" * (-len(cursor) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidCursorError(_INVALID) from None
    digits = raw.removeprefix(_PREFIX)
    if digits == raw or not digits.isdigit() or len(digits) > 10 or int(digits) > MAX_ID:
        raise InvalidCursorError(_INVALID)
    return int(digits)


def split_page(
    rows: Sequence[T], limit: int, id_of: Callable[[T], int]
) -> tuple[list[T], str | None]:
    """Rows fetched with limit + 1: the page, and the cursor of the next page (None at the end)."""
    if len(rows) <= limit:
        return list(rows), None
    page = list(rows[:limit])
    return page, encode_cursor(id_of(page[-1]))
