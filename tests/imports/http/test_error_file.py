"""The CSV error file: a refused upload answered as the rows that have problems, safe to open
in a spreadsheet, with no password."""

import codecs
import csv
import io

import httpx
import pytest

from tests.helpers import csv_bytes, user_rows

pytestmark = pytest.mark.anyio
COLUMNS = ["Row", "Email", "Name", "Password", "Force Change Password", "Errors"]
ROWS = [
    ["ana@example.com", "Ana", "Plain-Secret-1", "TRUE"],
    ["bad-address", '"=HYPERLINK(""http://evil.example/"",""x"")"', "Bad-Secret-2", "maybe"],
    ["ben@example.com", "@SUM(1+1)", "Other-Secret-3", "FALSE"],
    ["cy@example.com", "-Cy", "Sh0rt!", "TRUE"],
]
PASSWORDS = ["Plain-Secret-1", "Bad-Secret-2", "Other-Secret-3", "Sh0rt!"]


def read(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(response.content[3:].decode("utf-8"))))


async def post(client: httpx.AsyncClient, file: bytes, **kwargs: object) -> httpx.Response:
    files = {"file": ("users.csv", file, "text/csv")}
    return await client.post("/imports", files=files, **kwargs)  # type: ignore[arg-type]


async def test_accept_text_csv_answers_the_problem_rows(client: httpx.AsyncClient) -> None:
    response = await post(client, csv_bytes(ROWS), headers={"Accept": "text/csv"})

    assert response.status_code == 422
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="import-errors.csv"' in response.headers["content-disposition"]
    table = read(response)
    assert table[0] == COLUMNS
    assert [line[0] for line in table[1:]] == ["3", "5"]  # rows 2 and 4 have no problem
    hyperlink = table[1]
    assert hyperlink[1:5] == [
        "bad-address",
        '\'=HYPERLINK("http://evil.example/","x")',
        "",
        "maybe",
    ]
    assert "Email: " in hyperlink[5] and "Force Change Password: " in hyperlink[5]
    assert table[2][1:5] == ["cy@example.com", "'-Cy", "", "TRUE"]
    assert "Password: " in table[2][5]
    text = response.content.decode("utf-8")
    assert not any(password in text for password in PASSWORDS)


async def test_errors_format_csv_as_query_or_form_field(client: httpx.AsyncClient) -> None:
    by_query = await post(client, csv_bytes(ROWS), params={"errors_format": "csv"})
    by_form = await post(client, csv_bytes(ROWS), data={"errors_format": "csv"})

    assert by_query.content == by_form.content
    assert by_query.headers["content-type"].startswith("text/csv")


async def test_json_stays_the_default(client: httpx.AsyncClient) -> None:
    plain = await post(client, csv_bytes(ROWS))
    json_first = await post(
        client, csv_bytes(ROWS), headers={"Accept": "application/json, text/csv"}
    )

    for response in (plain, json_first):
        assert response.headers["content-type"] == "application/problem+json"


async def test_a_valid_file_is_answered_as_ever(client: httpx.AsyncClient) -> None:
    response = await post(client, csv_bytes(user_rows(2)), headers={"Accept": "text/csv"})

    assert response.status_code == 201
    assert response.json()["added"] == 2


async def test_problems_of_the_whole_file_come_first(client: httpx.AsyncClient) -> None:
    headerless = csv_bytes(user_rows(2)[1:], header=user_rows(1)[0])

    response = await post(client, headerless, headers={"Accept": "text/csv"})

    table = read(response)
    assert table[1][:5] == ["1", "", "", "", ""]  # the first row is no header: not quoted
    assert "header" in table[1][5]
    assert "Secret-0-pw" not in response.content.decode("utf-8")


async def test_a_replayed_csv_answer_is_the_same_file(client: httpx.AsyncClient) -> None:
    headers = {"Accept": "text/csv", "Idempotency-Key": "csv-answer"}

    first = await post(client, csv_bytes(ROWS), headers=headers)
    again = await post(client, csv_bytes(ROWS), headers=headers)

    assert first.content == again.content
    assert again.headers["idempotent-replayed"] == "true"
