"""The cached address check agrees with email-validator on every address."""

import string

import pytest
from email_validator import EmailNotValidError
from hypothesis import given, settings
from hypothesis import strategies as st

from app.directory.addresses import AddressValidator, normalize_fully

ATOMS = st.text(string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~.-", max_size=70)
DOMAINS = st.text(string.ascii_letters + string.digits + ".-", max_size=70)
ODD = st.text(string.printable + "äé漢\u200b", max_size=40)
ADDRESSES = st.one_of(
    st.emails(),
    st.builds(lambda local, domain: f"{local}@{domain}", ATOMS, DOMAINS),
    st.builds(lambda local, domain: f"{local}@{domain}.com", ATOMS, DOMAINS),
    ODD,
)


def verdict(check: object, address: str) -> tuple[str, str]:
    try:
        return "valid", check(address)  # type: ignore[operator]
    except EmailNotValidError as exc:
        return "invalid", str(exc)


@pytest.mark.slow  # thousands of generated cases: `make test` runs them
@settings(max_examples=2000)
@given(addresses=st.lists(ADDRESSES, min_size=1, max_size=5))
def test_same_verdicts_and_normal_forms_as_email_validator(addresses: list[str]) -> None:
    cached = AddressValidator()  # one per file: later addresses hit the domain cache
    for address in addresses + addresses:
        assert verdict(cached.normalize, address) == verdict(normalize_fully, address), address


@pytest.mark.parametrize(
    "address",
    ["a..b@example.com", ".a@example.com", "a@-example.com", "a@example", "a@example..com",
     "a@localhost", "a@test", "a" * 65 + "@example.com", "a@" + "b" * 64 + ".com", "Ünï@example.com",
     "INFO@Example.com", "PostMaster@example.com", "a@xn--bcher-kva.com", "a@XN--BCHER-KVA.example"],
)  # fmt: skip
def test_known_edge_cases_agree(address: str) -> None:
    assert verdict(AddressValidator().normalize, address) == verdict(normalize_fully, address)
