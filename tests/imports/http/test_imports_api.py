"""The HTTP contract of POST /imports, GET /imports and GET /imports/{id}."""

from datetime import datetime

import httpx
import pytest

from tests.conftest import AppFactory, make_client
from tests.helpers import all_users, codes, csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio


async def test_success_answers_201_with_location_and_summary(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes(user_rows(3)), "staff.csv")

    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/imports/{body['id']}"
    assert set(body) == {
        *("id", "status", "dry_run", "filename", "encoding", "delimiter", "columns"),
        *("rows", "added", "updated", "skipped", "on_existing", "created_at", "created_by"),
        "progress",
        "planned",
        *("reverted_at", "reverted_by"),
    }
    assert body["progress"] == {"done": 3, "total": 3}
    assert body["created_by"] == "USERIMPORT_API_KEY"
    assert body["delimiter"] == "comma"
    assert body["columns"] == {c: c for c in ("Email", "Name", "Password", "Force Change Password")}
    assert body["status"] == "completed"
    assert body["dry_run"] is False
    assert body["filename"] == "staff.csv"
    assert (body["rows"], body["added"]) == (3, 3)
    assert datetime.fromisoformat(body["created_at"]).tzinfo is not None
    assert len(await all_users(client)) == 3


async def test_dry_run_of_valid_file_answers_200_and_writes_no_user(
    client: httpx.AsyncClient,
) -> None:
    response = await upload(client, csv_bytes(user_rows(2)), dry_run=True)

    assert response.status_code == 200
    body = response.json()
    # A dry run says what the import would write (planned); nothing is written.
    assert (body["status"], body["dry_run"], body["rows"]) == ("validated", True, 2)
    assert (body["added"], body["updated"], body["skipped"]) == (0, 0, 0)
    assert body["planned"] == {"added": 2, "updated": 0, "skipped": 0}
    assert "location" not in response.headers
    assert await all_users(client) == []
    record = (await client.get(f"/imports/{body['id']}")).json()
    assert record["status"] == "validated"


async def test_dry_run_of_bad_file_is_refused_like_a_real_one(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes([["bad", "X", "pw-123456", "TRUE"]]), dry_run=True)

    assert response.status_code == 422
    assert codes(response) == [(2, "Email", "invalid_email")]


async def test_refused_file_is_a_problem_with_import_id_and_a_stored_record(
    client: httpx.AsyncClient,
) -> None:
    rows = [*user_rows(1), ["", "No Address", "pw-123456", "TRUE"]]
    response = await upload(client, csv_bytes(rows))

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert {"type", "title", "status", "detail", "errors", "import_id"} <= set(problem)
    assert problem["status"] == 422
    assert problem["errors"] == [
        {
            "row": 3,
            "column": "Email",
            "code": "missing_value",
            "message": "An email address is required.",
        }
    ]
    assert await all_users(client) == []  # the valid first row was not added either
    record = (await client.get(f"/imports/{problem['import_id']}")).json()
    assert record["status"] == "failed"
    assert record["errors"] == problem["errors"]
    assert record["added"] == 0


async def test_unknown_import_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/imports/424242")

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


async def test_imports_are_listed_newest_first_in_pages(client: httpx.AsyncClient) -> None:
    ids = []
    for n in range(3):
        ids.append((await upload(client, csv_bytes(user_rows(1, start=n)))).json()["id"])

    first = (await client.get("/imports", params={"limit": 2})).json()
    second = (
        await client.get("/imports", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()

    assert [item["id"] for item in first["items"]] == ids[::-1][:2]
    assert [item["id"] for item in second["items"]] == ids[:1]
    assert second["next_cursor"] is None
    # Listed items carry the count of errors; the errors themselves stay on GET /imports/{id}.
    assert first["items"][0]["error_count"] == 0
    assert "errors" not in first["items"][0]


async def test_bad_cursor_and_limit_are_problems(client: httpx.AsyncClient) -> None:
    bad_cursor = await client.get("/imports", params={"cursor": "not-a-cursor"})
    too_big = await client.get("/imports", params={"limit": 501})

    assert (bad_cursor.status_code, bad_cursor.json()["code"]) == (400, "invalid_cursor")
    assert (too_big.status_code, too_big.json()["code"]) == (422, "invalid_request")
    assert too_big.json()["invalid_params"][0]["name"] == "query.limit"


async def test_missing_file_part_is_422_missing_file(client: httpx.AsyncClient) -> None:
    response = await client.post("/imports", files={"upload": ("a.csv", b"x", "text/csv")})

    assert response.status_code == 422
    assert response.json()["code"] == "missing_file"


async def test_body_that_is_not_multipart_is_415(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/imports", content=b"Email\n", headers={"content-type": "text/csv"}
    )

    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"


async def test_500_rows_are_added_and_501_are_too_many(client: httpx.AsyncClient) -> None:
    # Nothing else is checked in a file that is too long: the bad address is not reported.
    too_many = await upload(client, csv_bytes([*user_rows(500), ["bad", "", "", ""]]))

    assert too_many.status_code == 422
    assert codes(too_many) == [(None, None, "too_many_rows")]
    assert "501" in too_many.json()["errors"][0]["message"]
    assert "batches" in too_many.json()["errors"][0]["message"]
    assert await all_users(client) == []

    accepted = await upload(client, csv_bytes(user_rows(500)))

    assert accepted.status_code == 201
    assert accepted.json()["added"] == 500
    users = (await client.get("/users", params={"limit": 500})).json()
    assert len(users["items"]) == 500


async def test_row_limit_is_configurable(app_factory: AppFactory) -> None:
    async with make_client(app_factory(max_rows=2)) as client:
        refused = await upload(client, csv_bytes(user_rows(3)), dry_run=True)
        accepted = await upload(client, csv_bytes(user_rows(2)), dry_run=True)

    assert codes(refused) == [(None, None, "too_many_rows")]
    assert "at most 2" in refused.json()["errors"][0]["message"]
    assert accepted.status_code == 200
