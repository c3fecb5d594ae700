"""Pages of /scim/v2/Users by startIndex and count: totalResults is every match, whichever page
is asked for (past the end, empty, the last one, a filter matching none)."""

import pytest

from tests.scim.conftest import Scim, new_user

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("start", "count", "total", "names"),
    [
        (1, 2, 5, ["p0", "p1"]),
        (4, 2, 5, ["p3", "p4"]),
        (5, 2, 5, ["p4"]),
        (3, 10, 5, ["p2", "p3", "p4"]),
        (1, 10, 5, ["p0", "p1", "p2", "p3", "p4"]),
        (6, 2, 5, []),
        (40, 2, 5, []),
        (1, 0, 5, []),
        (0, 1, 5, ["p0"]),
    ],
)
async def test_total_results_counts_every_match_on_every_page(
    scim: Scim, start: int, count: int, total: int, names: list[str]
) -> None:
    for n in range(5):
        assert (
            await scim.provider.post("/scim/v2/Users", json=new_user(f"p{n}@example.com"))
        ).status_code == 201

    page = await scim.provider.get("/scim/v2/Users", params={"startIndex": start, "count": count})
    none = await scim.provider.get(
        "/scim/v2/Users", params={"filter": 'userName sw "q"', "startIndex": start, "count": count}
    )

    assert page.json()["totalResults"] == total
    assert [user["userName"].split("@")[0] for user in page.json()["Resources"]] == names
    assert page.json()["itemsPerPage"] == len(names)
    assert (none.json()["totalResults"], none.json()["Resources"]) == (0, [])
