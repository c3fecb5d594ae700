"""An imported hash is kept only when verifying it is bounded (a sign-in runs it), and
verify_any answers True or False for every hash the import accepts: it never raises."""

import hashlib
import string

import bcrypt
import httpx
import pytest
from argon2 import PasswordHasher, Type
from hypothesis import given, settings
from hypothesis import strategies as st

from app.passwords.imported import BOUNDS, is_supported_hash, verify_any
from tests.helpers import csv_bytes, upload
from tests.imports.plan.test_prehashed import HEADER, ab64, quoted

SALT = "c29tZXNhbHRzb21lc2FsdA"
SUM = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA"
EXTREME = {
    "bcrypt cost 31": "$2b$31$" + "a" * 53,
    "bcrypt cost 3": "$2b$03$" + "a" * 53,
    "argon2id 4 GiB, t=1000": f"$argon2id$v=19$m=4194304,t=1000,p=1${SALT}${SUM}",
    "argon2i t=100000": f"$argon2i$v=19$m=19456,t=100000,p=1${SALT}${SUM}",
    "argon2id p=0": f"$argon2id$v=19$m=19456,t=2,p=0${SALT}${SUM}",
    "argon2id 256 MiB x 10": f"$argon2id$v=19$m=262144,t=10,p=1${SALT}${SUM}",
    "argon2id non-ASCII digits": f"$argon2id$v=19$m=\u0661\u0669\u0664\u0665\u0666,t=2,p=1${SALT}${SUM}",
    "scrypt p=999": f"$scrypt$ln=10,r=8,p=999${SALT}${SUM}",
    "scrypt r=0,p=0": f"$scrypt$ln=10,r=0,p=0${SALT}${SUM}",
    "scrypt 1 GiB": f"$scrypt$ln=20,r=8,p=1${SALT}${SUM}",
}  # fmt: skip
BOUND_WORDS = {
    "bcrypt cost 31": "cost must be 4 to 14",
    "bcrypt cost 3": "cost must be 4 to 14",
    "argon2id 4 GiB, t=1000": "t must be 1 to 10",
    "argon2i t=100000": "t must be 1 to 10",
    "argon2id p=0": "p must be 1 to 8",
    "argon2id 256 MiB x 10": "m x t must be at most",
    "argon2id non-ASCII digits": "not one this service keeps",
    "scrypt p=999": "p must be at most 16",
    "scrypt r=0,p=0": "at least 1",
    "scrypt 1 GiB": "more than 256 MiB",
}

pytestmark = pytest.mark.anyio


async def test_hashes_beyond_the_bounds_are_refused(client: httpx.AsyncClient) -> None:
    rows = [
        [f"u{n}@example.com", "U", "", "TRUE", quoted(phc)]
        for n, phc in enumerate(EXTREME.values())
    ]

    response = await upload(client, csv_bytes(rows, HEADER))

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["row"], e["code"]) for e in errors] == [
        (n + 2, "invalid_password_hash") for n in range(len(EXTREME))
    ]
    for error, case in zip(errors, EXTREME, strict=True):
        assert BOUND_WORDS[case] in error["message"], case


async def test_ordinary_bcrypt_and_owasp_argon2id_hashes_still_import(
    client: httpx.AsyncClient,
) -> None:
    owasp = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1, type=Type.ID)
    rows = [
        ["b12@example.com", "B", "", "TRUE", bcrypt.hashpw(b"Pass-12", bcrypt.gensalt(12)).decode()],
        ["owasp@example.com", "O", "", "TRUE", quoted(owasp.hash("Pass-Owasp"))],
    ]  # fmt: skip

    response = await upload(client, csv_bytes(rows, HEADER))

    assert (response.status_code, response.json()["added"]) == (201, 2)


def test_bcrypt_checks_a_long_password_by_its_first_72_bytes() -> None:
    password = "Long-" * 30  # 150 bytes; bcrypt systems stored a hash of the first 72
    stored = bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(4)).decode()

    assert verify_any(stored, password)
    assert not verify_any(stored, "Long-" * 14)  # 70 bytes: not the same password


def test_extreme_hashes_are_never_run() -> None:
    assert not any(verify_any(phc, "anything") for phc in EXTREME.values())


B64 = st.text(alphabet=string.ascii_letters + string.digits + "+/", min_size=1, max_size=40)
AB64 = st.text(alphabet=string.ascii_letters + string.digits + "./", min_size=1, max_size=40)
ARGON2 = st.builds(
    lambda kind, version, p, m, t, salt, digest: (
        f"$argon2{kind}${version}m={m * p},t={t},p={p}${salt}${digest}"
    ),
    st.sampled_from(["id", "i"]), st.sampled_from(["", "v=19$", "v=16$"]),
    st.integers(1, 2), st.integers(8, 16), st.integers(1, 2), B64, B64,
)  # fmt: skip
BCRYPT = st.builds(
    lambda kind, cost, rest: f"$2{kind}${cost:02d}${rest}",
    st.sampled_from("aby"), st.integers(4, 5),
    st.text(alphabet=string.ascii_letters + string.digits + "./", min_size=53, max_size=53),
)  # fmt: skip
SCRYPT = st.builds(
    lambda ln, r, p, salt, digest: f"$scrypt$ln={ln},r={r},p={p}${salt}${digest}",
    st.integers(1, 4), st.integers(1, 8), st.integers(1, 4), AB64, AB64,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(stored=st.one_of(ARGON2, BCRYPT, SCRYPT), password=st.text(max_size=100))
def test_verify_answers_a_bool_for_every_accepted_shape(stored: str, password: str) -> None:
    assert is_supported_hash(stored)

    assert verify_any(stored, password) in (True, False)


def test_a_scrypt_hash_at_the_memory_bound_verifies() -> None:
    """ln=18, r=8: 128 x 8 x 2^18 bytes = 256 MiB, the bound (hashlib's default maxmem, 32 MiB,
    refused such a hash before)."""
    salt = b"0123456789abcdef"
    n, r = 2**18, 8
    digest = hashlib.scrypt(b"Pass-Scrypt", salt=salt, n=n, r=r, p=1, maxmem=2**29, dklen=32)
    stored = f"$scrypt$ln=18,r=8,p=1${ab64(salt)}${ab64(digest)}"

    assert BOUNDS.scrypt_memory_bytes == 128 * r * n
    assert verify_any(stored, "Pass-Scrypt")
    assert not verify_any(stored, "Pass-Scrypt!")
