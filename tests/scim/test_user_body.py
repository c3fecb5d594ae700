"""Every SCIM answer of a user with no attributes asked for is built as JSON directly
(resources.user_body), not through scim2-models' User: for generated users and profiles (as a
provider's writes leave them), it must equal what scim2-models answers for the same user, as
the mapping was written with its objects (`reference` below, the mapping before the direct
one), in both contexts, and the User rebuilt from it (to_scim: PATCH, attributes) must too."""

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic_core import to_jsonable_python
from scim2_models import Context, Email, Meta, Name

from app.scim.model import TOLERANT, ScimUser
from app.scim.repository import UserView
from app.scim.resources import Incoming, etag, profile, to_scim, user_body

BASE = "http://testserver"
CONTEXTS = (Context.RESOURCE_QUERY_RESPONSE, Context.RESOURCE_CREATION_RESPONSE)


def reference(user: UserView) -> ScimUser:
    """The user as scim2-models' objects say it, as resources.to_scim built it before."""
    sent = json.loads(user.profile) if user.profile else {}
    name = Name.model_validate(sent["name"]) if sent.get("name") else None
    display_name: str | None = user.name
    if "displayName" in sent and sent.get("nameWritten") == user.name:
        display_name = sent["displayName"]
    emails: list[Email] | None = [_email(value=user.email, type="work", primary=True)] + [
        _email(value=alias, type="other", primary=False) for alias in user.aliases
    ]
    held = {user.email.lower(), *(alias.lower() for alias in user.aliases)}
    entries = sent.get("emails")
    if (
        entries is not None
        and {user.email.lower()} | {str(e.get("value", "")).lower() for e in entries} == held
    ):
        emails = [_email(**entry) for entry in entries] or None
    unstated = "activeUnstated" in sent and sent["activeUnstated"] == user.active
    meta = Meta(
        resource_type="User", created=user.created_at,
        last_modified=user.updated_at or user.created_at,
        location=f"{BASE}/scim/v2/Users/{user.scim_id}", version=etag(user.version),
    )  # fmt: skip
    return ScimUser(
        id=user.scim_id, external_id=user.external_id, meta=meta, user_name=user.email,
        name=name, display_name=display_name, active=None if unstated else user.active,
        emails=emails,
    )  # fmt: skip


def _email(**values: Any) -> Email:
    kept = {key: values[key] for key in Email.model_fields if key in values}
    if kept.get("type") is not None:
        kept["type"] = Email.Type(kept["type"])
    return Email.model_construct(**kept)


locals_ = st.sampled_from(["ana", "Ana.Smith", "bo", "x1", "hr", "Sales-Team"])
domains = st.sampled_from(["example.com", "Example.ORG", "mail.example.net"])
addresses = st.builds(lambda local, domain: f"{local}@{domain}", locals_, domains)
texts = st.text(max_size=8)
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)
sent_names = st.none() | st.fixed_dictionaries(
    {}, optional={key: texts for key in ("formatted", "givenName", "familyName",
                                         "middleName", "honorificPrefix", "honorificSuffix")},
)  # fmt: skip


@st.composite
def users(draw: st.DrawFn) -> UserView:
    email = draw(addresses)
    aliases = sorted(set(draw(st.lists(addresses, max_size=3))) - {email}, key=str.lower)
    name = draw(st.text(min_size=1, max_size=8))
    stored: str | None = None
    if draw(st.booleans()):  # a provider wrote the user: what it sent is kept
        entry = st.fixed_dictionaries(
            {"value": st.sampled_from([email, email.upper(), *aliases])},
            optional={"type": st.sampled_from(["work", "home", "other"]), "display": texts,
                      "primary": st.booleans()},
        )  # fmt: skip
        sent_emails = draw(st.none() | st.lists(entry, max_size=3))
        with TOLERANT:
            sent = ScimUser.model_validate({
                "userName": email, "name": draw(sent_names),
                "displayName": draw(st.none() | texts), "emails": sent_emails,
            })  # fmt: skip
        written = name if draw(st.booleans()) else draw(texts)
        values = Incoming(email, aliases, written, _sent(sent), None, None, None)
        stored = profile(values, draw(st.none() | st.booleans()))
    created = draw(moments)
    updated = draw(st.none() | st.builds(lambda s: created + timedelta(seconds=s),
                                         st.integers(0, 10**6)))  # fmt: skip
    return UserView(
        id=draw(st.integers(1, 10**6)), scim_id=draw(st.uuids()).hex,
        external_id=draw(st.none() | texts), email=email, name=name, active=draw(st.booleans()),
        profile=stored, created_at=created, updated_at=updated,
        version=draw(st.integers(1, 10**6)), aliases=aliases,
    )  # fmt: skip


def _sent(user: ScimUser) -> dict[str, Any]:
    from app.scim.resources import _sent as sent_of  # what a provider's write keeps

    return sent_of(user)


@settings(max_examples=300, deadline=None)
@given(users())
def test_a_user_answered_directly_is_scim2_models_answer(user: UserView) -> None:
    body = to_jsonable_python(user_body(user, BASE))
    for context in CONTEXTS:
        assert body == reference(user).model_dump(scim_ctx=context)
        assert body == to_scim(user, BASE).model_dump(scim_ctx=context)


def test_a_user_with_microseconds_and_no_change_yet() -> None:
    """A fixed case the generated ones also hold: the times as pydantic writes them."""
    when = datetime(2026, 12, 5, 16, 0, 0, 120000, tzinfo=UTC)
    user = UserView(
        7, "ab12", None, "ana@example.com", "Ana", True, None, when, None, 3, ["a@x.io"]
    )
    body = to_jsonable_python(user_body(user, BASE))
    assert body["meta"] == {
        "resourceType": "User", "created": "2026-12-05T16:00:00.120000Z",
        "lastModified": "2026-12-05T16:00:00.120000Z",
        "location": f"{BASE}/scim/v2/Users/ab12", "version": 'W/"3"',
    }  # fmt: skip
    assert body["emails"] == [
        {"value": "ana@example.com", "type": "work", "primary": True},
        {"value": "a@x.io", "type": "other", "primary": False},
    ]
