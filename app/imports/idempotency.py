"""Idempotency-Key on POST /imports (after the IETF httpapi draft): a retry with the same key
and the same request gets the first answer again; the import runs once."""

import hashlib
import re
from dataclasses import dataclass

from app.core.errors import InvalidRequestError
from app.core.schemas import InvalidParam
from app.imports.options import ImportOptions

HEADER = "Idempotency-Key"
_KEY = re.compile(r"[\x20-\x7e]{1,255}")


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        reason = "1 to 255 printable ASCII characters."
        raise InvalidRequestError([InvalidParam(name=f"header.{HEADER}", reason=reason)])
    return key


def fingerprint(digest: str, options: ImportOptions) -> str:
    """The request as far as what it does depends on it: the file's SHA-256 (hex) and the
    options. Not the answer's format: a retry may ask for a refusal as the CSV error file."""
    described = f"{digest}|{options.dry_run}|{options.on_existing}"
    return hashlib.sha256(described.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer to an upload, as kept for a retry."""

    status_code: int
    body: str
    location: str | None = None
    csv_errors: bool = False  # sent as the CSV error file, built from the upload again
