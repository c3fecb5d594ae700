"""Files that are not what they claim get a clear code, and nothing is added."""

import httpx
import pytest

from tests.conftest import AppFactory, make_client
from tests.helpers import HEADER, all_users, codes, csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
        b"Email,Name\x00,Password\r\n",
    ],
    ids=["xlsx", "xls", "pdf", "nul-bytes"],
)
async def test_workbooks_pdfs_and_binaries_are_not_csv(
    client: httpx.AsyncClient, data: bytes
) -> None:
    response = await upload(client, data, "users.xlsx")

    assert response.status_code == 422
    assert codes(response) == [(None, None, "not_csv")]
    assert "CSV UTF-8" in response.json()["errors"][0]["message"]


async def test_unterminated_quote_is_malformed_csv_on_its_row(client: httpx.AsyncClient) -> None:
    text = 'Email,Name,Password,Force Change Password\r\na@example.com,A,pw-123456,TRUE\r\nb@example.com,"B,pw-123456,TRUE\r\n'

    response = await upload(client, text.encode())

    assert codes(response) == [(3, None, "malformed_csv")]
    assert await all_users(client) == []


async def test_more_cells_than_the_header_is_malformed_csv(client: httpx.AsyncClient) -> None:
    rows = [
        ["a@example.com", "A", "pw-123456", "TRUE", "extra"],
        ["b@example.com", "B", "pw-123456", "TRUE", ""],
    ]

    response = await upload(client, csv_bytes(rows))

    assert codes(response) == [(2, None, "malformed_csv")]


async def test_row_over_64_kib_is_refused_without_reading_on(client: httpx.AsyncClient) -> None:
    rows = [["a@example.com", "A" * (65 * 1024), "pw-123456", "TRUE"], *user_rows(3)]

    response = await upload(client, csv_bytes(rows))

    assert codes(response) == [(2, None, "row_too_long")]


async def test_quoted_cell_over_64_kib_is_row_too_long(client: httpx.AsyncClient) -> None:
    cell = '"' + "line\n" * (14 * 1024) + '"'

    response = await upload(client, csv_bytes([["a@example.com", cell, "pw-123456", "TRUE"]]))

    assert codes(response) == [(2, None, "row_too_long")]


async def test_more_than_64_columns_is_refused(client: httpx.AsyncClient) -> None:
    header = [*HEADER, *([""] * 61)]

    response = await upload(
        client, csv_bytes([["a@example.com", "A", "pw-123456", "TRUE"]], header)
    )

    assert codes(response) == [(1, None, "too_many_columns")]


async def test_cell_over_its_limit_is_value_too_long(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes([["a@example.com", "N" * 5000, "pw-123456", "TRUE"]]))

    assert codes(response) == [(2, "Name", "value_too_long")]


async def test_errors_are_capped_and_counted(app_factory: AppFactory) -> None:
    app = app_factory(max_errors=5, max_rows=100)
    rows = [[f"bad-{n}", "", "pw-123456", "TRUE"] for n in range(40)]
    async with make_client(app) as client:
        response = await upload(client, csv_bytes(rows))
        record = (await client.get(f"/imports/{response.json()['import_id']}")).json()

    body = response.json()
    assert body["error_count"] == 80
    assert [(e["row"], e["code"]) for e in body["errors"]] == [
        (2, "invalid_email"), (2, "missing_value"), (3, "invalid_email"), (3, "missing_value"), (4, "invalid_email"),
    ]  # fmt: skip
    assert "80 problem(s)" in body["detail"]
    assert (record["error_count"], len(record["errors"])) == (80, 5)
