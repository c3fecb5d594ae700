"""One row of an import file as a pydantic model: every rule of one row, stated once.

`UserRow`'s fields carry the template's column names as aliases (the template and the header
aliases other consoles use come from here), their limits, and the address, name, password and
boolean rules as annotated validators that raise errors with our stable codes. A row that fails
becomes `RowError`s (field alias -> column); a message never quotes a cell. Rules across rows
(duplicates within the file, addresses already in the directory) live in app/imports/rules.py.

One rule for every cell: around a value only spaces, no-break spaces and zero-width characters
are removed (never around a password); any other control or line-break character makes the
value invalid. An address or name the export neutralised (a quote before =, +, -, @: see
app/core/spreadsheet.py) is read back as it was.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from email_validator import EmailNotValidError
from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from app.core.codes import RowCode
from app.core.schemas import RowError
from app.core.spreadsheet import restored
from app.db.models.base import MAX_EMAIL_LENGTH
from app.imports.addresses import AddressValidator, is_plain
from app.passwords.imported import MAX_HASH_LENGTH, hash_problem
from app.passwords.policy import password_problem

MAX_NAME_LENGTH = 256
MAX_PASSWORD_LENGTH = 1024
# What copy-paste leaves around a value: spaces, no-break spaces, zero-width characters.
_AROUND = " \u00a0\u202f\u200b\u200c\u200d\u2060\ufeff"
# Control characters (C0 and C1: TAB, CR, LF, VT, FF, U+001C-001F, U+0085...) and the line and
# paragraph separators: never in a name. In an address, the ideographic space neither.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOT_IN_ADDRESS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u3000]")
# Unicode's mandatory line breaks: never in a password (other characters are its own business).
_LINE_BREAK = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
_ADDRESS_SEPARATORS = re.compile(r"[;,\s]+")
_BOOLEANS = {"TRUE": True, "FALSE": False}
_OUR_CODES = frozenset(code.value for code in RowCode)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowPolicy:
    """The settings a row is checked against."""

    min_password_length: int = 8
    allowed_domains: tuple[str, ...] = ()  # empty: any; "*.example.com" admits subdomains
    # on_existing=update: a row may leave Password empty to keep its user's password (the
    # directory must hold the address: app/imports/service.py checks that).
    keep_passwords: bool = False

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


@dataclass(slots=True)
class RowContext:
    """What checking the rows of one file shares: the policy, the per-domain address cache,
    and the address of the row being checked (kept even when another cell fails, to find
    duplicates)."""

    policy: RowPolicy
    addresses: AddressValidator = field(default_factory=AddressValidator)
    address: str | None = None
    hashed: bool = False  # the row being checked gives a password hash, not a password


def _problem(code: RowCode, message: str) -> PydanticCustomError:
    return PydanticCustomError(code.value, message)


def plain_message(error: EmailNotValidError) -> str:
    """email-validator's explanation without the characters or labels it quotes."""
    text = str(error).split(": ", 1)[0].split(" (", 1)[0].rstrip(".")
    return f"{text}." if len(text) > 20 else "The address is not valid."


def _address(raw: str, context: RowContext) -> str:
    value = restored(raw.strip(_AROUND))  # as exported: '=x@... is =x@...
    if not value:
        raise _problem(RowCode.MISSING_VALUE, "An email address is required.")
    if len(value) > MAX_EMAIL_LENGTH:
        message = (
            f"The address is {len(value)} characters long; at most {MAX_EMAIL_LENGTH} are allowed."
        )
        raise _problem(RowCode.VALUE_TOO_LONG, message)
    plain = is_plain(value)
    if not plain:  # the usual address has none of what is checked here
        if _NOT_IN_ADDRESS.search(value):
            message = "The address holds a control character, a tab, a line break or a wide space."
            raise _problem(RowCode.INVALID_EMAIL, message)
        parts = [part for part in _ADDRESS_SEPARATORS.split(value) if "@" in part]
        if len(parts) > 1:
            message = f"The cell holds {len(parts)} addresses; put one address per row."
            raise _problem(RowCode.MULTIPLE_ADDRESSES, message)
    try:
        address = context.addresses.normalize(value, plain)
    except EmailNotValidError as exc:
        raise _problem(RowCode.INVALID_EMAIL, plain_message(exc)) from None
    context.address = address
    policy = context.policy
    if policy.allowed_domains and not policy.domain_allowed(address.rsplit("@", 1)[1]):
        message = "The address's domain is not one of this directory's domains."
        raise _problem(RowCode.DOMAIN_NOT_ALLOWED, message)
    return address


def _name(raw: str) -> str:
    value = restored(raw.strip(_AROUND))  # as exported: '=SUM(1) is =SUM(1)
    if not value:
        raise _problem(RowCode.MISSING_VALUE, "A name is required.")
    if _CONTROL.search(value):
        message = "The name holds a control character, a tab or a line break; a name is one line."
        raise _problem(RowCode.INVALID_VALUE, message)
    if len(value) > MAX_NAME_LENGTH:
        message = (
            f"The name is {len(value)} characters long; at most {MAX_NAME_LENGTH} are allowed."
        )
        raise _problem(RowCode.VALUE_TOO_LONG, message)
    return value


def _password(raw: str, context: RowContext) -> SecretStr | None:
    # Kept exactly as written: spaces may be part of a password. Never quoted in a message.
    if context.hashed:
        if raw:
            message = "The row has a password and a password hash; give one or the other."
            raise _problem(RowCode.CONFLICTING_VALUES, message)
        return None
    if not raw:
        if context.policy.keep_passwords:
            return None  # the user's own is kept, if the user exists
        raise _problem(RowCode.MISSING_VALUE, "A password (or a password hash) is required.")
    if len(raw) > MAX_PASSWORD_LENGTH:
        message = f"The password is longer than {MAX_PASSWORD_LENGTH} characters."
        raise _problem(RowCode.VALUE_TOO_LONG, message)
    if _LINE_BREAK.search(raw):
        raise _problem(RowCode.INVALID_VALUE, "The password holds a line break.")
    address = context.address  # checked first: None when the address failed
    problem = password_problem(raw, address, context.policy.min_password_length)
    if problem is not None:
        raise _problem(problem.code, problem.message)
    return SecretStr(raw)


def _password_hash(raw: str) -> str | None:
    value = raw.strip(_AROUND)
    if not value:
        return None
    problem = hash_problem(value)  # which scheme, which bound: never the hash itself
    if problem is not None:
        raise _problem(RowCode.INVALID_PASSWORD_HASH, problem)
    return value


def _in_context(
    validate: Callable[[str, RowContext], T],
) -> Callable[[str, ValidationInfo], T]:
    """A rule as pydantic calls it: the RowContext is the validation's context."""

    def adapted(raw: str, info: ValidationInfo) -> T:
        return validate(raw, info.context)  # type: ignore[arg-type]  # a RowContext, always

    return adapted


def _boolean(raw: Any) -> bool:
    if not isinstance(raw, str):
        raise _problem(RowCode.INVALID_BOOLEAN, "Write TRUE or FALSE.")
    value = _BOOLEANS.get(raw)  # as the template writes it: no more work
    if value is None:
        value = _BOOLEANS.get(raw.strip(_AROUND).upper())
    if value is None:
        raise _problem(RowCode.INVALID_BOOLEAN, "Write TRUE or FALSE.")
    return value


class UserRow(BaseModel):
    """A user row of the import file, by the template's column names."""

    model_config = ConfigDict(frozen=True, populate_by_name=False, hide_input_in_errors=True)

    email: Annotated[
        str,
        Field(
            alias="Email",
            validation_alias=AliasChoices(
                "Email", "E-mail", "E-mail Address", "Email Address", "Email Address [Required]",
                "User Name", "Username", "Mail", "Primary Email",
            ),
            json_schema_extra={"maxLength": MAX_EMAIL_LENGTH},
            description="One mail-enabled address (a distribution list too); stored with its "
            "domain lower-cased; unique in the directory, whatever its letter case.",
            examples=["ana@example.com"],
        ),
        AfterValidator(_in_context(_address)),
    ]  # fmt: skip
    name: Annotated[
        str,
        Field(
            alias="Name",
            validation_alias=AliasChoices("Name", "Display Name", "Full Name"),
            json_schema_extra={"maxLength": MAX_NAME_LENGTH},
            description="Display name: one line, no control characters.",
            examples=["Ana Lima"],
        ),
        AfterValidator(_name),
    ]
    password: Annotated[
        SecretStr | None,
        Field(
            alias="Password",
            validation_alias=AliasChoices("Password", "Password [Required]"),
            json_schema_extra={"maxLength": MAX_PASSWORD_LENGTH, "writeOnly": True},
            description="Kept exactly as written (spaces too), hashed with argon2id, never "
            "shown. At least USERIMPORT_MIN_PASSWORD_LENGTH characters, not containing the "
            "address's name part, not a common password, no line break. Empty on a row that "
            "gives a Password Hash instead.",
        ),
        BeforeValidator(_in_context(_password)),
    ]
    force_change_password: Annotated[
        bool,
        Field(
            alias="Force Change Password",
            validation_alias=AliasChoices(
                "Force Change Password", "Change Password at Next Sign-In",
                "Change Password at Next Sign In", "Force Password Change",
            ),
            description="TRUE or FALSE, in any letter case.",
        ),
        BeforeValidator(_boolean),
    ]  # fmt: skip
    password_hash: Annotated[
        str | None,
        Field(
            alias="Password Hash",
            validation_alias=AliasChoices("Password Hash", "Hashed Password", "PasswordHash"),
            json_schema_extra={"maxLength": MAX_HASH_LENGTH},
            description="Optional column (not in the template): a password already hashed "
            "elsewhere, kept as it is so the user keeps their password. argon2id or argon2i "
            "(PHC), bcrypt ($2a$, $2b$, $2y$) or scrypt ($scrypt$ PHC); the password policy "
            "does not apply. A row gives a Password or a Password Hash, never both.",
        ),
        BeforeValidator(_password_hash),
    ] = None


def _aliases(name: str) -> tuple[str, ...]:
    choices = UserRow.model_fields[name].validation_alias
    assert isinstance(choices, AliasChoices)
    return tuple(str(choice) for choice in choices.choices)


# The template's columns (the required fields), in order; the optional ones; the header names
# read as each of them.
TEMPLATE_COLUMNS: tuple[str, ...] = tuple(
    str(info.alias) for info in UserRow.model_fields.values() if info.is_required()
)
EMAIL, NAME, PASSWORD, FORCE_CHANGE = TEMPLATE_COLUMNS
PASSWORD_HASH = str(UserRow.model_fields["password_hash"].alias)
# Google Workspace's pairing: this column says "crypt" where its Password cell holds a hash.
HASH_FUNCTION = "Password Hash Function"
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    str(info.alias): _aliases(name) for name, info in UserRow.model_fields.items()
} | {HASH_FUNCTION: (HASH_FUNCTION, "Password Hash Function [UPLOAD ONLY]")}
OPTIONAL_COLUMNS = (PASSWORD_HASH, HASH_FUNCTION)


def row_errors(row: int, error: ValidationError) -> list[RowError]:
    """The row's errors, column by column; pydantic's own (a wrong type) read as invalid_value."""
    found = []
    for detail in error.errors(include_url=False, include_context=False, include_input=False):
        column = str(detail["loc"][0]) if detail["loc"] else None
        if detail["type"] in _OUR_CODES:
            code, message = detail["type"], detail["msg"]
        else:
            code, message = RowCode.INVALID_VALUE.value, "The value is not valid here."
        found.append(RowError(row=row, column=column, code=RowCode(code), message=message))
    return found


def check_row(
    row: int,
    cells: tuple[str, str, str, str],
    context: RowContext,
    password_hash: str = "",
    *,
    hashed: bool | None = None,
    keep: bool = True,
) -> UserRow | list[RowError] | None:
    """The row's errors, or (keep) the row as a UserRow, else None; context.address is the
    row's address if valid. password_hash: the row's Password Hash cell, when the file has
    that column; hashed: the row gives a hash (default: when that cell is not empty)."""
    checked = checked_values(row, cells, context, password_hash, hashed=hashed)
    if isinstance(checked, list):
        return checked
    return UserRow.model_construct(**checked) if keep else None


def checked_values(
    row: int,
    cells: tuple[str, str, str, str],
    context: RowContext,
    password_hash: str = "",
    *,
    hashed: bool | None = None,
) -> dict[str, Any] | list[RowError]:
    """The row's errors, or its checked values by UserRow field (what check_row builds the
    model from; a job keeps them without the model's cost).

    UserRow's own rules are called in its field order, as model_validate calls them, without
    pydantic's machinery around them (a third of a row's cost).
    tests/imports/test_row_verdict.py keeps this equal to model_validate."""
    email, name, password, force = cells
    context.address = None
    context.hashed = bool(password_hash.strip(_AROUND)) if hashed is None else hashed
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    checks: list[tuple[str, str, Callable[[], Any]]] = [
        ("email", EMAIL, lambda: _address(email, context)),
        ("name", NAME, lambda: _name(name)),
        ("password", PASSWORD, lambda: _password(password, context)),
        ("force_change_password", FORCE_CHANGE, lambda: _boolean(force)),
    ]
    if context.hashed:
        checks.append(("password_hash", PASSWORD_HASH, lambda: _password_hash(password_hash)))
    for field_name, column, check in checks:
        try:
            values[field_name] = check()
        except PydanticCustomError as exc:
            errors.append(_failed(row, column, exc))
    return errors or values


def google_hash_cells(password: str, function: str) -> tuple[str, str] | RowCode:
    """Google Workspace's Password cell and its Password Hash Function cell, as (password,
    hash): "crypt" means the Password cell holds a modular-crypt hash. Its MD5 and SHA-1
    (unsalted) are refused."""
    name = function.strip(_AROUND).lower()
    if not name:
        return password, ""
    if name == "crypt":
        return "", password
    return RowCode.INVALID_PASSWORD_HASH


def _failed(row: int, column: str, exc: PydanticCustomError) -> RowError:
    return RowError(row=row, column=column, code=RowCode(exc.type), message=exc.message())


def row_verdict(row: int, cells: tuple[str, str, str, str], context: RowContext) -> list[RowError]:
    """The errors of a row with no password hash (none: []): a dry run's verdict, no model."""
    checked = check_row(row, cells, context, hashed=False, keep=False)
    return checked if isinstance(checked, list) else []
