"""What provisioning may do and how it answers when it may not: keys by role, bad values and
filters as SCIM 400s that quote nothing, no password anywhere, files and providers sharing one
directory (managed users, addresses, reverts)."""

import asyncio

import pytest
from sqlalchemy import text

from app.auth.keys import Role
from tests.auth.test_auth import create_key
from tests.conftest import make_client
from tests.helpers import csv_bytes, upload, user_rows
from tests.scim.conftest import USER_SCHEMA, Scim, new_user, patch

pytestmark = pytest.mark.anyio
PASSWORD = "Quite-Secret-Password-77"


async def test_only_provisioner_keys_provision_and_they_do_nothing_else(scim: Scim) -> None:
    reader = create_key(scim.app, "reader", Role.READER)
    async with make_client(scim.app, headers={"Authorization": f"Bearer {reader}"}) as as_reader:
        refused_reader = await as_reader.get("/scim/v2/Users")
    refused_admin = await scim.admin.get("/scim/v2/ServiceProviderConfig")
    anonymous = await scim.provider.get("/scim/v2/Users", headers={"Authorization": ""})
    cannot_import = await upload(scim.provider, csv_bytes(user_rows(1)))
    cannot_list = await scim.provider.get("/users")
    cannot_revert = await scim.provider.post("/imports/1/revert")

    for answer in (refused_reader, refused_admin):
        assert answer.status_code == 403
        assert answer.headers["content-type"] == "application/scim+json"
        assert answer.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["status"] == "401"
    for answer in (cannot_import, cannot_list, cannot_revert):
        assert answer.status_code == 403, answer.text


async def test_bad_values_and_filters_are_scim_400s_that_quote_nothing(scim: Scim) -> None:
    weak = await scim.provider.post(
        "/scim/v2/Users", json=new_user("w@example.com", password="password1")
    )
    not_an_address = await scim.provider.post("/scim/v2/Users", json=new_user("W. Smith"))
    no_user_name = await scim.provider.post("/scim/v2/Users", json={"schemas": [USER_SCHEMA]})
    not_json = await scim.provider.post(
        "/scim/v2/Users", content=b"{nope", headers={"Content-Type": "application/scim+json"}
    )
    filters = [
        await scim.provider.get("/scim/v2/Users", params={"filter": text})
        for text in ('password eq "hunter2hunter2"', "userName eq", 'title co "x"',
                     'meta.lastModified gt "not a date"', "active eq \"yes\"")
    ]  # fmt: skip

    assert (weak.status_code, weak.json()["scimType"]) == (400, "invalidValue")
    assert "password1" not in weak.text
    assert (not_an_address.status_code, not_an_address.json()["scimType"]) == (400, "invalidValue")
    assert "userName" in not_an_address.json()["detail"] and "W. Smith" not in not_an_address.text
    assert no_user_name.status_code == 400
    assert (not_json.status_code, not_json.json()["scimType"]) == (400, "invalidSyntax")
    for answer in filters:
        assert (answer.status_code, answer.json()["scimType"]) == (400, "invalidFilter"), (
            answer.text
        )
    assert "hunter2hunter2" not in filters[0].text


async def test_no_password_in_any_answer_event_log_or_table(
    scim: Scim, caplog: pytest.LogCaptureFixture
) -> None:
    created = await scim.provider.post(
        "/scim/v2/Users", json=new_user("e@example.com", password=PASSWORD)
    )
    path = f"/scim/v2/Users/{created.json()['id']}"
    patched = await scim.provider.patch(
        path, json=patch({"op": "replace", "path": "password", "value": PASSWORD + "x"})
    )
    read = await scim.provider.get(path)
    listed = await scim.provider.get("/scim/v2/Users")
    user_id = (await scim.admin.get("/users")).json()["items"][0]["id"]
    events = await scim.admin.get(f"/users/{user_id}/events")
    with scim.app.state.session_factory() as session:
        dump = [str(row) for table in ("directory_user", "directory_event", "directory_address")
                for row in session.execute(text(f"SELECT * FROM {table}"))]  # noqa: S608  # fmt: skip

    for answer in (created, patched, read, listed, events):
        assert PASSWORD not in answer.text and 'password":' not in answer.text
    assert PASSWORD not in caplog.text and PASSWORD not in "".join(dump)
    assert "$argon2id$" in "".join(dump)
    assert events.json()["items"][0]["fields"] == ["password"]


async def test_a_provider_takes_over_a_filed_user_which_a_file_then_cannot_change(
    scim: Scim,
) -> None:
    imported = await upload(scim.admin, csv_bytes(user_rows(2)))
    address = user_rows(2)[0][0]
    found = (
        await scim.provider.get("/scim/v2/Users", params={"filter": f'userName eq "{address}"'})
    ).json()
    path = f"/scim/v2/Users/{found['Resources'][0]['id']}"
    taken_over = await scim.provider.patch(
        path, json=patch({"op": "replace", "path": "externalId", "value": "okta-1"})
    )

    update = await upload(scim.admin, csv_bytes(user_rows(2)), on_existing="update")
    skip = await upload(scim.admin, csv_bytes(user_rows(2)), on_existing="skip")
    revert = await scim.admin.post(f"/imports/{imported.json()['id']}/revert")
    held_by_file = await scim.provider.post("/scim/v2/Users", json=new_user(user_rows(2)[1][0]))

    assert taken_over.status_code == 200 and taken_over.json()["externalId"] == "okta-1"
    assert update.status_code == 422
    assert [(e["row"], e["code"]) for e in update.json()["errors"]] == [
        (2, "managed_by_provisioning")
    ]
    assert (skip.status_code, skip.json()["skipped"]) == (201, 2)
    assert (revert.status_code, revert.json()["code"]) == (409, "users_changed_since")
    assert (held_by_file.status_code, held_by_file.json()["scimType"]) == (409, "uniqueness")


async def test_a_provider_and_a_file_racing_for_one_address_one_wins(
    scim: Scim, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.imports.records.test_overlapping_writers import held_hashing

    with held_hashing() as (hashing, release):
        importing = asyncio.create_task(upload(scim.admin, csv_bytes(user_rows(1))))
        await asyncio.to_thread(hashing.wait, 20)
        created = await scim.provider.post("/scim/v2/Users", json=new_user(user_rows(1)[0][0]))
        release.set()
        imported = await importing
    listed = (await scim.admin.get("/users")).json()["items"]

    assert created.status_code == 201, created.text
    assert imported.status_code == 422
    assert [e["code"] for e in imported.json()["errors"]] == ["already_exists"]
    assert [u["email"] for u in listed] == [user_rows(1)[0][0]]


async def test_a_patch_may_keep_its_own_addresses_but_not_take_another_users(scim: Scim) -> None:
    """A PATCH that keeps the user's own addresses is not asked who holds them (they are its
    own at the version it patches); one that names another user's address is 409."""
    ana = (await scim.provider.post("/scim/v2/Users", json=new_user(
        "ana@example.com", emails=[{"value": "asmith@example.com"}]
    ))).json()  # fmt: skip
    await scim.provider.post("/scim/v2/Users", json=new_user(
        "bo@example.com", emails=[{"value": "bo.lee@example.com"}]
    ))  # fmt: skip
    path = f"/scim/v2/Users/{ana['id']}"

    own = await scim.provider.patch(path, json=patch(
        {"op": "Replace", "path": "active", "value": "False"},
        {"op": "replace", "path": "emails", "value": [
            {"value": "ANA@example.com", "primary": True}, {"value": "ASmith@Example.com"}]},
    ))  # fmt: skip
    takes = [
        await scim.provider.patch(path, json=patch({"op": "add", "path": "emails", "value": [
            {"value": taken}]}))
        for taken in ("bo@example.com", "Bo.Lee@example.com")
    ]  # fmt: skip

    assert own.status_code == 200, own.text
    assert own.json()["active"] is False
    assert [(a.status_code, a.json()["scimType"]) for a in takes] == [(409, "uniqueness")] * 2
    # asked before writing: the answer says which value (the unique key alone could not)
    assert [a.json()["detail"] for a in takes] == ["emails value 2 is another user's address."] * 2
    now = (await scim.provider.get(path)).json()
    assert {e["value"].lower() for e in now["emails"]} == {"ana@example.com", "asmith@example.com"}
