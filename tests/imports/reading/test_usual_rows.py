"""The usual rows' one loop (usual_rows.read_usual) and the full rules agree: a file read with
the loop gives exactly the verdict it gives when every record goes to the full rules (and the
usual row's one step is off too): the same errors with their codes, rows, columns and messages,
the same users, repeats, aliases and counts. Files are generated: messy and usual cells, the
optional columns in any order or none, rows too short or too long, blank rows, quoted line
breaks, repeats in another letter case, a whole file or a part of one, a dry run or not, a
file larger than the rows a reading checks."""

import csv
import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import app.imports.reading.file_rules as file_rules
import app.imports.reading.validation as validation
from app.imports.reading.cells import RowPolicy
from app.imports.reading.limits import FileLimits
from app.imports.reading.records import Records, RowTooLongError, refused
from app.imports.reading.user_row import (
    ACTIVE,
    ALIASES,
    EMAIL,
    FORCE_CHANGE,
    HASH_FUNCTION,
    NAME,
    PASSWORD,
    PASSWORD_HASH,
    Extras,
)
from app.imports.reading.usual_rows import STOP, Other
from app.imports.reading.validation import validate_file
from tests.imports.reading.test_usual_row import CELLS, EXTRAS, HASHED_CELLS, POLICIES

OPTIONAL = (PASSWORD_HASH, HASH_FUNCTION, ALIASES, ACTIVE)
Row = tuple[tuple[str, str, str, str], Extras]


GOOD_HASH = "$2b$12$" + "a" * 53
# A usual row's values, each as the template and an export write them.
USUAL_ROW = st.builds(
    lambda local, n, domain, name, password, flag, alias, active: (
        (f"{local}{n}@{domain}", name, password or "", flag),
        Extras("" if password else GOOD_HASH, "", alias and f"{alias}{n}@{domain}", active),
    ),
    st.sampled_from(["ana", "bo.lima", "c_y", "Dee", "ed+tag", "f'g", "x" * 60]),
    st.integers(0, 999),
    st.sampled_from(["example.com", "Example.COM", "company.com"]),
    st.sampled_from(["Ana", "Bo Lima", "O'Neil", "A" * 256]),
    st.sampled_from(["Correct-Horse-Battery-9", "Another-Good-One-7", None]),
    st.sampled_from(["TRUE", "FALSE"]),
    st.sampled_from(["", "al", "Al.x"]),
    st.sampled_from(["", "TRUE", "FALSE"]),
)
# One value a usual row may have instead, that the loop must leave to the full rules.
# OWN: the row's own Email; LOCAL: a password holding its local part.
UNUSUAL = {
    "email": [" a@example.com", "a@example.com;b@example.com", "", "'a@example.com",
              "a" * 250 + "@example.com", "postmaster@example.com", "Abuse@example.com",
              "x" * 65 + "@example.com", "'=h@example.com", "a..b@example.com", ".a@example.com",
              "a b@example.com", "a@example.org", "a@sub.example.com", "a@b", "a@-x.com",
              "a@ex_ample.com", "Ana Lima <a@example.com>", "ä@example.com"],
    "name": [" Cy ", "'=SUM(1)", "'Ollie", "A" * 257, "Tab\there", "", "Ana\u00a0", "'"],
    "password": ["LOCAL", "password", "Short-1", "x" * 1025, "Line\nBreak-99", "", "x" * 1024,
                 " Spaced-Secret-9 "],
    "force": ["true", "", " TRUE", "yes"],
    "hash": ["$2b$99$" + "a" * 53, f" {GOOD_HASH}", "x", GOOD_HASH],
    "function": ["crypt", "MD5", " "],
    "aliases": ["", "a1@example.com;a2@example.com", "'=a@example.com", "bad alias", "OWN",
                "smtp:a@example.com", "postmaster@example.com", "x" * 65 + "@example.com",
                "a@example.org", "A@EXAMPLE.COM", " a@example.com"],
    "active": ["true", "no", " TRUE", ""],
}  # fmt: skip


def _changed(row: Row, change: tuple[str, int] | None) -> Row:
    if change is None:
        return row
    (email, name, password, flag), extras = row
    field, n = change
    value = UNUSUAL[field][n % len(UNUSUAL[field])]
    value = {"OWN": email, "LOCAL": f"Secret-{email.split('@')[0]}-9"}.get(value, value)
    cells = {
        "email": (value, name, password, flag),
        "name": (email, value, password, flag),
        "password": (email, name, value, flag),
        "force": (email, name, password, value),
    }
    extra = {
        "hash": extras._replace(password_hash=value),
        "function": extras._replace(hash_function=value),
        "aliases": extras._replace(aliases=value),
        "active": extras._replace(active=value),
    }
    return (cells[field], extras) if field in cells else ((email, name, password, flag), extra[field])  # fmt: skip


CHANGE = st.one_of(
    st.none(), st.none(), st.tuples(st.sampled_from(sorted(UNUSUAL)), st.integers(0, 30))
)
USUALISH = st.builds(_changed, USUAL_ROW, CHANGE)
ROWS = st.one_of(
    USUALISH,
    USUALISH,
    USUALISH,
    USUALISH,
    st.tuples(CELLS, EXTRAS),
    st.tuples(HASHED_CELLS, EXTRAS),
)
# What a record may be besides a row of cells: blank, a cell short, a cell over.
SHAPES = st.sampled_from(["row"] * 20 + ["blank", "short", "long", "spaces"])


def _file(
    header: list[str], rows: list[Row], shapes: list[str], line_end: str, delimiter: str
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(header)
    for ((email, name, password, force), extras), shape in zip(rows, shapes, strict=False):
        values = {EMAIL: email, NAME: name, PASSWORD: password, FORCE_CHANGE: force,
                  PASSWORD_HASH: extras.password_hash, HASH_FUNCTION: extras.hash_function,
                  ALIASES: extras.aliases or "", ACTIVE: extras.active or ""}  # fmt: skip
        cells = [values[column] for column in header]
        if shape == "blank":
            cells = []
        elif shape == "spaces":
            cells = [" "] * len(header)
        elif shape == "short":
            cells = cells[:-1]
        elif shape == "long":
            cells = [*cells, "extra"]
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def _general_only(
    records: Records, start: int, _header: Any, _checker: Any, _limit: int, other: Other
) -> int:
    """read_usual with no record usual: each handed to the full rules."""
    rows, row = 0, start - 1
    try:
        for row, cells in enumerate(records.reader, start=start):
            rows = other(row, cells, rows)
            if rows == STOP:
                return STOP
    except (RowTooLongError, csv.Error) as exc:
        raise refused(exc, row) from None
    return rows


def outcome(data: bytes, policy: RowPolicy, keep: bool, part: bool, job_above: int | None) -> Any:
    limits = FileLimits(max_rows=40, max_errors=25, policy=policy)
    scope: dict[str, Any] = {"first_row": 2, "head_rows": 1} if part else {}
    found = validate_file(data, limits, keep_users=keep, job_above=job_above, **scope)
    checker = found.checker
    state = None
    if checker is not None:
        state = (checker.users, checker.first_rows, checker.repeats, checker.keeps,
                 checker.aliases, checker.alias_list)  # fmt: skip
    return (found.encoding, found.delimiter, found.columns, found.rows, found.errors,
            found.error_count, found.lines_share, found.job_sized, state)  # fmt: skip


@settings(max_examples=700, deadline=None)
@given(
    rows=st.lists(ROWS, min_size=4, max_size=24),
    shapes=st.lists(SHAPES, min_size=24, max_size=24),
    repeats=st.lists(st.integers(0, 23), max_size=4),
    optional=st.lists(st.sampled_from(OPTIONAL), unique=True, max_size=4),
    order=st.randoms(use_true_random=False),
    policy=POLICIES,
    keep=st.booleans(),
    part=st.booleans(),
    job_above=st.sampled_from([None, None, 3, 12]),
    line_end=st.sampled_from(["\r\n", "\n"]),
    delimiter=st.sampled_from([",", ";"]),
)
def test_a_file_read_with_the_usual_rows_loop_has_the_verdict_it_has_without(
    rows: list[Row], shapes: list[str], repeats: list[int], optional: list[str], order: Any,
    policy: RowPolicy, keep: bool, part: bool, job_above: int | None, line_end: str,
    delimiter: str,
) -> None:  # fmt: skip
    for n in repeats:  # the same address again, another letter case, on a later row
        if n < len(rows):
            (email, *rest), extras = rows[n]
            rows.append(((email.upper(), *rest), extras))  # type: ignore[arg-type]
    for n, (cells, extras) in enumerate(rows[1:], start=1):  # an earlier row's address as
        if n % 5 == 0:  # an alias
            rows[n] = (cells, extras._replace(aliases=rows[n - 1][0][0].upper()))
        elif n % 5 == 3 and rows[n - 1][1].aliases:  # an earlier row's alias as an address
            rows[n] = ((rows[n - 1][1].aliases or "", *cells[1:]), extras)
    header = [EMAIL, NAME, PASSWORD, FORCE_CHANGE, *optional]
    order.shuffle(header)
    data = _file(header, rows, shapes + ["row"] * len(rows), line_end, delimiter)

    with_it = outcome(data, policy, keep, part, job_above)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "read_usual", _general_only)
        patch.setattr(file_rules, "usual_row", lambda *_args: None)
        without = outcome(data, policy, keep, part, job_above)

    assert with_it == without


def test_the_template_s_rows_are_usual() -> None:
    """Not a test of speed: that the template's rows take the loop (else it would be dead)."""
    data = (
        b"Email,Name,Password,Force Change Password,Aliases\r\n"
        b"ana@example.com,Ana,Correct-Horse-Battery-9,TRUE,asmith@example.com\r\n"
        b"bo@example.com,Bo,Correct-Horse-Battery-8,FALSE,\r\n"
        b"cy@example.com,Cy,Correct-Horse-Battery-7,FALSE,cy2@example.com\r\n"
    )
    handed: list[int] = []
    real = validation._Reading.other

    def other(reading: Any, row: int, cells: list[str], rows: int) -> int:
        handed.append(row)
        return real(reading, row, cells, rows)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation._Reading, "other", other)
        found = validate_file(data, FileLimits(10, 10, RowPolicy()))
    assert found.error_count == 0 and found.rows == 3
    assert handed == [2]  # the first row: its delimiter checked, its domain found valid


def _both_ways(data: bytes, policy: RowPolicy, part: bool, job_above: int | None = None) -> Any:
    with_it = outcome(data, policy, True, part, job_above)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "read_usual", _general_only)
        patch.setattr(file_rules, "usual_row", lambda *_args: None)
        without = outcome(data, policy, True, part, job_above)
    return with_it, without


HEAD = "Email,Name,Password,Force Change Password,Password Hash,Aliases,Active\n"
LONG = ".".join(["x" * 63] * 3) + ".com"  # a valid domain of 195 characters
FIRST = "ann@example.com,Ann,Correct-Horse-Battery-9,TRUE,,,\n"  # makes example.com known
# Files whose rows after the first are usual but for one thing (or not at all).
FILES = {
    "an address that is an earlier alias": "bo@example.com,Bo,Correct-Horse-Battery-9,TRUE,,al@example.com,\n"
    "al@example.com,Al,Correct-Horse-Battery-9,TRUE,,,\n",
    "a local part that is no dot-atom": "a..b@example.com,Ab,Correct-Horse-Battery-9,TRUE,,,\n"
    ".a@example.com,A,Correct-Horse-Battery-9,TRUE,,,\n"
    "a b@example.com,A,Correct-Horse-Battery-9,TRUE,,,\n"
    "'=a@example.com,A,Correct-Horse-Battery-9,TRUE,,,\n"
    "'ann2@example.com,A,Correct-Horse-Battery-9,TRUE,,,\n"
    "ann.lima@example.com,A,Correct-Horse-Battery-9,TRUE,,,\n",
    "an address longer than 254 characters": f"a@{LONG},A,Correct-Horse-Battery-9,TRUE,,,\n"
    f"b@{LONG},B,Correct-Horse-Battery-9,TRUE,,,\n"
    f"{'x' * 64}@{LONG},X,Correct-Horse-Battery-9,TRUE,,,\n",
    "an alias longer than 254 characters": f"a@{LONG},A,Correct-Horse-Battery-9,TRUE,,,\n"
    f"b@{LONG},B,Correct-Horse-Battery-9,TRUE,,,\n"
    f"b@example.com,B,Correct-Horse-Battery-9,TRUE,,{'x' * 64}@{LONG},\n",
    "an alias that is no dot-atom": "cy@example.com,Cy,Correct-Horse-Battery-9,TRUE,,a..b@example.com,\n"
    "di@example.com,Di,Correct-Horse-Battery-9,TRUE,,'=d@example.com,\n",
    "an address on a domain written otherwise": "cy@EXAMPLE.com,Cy,Correct-Horse-Battery-9,TRUE,,al@Example.COM,\n"
    "di@EXAMPLE.com,Di,Correct-Horse-Battery-9,TRUE,,,\n",
    "an alias that is an earlier alias": "bo@example.com,Bo,Correct-Horse-Battery-9,TRUE,,al@example.com,\n"
    "cy@example.com,Cy,Correct-Horse-Battery-9,TRUE,,AL@example.com,\n",
    "an alias that is an earlier address": "cy@example.com,Cy,Correct-Horse-Battery-9,TRUE,,ann@example.com,\n",
    "an alias with a long local part": f"cy@example.com,Cy,Correct-Horse-Battery-9,TRUE,,{'x' * 65}@example.com,\n",
    "an alias with a role name": "cy@example.com,Cy,Correct-Horse-Battery-9,TRUE,,Postmaster@example.com,\n",
    "an alias on an unknown domain": "cy@example.com,Cy,Correct-Horse-Battery-9,TRUE,,cy@example.org,\n",
    "the row's own address as its alias": "cy@example.com,Cy,Correct-Horse-Battery-9,TRUE,,CY@example.com,\n",
    "a bad imported hash": f"cy@example.com,Cy,,TRUE,$2b$99${'a' * 53},,\n",
    "a good imported hash": f"cy@example.com,Cy,,FALSE,$2b$12${'a' * 53},,FALSE\n",
    "a password and a hash": f"cy@example.com,Cy,Correct-Horse-Battery-9,TRUE,$2b$12${'a' * 53},,\n",
    "a name with a quote first": "cy@example.com,'=Cy,Correct-Horse-Battery-9,TRUE,,,\n"
    "di@example.com,'Di,Correct-Horse-Battery-9,TRUE,,,\n",
    "a password that is the local part": "ab@example.com,Ab,AB,TRUE,,,\n",
    "a password holding the local part": "bob@example.com,Bob,xBOBx-Secret-9,TRUE,,,\n",
    "a password with a line break": 'cy@example.com,Cy,"Correct-Horse\rBattery-9",TRUE,,,\n',
    "a password with a line break csv does not break at": "cy@example.com,Cy,Correct\x0bHorse-9,TRUE,,,\n"
    "di@example.com,Di,Correct\u2028Horse-9,TRUE,,,\n",
    "Active written otherwise": "cy@example.com,Cy,Correct-Horse-Battery-9,TRUE,,,true\n",
    "an address on a domain the policy refuses": "cy@company.com,Cy,Correct-Horse-Battery-9,TRUE,,,\n"
    "di@company.com,Di,Correct-Horse-Battery-9,TRUE,,,\n",
}  # fmt: skip


@pytest.mark.parametrize("rows", FILES.values(), ids=FILES.keys())
@pytest.mark.parametrize("part", [False, True], ids=["whole", "part"])
@pytest.mark.parametrize(
    "policy",
    [
        RowPolicy(),
        RowPolicy(min_password_length=1, allowed_domains=("example.com",)),
        RowPolicy(max_aliases=0),
    ],
    ids=["default", "allowed-domains", "no-aliases"],
)
def test_a_row_usual_but_for_one_thing_has_the_verdict_of_the_full_rules(
    rows: str, part: bool, policy: RowPolicy
) -> None:
    with_it, without = _both_ways((HEAD + FIRST + rows).encode(), policy, part)
    assert with_it == without


def test_rows_past_those_a_reading_checks_are_counted_not_checked() -> None:
    usual = "".join(f"u{n}@example.com,U,Correct-Horse-Battery-9,TRUE,,,\n" for n in range(6))
    with_it, without = _both_ways((HEAD + FIRST + usual).encode(), RowPolicy(), False, 3)
    assert with_it == without
    assert with_it[3] == 7 and with_it[7]  # rows, job_sized
