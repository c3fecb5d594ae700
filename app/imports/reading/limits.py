"""What a file is judged by (FileLimits: fixed when an upload is accepted, carried by its job),
and what a job's check reads of it (Scope)."""

from dataclasses import dataclass
from typing import Any

from app.core.config import Settings
from app.imports.options import OnExisting
from app.imports.reading.cells import DEFAULT_MAX_ALIASES, RowPolicy


@dataclass(frozen=True, slots=True)
class FileLimits:
    """What a file is judged by. Fixed when an upload is accepted: a job carries its limits
    (UserImport.limits), so a worker never judges it again by its own settings."""

    max_rows: int
    max_errors: int
    policy: RowPolicy

    @classmethod
    def from_settings(cls, settings: Settings, *, keep_passwords: bool = False) -> "FileLimits":
        """keep_passwords: the import updates existing users (on_existing=update), so a row
        may leave Password empty to keep its user's own."""
        domains = tuple(settings.allowed_domains)
        policy = RowPolicy(
            settings.min_password_length, domains, keep_passwords, settings.max_aliases
        )
        return cls(settings.max_rows, settings.max_errors, policy)

    @classmethod
    def of_import(cls, settings: Settings, on_existing: str) -> "FileLimits":
        """An import's limits: with on_existing=update an empty Password keeps a user's own."""
        return cls.from_settings(settings, keep_passwords=on_existing == OnExisting.UPDATE)

    def to_json(self) -> dict[str, Any]:
        return {
            "max_rows": self.max_rows,
            "max_errors": self.max_errors,
            "min_password_length": self.policy.min_password_length,
            "allowed_domains": list(self.policy.allowed_domains),
            "keep_passwords": self.policy.keep_passwords,
            "max_aliases": self.policy.max_aliases,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "FileLimits":
        policy = RowPolicy(
            int(data["min_password_length"]),
            tuple(data["allowed_domains"]),
            bool(data.get("keep_passwords", False)),
            int(data.get("max_aliases", DEFAULT_MAX_ALIASES)),
        )
        return cls(int(data["max_rows"]), int(data["max_errors"]), policy)


@dataclass(frozen=True, slots=True)
class Scope:
    """What a job's check reads: a whole file, or a part of one (the file's header lines,
    then a range of its lines whose first is first_row)."""

    first_row: int | None = None
    # A part received as it arrived: its header is this row, or the part cannot be read apart.
    head_rows: int | None = None
    keep_users: bool = True  # a dry run needs only the addresses
