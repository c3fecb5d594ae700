"""The one planner: a checked file's verdict with the addresses the directory holds, as the plan
of what it writes (new users added; existing ones an error, skipped or updated as on_existing
says) or its refusal; and the refusal of an import whose addresses another took meanwhile."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from app.core.schemas import RowError
from app.directory.address_book import AddressRepository, Holder
from app.imports.options import OnExisting
from app.imports.reading.file_rules import (
    FileChecker,
    alias_taken,
    already_exists,
    held_as_alias,
    managed_by_provisioning,
    password_required,
)
from app.imports.reading.validation import Validation
from app.imports.records.status import Counts


class StagedRow(NamedTuple):
    """A user to write: what a sync import hashes and writes, and what a job stages sealed."""

    row: int  # the spreadsheet row (an address taken meanwhile is reported there)
    email: str
    name: str
    secret: str  # the password, or the imported hash when `imported`
    imported: bool  # secret is a password hash imported as it is: nothing to hash
    force_change_password: bool
    aliases: Sequence[str] | None  # the user's whole alias set; None: left as it is
    active: bool | None  # None: a new user is active, an existing one left as it is
    existing: bool  # the directory holds the address: this user is updated


def row_aliases(rows: Iterable[StagedRow]) -> Iterator[tuple[int, int, str, str]]:
    """(row, position, alias, the row's Email lower-cased) of every alias the rows give."""
    for row in rows:
        owner = row.email.lower()
        for position, alias in enumerate(row.aliases or (), 1):
            yield row.row, position, alias, owner


@dataclass(slots=True)
class WritePlan:
    """What a valid file writes: the rows to write (new users first, then the existing ones
    to update), what it plans, counted, and the first row of each address it found held in
    the directory (updated or skipped: the write checks they are still there)."""

    rows: list[StagedRow]
    counts: Counts
    known: dict[str, int]


@dataclass(slots=True)
class Refusal:
    errors: list[RowError]  # the first max_errors
    count: int  # all of them


def _alias_conflicts(
    checker: FileChecker, holders: dict[str, Holder], skipped: set[str]
) -> list[tuple[int, int]]:
    """(row, position) of each alias another user holds (not the row's own user; a skipped
    row's aliases are not written)."""
    found = []
    for key, (row, position, owner) in checker.aliases.items():
        holder = holders.get(key)
        if holder is not None and holder.owner_key != owner and owner not in skipped:
            found.append((row, position))
    return sorted(found)


def check_directory(
    validation: Validation, addresses: AddressRepository, on_existing: OnExisting
) -> WritePlan | Refusal:
    """Step: the file's verdict with the addresses the directory holds: refused, or the plan
    (new users added; existing ones an error, skipped or updated as on_existing says; a user a
    provider manages is not updated: managed_by_provisioning). A row's
    Email is its user's primary address: held as another user's alias, it is already_exists
    (skip: skipped); an alias held by another user is already_exists, whatever on_existing."""
    checker = validation.checker
    errors, count = list(validation.errors), validation.error_count
    if checker is None:
        return Refusal(errors, count)
    holders = addresses.holders(checker.first_rows.keys() | checker.aliases.keys())
    held = {key for key in checker.first_rows if key in holders}
    existing = {key for key in held if holders[key].primary}
    as_alias = held - existing
    skip = on_existing == OnExisting.SKIP
    found: list[RowError] = []
    if on_existing == OnExisting.ERROR:
        found += checker.already_exists(existing)
    if not skip:
        found += held_as_alias(sorted(checker.first_rows[key] for key in as_alias))
    if on_existing == OnExisting.UPDATE:
        managed = [checker.first_rows[key] for key in existing if holders[key].managed]
        found += managed_by_provisioning(sorted(managed))
    found += alias_taken(_alias_conflicts(checker, holders, held if skip else set()))
    found += password_required([row for key, row in checker.keeps.items() if key not in existing])
    errors, count = errors + found, count + len(found)
    if count:
        return Refusal(errors, count)
    update = on_existing == OnExisting.UPDATE
    new: list[StagedRow] = []
    kept: list[StagedRow] = []
    for user in checker.users:
        is_existing = user.email.lower() in held
        if is_existing and not update:
            continue
        (kept if is_existing else new).append(StagedRow(*user, existing=is_existing))
    rows = len(checker.first_rows)
    counts = Counts(
        added=rows - len(held),
        updated=len(held) if update else 0,
        skipped=len(held) if skip else 0,
    )
    known = {key: checker.first_rows[key] for key in held}
    return WritePlan(new + kept, counts, known)


def lost_race(first_rows: dict[str, int], taken: set[str]) -> list[RowError]:
    """The errors of the rows whose new address another writer took meanwhile."""
    return already_exists(first_rows, taken)
