"""The files of ../shared/samples (copied to tests/fixtures) get the answers their README states."""

import httpx
import pytest

from tests.helpers import FIXTURES, all_users, codes, upload

pytestmark = pytest.mark.anyio


def sample(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


async def test_excel_utf8_adds_four_users_with_names_and_pound_password_intact(
    client: httpx.AsyncClient,
) -> None:
    response = await upload(client, sample("excel-csv-utf8.csv"), "excel-csv-utf8.csv")

    assert response.status_code == 201
    body = response.json()
    assert (body["added"], body["rows"], body["encoding"]) == (4, 4, "utf-8")
    users = {u["email"]: u for u in await all_users(client)}
    assert users["jose.nunez@example.com"]["name"] == "José Núñez"
    assert users["zoe.muller@example.com"]["name"] == "Zoë Müller"
    assert users["hr@example.com"]["name"] == "Human Resources"  # a distribution list: a plain user


async def test_pound_password_is_stored_exactly(client: httpx.AsyncClient, app: object) -> None:
    from sqlalchemy import select

    from app.db.models.directory import DirectoryUser

    await upload(client, sample("excel-csv-utf8.csv"))
    state = app.state  # type: ignore[attr-defined]
    with state.session_factory() as session:
        stored = session.scalar(
            select(DirectoryUser.password_hash).where(
                DirectoryUser.email_key == "jose.nunez@example.com"
            )
        )
    assert stored is not None
    assert state.hasher.verify(stored, "£ondon-Calling-77")


async def test_windows_1252_with_pound_is_refused_with_save_as_utf8_advice(
    client: httpx.AsyncClient,
) -> None:
    response = await upload(client, sample("excel-csv-ansi-with-pound.csv"))

    assert response.status_code == 422
    assert codes(response) == [(None, None, "encoding_not_utf8")]
    assert "CSV UTF-8" in response.json()["errors"][0]["message"]
    assert await all_users(client) == []


async def test_windows_1252_without_pound_is_decoded(client: httpx.AsyncClient) -> None:
    response = await upload(client, sample("excel-csv-ansi-no-pound.csv"))

    assert response.status_code == 201
    assert response.json()["encoding"] == "windows-1252"
    names = {u["name"] for u in await all_users(client)}
    assert {"José Núñez", "Zoë Müller"} <= names


async def test_many_errors_lists_all_six_and_adds_nothing(client: httpx.AsyncClient) -> None:
    response = await upload(client, sample("many-errors.csv"))

    assert response.status_code == 422
    assert codes(response) == [
        (3, "Email", "invalid_email"),
        (4, "Name", "missing_value"),
        (5, "Force Change Password", "invalid_boolean"),
        (6, "Email", "multiple_addresses"),
        (7, "Email", "duplicate_in_file"),
        (8, "Password", "missing_value"),
    ]
    assert "row 2" in response.json()["errors"][4]["message"]
    assert await all_users(client) == []
