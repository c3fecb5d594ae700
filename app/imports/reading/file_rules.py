"""The checks across rows: each row is a UserRow (user_row.py); here the file's rows are checked
one by one, their errors counted, and duplicates within the file found; and the errors a row
gets from the directory (already there, gone meanwhile, no user to keep a password of)."""

from typing import Any, NamedTuple

from pydantic import SecretStr

from app.core.codes import RowCode
from app.core.schemas import RowError
from app.imports.reading.cells import RowContext, RowPolicy, google_hash_cells
from app.imports.reading.user_row import EMAIL, HASH_FUNCTION, PASSWORD, checked_values


def _error(row: int, column: str, code: RowCode, message: str) -> RowError:
    return RowError(row=row, column=column, code=code, message=message)


def duplicate_error(row: int, first: int) -> RowError:
    message = f"The address is already on row {first} of this file."
    return _error(row, EMAIL, RowCode.DUPLICATE_IN_FILE, message)


# The stored hash of a row that leaves Password empty (on_existing=update): the user's own is
# kept. Written as is to staging; the directory's UPDATE keeps the old hash for it.
KEEP = ""


def keeps_password(secret: str, imported: bool) -> bool:
    return imported and secret == KEEP


class CheckedUser(NamedTuple):
    """A valid row, kept compact (a job's file may hold millions): what is written of it."""

    row: int
    email: str
    name: str
    secret: str  # the password, or the imported hash when `imported` (KEEP: the user's own)
    imported: bool
    force_change_password: bool

    @classmethod
    def of(cls, row: int, values: dict[str, Any]) -> "CheckedUser":
        """From a valid row's checked values (rows.checked_values: UserRow's fields)."""
        password: SecretStr | None = values["password"]
        force: bool = values["force_change_password"]
        if password is None:  # an imported hash kept as it is, or the user's own (KEEP)
            hashed = values.get("password_hash") or KEEP
            return cls(row, values["email"], values["name"], hashed, True, force)
        return cls(row, values["email"], values["name"], password.get_secret_value(), False, force)


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

    def check(
        self, row: int, cells: tuple[str, str, str, str], optional: tuple[str, str] | None = None
    ) -> None:
        """Check one row's Email, Name, Password and Force Change Password cells, and its
        Password Hash and Password Hash Function cells when the file has those columns."""
        checked: dict[str, Any] | list[RowError]
        if optional is not None:
            checked = self._check_hashed(row, cells, *optional)
        else:
            checked = checked_values(row, cells, self.context, hashed=False)
        address = self.context.address
        if address is not None:
            key = address.lower()
            earlier = self.first_rows.setdefault(key, row)
            if earlier != row:
                self.repeats.append((key, row))
                found = [duplicate_error(row, earlier)] if self.report_repeats else []
                self.report([*found, *checked] if isinstance(checked, list) else found)
                return
        if isinstance(checked, list):
            self.report(checked)
            return
        if checked["password"] is None and not checked.get("password_hash") and address:
            self.keeps[address.lower()] = row
        if self.keep_users:  # a dry run needs the verdict, not the users
            self.users.append(CheckedUser.of(row, checked))

    def _check_hashed(
        self, row: int, cells: tuple[str, str, str, str], password_hash: str, function: str
    ) -> dict[str, Any] | list[RowError]:
        email, name, password, force = cells
        google = google_hash_cells(password, function)
        if isinstance(google, RowCode):  # the rest is checked as a row with a hash
            message = "Only crypt hashes are kept; unsalted MD5 and SHA-1 hashes are not."
            refused = _error(row, HASH_FUNCTION, google, message)
            checked = checked_values(row, (email, name, "", force), self.context, hashed=True)
            return [refused, *checked] if isinstance(checked, list) else [refused]
        password, from_password = google
        if from_password:
            password, password_hash = (
                (password, password_hash) if password_hash else ("", from_password)
            )
        return checked_values(row, (email, name, password, force), self.context, password_hash)

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


def directory_changed(rows: list[int]) -> list[RowError]:
    """Rows whose user (to update or skip) another writer deleted while the import ran."""
    message = (
        "This user was deleted (by a revert or another writer) while the import ran; nothing "
        "was added. Upload the file again."
    )
    return [_error(row, EMAIL, RowCode.DIRECTORY_CHANGED, message) for row in rows]
