import httpx
import pytest

from tests.helpers import upload

pytestmark = pytest.mark.anyio


async def test_template_is_a_utf8_csv_attachment_with_the_four_columns(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/template")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert (
        response.headers["content-disposition"] == 'attachment; filename="User Import Template.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    header = response.content[3:].decode("utf-8").splitlines()[0]
    assert header == "Email,Name,Password,Force Change Password"


async def test_filled_in_template_imports(client: httpx.AsyncClient) -> None:
    template = (await client.get("/template")).content
    filled = template + b"new.person@example.com,New Person,Long-Enough-1,TRUE\r\n"

    response = await upload(client, filled, "User Import Template.csv")

    assert response.status_code == 201
    assert response.json()["added"] == 1
