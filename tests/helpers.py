"""Building CSV files and uploading them the way a client does."""

from collections.abc import Sequence
from pathlib import Path

import httpx

FIXTURES = Path(__file__).parent / "fixtures"
HEADER = ["Email", "Name", "Password", "Force Change Password"]


def csv_bytes(
    rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER, *, end: str = "\r\n"
) -> bytes:
    """A CSV file; cells are written as they are (quote them in the test when needed)."""
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return (end.join(lines) + end).encode("utf-8")


def user_rows(count: int, domain: str = "example.com", start: int = 0) -> list[list[str]]:
    return [
        [f"user{n}@{domain}", f"User {n}", f"Secret-{n}-pw", "TRUE" if n % 2 else "FALSE"]
        for n in range(start, start + count)
    ]


async def upload(
    client: httpx.AsyncClient,
    data: bytes,
    filename: str = "users.csv",
    *,
    dry_run: bool | None = None,
    on_existing: str | None = None,
) -> httpx.Response:
    params = {} if dry_run is None else {"dry_run": str(dry_run).lower()}
    if on_existing is not None:
        params["on_existing"] = on_existing
    return await client.post(
        "/imports", params=params, files={"file": (filename, data, "text/csv")}
    )


def codes(response: httpx.Response) -> list[tuple[int | None, str | None, str]]:
    """(row, column, code) of every error in a refused-file answer."""
    return [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]]


async def all_users(client: httpx.AsyncClient) -> list[dict[str, object]]:
    response = await client.get("/users", params={"limit": 500})
    assert response.status_code == 200
    items: list[dict[str, object]] = response.json()["items"]
    return items
