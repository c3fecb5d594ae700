"""One row of an import file as a pydantic model, `UserRow`: its fields carry the template's
column names as aliases (the template and the header aliases other consoles use come from
here), their limits, and the cell rules (app/imports/reading/cells.py) as validators. A row
that fails becomes `RowError`s (field alias -> column). Rules across rows (duplicates in the
file, addresses in the directory) live in app/imports/reading/file_rules.py."""

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from app.core.codes import RowCode
from app.core.schemas import RowError
from app.db.models.base import MAX_EMAIL_LENGTH
from app.imports.reading.cells import (
    _AROUND,
    MAX_NAME_LENGTH,
    MAX_PASSWORD_LENGTH,
    RowContext,
    _address,
    _boolean,
    _in_context,
    _name,
    _password,
    _password_hash,
)
from app.passwords.imported import MAX_HASH_LENGTH

_OUR_CODES = frozenset(code.value for code in RowCode)


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
    tests/imports/reading/test_row_verdict.py keeps this equal to model_validate."""
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


def _failed(row: int, column: str, exc: PydanticCustomError) -> RowError:
    return RowError(row=row, column=column, code=RowCode(exc.type), message=exc.message())


def row_verdict(row: int, cells: tuple[str, str, str, str], context: RowContext) -> list[RowError]:
    """The errors of a row with no password hash (none: []): a dry run's verdict, no model."""
    checked = check_row(row, cells, context, hashed=False, keep=False)
    return checked if isinstance(checked, list) else []
