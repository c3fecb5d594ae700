"""Property-based tests: whatever arrives gets a documented answer; valid files import intact."""

import csv
import io
import uuid
from collections.abc import Sequence
from typing import Any, Literal

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.db.models.directory import DirectoryUser
from app.passwords.policy import common_passwords
from tests.helpers import HEADER, upload

pytestmark = pytest.mark.anyio
# Examples share one app: function-scoped fixtures are on purpose.
PROPERTY_SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
DOCUMENTED_4XX = {413, 415, 422}
HEADER_LINE = ",".join(HEADER).encode()

# Bytes that look more and more like a real file: raw noise, text, and a real header + noise.
uploads = st.one_of(
    st.binary(max_size=4096),
    st.text(max_size=1024).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.binary(max_size=2048).map(lambda tail: HEADER_LINE + b"\r\n" + tail),
    st.lists(st.lists(st.text(max_size=40), max_size=6), max_size=8).map(
        lambda rows: (
            HEADER_LINE
            + b"\r\n"
            + "\r\n".join(",".join(r) for r in rows).encode("utf-8", "surrogatepass")
        )
    ),
)


@pytest.mark.slow  # thousands of generated cases: `make test` runs them
@settings(max_examples=300, **PROPERTY_SETTINGS)
@given(data=uploads, dry_run=st.booleans())
async def test_any_bytes_get_a_success_or_a_documented_problem(
    client: httpx.AsyncClient, data: bytes, dry_run: bool
) -> None:
    response = await upload(client, data, dry_run=dry_run)

    assert response.status_code in {200, 201} | DOCUMENTED_4XX, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == response.status_code
        assert problem["code"]
        assert all(error["code"] and error["message"] for error in problem.get("errors", []))


one_line_text = st.characters(
    blacklist_categories=["Cs", "Cc", "Zl", "Zp"], blacklist_characters="\u0085"
)
names = (
    st.text(one_line_text, min_size=1, max_size=60)
    .map(str.strip)
    .filter(bool)
    .flatmap(lambda n: st.sampled_from([n, f'{n}, "Jr" £ 😀', f"{n} Ωμέγα 漢字"]))
)
passwords = (
    st.text(
        # Line breaks are refused in a password (invalid_value); anything else is kept.
        st.characters(
            blacklist_categories=["Cs"], blacklist_characters="\x00\r\n\x0b\x0c\x85\u2028\u2029"
        ),
        min_size=8,
        max_size=80,
    )
    .filter(lambda p: p.casefold() not in common_passwords())
    .flatmap(lambda p: st.sampled_from([p, f'"{p}", £😀', f" {p} "]))
)
users = st.lists(
    st.tuples(names, passwords, st.sampled_from(["TRUE", "FALSE", "true", "False"])),
    min_size=1,
    max_size=5,
)


Quoting = Literal[0, 1, 2, 3]


def write_csv(rows: Sequence[Sequence[str]], delimiter: str, quoting: Quoting, end: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=quoting, lineterminator=end)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


@settings(max_examples=100, **PROPERTY_SETTINGS)
@given(
    people=users,
    delimiter=st.sampled_from([",", ";", "\t"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]),
    end=st.sampled_from(["\r\n", "\n", "\r"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
async def test_valid_users_written_by_csv_writer_import_intact(
    client: httpx.AsyncClient,
    app: FastAPI,
    people: list[tuple[str, str, str]],
    delimiter: str,
    quoting: Quoting,
    end: str,
    encoding: str,
) -> None:
    batch = uuid.uuid4().hex  # rows of earlier examples stay: every example has new addresses
    rows = [[f"u{n}.{batch}@example.com", *person] for n, person in enumerate(people)]

    response = await upload(client, write_csv(rows, delimiter, quoting, end).encode(encoding))

    assert response.status_code == 201, response.text
    stored = (await client.get("/users", params={"import_id": response.json()["id"]})).json()
    got = [(u["email"], u["name"], u["force_change_password"]) for u in stored["items"]]
    assert got == [(r[0], r[1], r[3].upper() == "TRUE") for r in rows]
    query = select(DirectoryUser.email, DirectoryUser.password_hash).where(
        DirectoryUser.import_id == response.json()["id"]
    )
    with app.state.session_factory() as session:
        hashes = {row.email: row.password_hash for row in session.execute(query)}
    assert all(app.state.hasher.verify(hashes[r[0]], r[2]) for r in rows)
