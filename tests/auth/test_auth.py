"""Only the right callers get in: bearer keys, roles, revocation, and what is stored of a key."""

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from app.auth.keys import ActiveKey, ApiKeyRepository, Role
from app.db.models.keys import ApiKey
from tests.conftest import make_client
from tests.helpers import csv_bytes, upload, user_rows

pytestmark = pytest.mark.anyio
PROTECTED = [("GET", "/users"), ("GET", "/imports"), ("GET", "/imports/1"), ("POST", "/imports")]


def create_key(app: FastAPI, name: str, role: Role) -> str:
    with app.state.session_factory() as session:
        _, key = ApiKeyRepository(session).create(name, role)
        session.commit()
    return key


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app, headers={}) as client:
        yield client


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/template", "/docs", "/openapi.json"])
async def test_public_endpoints_need_no_key(anonymous: httpx.AsyncClient, path: str) -> None:
    assert (await anonymous.get(path)).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic dXNlcjpwdw==",
        "Bearer",
        "Bearer not a key",
        "Bearer uik_unknown-key",
        "bearer x",
    ],
    ids=["missing", "basic", "empty-bearer", "spaces", "unknown", "lowercase-unknown"],
)
@pytest.mark.parametrize(("method", "path"), PROTECTED)
async def test_missing_malformed_or_unknown_keys_get_the_same_401(
    anonymous: httpx.AsyncClient,
    monkeypatch: pytest.MonkeyPatch,
    authorization: str | None,
    method: str,
    path: str,
) -> None:
    lookups: list[str] = []
    real_lookup = ApiKeyRepository.active_by_digest

    def counting_lookup(self: ApiKeyRepository, digest: str) -> ActiveKey | None:
        lookups.append(digest)
        return real_lookup(self, digest)

    monkeypatch.setattr(ApiKeyRepository, "active_by_digest", counting_lookup)
    headers = {"Authorization": authorization} if authorization else {}

    response = await anonymous.request(method, path, headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "urn:user-import:problem:unauthorized",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Send a valid API key as `Authorization: Bearer <key>`.",
        "code": "unauthorized",
        "request_id": response.headers["x-request-id"],
    }
    assert len(lookups) == 1  # the same work whatever was wrong with the key


async def test_reader_may_list_but_not_import(app: FastAPI) -> None:
    key = create_key(app, "dashboard", Role.READER)
    async with make_client(app, {"Authorization": f"Bearer {key}"}) as reader:
        users = await reader.get("/users")
        imports = await reader.get("/imports")
        refused = await upload(reader, csv_bytes(user_rows(1)))

    assert (users.status_code, imports.status_code) == (200, 200)
    assert refused.status_code == 403
    assert refused.json()["code"] == "forbidden"
    assert refused.headers["content-type"] == "application/problem+json"


async def test_admin_key_imports_and_the_record_names_it(app: FastAPI) -> None:
    key = create_key(app, "hr-sync-script", Role.ADMIN)
    async with make_client(app, {"Authorization": f"Bearer {key}"}) as admin:
        created = await upload(admin, csv_bytes(user_rows(2)))
        record = await admin.get(f"/imports/{created.json()['id']}")

    assert created.status_code == 201
    assert created.json()["created_by"] == "hr-sync-script"
    assert record.json()["created_by"] == "hr-sync-script"


async def test_revoked_key_is_refused_at_once(app: FastAPI) -> None:
    key = create_key(app, "temp", Role.READER)
    async with make_client(app, {"Authorization": f"Bearer {key}"}) as client:
        before = await client.get("/users")
        with app.state.session_factory() as session:
            repository = ApiKeyRepository(session)
            stored = repository.active_by_name("temp")
            assert stored is not None
            repository.revoke(stored)
            session.commit()
        after = await client.get("/users")

    assert (before.status_code, after.status_code) == (200, 401)


async def test_keys_are_stored_as_digests_with_name_role_and_times(app: FastAPI) -> None:
    key = create_key(app, "audited", Role.READER)
    async with make_client(app, {"Authorization": f"Bearer {key}"}) as client:
        await client.get("/users")

    with app.state.session_factory() as session:
        stored = session.scalars(select(ApiKey).where(ApiKey.name == "audited")).one()
    assert key not in (stored.digest, stored.name)
    assert len(stored.digest) == 64 and stored.role == "reader"
    assert stored.created_at is not None and stored.last_used_at is not None
