"""Concurrent imports that share addresses, and the event loop while passwords hash."""

import asyncio
from collections.abc import Collection, Sequence

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text, update

from app.auth.keys import ApiKeyRepository, Role
from app.db.models.base import utcnow
from app.db.models.keys import ApiKey
from app.directory.address_book import AddressRepository, Holder
from app.passwords.hashing import PasswordHasherPool
from tests.conftest import AppFactory, make_client
from tests.helpers import all_users, codes, csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio


async def test_four_racing_uploads_sharing_addresses_add_each_address_once(
    app_factory: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # All four pass the existence check before any inserts: the database index decides.
    client = make_client(app_factory(max_concurrent_imports=4))
    barrier = asyncio.Barrier(4)
    real_hash_all = PasswordHasherPool.hash_all

    async def hash_after_all_checked(
        self: PasswordHasherPool, passwords: Sequence[str]
    ) -> list[str]:
        await asyncio.wait_for(barrier.wait(), 30)
        return await real_hash_all(self, passwords)

    monkeypatch.setattr(PasswordHasherPool, "hash_all", hash_after_all_checked)
    shared = [["shared@example.com", "Shared", "pw-123456", "TRUE"]]
    files = [csv_bytes(user_rows(5, start=10 * n) + shared) for n in range(4)]

    answers = await asyncio.gather(*(upload(client, data) for data in files))

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201, 422, 422, 422]
    for answer in answers:
        if answer.status_code == 422:
            assert codes(answer) == [(7, "Email", "already_exists")]
    emails = [user["email"] for user in await all_users(client)]
    assert len(emails) == len(set(emails)) == 6
    records = (await client.get("/imports")).json()["items"]
    assert sorted(r["status"] for r in records) == ["completed", "failed", "failed", "failed"]


async def test_address_added_after_the_check_is_already_exists_not_a_500(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert (await upload(client, csv_bytes(user_rows(1)))).status_code == 201
    real_holders = AddressRepository.holders
    calls = 0

    def first_check_misses(
        self: AddressRepository, keys: Collection[str], *, lock: bool = False
    ) -> dict[str, Holder]:
        nonlocal calls
        calls += 1
        return {} if calls == 1 else real_holders(self, keys, lock=lock)

    monkeypatch.setattr(AddressRepository, "holders", first_check_misses)

    response = await upload(client, csv_bytes(user_rows(3)))

    assert response.status_code == 422
    assert codes(response) == [(2, "Email", "already_exists")]
    assert len(await all_users(client)) == 1
    record = (await client.get(f"/imports/{response.json()['import_id']}")).json()
    assert (record["status"], record["added"]) == ("failed", 0)


async def test_healthz_answers_while_an_import_hashes(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashing = asyncio.Event()
    release = asyncio.Event()
    real_hash_all = PasswordHasherPool.hash_all

    async def slow_hash_all(self: PasswordHasherPool, passwords: Sequence[str]) -> list[str]:
        hashing.set()
        await asyncio.wait_for(release.wait(), 10)  # bounded: a mistake fails, never hangs
        return await real_hash_all(self, passwords)

    monkeypatch.setattr(PasswordHasherPool, "hash_all", slow_hash_all)
    importing = asyncio.create_task(upload(client, csv_bytes(user_rows(500))))
    await asyncio.wait_for(hashing.wait(), 10)

    health = await client.get("/healthz")
    still_hashing = not importing.done()
    release.set()
    result = await importing

    assert health.status_code == 200
    assert still_hashing
    assert result.status_code == 201


async def test_no_lock_is_held_while_passwords_hash(
    app_factory: AppFactory, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: the key's last_used_at update was flushed into the import's transaction and
    held its lock until the passwords were hashed (SQLite: `database is locked` for others)."""
    app = app_factory()
    with app.state.session_factory.begin() as session:
        _, key = ApiKeyRepository(session).create("hashing-key", Role.ADMIN)
    hashing, release = asyncio.Event(), asyncio.Event()
    real_hash_all = PasswordHasherPool.hash_all

    async def held(self: PasswordHasherPool, passwords: Sequence[str]) -> list[str]:
        hashing.set()
        await asyncio.wait_for(release.wait(), 10)
        return await real_hash_all(self, passwords)

    monkeypatch.setattr(PasswordHasherPool, "hash_all", held)
    async with make_client(app, {"Authorization": f"Bearer {key}"}) as client:
        importing = asyncio.create_task(upload(client, csv_bytes(user_rows(3))))
        await asyncio.wait_for(hashing.wait(), 10)
        await asyncio.to_thread(write_without_waiting, database_url)
        release.set()
        assert (await importing).status_code == 201


def write_without_waiting(database_url: str) -> None:
    """Update every key's row at once, giving up after half a second of waiting for a lock."""
    sqlite = database_url.startswith("sqlite")
    engine = create_engine(database_url, connect_args={"timeout": 0.5} if sqlite else {})
    try:
        with engine.begin() as connection:
            if not sqlite:
                connection.execute(text("SET LOCAL lock_timeout = '500ms'"))
            connection.execute(update(ApiKey).values(last_used_at=utcnow()))
    finally:
        engine.dispose()
