"""`userName eq "..."`, the filter every provider sends, is read without the filter parser and
found by a statement built once (filter_sql.user_name_is). For generated filters, the plain
ones and their near misses, any filter it takes must find the same users, with the same
total on every page, as the parser's reading of it; and the parser must take it too."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scim2_models import ScimFilter
from sqlalchemy.orm import Session

from app.db.engine import Database, in_transaction
from app.scim.filter_sql import condition, user_name_is
from app.scim.repository import ScimUserRepository, Where
from tests.scim.conftest import Scim, new_user

pytestmark = pytest.mark.anyio
HELD = ["ana@example.com", "Bo.Lee@Example.org", "hr@example.com", "x_1%@example.com"]
ALIAS = "asmith@example.com"  # ana's alias: userName never finds a user by an alias


def _cased(text: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda upper: "".join(
            c.upper() if u else c.lower() for c, u in zip(text, upper, strict=True)
        )
    )


values = st.one_of(
    st.sampled_from([*HELD, ALIAS]).flatmap(_cased),
    st.text(max_size=12),
    st.sampled_from(["", "ana@", "%@example.com", "ana@example.co_", '"', "\\", "\t", "a\x01"]),
)
spaces = st.sampled_from(["", " ", "  ", "\t", "\n", "\u00a0"])
filters = st.builds(
    lambda lead, attr, s1, op, s2, value, trail: f'{lead}{attr}{s1}{op}{s2}"{value}"{trail}',
    st.just("") | spaces,
    _cased("userName") | st.sampled_from([
        "userName".replace("s", "\u017f"), "urn:ietf:params:scim:schemas:core:2.0:User:userName",
        "emails",
    ]),
    st.just(" ") | spaces, _cased("eq") | st.sampled_from(["ne", "co", "sw"]),
    st.just(" ") | spaces, values, st.just("") | spaces,
)  # fmt: skip


def _found(db: Database, where: Where, start: int, count: int) -> tuple[int, list[str]]:
    def read(session: Session) -> tuple[int, list[str]]:
        total, page = ScimUserRepository(session).search(where, start, count)
        return total, [user.email for user in page]

    return in_transaction(db.sessions, read)


async def test_a_plain_user_name_lookup_finds_what_the_parser_finds(scim: Scim) -> None:
    for address in HELD:
        emails = [{"value": ALIAS}] if address == "ana@example.com" else []
        created = await scim.provider.post("/scim/v2/Users", json=new_user(address, emails=emails))
        assert created.status_code == 201, created.text
    db: Database = scim.app.state.db
    taken: list[str] = []

    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(filters, st.integers(1, 3), st.integers(0, 2))
    def same_users(text: str, start: int, count: int) -> None:
        plain = user_name_is(text)
        if plain is None:
            return
        taken.append(text)
        parsed = condition(ScimFilter(text).ast)  # raises if the parser refused what was taken
        assert _found(db, plain, start, count) == _found(db, parsed, start, count)

    same_users()
    found = [text for text in taken if _found(db, user_name_is(text), 1, 5)[0]]
    assert len(taken) > 20 and len(found) > 5  # the plain lookups were tried, and found users


async def test_answers_through_http_are_the_same_either_way(
    scim: Scim, monkeypatch: pytest.MonkeyPatch
) -> None:
    await scim.provider.post("/scim/v2/Users", json=new_user("Ana@Example.com", externalId="e1"))
    filters = ['userName eq "ana@example.COM"', 'userName eq "nobody@example.com"']
    plain = [(await scim.provider.get("/scim/v2/Users", params={"filter": f})).json()
             for f in filters]  # fmt: skip
    monkeypatch.setattr("app.scim.payloads.user_name_is", lambda _text: None)
    parsed = [(await scim.provider.get("/scim/v2/Users", params={"filter": f})).json()
              for f in filters]  # fmt: skip
    assert plain == parsed
    assert [answer["totalResults"] for answer in plain] == [1, 0]
    assert plain[0]["Resources"][0]["externalId"] == "e1"
