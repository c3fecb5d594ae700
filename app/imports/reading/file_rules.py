"""The checks across rows: each row is a UserRow (user_row.py); here the file's rows are checked
one by one, their errors counted, and duplicates within the file found; and the errors a row
gets from the directory (already there, gone meanwhile, no user to keep a password of)."""

from array import array
from typing import Any

from app.core.codes import RowCode
from app.core.schemas import RowError
from app.imports.reading.cells import RowContext, RowPolicy, google_hash_cells
from app.imports.reading.row_check import CheckedUser, Given, checked_values, usual_row
from app.imports.reading.user_row import (
    ALIASES,
    EMAIL,
    HASH_FUNCTION,
    NO_EXTRAS,
    PASSWORD,
    Extras,
)


def _error(row: int, column: str, code: RowCode, message: str) -> RowError:
    return RowError(row=row, column=column, code=code, message=message)


def duplicate_error(row: int, first: int, position: int | None = None) -> RowError:
    """A row whose Email (or, position: an alias) is on an earlier row of the file too."""
    if position is None:
        message = f"The address is already on row {first} of this file."
        return _error(row, EMAIL, RowCode.DUPLICATE_IN_FILE, message)
    message = f"Alias {position} is already on row {first} of this file."
    return _error(row, ALIASES, RowCode.DUPLICATE_IN_FILE, message)


class FileChecker:
    """Checks rows one by one; remembers addresses to find duplicates within the file."""

    def __init__(
        self, max_errors: int, policy: RowPolicy, keep_users: bool = True, repeats: bool = True
    ) -> None:
        self.max_errors = max_errors
        # False: a repeated address is only noted (self.repeats), not an error here (a part
        # of a file, whose repeats are found across all parts at once).
        self.report_repeats = repeats
        self.context = RowContext(policy)
        self.keep_users = keep_users  # a dry run needs the verdict, not the users
        self.users: list[CheckedUser] = []
        self.errors: list[RowError] = []  # the first max_errors of them
        self.error_count = 0
        # First row of every valid address, rows with other errors included.
        self.first_rows: dict[str, int] = {}
        # The later rows of an address seen before (each reported as duplicate_in_file).
        self.repeats: list[tuple[str, int]] = []
        # Valid rows that keep their user's password (Password empty, on_existing=update):
        # their address must be in the directory. By lower-cased address.
        self.keeps: dict[str, int] = {}
        # Every valid alias of the file, first occurrence: key -> (row, position, the row's
        # Email lower-cased): each must be free, in the file and in the directory.
        self.aliases: dict[str, tuple[int, int, str]] = {}
        # A part of a file's: every alias of its valid rows, repeats too: (row, position,
        # alias, the row's Email lower-cased), staged for the plan to check across parts.
        self.alias_list: list[tuple[int, int, str, str]] = []

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (checked in a worker process) with its addresses as one string and an array
        of rows: the dict of a 100,000-row file's addresses unpickles in ~20 ms, one hold of
        the server's GIL (its requests wait); these unpickle at once, and the dict is built
        again in steps of a few ms."""
        state = self.__dict__.copy()
        first_rows: dict[str, int] = state["first_rows"]
        joined = "\n".join(first_rows)
        if first_rows and joined.count("\n") == len(first_rows) - 1:  # (no line break in one)
            state["first_rows"] = (joined, array("q", first_rows.values()))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        if isinstance(packed := state["first_rows"], tuple):
            joined, rows = packed
            state["first_rows"] = dict(zip(joined.split("\n"), rows, strict=True))
        self.__dict__.update(state)

    def check(
        self, row: int, cells: tuple[str, str, str, str], extras: Extras | None = None
    ) -> None:
        """Check one row's Email, Name, Password and Force Change Password cells, and the cells
        of the optional columns the file has (Password Hash and its function, Aliases,
        Active)."""
        usual = usual_row(row, cells, self.context, extras or NO_EXTRAS)
        if usual is not None:
            self._check_usual(*usual)
            return
        checked: dict[str, Any] | list[RowError]
        if extras is None:
            checked = checked_values(row, cells, self.context, hashed=False)
        elif extras.password_hash or extras.hash_function:
            checked = self._check_hashed(row, cells, extras)
        else:
            checked = checked_values(row, cells, self.context, hashed=False, extras=extras)
        address = self.context.address
        key = address.lower() if address is not None else ""
        errors = checked if isinstance(checked, list) else []
        if address is not None and self._repeated(row, key, errors):
            return
        given = [] if isinstance(checked, list) else checked.get("aliases") or []
        repeated = self._note_aliases(row, key, given)
        if isinstance(checked, list) or repeated:
            self.report(checked if isinstance(checked, list) else repeated)
            return
        if checked["password"] is None and not checked.get("password_hash") and address:
            self.keeps[address.lower()] = row
        if self.keep_users:  # a dry run needs the verdict, not the users
            self.users.append(CheckedUser.of(row, checked))

    def _check_usual(self, user: CheckedUser, given: Given) -> None:
        """A row every rule accepts: only its repeats (its address, its aliases) are left to
        find."""
        key = user.email.lower()
        if self._repeated(user.row, key, []):
            return
        repeated = self._note_aliases(user.row, key, given)
        if repeated:
            self.report(repeated)
        elif self.keep_users:
            self.users.append(user)

    def _repeated(self, row: int, key: str, errors: list[RowError]) -> bool:
        """Whether the row's address (key) is on an earlier row, as its Email or an alias:
        then the row is a repeat, reported (when this checker reports them) with its other
        errors."""
        earlier = self.first_rows.setdefault(key, row)
        if earlier == row and key in self.aliases:  # an earlier row's alias
            earlier = self.aliases[key][0]
            self.first_rows[key] = earlier
        if earlier == row:
            return False
        self.repeats.append((key, row))
        found = [duplicate_error(row, earlier)] if self.report_repeats else []
        self.report([*found, *errors])
        return True

    def _note_aliases(self, row: int, key: str, given: Given) -> list[RowError]:
        """Remember a valid row's aliases (position, address), and the errors of those on an
        earlier row. A part of a file keeps them in a list only: they are staged, and their
        repeats found across all parts at once."""
        if not self.report_repeats:
            self.alias_list.extend((row, position, alias, key) for position, alias in given)
            return []
        found = []
        for position, alias in given:
            alias_key = alias.lower()
            earlier = self.first_rows.get(alias_key)
            if earlier is None and alias_key in self.aliases:
                earlier = self.aliases[alias_key][0]
            if earlier is None:
                self.aliases[alias_key] = (row, position, key)
            else:
                found.append(duplicate_error(row, earlier, position))
        return found

    def _check_hashed(
        self, row: int, cells: tuple[str, str, str, str], extras: Extras
    ) -> dict[str, Any] | list[RowError]:
        email, name, password, force = cells
        google = google_hash_cells(password, extras.hash_function)
        if isinstance(google, RowCode):  # the rest is checked as a row with a hash
            message = "Only crypt hashes are kept; unsalted MD5 and SHA-1 hashes are not."
            refused = _error(row, HASH_FUNCTION, google, message)
            checked = checked_values(
                row, (email, name, "", force), self.context, hashed=True, extras=extras
            )
            return [refused, *checked] if isinstance(checked, list) else [refused]
        password, from_password = google
        password_hash = extras.password_hash
        if from_password:
            password, password_hash = (
                (password, password_hash) if password_hash else ("", from_password)
            )
        cells = (email, name, password, force)
        return checked_values(row, cells, self.context, password_hash, extras=extras)

    def report(self, errors: list[RowError]) -> None:
        """Count every error; keep only the first max_errors, so a broken file stays cheap."""
        self.error_count += len(errors)
        self.errors.extend(errors[: max(0, self.max_errors - len(self.errors))])

    def already_exists(self, existing_keys: set[str]) -> list[RowError]:
        return already_exists(self.first_rows, existing_keys)


def password_required(rows: list[int]) -> list[RowError]:
    """Rows that left Password empty to keep their user's password, whose user does not exist."""
    message = (
        "A password (or a password hash) is required: the directory has no user with this address."
    )
    return [_error(row, PASSWORD, RowCode.MISSING_VALUE, message) for row in rows]


def already_exists(first_rows: dict[str, int], existing_keys: set[str]) -> list[RowError]:
    """An error on the first row of each address the directory already holds."""
    message = "The address is already in the directory."
    return [
        _error(row, EMAIL, RowCode.ALREADY_EXISTS, message)
        for key, row in first_rows.items()
        if key in existing_keys
    ]


def taken_meanwhile(row: int, position: int | None) -> RowError:
    """A row whose new Email (or its alias at position) another writer took meanwhile."""
    if position is None:
        return _error(
            row, EMAIL, RowCode.ALREADY_EXISTS, "The address is already in the directory."
        )
    message = f"Alias {position} is already another user's address."
    return _error(row, ALIASES, RowCode.ALREADY_EXISTS, message)


def held_as_alias(rows: list[int]) -> list[RowError]:
    """Rows whose Email is another user's alias: a row's Email is its user's primary address."""
    message = "The address is another user's alias; a row's Email is a primary address."
    return [_error(row, EMAIL, RowCode.ALREADY_EXISTS, message) for row in rows]


def managed_by_provisioning(rows: list[int]) -> list[RowError]:
    """Rows that would update a user an identity provider manages (SCIM)."""
    message = (
        "An identity provider manages this user (SCIM); change it there, or import with "
        "on_existing=skip."
    )
    return [_error(row, EMAIL, RowCode.MANAGED_BY_PROVISIONING, message) for row in rows]


def alias_taken(found: list[tuple[int, int]]) -> list[RowError]:
    """(row, position) of aliases another user holds (its primary address or an alias)."""
    return [
        _error(row, ALIASES, RowCode.ALREADY_EXISTS,
               f"Alias {position} is already another user's address.")
        for row, position in found
    ]  # fmt: skip


def directory_changed(rows: list[int]) -> list[RowError]:
    """Rows whose user (to update or skip) another writer deleted while the import ran."""
    message = (
        "This user was deleted (by a revert or another writer) while the import ran; nothing "
        "was added. Upload the file again."
    )
    return [_error(row, EMAIL, RowCode.DIRECTORY_CHANGED, message) for row in rows]
