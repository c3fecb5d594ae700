"""Many addresses as one JSON parameter (address_book.json_list): whatever the strings, the
array reads back as they are, whether it was joined at once or written by json.dumps."""

import json

from hypothesis import given
from hypothesis import strategies as st

from app.directory.address_book import json_list


@given(st.lists(st.one_of(st.text(), st.from_regex(r"[a-z0-9.]{1,10}@[a-z]{1,5}\.com"))))
def test_the_addresses_read_back_as_they_are(keys: list[str]) -> None:
    assert json.loads(json_list(keys)) == keys


def test_plain_addresses_are_joined_as_json_writes_them() -> None:
    keys = ["ana@example.com", "bo@example.com", "ü@example.com"]
    assert json_list(keys) == json.dumps(keys, ensure_ascii=False, separators=(",", ":"))
