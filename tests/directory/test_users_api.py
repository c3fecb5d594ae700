import httpx
import pytest

from tests.helpers import csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio


async def test_users_show_their_fields_and_never_a_password(client: httpx.AsyncClient) -> None:
    imported = (await upload(client, csv_bytes(user_rows(2)))).json()

    response = await client.get("/users")

    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    first = body["items"][0]
    assert set(first) == {
        "id", "email", "aliases", "name", "force_change_password", "active", "version",
        "created_at", "updated_at", "import_id",
    }  # fmt: skip
    assert (first["email"], first["name"], first["force_change_password"]) == (
        "user0@example.com",
        "User 0",
        False,
    )
    assert first["import_id"] == imported["id"]
    assert "Secret-0-pw" not in response.text and "argon2" not in response.text


async def test_users_filtered_by_import_and_paged(client: httpx.AsyncClient) -> None:
    await upload(client, csv_bytes(user_rows(2)))
    second = (await upload(client, csv_bytes(user_rows(3, start=10)))).json()

    page1 = (await client.get("/users", params={"import_id": second["id"], "limit": 2})).json()
    page2 = (
        await client.get(
            "/users", params={"import_id": second["id"], "limit": 2, "cursor": page1["next_cursor"]}
        )
    ).json()

    emails = [u["email"] for u in page1["items"] + page2["items"]]
    assert emails == ["user10@example.com", "user11@example.com", "user12@example.com"]
    assert page2["next_cursor"] is None


async def test_unknown_email_gives_an_empty_page(client: httpx.AsyncClient) -> None:
    await upload(client, csv_bytes(user_rows(1)))

    body = (await client.get("/users", params={"email": "nobody@example.com"})).json()

    assert body == {"items": [], "next_cursor": None}
