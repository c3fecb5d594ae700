"""The key is checked first, whatever the request (a filter over 2,000 characters too): /scim/v2/Users checks it in the transaction
of the work itself (one trip to the database), yet a caller without a valid key learns nothing
but 401 (a wrong role: 403), never a 400 or 404 about what it sent, and never makes the
service hash a password."""

from collections.abc import Sequence

import httpx
import pytest

from app.auth.keys import ApiKeyRepository, Role
from app.passwords.hashing import PasswordHasherPool
from tests.auth.test_auth import create_key
from tests.conftest import make_client
from tests.scim.conftest import Scim, new_user, patch

pytestmark = pytest.mark.anyio
PASSWORD = "Quite-Secret-Password-77"


async def requests_of_every_kind(client: httpx.AsyncClient, user_id: str) -> list[httpx.Response]:
    scim_json = {"Content-Type": "application/scim+json"}
    return [
        await client.get("/scim/v2/Users", params={"filter": "userName eq"}),
        await client.get("/scim/v2/Users", params={"filter": 'userName eq "a@example.com"'}),
        await client.get("/scim/v2/Users", params={"count": "many"}),
        await client.get("/scim/v2/Users", params={"filter": f'userName eq "{"a" * 2000}"'}),
        await client.post("/scim/v2/Users/.search", content=b"[]", headers=scim_json),
        await client.get(f"/scim/v2/Users/{user_id}"),
        await client.get("/scim/v2/Users/no-such-user"),
        await client.post("/scim/v2/Users", content=b"{nope", headers=scim_json),
        await client.post("/scim/v2/Users", json=new_user("W. Smith")),
        await client.post("/scim/v2/Users", json=new_user("n@example.com", password=PASSWORD)),
        await client.put(f"/scim/v2/Users/{user_id}", json=new_user("x@example.com", password=PASSWORD)),
        await client.patch(f"/scim/v2/Users/{user_id}", json=patch({"op": "replace", "path": "active", "value": False})),
        await client.patch(f"/scim/v2/Users/{user_id}", content=b"{nope", headers=scim_json),
        await client.delete(f"/scim/v2/Users/{user_id}", headers={"If-Match": 'W/"99"'}),
        await client.delete("/scim/v2/Users/no-such-user"),
    ]  # fmt: skip


async def test_without_a_valid_key_every_request_is_401_and_nothing_is_hashed_or_changed(
    scim: Scim, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = await scim.provider.post("/scim/v2/Users", json=new_user("kept@example.com"))
    user_id = created.json()["id"]
    hashed: list[int] = []
    hasher: PasswordHasherPool = scim.app.state.hasher
    real_hash_all = hasher.hash_all

    async def counting_hash_all(passwords: Sequence[str]) -> list[str]:
        hashed.append(len(passwords))
        return await real_hash_all(passwords)

    monkeypatch.setattr(hasher, "hash_all", counting_hash_all)
    revoked = create_key(scim.app, "okta", Role.PROVISIONER)
    with scim.app.state.session_factory.begin() as session:
        keys = ApiKeyRepository(session)
        stored = keys.active_by_name("okta")
        assert stored is not None
        keys.revoke(stored)
    reader = create_key(scim.app, "reader", Role.READER)

    for token, status in (("", 401), ("uik_unknown-key", 401), (revoked, 401), (reader, 403)):
        async with make_client(scim.app, headers={"Authorization": f"Bearer {token}"}) as client:
            answers = await requests_of_every_kind(client, user_id)
            refused = await scim.admin.get("/scim/v2/Users", params={"filter": "userName eq"})
        for answer in answers:
            assert answer.status_code == status, (answer.request.method, answer.request.url)
            assert answer.headers["content-type"] == "application/scim+json"
        assert refused.status_code == 403  # an admin key: refused before its filter is read

    assert hashed == []
    still = await scim.provider.get(f"/scim/v2/Users/{user_id}")
    assert (still.status_code, still.json()["active"]) == (200, True)
    assert still.json()["meta"]["version"] == created.json()["meta"]["version"]
    listed = await scim.provider.get("/scim/v2/Users")
    assert listed.json()["totalResults"] == 1


async def test_with_a_valid_key_the_same_requests_are_answered_on_their_merits(
    scim: Scim,
) -> None:
    created = await scim.provider.post("/scim/v2/Users", json=new_user("kept@example.com"))

    answers = await requests_of_every_kind(scim.provider, created.json()["id"])

    assert [answer.status_code for answer in answers] == [
        400, 200, 400, 400, 400, 200, 404, 400, 400, 201, 200, 200, 400, 412, 404,
    ]  # fmt: skip
