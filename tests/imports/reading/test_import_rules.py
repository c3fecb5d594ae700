"""Each rule of a file, shown through HTTP."""

import httpx
import pytest

from tests.helpers import all_users, codes, csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio

GOOD = ["ana@example.com", "Ana", "pw-123456", "TRUE"]


async def test_header_in_any_order_case_and_spacing_with_blank_columns(
    client: httpx.AsyncClient,
) -> None:
    header = ["  force change PASSWORD ", "", "NAME", "email", "Password", ""]
    data = csv_bytes([["false", "", "Ana", "ana@example.com", "pw-123456", ""]], header)

    response = await upload(client, data)

    assert response.status_code == 201
    [user] = await all_users(client)
    assert (user["email"], user["name"], user["force_change_password"]) == (
        "ana@example.com",
        "Ana",
        False,
    )


async def test_missing_and_unknown_columns_are_named(client: httpx.AsyncClient) -> None:
    data = csv_bytes(
        [["a@example.com", "A", "TRUE", "x"]], ["Email", "Name", "Force Change Password", "Phone"]
    )

    response = await upload(client, data)

    assert response.status_code == 422
    assert codes(response) == [(1, None, "unknown_column"), (1, "Password", "missing_column")]
    unknown, missing = (e["message"] for e in response.json()["errors"])
    assert "column D " in unknown and "Phone" not in unknown  # an unknown header is not quoted
    assert '"Password"' in missing


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\r\n\r\n",
        b"Email,Name,Password,Force Change Password\r\n",
        b"Email,Name,Password,Force Change Password\r\n,,,\r\n\r\n",
    ],
    ids=["no-bytes", "bom-only", "blank-lines", "header-only", "header-and-blank-rows"],
)
async def test_no_header_or_no_user_rows_is_empty_file(
    client: httpx.AsyncClient, data: bytes
) -> None:
    response = await upload(client, data)

    assert response.status_code == 422
    assert codes(response) == [(None, None, "empty_file")]


async def test_blank_rows_are_skipped_and_rows_keep_spreadsheet_numbers(
    client: httpx.AsyncClient,
) -> None:
    data = csv_bytes([GOOD, ["", "", "", ""], [], ["bad-address", "B", "pw-123456", "TRUE"]])

    response = await upload(client, data)

    assert codes(response) == [(5, "Email", "invalid_email")]


async def test_blank_rows_do_not_count_as_users(client: httpx.AsyncClient) -> None:
    response = await upload(client, csv_bytes([GOOD, [",,,"], []]))

    assert response.status_code == 201
    assert response.json()["rows"] == 1


@pytest.mark.parametrize(
    "cell",
    [
        '"a@example.com; b@example.com"',
        '"a@example.com,b@example.com"',
        "a@example.com b@example.com",
    ],
)
async def test_several_addresses_in_a_cell(client: httpx.AsyncClient, cell: str) -> None:
    response = await upload(client, csv_bytes([[cell, "A", "pw-123456", "TRUE"]]))

    assert codes(response) == [(2, "Email", "multiple_addresses")]


@pytest.mark.parametrize(
    "cell",
    [
        "Ana <ana@example.com>",
        "ana@",
        "@example.com",
        "ana@localhost",
        "ana example.com",
        "ana@@example.com",
    ],
)
async def test_invalid_addresses(client: httpx.AsyncClient, cell: str) -> None:
    response = await upload(client, csv_bytes([[cell, "A", "pw-123456", "TRUE"]]))

    assert codes(response) == [(2, "Email", "invalid_email")]


async def test_address_too_long(client: httpx.AsyncClient) -> None:
    address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".com"
    response = await upload(client, csv_bytes([[address, "A", "pw-123456", "TRUE"]]))

    assert codes(response) == [(2, "Email", "value_too_long")]


async def test_duplicate_in_file_is_case_insensitive_and_names_the_first_row(
    client: httpx.AsyncClient,
) -> None:
    rows = [
        GOOD,
        ["bob@example.com", "Bob", "pw-123456", "TRUE"],
        ["ANA@Example.COM", "Ana 2", "pw-123456", "TRUE"],
    ]

    response = await upload(client, csv_bytes(rows))

    assert codes(response) == [(4, "Email", "duplicate_in_file")]
    assert "row 2" in response.json()["errors"][0]["message"]


async def test_address_already_in_directory(client: httpx.AsyncClient) -> None:
    assert (await upload(client, csv_bytes([GOOD]))).status_code == 201

    response = await upload(
        client,
        csv_bytes(
            [
                ["bob@example.com", "Bob", "pw-123456", "TRUE"],
                ["Ana@EXAMPLE.com", "Ana", "pw-123456", "FALSE"],
            ]
        ),
    )

    assert response.status_code == 422
    assert codes(response) == [(3, "Email", "already_exists")]
    assert len(await all_users(client)) == 1


async def test_every_kind_of_error_is_reported_in_one_answer(client: httpx.AsyncClient) -> None:
    assert (await upload(client, csv_bytes([GOOD]))).status_code == 201
    rows = [["ana@example.com", "", "pw-123456", "maybe"], ["x", "X", "", "TRUE"]]

    response = await upload(client, csv_bytes(rows))

    assert codes(response) == [
        (2, "Email", "already_exists"),
        (2, "Name", "missing_value"),
        (2, "Force Change Password", "invalid_boolean"),
        (3, "Email", "invalid_email"),
        (3, "Password", "missing_value"),
    ]
    assert response.json()["error_count"] == 5


@pytest.mark.parametrize("name", ["", "   "])
async def test_name_is_required(client: httpx.AsyncClient, name: str) -> None:
    response = await upload(client, csv_bytes([["ana@example.com", name, "pw-123456", "TRUE"]]))

    assert codes(response) == [(2, "Name", "missing_value")]


async def test_name_and_password_length_limits(client: httpx.AsyncClient) -> None:
    ok = await upload(
        client, csv_bytes([["a@example.com", "N" * 256, "p" * 1024, "TRUE"]]), dry_run=True
    )
    too_long = await upload(client, csv_bytes([["a@example.com", "N" * 257, "p" * 1025, "TRUE"]]))

    assert ok.status_code == 200
    assert codes(too_long) == [(2, "Name", "value_too_long"), (2, "Password", "value_too_long")]


@pytest.mark.parametrize(
    ("cell", "expected"), [("TRUE", True), ("false", False), ("True", True), (" FaLsE ", False)]
)
async def test_force_change_password_accepts_true_false_in_any_case(
    client: httpx.AsyncClient, cell: str, expected: bool
) -> None:
    response = await upload(client, csv_bytes([["ana@example.com", "Ana", "pw-123456", cell]]))

    assert response.status_code == 201
    [user] = await all_users(client)
    assert user["force_change_password"] is expected


@pytest.mark.parametrize("cell", ["yes", "1", "Y", "", "TRUE FALSE"])
async def test_force_change_password_refuses_anything_else(
    client: httpx.AsyncClient, cell: str
) -> None:
    response = await upload(client, csv_bytes([["ana@example.com", "Ana", "pw-123456", cell]]))

    assert codes(response) == [(2, "Force Change Password", "invalid_boolean")]


async def test_password_is_kept_exactly_as_written(client: httpx.AsyncClient, app: object) -> None:
    from sqlalchemy import select

    from app.db.models.directory import DirectoryUser

    password = '  spaced, "quoted" £ pw  '
    cell = '"' + password.replace('"', '""') + '"'
    assert (
        await upload(client, csv_bytes([["ana@example.com", "Ana", cell, "TRUE"]]))
    ).status_code == 201

    state = app.state  # type: ignore[attr-defined]
    with state.session_factory() as session:
        stored = session.scalar(select(DirectoryUser.password_hash))
    assert stored is not None and stored.startswith("$argon2id$")
    assert state.hasher.verify(stored, password)
    assert not state.hasher.verify(stored, password.strip())


async def test_no_answer_or_record_quotes_a_password(client: httpx.AsyncClient) -> None:
    secret = "Zebra-Quartz-8812"
    rows = [["bad", "", secret, "nope"], ["ok@example.com", "Ok", secret + "x" * 1100, "TRUE"]]

    refused = await upload(client, csv_bytes(rows))
    record = await client.get(f"/imports/{refused.json()['import_id']}")

    assert secret not in refused.text
    assert secret not in record.text


async def test_address_domain_is_normalized_and_users_found_by_any_case(
    client: httpx.AsyncClient,
) -> None:
    await upload(
        client, csv_bytes([["Ana.Smith@Example.COM", "Ana", "pw-123456", "TRUE"], *user_rows(2)])
    )

    found = (await client.get("/users", params={"email": "ANA.SMITH@example.com"})).json()["items"]

    assert [user["email"] for user in found] == ["Ana.Smith@example.com"]
