"""Files real spreadsheet programs and other consoles produce are accepted."""

import codecs

import httpx
import pytest

from tests.helpers import HEADER, all_users, codes, upload

pytestmark = pytest.mark.anyio

ROWS = [
    ["ana@example.com", "Ana Smith", "pw;with,marks", "TRUE"],
    ["bob@example.com", "Bob Jones", "Blue-Kite-4821", "FALSE"],
]


def delimited(delimiter: str, end: str = "\r\n", final_end: bool = True) -> str:
    lines = [delimiter.join(HEADER)]
    for email, name, password, force in ROWS:
        lines.append(delimiter.join([email, name, f'"{password}"', force]))
    return end.join(lines) + (end if final_end else "")


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
async def test_delimiter_is_detected_and_reported(
    client: httpx.AsyncClient, delimiter: str, name: str
) -> None:
    response = await upload(client, delimited(delimiter).encode())

    assert response.status_code == 201, response.text
    assert response.json()["delimiter"] == name
    assert [u["name"] for u in await all_users(client)] == ["Ana Smith", "Bob Jones"]


@pytest.mark.parametrize("end", ["\r\n", "\n", "\r"], ids=["crlf", "lf", "cr"])
@pytest.mark.parametrize("final_end", [True, False], ids=["final-eol", "no-final-eol"])
async def test_line_ends(client: httpx.AsyncClient, end: str, final_end: bool) -> None:
    response = await upload(client, delimited(",", end, final_end).encode(), dry_run=True)

    assert response.status_code == 200, response.text
    assert response.json()["rows"] == 2


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE], ids=["le", "be"])
async def test_utf16_with_bom_as_excel_unicode_text_writes_it(
    client: httpx.AsyncClient, bom: bytes
) -> None:
    codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    text = delimited("\t").replace("Ana Smith", "Ana Šmíd £")

    response = await upload(client, bom + text.encode(codec))

    assert response.status_code == 201, response.text
    assert (response.json()["encoding"], response.json()["delimiter"]) == ("utf-16", "tab")
    assert (await all_users(client))[0]["name"] == "Ana Šmíd £"


async def test_quoted_cells_with_delimiters_quotes_and_row_numbers_after_line_breaks(
    client: httpx.AsyncClient,
) -> None:
    text = (
        "Email,Name,Password,Force Change Password\r\n"
        'a@example.com,"Smith, Ana ""Annie""","p,w""1-long-enough",TRUE\r\n'
        'b@example.com,"Two\r\nLines",pw-123456,TRUE\r\n'
        "bad-address,C,pw-123456,TRUE\r\n"
    )

    response = await upload(client, text.encode())

    assert codes(response) == [(3, "Name", "invalid_value"), (4, "Email", "invalid_email")]


async def test_quoted_cells_are_kept_intact(client: httpx.AsyncClient) -> None:
    text = 'Email,Name,Password,Force Change Password\n"a@example.com","Smith, Ana ""A""",Kite-Blue-99,TRUE\n'

    assert (await upload(client, text.encode())).status_code == 201
    assert (await all_users(client))[0]["name"] == 'Smith, Ana "A"'


@pytest.mark.parametrize(
    "header",
    [
        ["E-mail Address", "Display Name", "Password [Required]", "Force Password Change"],
        ["Email Address [Required]", "Full Name", "Password", "Change Password at Next Sign-In"],
        ["  e-MAIL ", "display  name", "PASSWORD", "change password at next sign-in"],
        ["User Name", "Name", "Password", "Force Change Password"],
        ["Email Address", "Name", "Password", "Force Change Password"],
    ],
)
async def test_other_consoles_header_names_are_mapped_and_reported(
    client: httpx.AsyncClient, header: list[str]
) -> None:
    data = (",".join(header) + "\r\nana@example.com,Ana,pw-123456,TRUE\r\n").encode()

    response = await upload(client, data)

    assert response.status_code == 201, response.text
    expected = dict(zip([h.strip() for h in header], HEADER, strict=True))
    assert response.json()["columns"] == expected
    record = (await client.get(f"/imports/{response.json()['id']}")).json()
    assert record["columns"] == expected


async def test_spaces_nbsp_and_zero_width_characters_around_cells_are_stripped(
    client: httpx.AsyncClient,
) -> None:
    text = "Email,Name,Password,Force Change Password\r\n\u00a0\u200bana@example.com\u200d ,  Ana  , Kite-Blue-99 ,  TRUE \r\n"

    response = await upload(client, text.encode())

    assert response.status_code == 201, response.text
    [user] = await all_users(client)
    assert (user["email"], user["name"], user["force_change_password"]) == (
        "ana@example.com",
        "Ana",
        True,
    )
