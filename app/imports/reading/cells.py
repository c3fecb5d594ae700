"""The rules of each cell of a row: the address, the name, the password (or an imported hash),
Force Change Password, and the optional Aliases and Active. What a value may be is the
directory's rule (app/directory/rules.py), stated once for every writer; here it is read from
a cell, in the context of its row and file. Each raises an error with a stable code and a
message that never quotes a cell."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import (
    SecretStr,
    ValidationInfo,
)

from app.core.codes import RowCode
from app.directory.addresses import AddressValidator
from app.directory.rules import (
    AROUND,
    AliasProblem,
    Domains,
    alias_entries,
    check_address,
    check_aliases,
    check_name,
    check_password,
    problem,
)
from app.passwords.imported import hash_problem

TEMPLATE_BOOLEANS = {"TRUE": True, "FALSE": False}  # as the template writes them
DEFAULT_MAX_ALIASES = 30  # USERIMPORT_MAX_ALIASES's default


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowPolicy:
    """The settings a row is checked against."""

    min_password_length: int = 8
    allowed_domains: tuple[str, ...] = ()  # empty: any; "*.example.com" admits subdomains
    # on_existing=update: a row may leave Password empty to keep its user's password (the
    # directory must hold the address: app/imports/plan/ checks that).
    keep_passwords: bool = False
    max_aliases: int = DEFAULT_MAX_ALIASES


@dataclass(slots=True)
class RowContext:
    """What checking the rows of one file shares: the policy, the per-domain address cache,
    and the address of the row being checked (kept even when another cell fails, to find
    duplicates)."""

    policy: RowPolicy
    addresses: AddressValidator = field(default_factory=AddressValidator)
    address: str | None = None
    hashed: bool = False  # the row being checked gives a password hash, not a password
    domains: Domains = field(init=False)

    def __post_init__(self) -> None:
        self.domains = Domains(self.policy.allowed_domains)


def _address(raw: str, context: RowContext) -> str:
    address = check_address(raw, context.addresses, context.domains)
    context.address = address
    return address


def _name(raw: str) -> str:
    return check_name(raw)


def _password(raw: str, context: RowContext) -> SecretStr | None:
    # Kept exactly as written: spaces may be part of a password. Never quoted in a message.
    if context.hashed:
        if raw:
            message = "The row has a password and a password hash; give one or the other."
            raise problem(RowCode.CONFLICTING_VALUES, message)
        return None
    if not raw:
        if context.policy.keep_passwords:
            return None  # the user's own is kept, if the user exists
        raise problem(RowCode.MISSING_VALUE, "A password (or a password hash) is required.")
    # The address is checked first: None when it failed.
    return SecretStr(check_password(raw, context.address, context.policy.min_password_length))


def _password_hash(raw: str) -> str | None:
    value = raw.strip(AROUND)
    if not value:
        return None
    found = hash_problem(value)  # which scheme, which bound: never the hash itself
    if found is not None:
        raise problem(RowCode.INVALID_PASSWORD_HASH, found)
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
        raise problem(RowCode.INVALID_BOOLEAN, "Write TRUE or FALSE.")
    value = TEMPLATE_BOOLEANS.get(raw)  # as the template writes it: no more work
    if value is None:
        value = TEMPLATE_BOOLEANS.get(raw.strip(AROUND).upper())
    if value is None:
        raise problem(RowCode.INVALID_BOOLEAN, "Write TRUE or FALSE.")
    return value


def google_hash_cells(password: str, function: str) -> tuple[str, str] | RowCode:
    """Google Workspace's Password cell and its Password Hash Function cell, as (password,
    hash): "crypt" means the Password cell holds a modular-crypt hash. Its MD5 and SHA-1
    (unsalted) are refused."""
    name = function.strip(AROUND).lower()
    if not name:
        return password, ""
    if name == "crypt":
        return "", password
    return RowCode.INVALID_PASSWORD_HASH


def aliases_cell(raw: str, context: RowContext) -> tuple[list[tuple[int, str]], list[AliasProblem]]:
    """The row's Aliases cell: its user's whole alias set, (position in the cell, address)
    each, checked as addresses (the row's own Email left out); and what is wrong with it,
    entry by entry."""
    primary = context.address.lower() if context.address is not None else None
    entries = alias_entries(raw)
    policy = context.policy
    return check_aliases(entries, primary, context.addresses, context.domains, policy.max_aliases)


def _alias_set(raw: str, context: RowContext) -> list[str]:
    """UserRow's rule for the cell: the first problem, if any (checked_values lists all)."""
    aliases, problems = aliases_cell(raw, context)
    if problems:
        raise problem(problems[0].code, problems[0].message)
    return [alias for _position, alias in aliases]


def _active(raw: Any) -> bool | None:
    """The Active cell: TRUE or FALSE as Force Change Password is; empty: not given (a new user
    is active, an existing one left as it is)."""
    if isinstance(raw, str) and not raw.strip(AROUND):
        return None
    return _boolean(raw)
