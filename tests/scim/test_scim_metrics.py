"""Operators see SCIM traffic per operation at GET /metrics: each operation and its status."""

import pytest

from app.auth.keys import Role
from tests.auth.test_auth import create_key
from tests.http.test_operations import sample
from tests.scim.conftest import Scim, new_user, patch

pytestmark = pytest.mark.anyio
NAME = "userimport_scim_operations_total"


async def test_each_scim_operation_is_counted_with_its_status(scim: Scim) -> None:
    auth = {"Authorization": f"Bearer {create_key(scim.app, 'prometheus', Role.READER)}"}
    before = (await scim.admin.get("/metrics", headers=auth)).text

    created = await scim.provider.post("/scim/v2/Users", json=new_user("m@example.com"))
    await scim.provider.post("/scim/v2/Users", json=new_user("m@example.com"))
    await scim.provider.get("/scim/v2/Users", params={"filter": 'userName eq "m@example.com"'})
    path = f"/scim/v2/Users/{created.json()['id']}"
    await scim.provider.patch(path, json=patch({"op": "replace", "path": "active", "value": False}))
    await scim.provider.get("/scim/v2/Users", params={"filter": "title eq 1"})
    after = (await scim.admin.get("/metrics", headers=auth)).text

    for operation, status in [("scim_create_user", "201"), ("scim_create_user", "409"),
                              ("scim_list_users", "200"), ("scim_patch_user", "200"),
                              ("scim_list_users", "400")]:  # fmt: skip
        labels = {"operation": operation, "status": status}
        assert sample(after, NAME, **labels) == sample(before, NAME, **labels) + 1, labels
