"""A provider reads back what it sent (displayName, each email's type and display, active left
out) while the directory still says the same; once another writer changes the user, it reads
what the directory says."""

import pytest

from tests.scim.conftest import Scim, new_user, patch

pytestmark = pytest.mark.anyio


async def test_the_provider_reads_what_it_sent_until_the_directory_changes(scim: Scim) -> None:
    emails = [
        {"value": "ana@example.com", "type": "home", "display": "Ana", "primary": True},
        {"value": "asmith@example.com", "type": "work"},
    ]
    created = await scim.provider.post("/scim/v2/Users", json=new_user(
        "ana@example.com", displayName="Ana S.", emails=emails, active=True
    ))  # fmt: skip
    path = f"/scim/v2/Users/{created.json()['id']}"
    assert (created.json()["emails"], created.json()["displayName"]) == (emails, "Ana S.")

    unstated = await scim.provider.patch(path, json=patch({"op": "remove", "path": "active"}))
    assert unstated.status_code == 200 and "active" not in unstated.json()
    assert (await scim.provider.get(path)).json()["emails"] == emails

    directory = (await scim.admin.get("/users", params={"address": "ana@example.com"})).json()
    user = directory["items"][0]
    assert (user["active"], user["aliases"], user["name"]) == (True, ["asmith@example.com"],
                                                                "Ana S.")  # fmt: skip
    etag = (await scim.admin.get(f"/users/{user['id']}")).headers["etag"]
    changed = await scim.admin.patch(f"/users/{user['id']}", headers={"If-Match": etag}, json={
        "name": "Ana Smith", "aliases": ["ana.smith@example.com"], "active": False,
    })  # fmt: skip
    assert changed.status_code == 200, changed.text

    now = (await scim.provider.get(path)).json()
    assert (now["displayName"], now["active"]) == ("Ana Smith", False)
    assert [(e["value"], e.get("primary")) for e in now["emails"]] == [
        ("ana@example.com", True), ("ana.smith@example.com", False),
    ]  # fmt: skip
