"""Every answer in the documented shape: database outages, unexpected errors, overload, HEAD,
and the connection-level refusals of the server protocol (app/http/server.py)."""

import asyncio
import socket
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert

from app.db.models.base import utcnow
from app.db.models.imports import UserImport
from app.directory.repository import UserRepository
from app.main import create_app
from app.passwords.hashing import PasswordHasherPool
from tests.conftest import ADMIN_AUTH, AppFactory, make_client, test_settings
from tests.helpers import csv_bytes, upload, user_rows
from tests.live_server import serve

pytestmark = pytest.mark.anyio
ORIGIN = "https://admin.example.com"


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.json()["code"] == code


async def test_a_database_outage_is_a_503_problem_with_retry_after(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()  # a directory where the database file should be
    app = create_app(test_settings(f"sqlite:///{tmp_path / 'db'}"))
    async with make_client(app) as client:
        users = await client.get("/users")
        imported = await upload(client, csv_bytes(user_rows(2)))

    for answer in (users, imported):
        assert_problem(answer, 503, "database_unavailable")
        assert answer.headers["retry-after"] == "5"


async def test_postgresql_out_of_reach_is_a_503_problem() -> None:
    # Nothing listens on port 1: the connection is refused at once.
    app = create_app(test_settings("postgresql+psycopg://postgres@127.0.0.1:1/none"))
    async with make_client(app) as client:
        answer = await client.get("/imports")

    assert_problem(answer, 503, "database_unavailable")


def read_answer(sock: socket.socket) -> bytes:
    """One whole answer with a Content-Length, as it came off the socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1])
        for line in head.lower().split(b"\r\n")
        if b"content-length" in line
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def two_requests_on_one_connection(port: int) -> tuple[bytes, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        head = f"Host: t\r\nOrigin: {ORIGIN}\r\nAuthorization: {ADMIN_AUTH['Authorization']}\r\n"
        sock.sendall(f"GET /users HTTP/1.1\r\n{head}\r\n".encode())
        first = read_answer(sock)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        second = read_answer(sock)
    return first, second


async def test_an_unexpected_error_is_a_500_problem_with_every_header_and_keeps_the_connection(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_page(*_: object, **__: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(UserRepository, "page", broken_page)
    with serve(app_factory(cors_origins=[ORIGIN])) as url:
        port = int(url.rsplit(":", 1)[1])
        first, second = await asyncio.to_thread(two_requests_on_one_connection, port)

    head = first.lower()
    assert first.startswith(b"HTTP/1.1 500")
    assert b"content-type: application/problem+json" in head
    assert b"x-content-type-options: nosniff" in head
    assert f"access-control-allow-origin: {ORIGIN}".encode() in head
    assert b'"code":"internal_error"' in first
    assert b"connection: close" not in head
    assert second.startswith(b"HTTP/1.1 200")  # the same connection served the next request


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/template", "/users", "/imports"])
async def test_head_works_on_every_get_route(client: httpx.AsyncClient, path: str) -> None:
    got = await client.get(path)
    head = await client.head(path)

    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-type"] == got.headers["content-type"]


class HeldHashing:
    """Imports stop before hashing until released (bounded by a timeout); `reached` is set
    once one import has got there."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self.released = asyncio.Event()

    def set(self) -> None:
        self.released.set()


@pytest.fixture
def held_hashing(monkeypatch: pytest.MonkeyPatch) -> HeldHashing:
    held = HeldHashing()
    real = PasswordHasherPool.hash_all

    async def hash_when_released(self: PasswordHasherPool, passwords: Sequence[str]) -> list[str]:
        held.reached.set()
        await asyncio.wait_for(held.released.wait(), 60)
        return await real(self, passwords)

    monkeypatch.setattr(PasswordHasherPool, "hash_all", hash_when_released)
    return held


async def until(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Yield to the event loop until the condition holds (bounded)."""
    async with asyncio.timeout(seconds):
        while not condition():  # noqa: ASYNC110 - the gate has no event to await
            await asyncio.sleep(0.01)


async def test_imports_beyond_the_queue_get_a_429_with_retry_after(
    app_factory: AppFactory, held_hashing: HeldHashing
) -> None:
    app = app_factory(max_concurrent_imports=1, import_queue=1)
    gate = app.state.imports.gate
    async with make_client(app) as client:
        running = asyncio.create_task(upload(client, csv_bytes(user_rows(2))))
        await asyncio.wait_for(held_hashing.reached.wait(), 30)  # one hashes
        waiting = asyncio.create_task(upload(client, csv_bytes(user_rows(2, start=10))))
        await until(lambda: gate.waiting == 1)  # one waits for its turn
        refused = await upload(client, csv_bytes(user_rows(2, start=20)))
        held_hashing.set()
        answers = await asyncio.gather(running, waiting)

    assert_problem(refused, 429, "too_many_imports")
    assert refused.headers["retry-after"] == "5"
    assert [answer.status_code for answer in answers] == [201, 201]


async def test_requests_beyond_the_limit_get_a_503_problem_not_plain_text(
    app_factory: AppFactory, held_hashing: HeldHashing
) -> None:
    app = app_factory(max_requests=1)
    async with make_client(app) as client:
        running = asyncio.create_task(upload(client, csv_bytes(user_rows(2))))
        await asyncio.wait_for(held_hashing.reached.wait(), 30)
        refused = await client.get("/healthz")
        held_hashing.set()
        assert (await running).status_code == 201

    assert_problem(refused, 503, "overloaded")
    assert refused.headers["retry-after"] == "1"


async def test_an_upload_is_never_spooled_to_disk(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_disk(*_: object) -> None:
        raise AssertionError("the upload was written to a temporary file")

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", no_disk)
    data = csv_bytes(user_rows(400)) + b"\r\n" * 2_000_000  # 2 MB and more: past Starlette's 1 MiB

    answer = await upload(client, data, dry_run=True)

    assert (answer.status_code, answer.json()["rows"]) == (200, 400)


async def test_the_list_of_imports_stays_small_whatever_their_errors(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    errors = [
        {"row": n, "column": "Email", "code": "invalid_email", "message": "x" * 60}
        for n in range(2, 1002)
    ]
    records = [
        {
            "status": "failed",
            "dry_run": False,
            "filename": "big.csv",
            "columns": {},
            "rows": 1000,
            "added": 0,
            "error_count": 1000,
            "errors": errors,
            "created_at": utcnow(),
            "progress_done": 0,
            "progress_total": 1000,
        }
        for _ in range(500)
    ]
    with app.state.engine.begin() as connection:
        connection.execute(insert(UserImport), records)

    listed = await client.get("/imports", params={"limit": 500})
    one = await client.get(f"/imports/{listed.json()['items'][0]['id']}")

    assert listed.status_code == 200
    assert len(listed.content) < 1_000_000
    assert len(listed.json()["items"]) == 500
    assert {item["error_count"] for item in listed.json()["items"]} == {1000}
    assert len(one.json()["errors"]) == 1000


def raw_exchange(port: int, payload: bytes, pause: float = 0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(payload)
        if pause:
            sock.settimeout(pause + 5)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


async def test_the_server_bounds_request_heads_and_connections(app_factory: AppFactory) -> None:
    app = app_factory(header_timeout_seconds=1, max_connections=3)
    with serve(app) as url:
        port = int(url.rsplit(":", 1)[1])
        big_head = f"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Pad: {'a' * 20_000}\r\n\r\n".encode()
        too_large = await asyncio.to_thread(raw_exchange, port, big_head)
        unfinished = await asyncio.to_thread(raw_exchange, port, b"GET /healthz HTTP/1.1\r\n", 1)
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(3)]
        try:
            over_cap = await asyncio.to_thread(raw_exchange, port, b"")
        finally:
            for sock in idle:
                sock.close()

    assert too_large.startswith(b"HTTP/1.1 431")  # sent in one write, still refused
    assert b'"code": "headers_too_large"' in too_large
    assert unfinished.startswith(b"HTTP/1.1 408")
    assert over_cap.startswith(b"HTTP/1.1 503")
    assert b"retry-after: 1" in over_cap and b"application/problem+json" in over_cap


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/imports", "GET, POST"),
        ("DELETE", "/imports", "GET, POST"),
        ("POST", "/users", "GET"),
        ("GET", "/imports/1/revert", "POST"),
    ],
)
async def test_a_405_lists_every_method_the_path_takes(
    client: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    """Before: /imports answered `Allow: POST`, though GET /imports lists the imports."""
    response = await client.request(method, path)

    assert_problem(response, 405, "method_not_allowed")
    assert response.headers["allow"] == allowed


@pytest.mark.parametrize("body", [b'OW,\xff4\xfe\xfd\xfcB"\xff', b"{not json"])
async def test_a_json_body_that_cannot_be_read_is_a_422_problem(
    client: httpx.AsyncClient, body: bytes
) -> None:
    """Before: bytes that are not UTF-8 got FastAPI's 400 'error parsing the body', a status
    the route does not document (schemathesis found it on PATCH /users/{user_id})."""
    response = await client.patch(
        "/users/1", content=body, headers={"Content-Type": "application/json", "If-Match": '"1"'}
    )

    assert_problem(response, 422, "invalid_request")
    assert [param["name"].split(".")[0] for param in response.json()["invalid_params"]] == ["body"]
