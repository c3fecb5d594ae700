"""The usual row in one loop: a file's records read and checked where most of them are the
usual one, with no call, record, closure or dict per row.

A record is usual when it is one line with a cell for every column of the header, its Email a
plain address (email-validator's dot-atom before the @) on a domain already found valid and
admitted, its Name one plain line, a Password the policy accepts or else an imported hash,
Force Change Password written TRUE or FALSE, Active TRUE, FALSE or empty, no hash function,
and no alias or one plain alias; and its addresses are on no earlier row. Its checks are the
rules' own (app/directory/rules.py, app/passwords/), written out for that case; any other
record is handed to `other`, which judges it by the full rules: the rules stay stated there,
and what a usual record passes they pass with the same values (tests/imports/reading/
test_usual_rows.py feeds both ways generated messy files and compares every verdict)."""

import csv
from collections.abc import Callable

from email_validator.rfc_constants import DOT_ATOM_TEXT

from app.db.models.base import MAX_EMAIL_LENGTH
from app.directory.addresses import (
    LONGEST_ROLE_NAME,
    MAX_LOCAL_PART_LENGTH,
    ROLE_NAMES,
    USUAL_ADDRESS,
)
from app.directory.rules import (
    AROUND,
    CONTROL,
    LINE_BREAK,
    MAX_NAME_LENGTH,
    MAX_PASSWORD_LENGTH,
    Domains,
)
from app.imports.reading.cells import TEMPLATE_BOOLEANS
from app.imports.reading.file_rules import FileChecker
from app.imports.reading.header import Header
from app.imports.reading.records import Records, RowTooLongError, refused
from app.imports.reading.row_check import NOT_GIVEN, CheckedUser
from app.passwords.imported import hash_problem
from app.passwords.policy import MIN_LOCAL_PART_TO_MATCH, common_passwords

# other(row, cells, rows): a record that is not usual, judged by the full rules; rows: how
# many rows were counted before it. Returns how many are counted with it, or STOP.
Other = Callable[[int, list[str], int], int]
STOP = -1


def read_usual(
    records: Records, start: int, header: Header, checker: FileChecker, limit: int, other: Other
) -> int:
    """Read the records left, the first of them row `start`: the usual ones checked here (up
    to `limit` rows in all), the others and the first row handed to other. How many rows are
    counted, or STOP when other stopped the reading."""
    reader = records.reader
    email_at, name_at, password_at, force_at = header.indexes
    hash_at, function_at, aliases_at, active_at = header.optional or (None, None, None, None)
    width = header.width
    context = checker.context
    policy = context.policy
    known = context.addresses.usual_domains  # valid domains, as written -> normalized
    admitted: dict[str, str] = {}  # the known ones this file's policy admits
    min_length, common = policy.min_password_length, common_passwords()
    first_rows, aliases_seen, alias_list = checker.first_rows, checker.aliases, checker.alias_list
    users = checker.users if checker.keep_users else None
    whole, one_alias = checker.report_repeats, policy.max_aliases >= 1
    control, line_break = CONTROL.search, LINE_BREAK.search
    lines = records.lines_read
    rows, row = 0, start - 1
    try:
        for row, cells in enumerate(reader, start=start):
            usual = False
            while len(cells) == width and reader.line_num == lines + 1 and 0 < rows < limit:
                # Email: a plain address on a domain known valid and admitted (check_address).
                plain = _plain(cells[email_at], admitted, known, context.domains)
                if plain is None:
                    break
                address, local = plain
                key = address.lower()
                if key in first_rows or key in aliases_seen:
                    break  # a repeat: the full rules report it
                # Name: one line, nothing around it to remove or restore (check_name).
                name = cells[name_at].strip(AROUND)
                if not name or name[0] == "'" or len(name) > MAX_NAME_LENGTH:
                    break
                if not name.isprintable() and control(name):  # (a control is not printable)
                    break
                flag = TEMPLATE_BOOLEANS.get(cells[force_at])
                if flag is None or (function_at is not None and cells[function_at]):
                    break
                active = None
                if active_at is not None:
                    if (given := cells[active_at]) not in NOT_GIVEN:
                        break
                    active = NOT_GIVEN[given]
                # A password the policy accepts (check_password), or else an imported hash.
                password = cells[password_at]
                hashed = "" if hash_at is None else cells[hash_at].strip(AROUND)
                if password:
                    if hashed or not min_length <= len(password) <= MAX_PASSWORD_LENGTH:
                        break
                    folded = password.casefold()
                    local_folded = local.casefold()
                    if (
                        (not password.isprintable() and line_break(password))
                        or folded == local_folded
                        or (len(local_folded) >= MIN_LOCAL_PART_TO_MATCH and local_folded in folded)
                        or folded in common
                    ):
                        break
                elif not hashed or hash_problem(hashed) is not None:
                    break
                # No alias, or one plain alias on a known domain, free in the file.
                alias = alias_key = ""
                if aliases_at is not None and (cell := cells[aliases_at]):
                    plain = _plain(cell, admitted, known, context.domains) if one_alias else None
                    if plain is None:
                        break
                    alias = plain[0]
                    alias_key = alias.lower()
                    if alias_key == key or (
                        whole and (alias_key in first_rows or alias_key in aliases_seen)
                    ):
                        break
                usual = True
                break
            if not usual:
                records.lines_read = lines
                rows = other(row, cells, rows)
                if rows == STOP:
                    return STOP
                lines = records.lines_read
                continue
            lines += 1
            rows += 1
            first_rows[key] = row
            if alias_key:
                if whole:
                    aliases_seen[alias_key] = (row, 1, key)
                else:
                    alias_list.append((row, 1, alias, key))
            if users is not None:
                aliases = None if aliases_at is None else ((alias,) if alias else ())
                secret, imported = (password, False) if password else (hashed, True)
                users.append(
                    CheckedUser(row, address, name, secret, imported, flag is True, aliases, active)
                )
    except (RowTooLongError, csv.Error) as exc:
        raise refused(exc, row) from None
    records.lines_read = lines
    return rows


def _plain(
    address: str, admitted: dict[str, str], known: dict[str, str], domains: Domains
) -> tuple[str, str] | None:
    """(the address normalized, its local part) when it is a plain address on a domain known
    valid and admitted: what check_address makes of it, with the same checks; else None."""
    local, _at, domain = address.partition("@")
    normalized = admitted.get(domain)
    if normalized is None:  # a domain not seen yet (or no plain address)
        if len(address) > MAX_EMAIL_LENGTH or USUAL_ADDRESS.fullmatch(address) is None:
            return None
        if address[0] == "'" or not (normalized := _admit(domain, known, domains, admitted)):
            return None
    elif not (local.isalnum() and local.isascii()) and (
        address[0] == "'" or not DOT_ATOM_TEXT.match(local)
    ):
        return None
    if len(local) > MAX_LOCAL_PART_LENGTH or len(address) > MAX_EMAIL_LENGTH:
        return None
    if len(local) <= LONGEST_ROLE_NAME and local.lower() in ROLE_NAMES:
        return None
    return (address if normalized == domain else f"{local}@{normalized}"), local


def _admit(domain: str, known: dict[str, str], domains: Domains, admitted: dict[str, str]) -> str:
    """The domain normalized, when it is known valid and the policy admits it; else ""."""
    normalized = known.get(domain, "")
    if normalized and (not domains.allowed or domains.admit(normalized)):
        admitted[domain] = normalized
        return normalized
    return ""
