"""The password policy of an import, through HTTP; messages never quote the password."""

import httpx
import pytest

from tests.conftest import AppFactory, make_client
from tests.helpers import codes, csv_bytes, upload

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("email", "password", "code"),
    [
        ("ana@example.com", "Sh0rt!", "password_too_short"),
        ("jsmith@example.com", "jsmith", "password_too_short"),
        ("jsmith@example.com", "JSmith-2024!", "password_contains_email"),
        ("john.smith@example.com", "john.smith", "password_contains_email"),
        ("ana@example.com", "password1", "password_too_common"),
        ("ana@example.com", "Qwertyuiop", "password_too_common"),
    ],
)
async def test_policy_codes(
    client: httpx.AsyncClient, email: str, password: str, code: str
) -> None:
    response = await upload(client, csv_bytes([[email, "Someone", password, "TRUE"]]))

    assert codes(response) == [(2, "Password", code)]
    assert password not in response.json()["errors"][0]["message"]


async def test_a_short_local_part_is_not_matched_inside_passwords(
    client: httpx.AsyncClient,
) -> None:
    response = await upload(
        client, csv_bytes([["hr@example.com", "HR", "Three-Bears-Hr-9", "TRUE"]])
    )

    assert response.status_code == 201


async def test_minimum_length_is_configurable(app_factory: AppFactory) -> None:
    async with make_client(app_factory(min_password_length=16)) as client:
        response = await upload(
            client, csv_bytes([["a@example.com", "A", "Fifteen-chars-1", "TRUE"]])
        )

    assert codes(response) == [(2, "Password", "password_too_short")]
    assert "16" in response.json()["errors"][0]["message"]
