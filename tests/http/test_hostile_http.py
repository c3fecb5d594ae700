"""Hostile HTTP is refused early and cheaply, in the documented problem shape."""

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import AppFactory, make_client
from tests.helpers import all_users, csv_bytes, upload, user_rows
from tests.live_server import serve

pytestmark = pytest.mark.anyio
LIMIT = 64 * 1024


@pytest.fixture
async def small_limit_client(app_factory: AppFactory) -> AsyncIterator[httpx.AsyncClient]:
    app = app_factory(max_upload_bytes=LIMIT, max_job_upload_bytes=LIMIT, max_rows=5000)
    async with make_client(app) as client:
        yield client


async def test_declared_oversize_body_is_413_before_it_is_read(
    small_limit_client: httpx.AsyncClient,
) -> None:
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(100):
            sent += 1
            yield b"x" * 1024

    response = await small_limit_client.post(
        "/imports",
        content=body(),
        headers={
            "content-type": "multipart/form-data; boundary=x",
            "content-length": str(100 * 1024),
        },
    )

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upload_too_large"
    assert sent <= 1  # the body was not read


async def test_chunked_body_over_the_limit_is_413_once_the_limit_is_passed(
    small_limit_client: httpx.AsyncClient,
) -> None:
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        boundary_start = (
            b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n'
        )
        yield boundary_start
        for _ in range(1000):
            sent += 1
            yield b"a" * 1024

    response = await small_limit_client.post(
        "/imports", content=body(), headers={"content-type": "multipart/form-data; boundary=x"}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "upload_too_large"
    assert sent < 100  # reading stopped near the limit, not at the end of the stream


async def test_body_under_the_limit_is_imported(small_limit_client: httpx.AsyncClient) -> None:
    data = csv_bytes(user_rows(100))
    assert len(data) < LIMIT

    response = await upload(small_limit_client, data)

    assert response.status_code == 201


async def test_file_over_the_limit_is_413_and_nothing_is_added(
    small_limit_client: httpx.AsyncClient,
) -> None:
    response = await upload(small_limit_client, csv_bytes(user_rows(3000)))

    assert response.status_code == 413
    assert await all_users(small_limit_client) == []


async def test_two_file_parts_are_refused(client: httpx.AsyncClient) -> None:
    files = [("file", ("a.csv", b"x", "text/csv")), ("file", ("b.csv", b"y", "text/csv"))]

    response = await client.post("/imports", files=files)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_multipart"


async def test_too_many_form_fields_are_refused(client: httpx.AsyncClient) -> None:
    fields = {f"field{n}": "v" for n in range(20)}

    response = await client.post(
        "/imports", data=fields, files={"file": ("a.csv", b"x", "text/csv")}
    )

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_multipart"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json", b"{}"), ("application/x-www-form-urlencoded", b"file=x"), ("", b"raw")],
)
async def test_bodies_that_are_not_multipart_are_415(
    client: httpx.AsyncClient, content_type: str, body: bytes
) -> None:
    response = await client.post("/imports", content=body, headers={"content-type": content_type})

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


async def test_broken_multipart_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/imports",
        content=b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nunterminated',
        headers={"content-type": "multipart/form-data"},
    )

    assert response.status_code == 422
    assert response.json()["code"] in {"invalid_multipart", "missing_file"}


async def test_file_name_is_only_metadata_and_capped(client: httpx.AsyncClient) -> None:
    name = "../../etc/" + "x" * 400 + ".csv"

    response = await upload(client, csv_bytes(user_rows(1)), name)

    assert response.status_code == 201
    assert response.json()["filename"] == name[:255]


async def test_slow_oversized_headers_are_refused_by_the_server_itself(
    app_factory: AppFactory,
) -> None:
    """The server (app/http/server.py) holds at most 16 KiB of a request head."""
    with serve(app_factory()) as url:
        host, port = url.removeprefix("http://").split(":")
        small = await asyncio.to_thread(slow_request, host, int(port), 1_000)
        large = await asyncio.to_thread(slow_request, host, int(port), 20_000)

    assert small.startswith(b"HTTP/1.1 200")
    assert large.startswith(b"HTTP/1.1 431")
    assert b"application/problem+json" in large and b'"code": "headers_too_large"' in large


def slow_request(host: str, port: int, header_bytes: int) -> bytes:
    """A request head sent in two parts, the first of header_bytes, as a slow client would."""
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Pad: {'a' * header_bytes}".encode())
        time.sleep(0.3)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused already
            sock.sendall(b"\r\n\r\n")
        return sock.recv(65536)
