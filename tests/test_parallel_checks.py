"""A large dry run is checked by several worker processes, a share of the rows each; joined,
their verdict is the verdict of checking the file in one go."""

from hypothesis import given, settings
from hypothesis import strategies as st

from app.config import Settings
from app.imports.validation import Validation, merge_parts, validate_file
from tests.helpers import csv_bytes

CHECKS = Settings(max_errors=10_000, min_password_length=4)
addresses = st.sampled_from(["a@example.com", "A@example.com", "b@example.com", "bad", ""])
cells = st.tuples(
    addresses,
    st.sampled_from(["Ana", "", "Bob"]),
    st.sampled_from(["pw-12345", "", "x"]),
    st.sampled_from(["TRUE", "nope"]),
)
files = st.one_of(
    st.lists(cells, min_size=1, max_size=30).map(lambda rows: csv_bytes([list(r) for r in rows])),
    st.binary(max_size=300).map(lambda tail: csv_bytes([]) + tail),
)


def verdict(result: Validation) -> tuple[object, ...]:
    errors = sorted((e.row or 0, e.column or "", e.code) for e in result.errors)
    keys = sorted(result.checker.first_rows.items()) if result.checker else None
    return (result.rows, result.encoding, result.columns, errors, result.error_count, keys)


@settings(max_examples=200, deadline=None)
@given(data=files, parts=st.integers(min_value=2, max_value=3))
def test_parts_checked_apart_give_the_verdict_of_the_whole(data: bytes, parts: int) -> None:
    whole = validate_file(data, CHECKS, keep_users=False)
    shares = [
        validate_file(data, CHECKS, keep_users=False, part=n, parts=parts) for n in range(parts)
    ]

    assert verdict(merge_parts(shares)) == verdict(whole)
