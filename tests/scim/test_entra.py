"""Microsoft Entra ID's provisioning sequence, in the request shapes its documents give and its
known deviations (capitalised ops, string booleans, dotted path-less keys, an unmatched
emails[...] path, attributes the service does not keep beside `active`)."""

import pytest

from tests.scim.conftest import GUID, Scim, new_user, patch, users

pytestmark = pytest.mark.anyio
SCIM_TYPE = "application/scim+json"


async def test_test_connection_finds_no_one_with_a_random_guid(scim: Scim) -> None:
    answer = await scim.provider.get(
        "/scim/v2/Users", params={"filter": f'userName eq "{GUID}"', "aadOptscim062020": ""}
    )

    assert answer.headers["content-type"] == SCIM_TYPE
    assert answer.json() == {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:ListResponse"],
        "totalResults": 0, "startIndex": 1, "itemsPerPage": 0, "Resources": [],
    }  # fmt: skip


async def test_entra_creates_finds_changes_disables_and_deletes_a_user(scim: Scim) -> None:
    created = await scim.provider.post(
        "/scim/v2/Users",
        json=new_user(
            "ana@example.com", externalId="ana-object-id", active=True,
            name={"givenName": "Ana", "familyName": "Smith", "formatted": "Ana Smith"},
            displayName="Ana Smith",
            emails=[{"primary": True, "type": "work", "value": "ana@example.com"}],
            phoneNumbers=[{"type": "work", "value": "+44 20 0000 0000"}],
            **{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "HR"}},
        ),
    )  # fmt: skip
    assert created.status_code == 201, created.text
    user = created.json()
    path = f"/scim/v2/Users/{user['id']}"
    assert created.headers["location"].endswith(path)
    assert created.headers["etag"] == user["meta"]["version"] == 'W/"1"'
    assert "phoneNumbers" not in user and "password" not in user

    found = {
        text: users(await scim.provider.get("/scim/v2/Users", params={"filter": text}))
        for text in (
            'userName eq "ANA@example.com"',
            'externalId eq "ana-object-id"',
            'emails[type eq "work"].value eq "ana@example.com"',
            'userName eq "ana@example.com" and active eq true',
        )
    }
    assert {text: [u["id"] for u in listed] for text, listed in found.items()} == {
        text: [user["id"]] for text in found
    }

    changed = await scim.provider.patch(path, json=patch(
        {"op": "Replace", "path": "displayName", "value": "Ana Smith-Jones"},
        {"op": "Add", "path": 'emails[type eq "other"].value', "value": "asmith@example.com"},
        {"op": "Add", "path": 'phoneNumbers[type eq "mobile"].value', "value": "+44 7000"},
        {"op": "Replace", "value": {"name.familyName": "Smith-Jones", "title": "Lead"}},
    ))  # fmt: skip
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["displayName"] == "Ana Smith-Jones"
    assert body["name"]["familyName"] == "Smith-Jones"
    assert [e["value"] for e in body["emails"]] == ["ana@example.com", "asmith@example.com"]
    by_alias = await scim.provider.get(
        "/scim/v2/Users", params={"filter": 'emails.value eq "ASMITH@example.com"'}
    )
    assert [u["id"] for u in users(by_alias)] == [user["id"]]

    disabled = await scim.provider.patch(path, json=patch(
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
         "value": "someone"},
    ))  # fmt: skip
    assert (disabled.status_code, disabled.json()["active"]) == (200, False), disabled.text
    admin_view = (await scim.admin.get("/users", params={"address": "ana@example.com"})).json()
    assert admin_view["items"][0]["active"] is False
    assert admin_view["items"][0]["name"] == "Ana Smith-Jones"
    assert admin_view["items"][0]["aliases"] == ["asmith@example.com"]

    enabled = await scim.provider.patch(
        path, json=patch({"op": "replace", "value": {"active": "True"}})
    )
    assert enabled.json()["active"] is True
    gone = await scim.provider.delete(path)
    assert gone.status_code == 204
    assert (await scim.provider.get(path)).status_code == 404
    again = await scim.provider.post("/scim/v2/Users", json=new_user("asmith@example.com"))
    assert again.status_code == 201  # a deleted user's addresses are free
    assert again.json()["id"] != user["id"]


async def test_an_unmatched_emails_path_creates_the_entry_and_remove_by_value_applies(
    scim: Scim,
) -> None:
    created = await scim.provider.post("/scim/v2/Users", json=new_user("bob@example.com"))
    path = f"/scim/v2/Users/{created.json()['id']}"

    added = await scim.provider.patch(path, json=patch(
        {"op": "Add", "path": 'emails[type eq "other"].value', "value": "b@example.com"}
    ))  # fmt: skip
    removed = await scim.provider.patch(path, json=patch(
        {"op": "Remove", "path": "emails", "value": [{"value": "b@example.com"}]}
    ))  # fmt: skip

    # emails answer as the provider sent them (none at first): the entry it created, alone
    assert [e["value"] for e in added.json()["emails"]] == ["b@example.com"]
    assert "emails" not in removed.json()
    owner = await scim.admin.get("/users", params={"address": "bob@example.com"})
    assert owner.json()["items"][0]["aliases"] == []


async def test_a_stale_if_match_is_412_and_changes_nothing(scim: Scim) -> None:
    created = (await scim.provider.post("/scim/v2/Users", json=new_user("c@example.com"))).json()
    path = f"/scim/v2/Users/{created['id']}"
    await scim.provider.patch(
        path, json=patch({"op": "replace", "path": "displayName", "value": "C"})
    )

    stale = await scim.provider.patch(
        path, headers={"If-Match": 'W/"1"'},
        json=patch({"op": "replace", "path": "active", "value": False}),
    )  # fmt: skip
    stale_delete = await scim.provider.delete(path, headers={"If-Match": 'W/"1"'})
    now = (await scim.provider.get(path)).json()

    for answer in (stale, stale_delete):
        assert answer.status_code == 412
        assert answer.headers["content-type"] == "application/scim+json"
        assert answer.json()["status"] == "412"
    assert (now["active"], now["meta"]["version"]) == (True, 'W/"2"')
