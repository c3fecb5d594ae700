"""The usual row's one step (row_check.usual_row) and the full rules (checked_values) agree:
a row usual_row takes is one the full rules accept, with the same values; and a file checked
with the one step gives exactly the verdict, codes, messages, users and repeats it gives
without it, whatever its rows (messy generated cells, repeats in any letter case, every
policy)."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import app.imports.reading.file_rules as file_rules
from app.imports.reading.cells import RowContext, RowPolicy
from app.imports.reading.file_rules import FileChecker
from app.imports.reading.row_check import checked_values, usual_row
from tests.imports.reading.test_row_verdict import ADDRESSES, FLAGS, NAMES, PASSWORDS

POLICIES = st.builds(
    RowPolicy,
    min_password_length=st.sampled_from([1, 8, 12]),
    allowed_domains=st.sampled_from([(), ("example.com",), ("*.example.com", "company.com")]),
    keep_passwords=st.booleans(),
)
# Rows near the usual one: what the one step must take, and what it must leave to the rules.
USUAL_ADDRESSES = st.one_of(
    st.from_regex(r"[a-zA-Z0-9._%+'=-]{1,12}@(example|company|Example)\.(com|org)", fullmatch=True),
    st.sampled_from([
        "'=a@example.com", "'ana@example.com", "Postmaster@Example.com", "a..b@example.com",
        ".a@example.com", "a.@example.com", "a@xn--bcher-kva.example", "a@example.com.",
        "a@-example.com", "x" * 64 + "@example.com", "x" * 65 + "@example.com",
        "ana@sub.example.com", "ana@example.org", "ANA@COMPANY.COM", "a@b",
    ]),
)  # fmt: skip
USUAL_NAMES = st.one_of(
    st.from_regex(r"[A-Za-z' =x-]{1,20}", fullmatch=True),
    st.sampled_from(
        [
            "'=SUM(1)",
            "'Ollie",
            "x",
            " Ana",
            "Ana ",
            "Ana\u00a0",
            "A" * 256,
            "A" * 257,
            "Ana\tLima",
            "'",
            "''=x",
        ]
    ),
)
USUAL_PASSWORDS = st.sampled_from(
    ["Correct-Horse-Battery-9", "x-ana-Secret-19", "password", "x" * 128, "x" * 129, "Short-1",
     "Line\nBreak-Secret-9", " Spaced-Secret-9 "]
)  # fmt: skip
CELLS = st.tuples(
    st.one_of(ADDRESSES, USUAL_ADDRESSES, USUAL_ADDRESSES),
    st.one_of(NAMES, USUAL_NAMES, USUAL_NAMES),
    st.one_of(PASSWORDS, USUAL_PASSWORDS, USUAL_PASSWORDS),
    st.one_of(FLAGS, st.sampled_from(["TRUE", "FALSE"]), st.sampled_from(["TRUE", "FALSE"])),
)


@settings(max_examples=1500, deadline=None)
@given(cells=CELLS, policy=POLICIES)
def test_a_usual_row_is_one_the_full_rules_accept_with_the_same_values(
    cells: tuple[str, str, str, str], policy: RowPolicy
) -> None:
    usual = usual_row(cells, RowContext(policy))
    checked = checked_values(7, cells, RowContext(policy), hashed=False)

    if usual is not None:
        assert isinstance(checked, dict)
        password = checked["password"].get_secret_value()
        assert usual == (checked["email"], checked["name"], password,
                         checked["force_change_password"])  # fmt: skip


def verdict(rows: list[tuple[str, str, str, str]], policy: RowPolicy, keep: bool) -> Any:
    checker = FileChecker(max_errors=1000, policy=policy, keep_users=keep)
    for row, cells in enumerate(rows, start=2):
        checker.check(row, cells)
    return (checker.errors, checker.error_count, checker.users, checker.first_rows,
            checker.repeats, checker.keeps)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(rows=st.lists(CELLS, max_size=12), repeats=st.lists(st.integers(0, 11), max_size=4),
       policy=POLICIES, keep=st.booleans())  # fmt: skip
def test_a_file_checked_with_the_one_step_has_the_verdict_it_has_without(
    rows: list[tuple[str, str, str, str]], repeats: list[int], policy: RowPolicy, keep: bool
) -> None:
    for n in repeats:  # the same address again, another letter case, on a later row
        if n < len(rows):
            email, *rest = rows[n]
            rows.append((email.upper(), *rest))  # type: ignore[arg-type]

    with_it = verdict(rows, policy, keep)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(file_rules, "usual_row", lambda *_args: None)
        without = verdict(rows, policy, keep)

    assert with_it == without


def test_the_template_s_row_takes_the_one_step() -> None:
    """Not a test of speed: that the usual row is usual (else the one step would be dead)."""
    cells = ("ana.lima@Example.COM", "Ana Lima", "Correct-Horse-Battery-9", "TRUE")
    assert usual_row(cells, RowContext(RowPolicy())) == (
        "ana.lima@example.com",
        "Ana Lima",
        "Correct-Horse-Battery-9",
        True,
    )
