"""One row checked by UserRow's rules, in its field order, without pydantic's machinery around
them (a third of a row's cost): its errors (field alias -> column), or its checked values,
kept as a CheckedUser. tests/imports/reading/test_row_verdict.py keeps this equal to
UserRow.model_validate.

The usual row in one step (usual_row): Force Change Password (and Active) written as the
template writes them, and an address, a name, a password or an imported hash, and aliases
every rule accepts, checked by those same rules (app/directory/rules.py) one after the other,
without the per-row values, tries and objects of checked_values. Anything else is not usual
(None) and checked_values judges it, naming every problem in its column: the rules stay
stated once. tests/imports/reading/
test_usual_row.py proves both ways agree on generated rows and files."""

from typing import Any, NamedTuple

from pydantic import SecretStr, ValidationError
from pydantic_core import PydanticCustomError

from app.core.codes import RowCode
from app.core.schemas import RowError
from app.directory.rules import (
    AROUND,
    alias_entries,
    check_address,
    check_aliases,
    check_name,
    check_password,
)
from app.imports.reading.cells import (
    TEMPLATE_BOOLEANS,
    RowContext,
    _active,
    _address,
    _boolean,
    _name,
    _password,
    _password_hash,
    aliases_cell,
)
from app.imports.reading.user_row import (
    ACTIVE,
    ALIASES,
    EMAIL,
    FORCE_CHANGE,
    NAME,
    NO_EXTRAS,
    PASSWORD,
    PASSWORD_HASH,
    Extras,
    UserRow,
)
from app.passwords.imported import hash_problem

_OUR_CODES = frozenset(code.value for code in RowCode)


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
    extras: Extras = NO_EXTRAS,
) -> UserRow | list[RowError] | None:
    """The row's errors, or (keep) the row as a UserRow, else None; context.address is the
    row's address if valid. password_hash: the row's Password Hash cell, when the file has
    that column; hashed: the row gives a hash (default: when that cell is not empty); extras:
    its Aliases and Active cells, when the file has those columns."""
    checked = checked_values(row, cells, context, password_hash, hashed=hashed, extras=extras)
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
    extras: Extras = NO_EXTRAS,
) -> dict[str, Any] | list[RowError]:
    """The row's errors, or its checked values by UserRow field (what check_row builds the
    model from; a job keeps them without the model's cost).

    UserRow's own rules are called in its field order, as model_validate calls them, without
    pydantic's machinery around them (a third of a row's cost).
    tests/imports/reading/test_row_verdict.py keeps this equal to model_validate."""
    email, name, password, force = cells
    context.address = None
    context.hashed = bool(password_hash.strip(AROUND)) if hashed is None else hashed
    errors: list[RowError] = []
    values: dict[str, Any] = {}
    # One rule after another, each its own try (no closure or list of checks built per row).
    try:
        values["email"] = _address(email, context)
    except PydanticCustomError as exc:
        errors.append(_failed(row, EMAIL, exc))
    try:
        values["name"] = _name(name)
    except PydanticCustomError as exc:
        errors.append(_failed(row, NAME, exc))
    try:
        values["password"] = _password(password, context)
    except PydanticCustomError as exc:
        errors.append(_failed(row, PASSWORD, exc))
    try:
        values["force_change_password"] = _boolean(force)
    except PydanticCustomError as exc:
        errors.append(_failed(row, FORCE_CHANGE, exc))
    if context.hashed:
        try:
            values["password_hash"] = _password_hash(password_hash)
        except PydanticCustomError as exc:
            errors.append(_failed(row, PASSWORD_HASH, exc))
    if extras.active is not None:
        try:
            values["active"] = _active(extras.active)
        except PydanticCustomError as exc:
            errors.append(_failed(row, ACTIVE, exc))
    if extras.aliases is not None:  # every problem of the cell, each naming its entry
        values["aliases"], problems = aliases_cell(extras.aliases, context)
        errors += [RowError(row=row, column=ALIASES, code=p.code, message=p.message)
                   for p in problems]  # fmt: skip
    return errors or values


def _failed(row: int, column: str, exc: PydanticCustomError) -> RowError:
    return RowError(row=row, column=column, code=RowCode(exc.type), message=exc.message())


def row_verdict(row: int, cells: tuple[str, str, str, str], context: RowContext) -> list[RowError]:
    """The errors of a row with no password hash (none: []): a dry run's verdict, no model."""
    checked = check_row(row, cells, context, hashed=False, keep=False)
    return checked if isinstance(checked, list) else []


# The stored hash of a row that leaves Password empty (on_existing=update): the user's own is
# kept. Written as is to staging; the directory's UPDATE keeps the old hash for it.
KEEP = ""


class CheckedUser(NamedTuple):
    """A valid row, kept compact (a job's file may hold millions): what is written of it."""

    row: int
    email: str
    name: str
    secret: str  # the password, or the imported hash when `imported` (KEEP: the user's own)
    imported: bool
    force_change_password: bool
    aliases: tuple[str, ...] | None  # None: the file has no Aliases column (left as they are)
    active: bool | None  # None: not given (a new user is active, an existing one unchanged)

    @classmethod
    def of(cls, row: int, values: dict[str, Any]) -> "CheckedUser":
        """From a valid row's checked values (checked_values: UserRow's fields)."""
        password: SecretStr | None = values["password"]
        force: bool = values["force_change_password"]
        given = values.get("aliases")
        aliases = None if given is None else tuple(alias for _position, alias in given)
        active: bool | None = values.get("active")
        if password is None:  # an imported hash kept as it is, or the user's own (KEEP)
            hashed = values.get("password_hash") or KEEP
            return cls(row, values["email"], values["name"], hashed, True, force, aliases, active)
        secret = password.get_secret_value()
        return cls(row, values["email"], values["name"], secret, False, force, aliases, active)


# Active as the template and the export write it; None or empty: not given.
NOT_GIVEN: dict[str | None, bool | None] = {None: None, "": None, "TRUE": True, "FALSE": False}

# A usual row's aliases, (position in the cell, address) each: the file's checks across rows
# need their positions.
Given = list[tuple[int, str]]


def usual_row(
    row: int, cells: tuple[str, str, str, str], context: RowContext, extras: Extras = NO_EXTRAS
) -> tuple[CheckedUser, Given] | None:
    """The row as CheckedUser, and its aliases, when it passes every rule as it is: Force
    Change Password and Active written as the template writes them, a password or else an
    imported hash (no hash function named), an address, a name and aliases every rule
    accepts. None for any other row."""
    email, name, password, force = cells
    flag = TEMPLATE_BOOLEANS.get(force)
    if flag is None or extras.active not in NOT_GIVEN or extras.hash_function:
        return None  # " true ", a hash function (Google's): the full rules
    active = NOT_GIVEN[extras.active]
    hashed = extras.password_hash.strip(AROUND)
    if bool(password) == bool(hashed):  # an empty password (keep it?), or both: the full rules
        return None
    try:
        address = check_address(email, context.addresses, context.domains)
        value = check_name(name)
        if password:
            check_password(password, address, context.policy.min_password_length)
        elif hash_problem(hashed) is not None:
            return None
        given: Given = []
        if extras.aliases is not None:
            entries = alias_entries(extras.aliases)
            policy = context.policy
            given, problems = check_aliases(
                entries, address.lower(), context.addresses, context.domains, policy.max_aliases
            )
            if problems:
                return None
    except PydanticCustomError:
        return None
    aliases = None if extras.aliases is None else tuple([alias for _position, alias in given])
    secret = password or hashed
    user = CheckedUser(row, address, value, secret, not password, flag, aliases, active)
    return user, given
