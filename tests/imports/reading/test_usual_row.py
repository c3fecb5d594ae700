"""The usual row's one step (row_check.usual_row) and the full rules (checked_values) agree:
a row usual_row takes is one the full rules accept, with the same values; and a file checked
with the one step gives exactly the verdict, codes, messages, users, aliases and repeats it
gives without it, whatever its rows (messy generated cells, optional columns or none: an
imported hash, a hash function, aliases, Active; repeats in any letter case, as a whole file
or a part of one; every policy)."""

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import app.imports.reading.file_rules as file_rules
from app.imports.reading.cells import RowContext, RowPolicy
from app.imports.reading.file_rules import FileChecker
from app.imports.reading.row_check import CheckedUser, checked_values, usual_row
from app.imports.reading.user_row import NO_EXTRAS, Extras
from tests.imports.reading.test_row_verdict import ADDRESSES, FLAGS, HASHES, NAMES, PASSWORDS

POLICIES = st.builds(
    RowPolicy,
    min_password_length=st.sampled_from([1, 8, 12]),
    allowed_domains=st.sampled_from([(), ("example.com",), ("*.example.com", "company.com")]),
    keep_passwords=st.booleans(),
    max_aliases=st.sampled_from([1, 2, 30]),
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


USUAL_HASH = "$2b$12$" + "a" * 53
ALIAS_CELLS = st.one_of(
    st.none(),
    st.sampled_from([
        "", "asmith@example.com", "a1@example.com;a2@Example.com", "smtp:a1@example.com",
        "SMTP:primary@example.com", "X500:/o=Org/cn=x a1@example.com", "SIP:a@example.com",
        "not an address", "a1@example.com a1@EXAMPLE.com", "a1@example.org, a2@company.com",
        "'=a@example.com", "ANA@COMPANY.COM",
    ]),
    USUAL_ADDRESSES,
    st.text(max_size=16),
)  # fmt: skip
# The optional columns near the usual (what the one step must take), and messy.
USUAL_EXTRAS = st.builds(
    Extras,
    password_hash=st.sampled_from(["", USUAL_HASH, f" {USUAL_HASH}\u00a0"]),
    hash_function=st.just(""),
    aliases=st.one_of(
        st.none(), USUAL_ADDRESSES, st.sampled_from(["", "a1@example.com;A2@example.com"])
    ),
    active=st.sampled_from([None, "", "TRUE", "FALSE"]),
)
MESSY_EXTRAS = st.builds(
    Extras,
    password_hash=st.one_of(st.just(USUAL_HASH), HASHES),
    hash_function=st.sampled_from(["", "", "crypt", "MD5", " "]),
    aliases=ALIAS_CELLS,
    active=st.one_of(st.sampled_from([None, "", "TRUE", "FALSE", " true", "no"]), st.text()),
)
EXTRAS = st.one_of(st.just(NO_EXTRAS), USUAL_EXTRAS, USUAL_EXTRAS, MESSY_EXTRAS)
# A row of a file with the hash columns leaves Password empty when it gives a hash.
HASHED_CELLS = st.tuples(
    st.one_of(ADDRESSES, USUAL_ADDRESSES, USUAL_ADDRESSES),
    st.one_of(NAMES, USUAL_NAMES, USUAL_NAMES),
    st.sampled_from(["", "", "Correct-Horse-Battery-9"]),
    st.sampled_from(["TRUE", "FALSE", "true"]),
)
ROWS = st.one_of(
    st.tuples(CELLS, st.just(NO_EXTRAS)), st.tuples(CELLS, EXTRAS), st.tuples(HASHED_CELLS, EXTRAS)
)


@settings(max_examples=2000, deadline=None)
@given(row=ROWS, policy=POLICIES)
def test_a_usual_row_is_one_the_full_rules_accept_with_the_same_values(
    row: tuple[tuple[str, str, str, str], Extras], policy: RowPolicy
) -> None:
    cells, extras = row
    usual = usual_row(7, cells, RowContext(policy), extras)
    hashed = None if extras.password_hash or extras.hash_function else False
    checked = checked_values(
        7, cells, RowContext(policy), extras.password_hash, hashed=hashed, extras=extras
    )

    if usual is not None:
        assert isinstance(checked, dict)
        assert usual == (CheckedUser.of(7, checked), checked.get("aliases") or [])


def verdict(
    rows: list[tuple[tuple[str, str, str, str], Extras]],
    policy: RowPolicy,
    keep: bool,
    whole: bool,
) -> Any:
    """All a checker finds: a whole file's (repeats reported) or a part's (noted only)."""
    checker = FileChecker(max_errors=1000, policy=policy, keep_users=keep, repeats=whole)
    for row, (cells, extras) in enumerate(rows, start=2):
        checker.check(row, cells, None if extras is NO_EXTRAS else extras)
    return (checker.errors, checker.error_count, checker.users, checker.first_rows,
            checker.repeats, checker.keeps, checker.aliases, checker.alias_list)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(rows=st.lists(ROWS, max_size=12), repeats=st.lists(st.integers(0, 11), max_size=4),
       policy=POLICIES, keep=st.booleans(), whole=st.booleans(),
       extras=st.one_of(st.none(), EXTRAS))  # fmt: skip
def test_a_file_checked_with_the_one_step_has_the_verdict_it_has_without(
    rows: list[tuple[tuple[str, str, str, str], Extras]],
    repeats: list[int],
    policy: RowPolicy,
    keep: bool,
    whole: bool,
    extras: Extras | None,
) -> None:
    for n in repeats:  # the same address again, another letter case, on a later row
        if n < len(rows):
            (email, *rest), given = rows[n]
            rows.append(((email.upper(), *rest), given))  # type: ignore[arg-type]
    if extras is not None:  # a file's optional columns are on every row: one's aliases as
        for n, (cells, _own) in enumerate(rows):  # an earlier row's address, say
            earlier = rows[n - 1][0][0] if n else ""
            rows[n] = (cells, extras._replace(aliases=f"{earlier};{extras.aliases or ''}"))

    with_it = verdict(rows, policy, keep, whole)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(file_rules, "usual_row", lambda *_args: None)
        without = verdict(rows, policy, keep, whole)

    assert with_it == without


def test_the_template_s_row_takes_the_one_step() -> None:
    """Not a test of speed: that the usual row is usual (else the one step would be dead)."""
    cells = ("ana.lima@Example.COM", "Ana Lima", "Correct-Horse-Battery-9", "TRUE")
    user = CheckedUser(
        2, "ana.lima@example.com", "Ana Lima", "Correct-Horse-Battery-9", False, True, None, None
    )
    assert usual_row(2, cells, RowContext(RowPolicy())) == (user, [])


def test_an_exported_or_pre_hashed_row_with_an_alias_takes_the_one_step() -> None:
    cells = ("ana.lima@example.com", "Ana Lima", "", "FALSE")
    extras = Extras(password_hash=USUAL_HASH, aliases="asmith@Example.com", active="TRUE")
    user = CheckedUser(
        2, "ana.lima@example.com", "Ana Lima", USUAL_HASH, True, False,
        ("asmith@example.com",), True,
    )  # fmt: skip
    assert usual_row(2, cells, RowContext(RowPolicy()), extras) == (
        user, [(1, "asmith@example.com")]
    )  # fmt: skip
