"""Okta's provisioning sequence: lookup by userName with startIndex and count, create with a
password, a duplicate 409, deactivate by a path-less replace and (apps from its wizard) by
PUT, paging in a stable order."""

import pytest

from tests.scim.conftest import Scim, new_user, patch, users

pytestmark = pytest.mark.anyio


async def test_okta_looks_up_creates_with_a_password_updates_and_deactivates(scim: Scim) -> None:
    lookup = await scim.provider.get(
        "/scim/v2/Users",
        params={"filter": 'userName eq "dan@example.com"', "startIndex": 1, "count": 100},
    )
    assert users(lookup) == []
    body = new_user(
        "dan@example.com", name={"givenName": "Dan", "familyName": "Ng"}, active=True,
        emails=[{"primary": True, "value": "dan@example.com", "type": "work"}],
        password="Okta-synced-pw-2026",
    )  # fmt: skip
    created = await scim.provider.post("/scim/v2/Users", json=body)
    duplicate = await scim.provider.post("/scim/v2/Users", json=body)
    assert created.status_code == 201, created.text
    assert "password" not in created.text and "Okta-synced" not in created.text
    assert duplicate.status_code == 409
    assert (duplicate.json()["scimType"], duplicate.json()["status"]) == ("uniqueness", "409")
    path = f"/scim/v2/Users/{created.json()['id']}"

    deactivated = await scim.provider.patch(
        path, json=patch({"op": "replace", "value": {"active": False}})
    )
    assert deactivated.json()["active"] is False
    replaced = await scim.provider.put(path, json={**body, "active": True, "password": None,
                                                   "name": {"givenName": "Daniel", "familyName": "Ng"}})  # fmt: skip
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["active"] is True
    assert "displayName" not in replaced.json()  # answered as sent: Okta sent none
    renamed = (await scim.admin.get("/users?address=dan@example.com")).json()["items"][0]
    assert renamed["name"] == "Daniel Ng"  # the service's Name, from the name parts
    put_off = await scim.provider.put(path, json={**body, "active": False})
    assert put_off.json()["active"] is False
    events = (await scim.admin.get("/users?address=dan@example.com")).json()["items"][0]
    history = (await scim.admin.get(f"/users/{events['id']}/events")).json()["items"]
    assert [e["kind"] for e in history] == ["disabled", "enabled", "disabled", "added"]
    assert {e["actor"] for e in history} == {"entra"}


async def test_pages_by_start_index_are_stable_and_bounded(scim: Scim) -> None:
    for n in range(7):
        await scim.provider.post("/scim/v2/Users", json=new_user(f"p{n}@example.com"))

    pages = [
        (await scim.provider.get("/scim/v2/Users", params={"startIndex": start, "count": 3})).json()
        for start in (1, 4, 7)
    ]
    huge = await scim.provider.get("/scim/v2/Users", params={"count": 100000})

    assert [p["totalResults"] for p in pages] == [7, 7, 7]
    assert [p["startIndex"] for p in pages] == [1, 4, 7]
    names = [u["userName"] for p in pages for u in p["Resources"]]
    assert names == [f"p{n}@example.com" for n in range(7)]
    assert huge.json()["itemsPerPage"] == 7
    searched = await scim.provider.post(
        "/scim/v2/Users/.search",
        json={"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
              "filter": 'userName sw "p1"', "attributes": ["userName"]},
    )  # fmt: skip
    assert searched.json()["Resources"] == [
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
         "id": searched.json()["Resources"][0]["id"], "userName": "p1@example.com"}
    ]  # fmt: skip
