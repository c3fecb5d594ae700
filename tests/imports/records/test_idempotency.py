"""Idempotency-Key on POST /imports: a retry gets the first answer; the import runs once."""

import asyncio
import contextlib
import http.client
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text

from app.auth.keys import ApiKeyRepository, Role
from bench.server import Server
from tests.conftest import ADMIN_AUTH, AppFactory, make_client
from tests.helpers import all_users, csv_bytes, user_rows

pytestmark = pytest.mark.anyio
FILE = csv_bytes(user_rows(3))


async def post(
    client: httpx.AsyncClient, key: str | None, data: bytes = FILE, **params: str
) -> httpx.Response:
    headers = {} if key is None else {"Idempotency-Key": key}
    files = {"file": ("users.csv", data, "text/csv")}
    return await client.post("/imports", params=params, headers=headers, files=files)


async def test_a_retry_gets_the_first_answer_and_adds_nothing_more(
    client: httpx.AsyncClient,
) -> None:
    first = await post(client, "retry-me-1")
    again = await post(client, "retry-me-1")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert len(await all_users(client)) == 3
    listed = (await client.get("/imports")).json()["items"]
    assert len(listed) == 1


async def test_a_refused_file_is_replayed_as_refused(client: httpx.AsyncClient) -> None:
    bad = csv_bytes([["not-an-address", "X", "Long-Enough-1", "TRUE"]])

    first = await post(client, "bad-file", bad)
    again = await post(client, "bad-file", bad)

    assert first.status_code == again.status_code == 422
    assert again.json() == first.json()
    assert again.headers["content-type"] == "application/problem+json"


async def test_a_refusal_replayed_as_the_csv_error_file_records_no_new_import(
    client: httpx.AsyncClient,
) -> None:
    """The page saves the errors it shows as CSV by replaying its request: no new check."""
    bad = csv_bytes([["not-an-address", "Ana", "Long-Enough-1", "TRUE"]])

    first = await post(client, "save-errors", bad)
    as_csv = await post(client, "save-errors", bad, errors_format="csv")
    listed = (await client.get("/imports")).json()["items"]

    assert first.status_code == as_csv.status_code == 422
    assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert as_csv.headers["idempotent-replayed"] == "true"
    assert '"2","not-an-address","Ana","","TRUE"' in as_csv.text
    assert len(listed) == 1


async def test_the_same_key_for_another_file_or_options_is_refused(
    client: httpx.AsyncClient,
) -> None:
    await post(client, "one-key")

    other_file = await post(client, "one-key", csv_bytes(user_rows(2, start=50)))
    other_options = await post(client, "one-key", dry_run="true")

    for answer in (other_file, other_options):
        assert (answer.status_code, answer.json()["code"]) == (422, "idempotency_key_reused")
    assert len(await all_users(client)) == 3


async def test_while_the_first_runs_a_retry_is_a_409(
    client: httpx.AsyncClient, blocked_hashing: threading.Event
) -> None:
    release = blocked_hashing
    first = asyncio.create_task(post(client, "slow-one"))
    await asyncio.sleep(0.3)
    during = await post(client, "slow-one")
    release.set()
    answered = await first
    after = await post(client, "slow-one")

    assert (during.status_code, during.json()["code"]) == (409, "idempotency_in_progress")
    # The claim's lease (30 s, renewed) ends in about 30 s: before, it always said 1.
    assert 28 <= int(during.headers["retry-after"]) <= 30
    assert answered.status_code == 201
    assert (after.status_code, after.json()) == (201, answered.json())


async def test_a_request_running_past_the_ttl_keeps_its_key_and_runs_once(
    app_factory: AppFactory, blocked_hashing: threading.Event
) -> None:
    """Before: renewals moved the lease but not the expiry, so once the TTL passed a retry
    found the key expired, took it and ran the import a second time."""
    app = app_factory(idempotency_ttl_hours=0.0005, idempotency_lease_seconds=0.6)  # TTL 1.8 s
    async with make_client(app) as http:
        first = asyncio.create_task(post(http, "longer-than-its-ttl"))
        await asyncio.sleep(2.5)  # the TTL passes while the first still hashes
        during = await post(http, "longer-than-its-ttl")
        blocked_hashing.set()
        answered = await first
        users = await all_users(http)

    assert (during.status_code, during.json()["code"]) == (409, "idempotency_in_progress")
    assert answered.status_code == 201
    assert len(users) == 3


async def test_two_concurrent_requests_with_one_key_add_the_users_once(
    client: httpx.AsyncClient,
) -> None:
    answers = await asyncio.gather(*(post(client, "racing") for _ in range(4)))

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses.count(201) >= 1
    assert set(statuses) <= {201, 409}
    assert len(await all_users(client)) == 3


async def test_keys_belong_to_their_api_key(app: FastAPI, client: httpx.AsyncClient) -> None:
    with app.state.session_factory.begin() as session:
        _, other_key = ApiKeyRepository(session).create("second-admin", Role.ADMIN)
    async with make_client(app, {"Authorization": f"Bearer {other_key}"}) as other:
        mine = await post(client, "shared-name")
        theirs = await post(other, "shared-name")

    assert mine.status_code == 201
    assert theirs.status_code == 422  # run anew (not replayed): the users exist already
    assert theirs.json()["code"] == "import_refused"
    assert "idempotent-replayed" not in theirs.headers


async def test_a_recreated_api_key_of_the_same_name_is_another_key(app: FastAPI) -> None:
    with app.state.session_factory.begin() as session:
        _, first = ApiKeyRepository(session).create("temp", Role.ADMIN)
    async with make_client(app, {"Authorization": f"Bearer {first}"}) as temp:
        kept = await post(temp, "nightly-run")
    with app.state.session_factory.begin() as session:
        keys = ApiKeyRepository(session)
        revoked = keys.active_by_name("temp")
        assert revoked is not None
        keys.revoke(revoked)
        session.flush()
        _, second = keys.create("temp", Role.ADMIN)
    async with make_client(app, {"Authorization": f"Bearer {second}"}) as new_temp:
        again = await post(new_temp, "nightly-run")

    assert kept.status_code == 201
    assert "idempotent-replayed" not in again.headers  # run anew, not the old key's answer
    assert (again.status_code, again.json()["code"]) == (422, "import_refused")


async def test_a_key_is_forgotten_after_its_ttl(app_factory: AppFactory) -> None:
    app = app_factory(idempotency_ttl_hours=0.0002)  # 0.72 s
    async with make_client(app) as http:
        first = await post(http, "short-lived", dry_run="true")
        await asyncio.sleep(1.0)
        again = await post(http, "short-lived", dry_run="true")

    assert first.status_code == again.status_code == 200
    assert again.json()["id"] != first.json()["id"]
    assert "idempotent-replayed" not in again.headers


@pytest.mark.parametrize("key", ["", "x" * 256, "clé-accentuée", "tab\there"])
async def test_a_malformed_key_is_a_422(client: httpx.AsyncClient, key: str) -> None:
    # UTF-8 bytes on the wire: a server reads them as Latin-1, never as printable ASCII
    headers = {b"Idempotency-Key": key.encode("utf-8")}  # bytes: sent as they are
    files = {"file": ("users.csv", FILE, "text/csv")}

    answer = await client.post("/imports", headers=headers, files=files)

    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_request")
    assert answer.json()["invalid_params"][0]["name"] == "header.Idempotency-Key"
    assert await all_users(client) == []


def _send_and_lose_the_answer(url: str, key: str, body: bytes) -> None:
    """A client that sends the whole upload, then loses the answer: it never reads it and
    hangs up once the server has answered (as when a proxy or the network drops it)."""
    boundary = "lost-answer-boundary"
    payload = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="u.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + body
        + f"\r\n--{boundary}--\r\n".encode()
    )
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    headers = {
        **ADMIN_AUTH,
        "Idempotency-Key": key,
        "Content-Type": f"multipart/form-data; boundary={boundary}",
    }
    connection.request("POST", "/imports", body=payload, headers=headers)
    deadline = time.monotonic() + 10
    while not httpx.get(f"{url}/imports", headers=ADMIN_AUTH).json()["items"]:
        assert time.monotonic() < deadline, "the first request was never answered"
        time.sleep(0.05)
    connection.close()


@pytest.fixture
def server(live_service: Callable[..., AbstractContextManager[Server]]) -> Iterator[Server]:
    with live_service() as running:
        yield running


def test_the_answer_lost_on_the_way_is_given_again(server: Server) -> None:
    _send_and_lose_the_answer(server.url, "lost-answer", FILE)

    for _ in range(50):  # a 409 while the first one finishes: retry as Retry-After says
        retry = httpx.post(
            f"{server.url}/imports",
            headers={**ADMIN_AUTH, "Idempotency-Key": "lost-answer"},
            files={"file": ("u.csv", FILE, "text/csv")},
            timeout=10,
        )
        if retry.status_code != 409:
            break
        time.sleep(0.1)
    record = httpx.get(f"{server.url}{retry.headers['location']}", headers=ADMIN_AUTH).json()
    users = httpx.get(f"{server.url}/users", headers=ADMIN_AUTH).json()["items"]

    assert retry.status_code == 201
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["id"] == record["id"]
    assert len(users) == 3


def _claimed_and_unanswered(database_url: str) -> bool:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM idempotency_record WHERE status_code IS NULL")
            return bool(connection.execute(query).scalar_one())
    finally:
        engine.dispose()


def test_a_retry_after_the_server_died_runs_the_import_once(
    live_service: Callable[..., AbstractContextManager[Server]], database_url: str
) -> None:
    """SIGKILL while the first request hashes: its claim is not renewed, so once the lease
    (here 2 s) runs out the retry runs the import, once."""
    data = csv_bytes(user_rows(60))
    slow_hashes = {"USERIMPORT_ARGON2_MEMORY_COST": "65536", "USERIMPORT_ARGON2_TIME_COST": "3"}
    settings = {"USERIMPORT_IDEMPOTENCY_LEASE_SECONDS": "2", **slow_hashes}
    headers = {**ADMIN_AUTH, "Idempotency-Key": "nightly-42"}
    files = {"file": ("users.csv", data, "text/csv")}
    with live_service(**settings) as first:
        sender = threading.Thread(
            target=lambda: _ignore_errors(
                lambda: httpx.post(f"{first.url}/imports", headers=headers, files=files, timeout=30)
            )
        )
        sender.start()
        deadline = time.monotonic() + 10
        while not _claimed_and_unanswered(database_url):
            assert time.monotonic() < deadline, "the first request never claimed its key"
            time.sleep(0.05)
        first.process.kill()  # while it hashes: nothing written, the claim left behind
        first.process.wait(timeout=10)
        sender.join(timeout=30)
    with live_service(**settings) as second:
        statuses = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            retry = httpx.post(f"{second.url}/imports", headers=headers, files=files, timeout=60)
            statuses.append(retry.status_code)
            if retry.status_code != 409:
                break
            time.sleep(float(retry.headers["retry-after"]))
        users = httpx.get(f"{second.url}/users?limit=500", headers=ADMIN_AUTH).json()["items"]
        imports = httpx.get(f"{second.url}/imports", headers=ADMIN_AUTH).json()["items"]

    assert statuses[-1] == 201, statuses
    assert len(statuses) <= 3, statuses  # Retry-After said when the dead claim's lease ends
    assert "idempotent-replayed" not in retry.headers
    assert len(users) == 60
    assert [item["status"] for item in imports] == ["completed"]


def _ignore_errors(call: Callable[[], object]) -> None:
    with contextlib.suppress(httpx.HTTPError):
        call()
