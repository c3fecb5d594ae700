"""A large dry run is checked by several worker processes, a share of the rows each; joined,
their verdict is the verdict of checking the file in one go."""

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.core.config import Settings
from app.imports.reading import records
from app.imports.reading.file_parts import merge_parts
from app.imports.reading.limits import FileLimits
from app.imports.reading.validation import Validation, validate_file
from tests.helpers import csv_bytes, user_rows

CHECKS = FileLimits.from_settings(Settings(max_errors=10_000, min_password_length=4, max_rows=25))
addresses = st.sampled_from(["a@example.com", "A@example.com", "b@example.com", "bad", ""])
cells = st.tuples(
    addresses,
    st.sampled_from(["Ana", "", "Bob", '"Lima, Ana"']),
    st.sampled_from(["pw-12345", "", "x"]),
    st.sampled_from(["TRUE", "nope"]),
)
files = st.one_of(
    st.lists(cells, min_size=1, max_size=30).map(lambda rows: csv_bytes([list(r) for r in rows])),
    st.binary(max_size=300).map(lambda tail: csv_bytes([]) + tail),
    st.lists(cells, min_size=1, max_size=30).map(
        lambda rows: csv_bytes([list(r) for r in rows]).replace(b"\r\n", b"\n") + b"\n\n"
    ),
)


@pytest.fixture(autouse=True)
def small_parts() -> Iterator[None]:
    """Split even the small files of these tests into ranges of lines."""
    saved = records.MIN_LINES_PER_PART
    records.MIN_LINES_PER_PART = 1
    yield
    records.MIN_LINES_PER_PART = saved


def verdict(result: Validation) -> tuple[object, ...]:
    errors = sorted((e.row or 0, e.column or "", e.code) for e in result.errors)
    keys = sorted(result.checker.first_rows.items()) if result.checker else None
    return (result.rows, result.encoding, result.columns, errors, result.error_count, keys)


def checked_in_parts(data: bytes, parts: int) -> Validation:
    shares = [
        validate_file(data, CHECKS, keep_users=False, part=n, parts=parts) for n in range(parts)
    ]
    joined = merge_parts(shares, CHECKS.max_rows)
    return joined if joined is not None else validate_file(data, CHECKS, keep_users=False)


@settings(max_examples=300, deadline=None)
@given(data=files, parts=st.integers(min_value=2, max_value=3))
def test_parts_checked_apart_give_the_verdict_of_the_whole(data: bytes, parts: int) -> None:
    whole = validate_file(data, CHECKS, keep_users=False)

    assert verdict(checked_in_parts(data, parts)) == verdict(whole)


def test_a_file_without_quotes_is_shared_by_ranges_of_lines() -> None:
    data = csv_bytes(user_rows(20) + user_rows(1))  # the last row repeats the first address
    shares = [validate_file(data, CHECKS, keep_users=False, part=n, parts=2) for n in range(2)]

    assert [share.lines_share for share in shares] == [True, True]
    assert [share.rows for share in shares] == [11, 10]
    joined = merge_parts(shares, CHECKS.max_rows)
    assert joined is not None
    assert [(e.row, e.code) for e in joined.errors] == [(22, "duplicate_in_file")]
