"""What the service provider says of itself (RFC 7644 §4): PATCH, filters (at most MAX_COUNT
results a page), ETags and password changes supported; bulk and sort not; Users the only
resource type (no Groups); the User schema of the attributes kept."""

from typing import Any

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    ETag,
    Filter,
    Patch,
    ResourceType,
    ServiceProviderConfig,
    Sort,
)

from app.scim.model import ScimUser

MAX_COUNT = 200  # the most users one page (count) holds


def _dump(resource: Any, location: str) -> dict[str, Any]:
    body: dict[str, Any] = resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    body.setdefault("meta", {})["location"] = location
    return body


def service_provider_config(base: str) -> dict[str, Any]:
    config = ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=True),
        sort=Sort(supported=False),
        etag=ETag(supported=True),
        authentication_schemes=[
            AuthenticationScheme(
                type="oauthbearertoken",
                name="Bearer token",
                description="A provisioner key: `Authorization: Bearer <key>` "
                "(userimport keys create --role provisioner).",
                primary=True,
            )
        ],
    )
    body = _dump(config, f"{base}/ServiceProviderConfig")
    body["meta"]["resourceType"] = "ServiceProviderConfig"
    return body


def resource_types(base: str) -> list[dict[str, Any]]:
    """Users only: Groups are not offered."""
    user = ResourceType.from_resource(ScimUser).model_copy(
        update={"id": "User", "name": "User", "description": "A user of the directory"}
    )
    body = _dump(user, f"{base}/ResourceTypes/User")
    body["meta"]["resourceType"] = "ResourceType"
    return [body]


def schemas(base: str) -> list[dict[str, Any]]:
    schema = ScimUser.to_schema().model_copy(
        update={"name": "User", "description": "A user of the directory"}
    )
    body = _dump(schema, f"{base}/Schemas/{schema.id}")
    body["meta"]["resourceType"] = "Schema"
    return [body]
