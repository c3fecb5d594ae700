"""Pre-hashed passwords: a Password Hash column (argon2id/argon2i, bcrypt, scrypt) kept as it
is, verified and upgraded to argon2id at the user's next verification."""

import base64
import hashlib

import bcrypt
import httpx
import pytest
from argon2 import PasswordHasher, Type
from fastapi import FastAPI
from sqlalchemy import select

from app.db.models.directory import DirectoryUser
from app.passwords.verify import verify_password
from tests.conftest import AppFactory
from tests.helpers import csv_bytes, upload
from tests.imports.jobs.test_jobs import JOB_SETTINGS, started, wait_for

pytestmark = pytest.mark.anyio
HEADER = ["Email", "Name", "Password", "Force Change Password", "Password Hash"]
CHEAP_ARGON2 = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID)


def bcrypt_hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()


def ab64(raw: bytes) -> str:
    """passlib's adapted base64: '.' for '+', no padding."""
    return base64.b64encode(raw).decode().rstrip("=").replace("+", ".")


def scrypt_hash(password: str) -> str:
    """passlib's $scrypt$ format: ln, r, p, then salt and checksum in adapted base64."""
    salt = b"0123456789abcdef"
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**10, r=8, p=1, dklen=32)
    return f"$scrypt$ln=10,r=8,p=1${ab64(salt)}${ab64(digest)}"


def quoted(cell: str) -> str:
    """As a spreadsheet writes a cell holding commas (argon2 and scrypt hashes do)."""
    return f'"{cell}"'


def stored(app: FastAPI, email: str) -> str:
    with app.state.session_factory() as session:
        found: str | None = session.scalar(
            select(DirectoryUser.password_hash).where(DirectoryUser.email == email)
        )
    assert found is not None
    return found


async def test_hashes_are_kept_as_they_are(client: httpx.AsyncClient, app: FastAPI) -> None:
    hashes = {
        "bc@example.com": bcrypt_hash("From-Bcrypt-1"),
        "ar@example.com": CHEAP_ARGON2.hash("From-Argon2-2"),
        "sc@example.com": scrypt_hash("From-Scrypt-3"),
    }
    rows = [[email, "Imported", "", "FALSE", quoted(phc)] for email, phc in hashes.items()]
    rows.append(["plain@example.com", "Plain", "Typed-Pass-44", "TRUE", ""])

    response = await upload(client, csv_bytes(rows, HEADER))

    assert response.status_code == 201, response.text
    assert response.json()["added"] == 4
    for email, phc in hashes.items():
        assert stored(app, email) == phc
    assert stored(app, "plain@example.com").startswith("$argon2id$")
    assert "Password Hash" not in (await client.get("/template")).text


async def test_bcrypt_is_verified_then_upgraded_to_argon2id(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    rows = [["bc@example.com", "B", "", "FALSE", bcrypt_hash("From-Bcrypt-1")]]
    await upload(client, csv_bytes(rows, HEADER))

    with app.state.session_factory.begin() as session:
        user = session.scalars(select(DirectoryUser)).one()
        wrong = verify_password(user, "not-it", CHEAP_ARGON2)
        still_bcrypt = user.password_hash
        right = verify_password(user, "From-Bcrypt-1", CHEAP_ARGON2)
    upgraded = stored(app, "bc@example.com")
    with app.state.session_factory() as session:
        user = session.scalars(select(DirectoryUser)).one()
        again = verify_password(user, "From-Bcrypt-1", CHEAP_ARGON2)
        unchanged = user.password_hash == upgraded

    assert (wrong, right, again) == (False, True, True)
    assert still_bcrypt.startswith("$2b$")
    assert upgraded.startswith("$argon2id$v=19$m=64,t=1,p=1$")
    assert unchanged


async def test_scrypt_and_other_argon2_parameters_are_upgraded_too(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    slower = PasswordHasher(time_cost=2, memory_cost=128, parallelism=1, type=Type.ID)
    rows = [
        ["sc@example.com", "S", "", "FALSE", quoted(scrypt_hash("From-Scrypt-3"))],
        ["ar@example.com", "A", "", "FALSE", quoted(slower.hash("From-Argon2-2"))],
    ]
    await upload(client, csv_bytes(rows, HEADER))

    with app.state.session_factory.begin() as session:
        users = {u.email: u for u in session.scalars(select(DirectoryUser))}
        assert verify_password(users["sc@example.com"], "From-Scrypt-3", CHEAP_ARGON2)
        assert verify_password(users["ar@example.com"], "From-Argon2-2", CHEAP_ARGON2)

    for email in ("sc@example.com", "ar@example.com"):
        assert stored(app, email).startswith("$argon2id$v=19$m=64,t=1,p=1$")


async def test_a_row_gives_a_password_or_a_hash(client: httpx.AsyncClient) -> None:
    rows = [
        ["both@example.com", "Both", "Typed-Pass-44", "TRUE", bcrypt_hash("x")],
        ["neither@example.com", "Neither", "", "TRUE", ""],
        ["md5@example.com", "Md5", "", "TRUE", hashlib.md5(b"pw").hexdigest()],  # noqa: S324
        [
            "argon2d@example.com",
            "D",
            "",
            "TRUE",
            quoted("$argon2d$v=19$m=64,t=1,p=1$c2FsdA$aGFzaA"),
        ],
        ["cut@example.com", "Cut", "", "TRUE", bcrypt_hash("x")[:40]],
        ["short@example.com", "Short", "", "TRUE", bcrypt_hash("a")],  # no policy for hashes
    ]

    response = await upload(client, csv_bytes(rows, HEADER))

    assert [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]] == [
        (2, "Password", "conflicting_values"),
        (3, "Password", "missing_value"),
        (4, "Password Hash", "invalid_password_hash"),
        (5, "Password Hash", "invalid_password_hash"),
        (6, "Password Hash", "invalid_password_hash"),
    ]
    assert not any(row[4].strip('"') in response.text for row in rows if row[4])  # never quoted


async def test_google_workspace_crypt_hashes(client: httpx.AsyncClient, app: FastAPI) -> None:
    header = [
        "First Name [Required]", "Email Address [Required]", "Password [Required]",
        "Password Hash Function [UPLOAD ONLY]", "Change Password at Next Sign-In",
    ]  # fmt: skip
    crypt_hash = bcrypt_hash("Google-Pass-7")
    rows = [
        ["Gia", "gia@example.com", crypt_hash, "crypt", "TRUE"],
        ["Tom", "tom@example.com", "Typed-Pass-44", "", "FALSE"],
        ["Old", "old@example.com", hashlib.sha1(b"pw").hexdigest(), "SHA-1", "FALSE"],  # noqa: S324
    ]
    header[0] = "Name"

    refused = await upload(client, csv_bytes(rows, header))
    accepted = await upload(client, csv_bytes(rows[:2], header))

    assert [(e["row"], e["column"], e["code"]) for e in refused.json()["errors"]] == [
        (4, "Password Hash Function", "invalid_password_hash")
    ]
    assert accepted.status_code == 201
    assert stored(app, "gia@example.com") == crypt_hash
    assert stored(app, "tom@example.com").startswith("$argon2id$")


async def test_a_job_keeps_imported_hashes(app_factory: AppFactory) -> None:
    app = app_factory(**JOB_SETTINGS)
    phc = bcrypt_hash("Job-Bcrypt-5")
    rows = [[f"h{n}@example.com", f"H {n}", "", "FALSE", phc] for n in range(12)]
    rows += [[f"p{n}@example.com", f"P {n}", f"Typed-Pass-{n}x", "TRUE", ""] for n in range(12)]
    async with started(app) as http:
        response = await upload(http, csv_bytes(rows, HEADER))
        done = await wait_for(http, response.headers["location"], "completed", "failed")

    assert (response.status_code, done["status"], done["added"]) == (202, "completed", 24)
    assert stored(app, "h7@example.com") == phc
    assert stored(app, "p7@example.com").startswith("$argon2id$")


async def test_a_job_of_imported_hashes_only_needs_no_hashing_task(
    app_factory: AppFactory,
) -> None:
    app = app_factory(**JOB_SETTINGS)
    phc = bcrypt_hash("Job-Bcrypt-6")
    rows = [[f"only{n}@example.com", f"O {n}", "", "FALSE", phc] for n in range(25)]
    async with started(app) as http:
        response = await upload(http, csv_bytes(rows, HEADER))
        done = await wait_for(http, response.headers["location"], "completed", "failed")

    assert (done["status"], done["added"], done["progress"]) == (
        "completed", 25, {"done": 25, "total": 25},
    )  # fmt: skip
    assert stored(app, "only24@example.com") == phc
