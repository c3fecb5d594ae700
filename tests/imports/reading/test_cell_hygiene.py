"""One rule for every cell: only spaces, no-break spaces and zero-width characters are removed
around a value; other control or line-break characters are refused, never silently stripped.
Also the encodings and the strict request of POST /imports."""

import codecs

import httpx
import pytest

from app.imports.reading.user_row import TEMPLATE_COLUMNS, UserRow
from tests.helpers import all_users, codes, csv_bytes, upload

pytestmark = pytest.mark.anyio


def quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


# Addresses of isemail's corpus that must be refused: a control character around or inside.
REFUSED_ADDRESSES = [
    "test@iana.org\r",
    "\rtest@iana.org",
    "test@iana.org\n",
    "\ntest@iana.org",
    "test@iana.org\t",
    "\ttest@iana.org",
    "test@iana.org\x0b",
    "test@iana.org\x0c",
    "test@iana.org\x85",
    "test@iana.org\u2028",
    "test@iana.org\u2029",
    "test@iana.org\x1c",
    "test@iana.org\x1f",
    "test@iana.org\u3000",
    "te\tst@iana.org",
    "test@ia\r\nna.org",
]


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
async def test_control_characters_in_an_address_are_refused_not_stripped(
    client: httpx.AsyncClient, address: str
) -> None:
    response = await upload(client, csv_bytes([[quoted(address), "Ana", "pw-123456", "TRUE"]]))

    assert codes(response) == [(2, "Email", "invalid_email")]
    assert await all_users(client) == []


@pytest.mark.parametrize(
    "address", [" ana@example.com ", "\u00a0ana@example.com\u00a0", "\u200bana@example.com\ufeff"]
)
async def test_spaces_and_invisible_characters_around_an_address_are_removed(
    client: httpx.AsyncClient, address: str
) -> None:
    response = await upload(client, csv_bytes([[quoted(address), "Ana", "pw-123456", "TRUE"]]))

    assert response.status_code == 201
    assert [user["email"] for user in await all_users(client)] == ["ana@example.com"]


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("a" * 65 + "@example.com", "local part over 64"),
        ("ana@" + "d" * 64 + ".example.com", "label over 63"),
        ("ana@localhost", "dotless domain"),
    ],
)
async def test_rfc_limits_of_an_address(client: httpx.AsyncClient, address: str, why: str) -> None:
    response = await upload(client, csv_bytes([[address, "Ana", "pw-123456", "TRUE"]]))

    assert codes(response) == [(2, "Email", "invalid_email")], why


async def test_a_64_character_local_part_is_fine(client: httpx.AsyncClient) -> None:
    response = await upload(
        client, csv_bytes([["a" * 64 + "@example.com", "A", "pw-123456", "TRUE"]])
    )

    assert response.status_code == 201


@pytest.mark.parametrize("name", ["Ana\r\n", "\t=HYPERLINK(1)", "An\x07a", "Ana\u2028Lima"])
async def test_control_characters_in_a_name_are_refused(
    client: httpx.AsyncClient, name: str
) -> None:
    response = await upload(
        client, csv_bytes([["ana@example.com", quoted(name), "pw-123456", "TRUE"]])
    )

    assert codes(response) == [(2, "Name", "invalid_value")]


async def test_a_wide_space_in_a_name_is_kept(client: httpx.AsyncClient) -> None:
    response = await upload(
        client, csv_bytes([["ana@example.com", "山田\u3000花子", "pw-123456", "TRUE"]])
    )

    assert response.status_code == 201
    assert [user["name"] for user in await all_users(client)] == ["山田\u3000花子"]


@pytest.mark.parametrize("password", ["pass\nword-123", "pass\rword-123", "password-123\u2028"])
async def test_line_breaks_in_a_password_are_refused(
    client: httpx.AsyncClient, password: str
) -> None:
    response = await upload(
        client, csv_bytes([["ana@example.com", "Ana", quoted(password), "TRUE"]])
    )

    assert codes(response) == [(2, "Password", "invalid_value")]
    assert password not in response.text


async def test_a_tab_after_true_is_not_a_boolean(client: httpx.AsyncClient) -> None:
    response = await upload(
        client, csv_bytes([["ana@example.com", "Ana", "pw-123456", '"TRUE\t"']])
    )

    assert codes(response) == [(2, "Force Change Password", "invalid_boolean")]


async def test_one_stray_byte_in_a_utf8_file_refuses_it(client: httpx.AsyncClient) -> None:
    rows = [
        ["ana@example.com", "Ana", "Pässwörd-1", "TRUE"],
        ["bob@example.com", "Bob", "x", "TRUE"],
    ]
    data = csv_bytes(rows).replace(b"Bob,x", b"Bob,\x92quoted\x92-pw")

    response = await upload(client, data)

    assert codes(response) == [(3, None, "encoding_mixed")]
    assert await all_users(client) == []


async def test_a_windows_1252_file_without_utf8_is_still_read(client: httpx.AsyncClient) -> None:
    data = "Email,Name,Password,Force Change Password\r\nana@example.com,José,Pässwörd-1,TRUE\r\n"

    response = await upload(client, data.encode("cp1252"))

    assert (response.status_code, response.json()["encoding"]) == (201, "windows-1252")


async def test_nul_in_utf16_text_is_not_csv(client: httpx.AsyncClient) -> None:
    text = "Email,Name,Password,Force Change Password\r\nana@example.com,A\x00na,pw-123456,TRUE\r\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")

    dry = await upload(client, data, dry_run=True)
    real = await upload(client, data)

    assert codes(dry) == codes(real) == [(None, None, "not_csv")]


async def test_nul_in_a_query_or_a_file_name_is_a_422_problem(client: httpx.AsyncClient) -> None:
    query = await client.get("/users", params={"email": "\x00"})
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="a\x00.csv"\r\n\r\n'
        + csv_bytes([["a@example.com", "A", "pw-123456", "TRUE"]])
        + b"\r\n--b--\r\n"
    )
    name = await client.post(
        "/imports", content=body, headers={"content-type": "multipart/form-data; boundary=b"}
    )

    for response in (query, name):
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_request"
    assert query.json()["invalid_params"][0]["name"] == "query.email"


@pytest.mark.parametrize("flag", ["dryrun", "dry-run", "DRY_RUN", "dry_Run"])
async def test_a_misspelled_flag_is_refused_and_imports_nothing(
    client: httpx.AsyncClient, flag: str
) -> None:
    data = csv_bytes([["ana@example.com", "Ana", "pw-123456", "TRUE"]])

    response = await client.post(
        "/imports", params={flag: "true"}, files={"file": ("u.csv", data, "text/csv")}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["invalid_params"] == [
        {"name": f"query.{flag}", "reason": response.json()["invalid_params"][0]["reason"]}
    ]
    assert await all_users(client) == []


@pytest.mark.parametrize("query", ["dry_run=true&dry_run=false", "dry_run=maybe", "dry_run="])
async def test_dry_run_once_and_boolean(client: httpx.AsyncClient, query: str) -> None:
    data = csv_bytes([["ana@example.com", "Ana", "pw-123456", "TRUE"]])

    response = await client.post(f"/imports?{query}", files={"file": ("u.csv", data, "text/csv")})

    assert (response.status_code, response.json()["code"]) == (422, "invalid_request")
    # One problem type whether FastAPI or the strict check refused it.
    assert response.json()["type"] == "urn:user-import:problem:invalid_request"
    assert await all_users(client) == []


async def test_unknown_form_fields_are_refused(client: httpx.AsyncClient) -> None:
    data = csv_bytes([["ana@example.com", "Ana", "pw-123456", "TRUE"]])

    response = await client.post(
        "/imports", data={"dryrun": "true"}, files={"file": ("u.csv", data, "text/csv")}
    )

    assert (response.status_code, response.json()["code"]) == (422, "invalid_request")
    assert response.json()["invalid_params"][0]["name"] == "form.dryrun"
    assert await all_users(client) == []


def test_the_template_and_the_header_names_come_from_the_row_model() -> None:
    required = tuple(field.alias for field in UserRow.model_fields.values() if field.is_required())
    assert TEMPLATE_COLUMNS == required == ("Email", "Name", "Password", "Force Change Password")
    assert [f.alias for f in UserRow.model_fields.values() if not f.is_required()] == [
        "Password Hash", "Aliases", "Active",
    ]  # fmt: skip
