"""The checks one row must pass, and the checks across rows (duplicates within the file)."""

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError

from app.imports.addresses import AddressValidator
from app.imports.csv_reader import EMAIL, FORCE_CHANGE, NAME, PASSWORD
from app.models import MAX_EMAIL_LENGTH
from app.schemas import RowError
from app.security.password_policy import password_problem

MAX_NAME_LENGTH = 256
MAX_PASSWORD_LENGTH = 1024
_ADDRESS_SEPARATORS = re.compile(r"[;,\s]+")
# Spaces, non-breaking spaces and zero-width characters that copy-paste leaves around addresses.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_AROUND_ADDRESS = re.compile(r"^[\s\u200b-\u200d\u2060\ufeff]+|[\s\u200b-\u200d\u2060\ufeff]+$")
_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]")
_BOOLEANS = {"TRUE": True, "FALSE": False}


@dataclass(frozen=True, slots=True)
class RowPolicy:
    """The settings a row is checked against."""

    min_password_length: int = 8
    allowed_domains: tuple[str, ...] = ()  # empty: any; "*.example.com" admits subdomains

    def domain_allowed(self, domain: str) -> bool:
        if not self.allowed_domains:  # the usual case: no list, no work
            return True
        for allowed in self.allowed_domains:
            allowed = allowed.lower()
            if allowed.startswith("*.") and domain.endswith(allowed[1:]):
                return True
            if domain == allowed:
                return True
        return False


@dataclass(frozen=True, slots=True)
class NewUser:
    row: int
    email: str
    email_key: str  # lower-cased: addresses are compared without regard to case
    name: str
    password: str
    force_change_password: bool


def _error(row: int, column: str, code: str, message: str) -> RowError:
    return RowError(row=row, column=column, code=code, message=message)


def check_email(row: int, raw: str, addresses: AddressValidator) -> str | RowError:
    value = raw.strip()
    if value and (value[0] in _INVISIBLE or value[-1] in _INVISIBLE):
        value = _AROUND_ADDRESS.sub("", value)
    if not value:
        return _error(row, EMAIL, "missing_value", "An email address is required.")
    if len(value) > MAX_EMAIL_LENGTH:
        message = (
            f"The address is {len(value)} characters long; at most {MAX_EMAIL_LENGTH} are allowed."
        )
        return _error(row, EMAIL, "value_too_long", message)
    if _ADDRESS_SEPARATORS.search(value):
        parts = [part for part in _ADDRESS_SEPARATORS.split(value) if "@" in part]
        if len(parts) > 1:
            message = f"The cell holds {len(parts)} addresses; put one address per row."
            return _error(row, EMAIL, "multiple_addresses", message)
    try:
        return addresses.normalize(value)
    except EmailNotValidError as exc:
        return _error(row, EMAIL, "invalid_email", f'"{value}" is not a valid email address: {exc}')


def check_name(row: int, raw: str) -> str | RowError:
    value = raw.strip()
    if not value:
        return _error(row, NAME, "missing_value", "A name is required.")
    if _LINE_BREAK.search(value):
        message = "The name holds a line break; a name is one line."
        return _error(row, NAME, "invalid_value", message)
    if len(value) > MAX_NAME_LENGTH:
        message = (
            f"The name is {len(value)} characters long; at most {MAX_NAME_LENGTH} are allowed."
        )
        return _error(row, NAME, "value_too_long", message)
    return value


def check_password(row: int, raw: str) -> str | RowError:
    # Kept exactly as written: spaces may be part of a password. Never quoted in a message.
    if not raw:
        return _error(row, PASSWORD, "missing_value", "A password is required.")
    if len(raw) > MAX_PASSWORD_LENGTH:
        message = f"The password is longer than {MAX_PASSWORD_LENGTH} characters."
        return _error(row, PASSWORD, "value_too_long", message)
    return raw


def check_force_change(row: int, raw: str) -> bool | RowError:
    value = _BOOLEANS.get(raw.strip().upper())
    if value is None:
        return _error(row, FORCE_CHANGE, "invalid_boolean", "Write TRUE or FALSE.")
    return value


class FileChecker:
    """Checks rows one by one; remembers addresses to find duplicates within the file."""

    def __init__(self, max_errors: int, policy: RowPolicy, keep_users: bool = True) -> None:
        self.max_errors = max_errors
        self.policy = policy
        self.keep_users = keep_users  # a dry run needs the verdict, not the users
        self.addresses = AddressValidator()
        self.users: list[NewUser] = []
        self.errors: list[RowError] = []  # the first max_errors of them
        self.error_count = 0
        # First row of every valid address, rows with other errors included.
        self.first_rows: dict[str, tuple[int, str]] = {}

    def check(self, row: int, cells: tuple[str, str, str, str]) -> None:
        """Check one row's Email, Name, Password and Force Change Password cells."""
        raw_email, raw_name, raw_password, raw_force = cells
        email = check_email(row, raw_email, self.addresses)
        name = check_name(row, raw_name)
        password = check_password(row, raw_password)
        force = check_force_change(row, raw_force)
        policy = self.policy
        address = email if isinstance(email, str) else None
        if address is not None and not policy.domain_allowed(address.rsplit("@", 1)[1]):
            message = f"{address} is not in one of this directory's domains."
            email = _error(row, EMAIL, "domain_not_allowed", message)
        if isinstance(password, str):
            problem = password_problem(password, address, policy.min_password_length)
            if problem is not None:
                password = _error(row, PASSWORD, problem.code, problem.message)
        duplicate = None
        if address is not None:
            key = address.lower()
            earlier = self.first_rows.setdefault(key, (row, address))[0]
            if earlier != row:
                message = f"{address} is already on row {earlier} of this file."
                duplicate = _error(row, EMAIL, "duplicate_in_file", message)
            elif (
                isinstance(email, str)  # not refused for its domain
                and isinstance(name, str)
                and isinstance(password, str)
                and isinstance(force, bool)
            ):
                if self.keep_users:
                    self.users.append(NewUser(row, address, key, name, password, force))
                return
        found = (duplicate, email, name, password, force)
        self.report([value for value in found if isinstance(value, RowError)])

    def report(self, errors: list[RowError]) -> None:
        """Count every error; keep only the first max_errors, so a broken file stays cheap."""
        self.error_count += len(errors)
        self.errors.extend(errors[: max(0, self.max_errors - len(self.errors))])

    def already_exists(self, existing_keys: set[str]) -> list[RowError]:
        """An error on the first row of each address the directory already holds."""
        return [
            _error(row, EMAIL, "already_exists", f"{email} is already in the directory.")
            for key, (row, email) in self.first_rows.items()
            if key in existing_keys
        ]
