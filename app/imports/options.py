"""What an upload asks for besides its file: a dry run, what to do with addresses the directory
holds, and how a refusal is answered."""

from dataclasses import dataclass
from enum import StrEnum


class OnExisting(StrEnum):
    """What to do with a row whose address the directory already holds."""

    ERROR = "error"  # refuse the file (already_exists): the default
    SKIP = "skip"  # leave the existing user as it is, add the others
    UPDATE = "update"  # set its name, password and Force Change Password


class ErrorsFormat(StrEnum):
    JSON = "json"
    CSV = "csv"


@dataclass(frozen=True, slots=True)
class ImportOptions:
    dry_run: bool = False
    on_existing: OnExisting = OnExisting.ERROR
    errors_format: ErrorsFormat = ErrorsFormat.JSON
