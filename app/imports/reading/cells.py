"""The rules of each cell of a row, stated once: the address, the name, the password (or an
imported hash) and Force Change Password. Each raises an error with a stable code and a
message that never quotes a cell.

One rule for every cell: around a value only spaces, no-break spaces and zero-width characters
are removed (never around a password); any other control or line-break character makes the
value invalid. An address or name the export neutralised (a quote before =, +, -, @: see
app/core/spreadsheet.py) is read back as it was."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from email_validator import EmailNotValidError
from pydantic import (
    SecretStr,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from app.core.codes import RowCode
from app.core.spreadsheet import restored
from app.db.models.base import MAX_EMAIL_LENGTH
from app.imports.reading.addresses import AddressValidator, is_plain
from app.passwords.imported import hash_problem
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


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RowPolicy:
    """The settings a row is checked against."""

    min_password_length: int = 8
    allowed_domains: tuple[str, ...] = ()  # empty: any; "*.example.com" admits subdomains
    # on_existing=update: a row may leave Password empty to keep its user's password (the
    # directory must hold the address: app/imports/plan/ checks that).
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
