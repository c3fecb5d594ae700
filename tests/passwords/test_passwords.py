import asyncio

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.core.config import Settings
from app.db.models.directory import DirectoryUser
from app.passwords.hashing import PasswordHasherPool, argon2id
from tests.helpers import csv_bytes, upload, user_rows


def test_default_parameters_are_owasp_argon2id() -> None:
    settings = Settings.model_validate({})
    hasher = PasswordHasherPool.from_settings(settings)
    try:
        phc = hasher.hash("correct horse")
    finally:
        hasher.shutdown()

    assert phc.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert settings.hash_workers >= 1


def test_hash_all_keeps_order_and_verifies() -> None:
    cheap = Settings.model_validate({"argon2_time_cost": 1, "argon2_memory_cost": 64})
    hasher = PasswordHasherPool(argon2id(cheap), workers=2)
    try:
        passwords = [f"pw-{n}" for n in range(6)]
        hashes = asyncio.run(hasher.hash_all(passwords))
        assert all(hasher.verify(h, p) for h, p in zip(hashes, passwords, strict=True))
        assert not hasher.verify(hashes[0], "pw-1")
    finally:
        hasher.shutdown()


@pytest.mark.anyio
async def test_stored_hashes_carry_the_configured_parameters(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await upload(client, csv_bytes(user_rows(2)))
    with app.state.session_factory() as session:
        hashes = list(session.scalars(select(DirectoryUser.password_hash)))

    assert len(hashes) == 2
    assert all(h.startswith("$argon2id$v=19$m=64,t=1,p=1$") for h in hashes)
    assert hashes[0] != hashes[1]
