"""Ordinary spreadsheet mistakes put passwords where addresses or headers belong; no message,
record or table may then show one (issue 9: five files that used to echo them)."""

import uuid

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st

from app.auth.keys import ApiKeyRepository, Role
from tests.conftest import make_client
from tests.core.test_leaks import SETTINGS, database_text
from tests.helpers import codes, upload

pytestmark = pytest.mark.anyio
HEADER = ["Email", "Name", "Password", "Force Change Password"]


def canary() -> str:
    # '#' and '!' never occur in argon2's base64, so a hit can only be a leak
    return f"Canary#{uuid.uuid4().hex[:10]}!"


def reader_client(app: FastAPI) -> httpx.AsyncClient:
    with app.state.session_factory.begin() as session:
        _, key = ApiKeyRepository(session).create(f"reader-{uuid.uuid4().hex[:6]}", Role.READER)
    return make_client(app, {"Authorization": f"Bearer {key}"})


async def everything_shown(
    app: FastAPI, client: httpx.AsyncClient, answer: httpx.Response
) -> dict[str, str]:
    record_id = answer.json().get("id") or answer.json()["import_id"]
    async with reader_client(app) as reader:
        listed = await reader.get("/imports", params={"limit": 500})
        record = await reader.get(f"/imports/{record_id}")
    return {
        "answer": answer.text,
        "list": listed.text,
        "record": record.text,
        "database": database_text(app),
    }


def lines(rows: list[list[str]], delimiter: str) -> str:
    return "".join(delimiter.join(row) + "\r\n" for row in rows)


def five_files(password: str) -> dict[str, tuple[bytes, bool, str]]:
    """name: (file, dry run, the code it must be refused with)"""
    user = ["ana@example.com", "Ana", password, "TRUE"]
    bob = ["bob@example.com", "Bob", password + "2", "FALSE"]
    return {
        "header deleted": (lines([user, bob], ",").encode(), False, "missing_header"),
        "comma header, semicolon rows": (
            (lines([HEADER], ",") + lines([user, bob], ";")).encode(),
            False,
            "delimiter_mismatch",
        ),
        "tab header, comma rows": (
            (lines([HEADER], "\t") + lines([user, bob], ",")).encode(),
            False,
            "delimiter_mismatch",
        ),
        "email and password swapped": (
            lines([HEADER, [password, "Ana", "ana@example.com", "TRUE"]], ",").encode(),
            False,
            "invalid_email",
        ),
        "header-less dry run": (lines([user, bob], ",").encode(), True, "missing_header"),
    }


@pytest.mark.parametrize(
    "mistake",
    [
        "header deleted",
        "comma header, semicolon rows",
        "tab header, comma rows",
        "email and password swapped",
        "header-less dry run",
    ],
)
async def test_common_mistakes_never_show_the_password(
    app: FastAPI, client: httpx.AsyncClient, mistake: str
) -> None:
    password = canary()
    data, dry_run, code = five_files(password)[mistake]

    answer = await upload(client, data, dry_run=dry_run)
    shown = await everything_shown(app, client, answer)

    assert answer.status_code == 422
    assert [error[2] for error in codes(answer)] == [code]
    for where, content in shown.items():
        assert password not in content, f"the password leaked into the {where}"
        assert password[:-1] not in content  # not even most of it


delimiters = st.sampled_from([",", ";", "\t"])


@st.composite
def misplaced_files(draw: st.DrawFn) -> tuple[bytes, list[str]]:
    """A file whose rows have their cells in any order, with or without the header, the
    header and each row separated by any delimiter; and the passwords in it."""
    count = draw(st.integers(min_value=1, max_value=4))
    passwords = [canary() for _ in range(count)]
    rows = []
    for n, password in enumerate(passwords):
        row = [f"u{n}.{uuid.uuid4().hex[:6]}@example.com", f"User {n}", password, "TRUE"]
        rows.append(draw(st.permutations(row)))
    with_header = draw(st.booleans())
    text = lines([HEADER], draw(delimiters)) if with_header else ""
    text += "".join(lines([row], draw(delimiters)) for row in rows)
    return text.encode(), passwords


@pytest.mark.slow  # thousands of generated cases: `make test` runs them
@settings(**SETTINGS)
@given(case=misplaced_files(), dry_run=st.booleans())
async def test_passwords_anywhere_in_a_file_are_never_shown(
    app: FastAPI,
    client: httpx.AsyncClient,
    caplog: pytest.LogCaptureFixture,
    case: tuple[bytes, list[str]],
    dry_run: bool,
) -> None:
    data, passwords = case

    answer = await upload(client, data, dry_run=dry_run)
    shown = await everything_shown(app, client, answer)
    shown["log"] = caplog.text

    assert answer.status_code in (200, 201, 422)
    for password in passwords:
        for where, content in shown.items():
            assert password not in content, f"a password leaked into the {where}"
