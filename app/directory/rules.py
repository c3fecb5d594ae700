"""What a user's values may be, stated once for every writer (a file's row, an API call, a
provider): the address (primary or alias), the name, a password, the aliases of one user.

Each rule raises PydanticCustomError with a stable code (RowCode) and a message that never
quotes a value; around a value only spaces, no-break spaces and zero-width characters are
removed (never around a password); any other control or line-break character makes it
invalid. A value the export neutralised (a quote before =, +, -, @: app/core/spreadsheet.py)
is read back as it was."""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from email_validator import EmailNotValidError
from pydantic_core import PydanticCustomError

from app.core.codes import RowCode
from app.core.spreadsheet import restored
from app.db.models.base import MAX_EMAIL_LENGTH
from app.directory.addresses import AddressValidator, is_plain
from app.passwords.policy import password_problem

MAX_NAME_LENGTH = 256
MAX_PASSWORD_LENGTH = 1024
# What copy-paste leaves around a value: spaces, no-break spaces, zero-width characters.
AROUND = " \u00a0\u202f\u200b\u200c\u200d\u2060\ufeff"
# Control characters (C0 and C1: TAB, CR, LF, VT, FF, U+001C-001F, U+0085...) and the line and
# paragraph separators: never in a name. In an address, the ideographic space neither.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_NOT_IN_ADDRESS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u3000]")
# Unicode's mandatory line breaks: never in a password (other characters are its own business).
LINE_BREAK = re.compile("[\r\n\x0b\x0c\x85\u2028\u2029]")
_ADDRESS_SEPARATORS = re.compile(r"[;,\s]+")
# Consoles' address lists (Microsoft 365's proxyAddresses) mark each entry with its type:
# SMTP: the primary address, smtp: an alias; these other types are no mail address here.
_OTHER_TYPES = frozenset({"x500", "x400", "sip", "eum", "ms", "ccmail", "notes", "gwise"})
_TYPE = re.compile(r"([A-Za-z0-9]{1,10}):(.*)\Z", re.DOTALL)
_LIST_SEPARATORS = re.compile(r"[,\s]+")


def problem(code: RowCode, message: str) -> PydanticCustomError:
    return PydanticCustomError(code.value, message)


def plain_message(error: EmailNotValidError) -> str:
    """email-validator's explanation without the characters or labels it quotes."""
    text = str(error).split(": ", 1)[0].split(" (", 1)[0].rstrip(".")
    return f"{text}." if len(text) > 20 else "The address is not valid."


@dataclass(frozen=True, slots=True)
class Domains:
    """The domains an address may have: empty, any; "*.example.com" admits subdomains."""

    allowed: tuple[str, ...] = ()

    def admit(self, domain: str) -> bool:
        if not self.allowed:  # the usual case: no list, no work
            return True
        for allowed in self.allowed:
            allowed = allowed.lower()
            if allowed.startswith("*.") and domain.endswith(allowed[1:]):
                return True
            if domain == allowed:
                return True
        return False


def check_address(raw: str, addresses: AddressValidator, domains: Domains) -> str:
    """One address, normalized (its domain lower-cased)."""
    value = restored(raw.strip(AROUND))  # as exported: '=x@... is =x@...
    if not value:
        raise problem(RowCode.MISSING_VALUE, "An email address is required.")
    if len(value) > MAX_EMAIL_LENGTH:
        message = (
            f"The address is {len(value)} characters long; at most {MAX_EMAIL_LENGTH} are allowed."
        )
        raise problem(RowCode.VALUE_TOO_LONG, message)
    plain = is_plain(value)
    if not plain:  # the usual address has none of what is checked here
        if _NOT_IN_ADDRESS.search(value):
            message = "The address holds a control character, a tab, a line break or a wide space."
            raise problem(RowCode.INVALID_EMAIL, message)
        parts = [part for part in _ADDRESS_SEPARATORS.split(value) if "@" in part]
        if len(parts) > 1:
            message = f"The cell holds {len(parts)} addresses; put one address per row."
            raise problem(RowCode.MULTIPLE_ADDRESSES, message)
    try:
        address = addresses.normalize(value, plain)
    except EmailNotValidError as exc:
        raise problem(RowCode.INVALID_EMAIL, plain_message(exc)) from None
    if domains.allowed and not domains.admit(address.rsplit("@", 1)[1]):
        message = "The address's domain is not one of this directory's domains."
        raise problem(RowCode.DOMAIN_NOT_ALLOWED, message)
    return address


def check_name(raw: str) -> str:
    value = restored(raw.strip(AROUND))  # as exported: '=SUM(1) is =SUM(1)
    if not value:
        raise problem(RowCode.MISSING_VALUE, "A name is required.")
    if CONTROL.search(value):
        message = "The name holds a control character, a tab or a line break; a name is one line."
        raise problem(RowCode.INVALID_VALUE, message)
    if len(value) > MAX_NAME_LENGTH:
        message = (
            f"The name is {len(value)} characters long; at most {MAX_NAME_LENGTH} are allowed."
        )
        raise problem(RowCode.VALUE_TOO_LONG, message)
    return value


def check_password(raw: str, address: str | None, min_length: int) -> str:
    """A new password, kept exactly as written (spaces may be part of it), never quoted."""
    if len(raw) > MAX_PASSWORD_LENGTH:
        message = f"The password is longer than {MAX_PASSWORD_LENGTH} characters."
        raise problem(RowCode.VALUE_TOO_LONG, message)
    if LINE_BREAK.search(raw):
        raise problem(RowCode.INVALID_VALUE, "The password holds a line break.")
    found = password_problem(raw, address, min_length)
    if found is not None:
        raise problem(found.code, found.message)
    return raw


@dataclass(frozen=True, slots=True)
class AliasProblem:
    """What is wrong with an entry of a user's aliases (position: from 1, as written)."""

    position: int | None  # None: the list as a whole (too many)
    code: RowCode
    message: str


def alias_entries(cell: str) -> list[tuple[int, str, bool]]:
    """A cell of aliases as consoles write it, entry by entry: (position, address, marked as
    the primary address by SMTP:). Separated by ;, commas or spaces; smtp:/SMTP: prefixes
    understood; X500:, SIP: and other types skipped whole (an X500 address holds spaces: the
    words after it that are no address are its own), their positions kept."""
    if is_plain(cell) and cell[0] != "'":  # the usual cell: one plain address, as it is
        return [(1, cell, False)]
    entries: list[tuple[int, str, bool]] = []
    position = 0
    for piece in restored(cell.strip(AROUND)).split(";"):
        skipping = False
        for entry in _LIST_SEPARATORS.split(piece):
            if not entry:
                continue
            typed = _TYPE.match(entry)
            if typed is None and skipping and "@" not in entry:
                continue  # more of the skipped entry
            position += 1
            skipping = typed is not None and typed.group(1).lower() in _OTHER_TYPES
            if skipping:
                continue
            if typed is not None and typed.group(1).lower() == "smtp":
                entries.append((position, typed.group(2), typed.group(1) == "SMTP"))
            else:
                entries.append((position, entry, False))  # another type: not an address
    return entries


def check_aliases(
    entries: Iterable[tuple[int, str, bool]],
    primary_key: str | None,
    addresses: AddressValidator,
    domains: Domains,
    max_aliases: int,
) -> tuple[list[tuple[int, str]], list[AliasProblem]]:
    """A user's aliases, each checked as an address is: (position, address) normalized, in
    order, each once, the primary address left out; and what is wrong with them. primary_key:
    the user's primary address, lower-cased (None when it is not valid itself)."""
    kept: dict[str, tuple[int, str]] = {}
    problems: list[AliasProblem] = []
    for position, raw, marked_primary in entries:
        try:
            alias = check_address(raw, addresses, domains)
        except PydanticCustomError as exc:
            message = f"Alias {position}: {exc.message()}"
            problems.append(AliasProblem(position, RowCode(exc.type), message))
            continue
        key = alias.lower()
        if marked_primary and primary_key is not None and key != primary_key:
            message = f"Alias {position} is marked SMTP: (the primary address) but is not Email."
            problems.append(AliasProblem(position, RowCode.INVALID_VALUE, message))
        elif key != primary_key:
            kept.setdefault(key, (position, alias))
    if len(kept) > max_aliases:
        message = f"{len(kept)} aliases are given; a user has at most {max_aliases}."
        problems.append(AliasProblem(None, RowCode.TOO_MANY_ALIASES, message))
    return list(kept.values()), problems
