"""Discovery routes of /scim/v2 (RFC 7644 §4): ServiceProviderConfig, ResourceTypes, Schemas;
405 for any other method."""

from typing import Any

from fastapi import APIRouter, Request, Response

from app.scim import discovery
from app.scim.auth import ProvisionerDep
from app.scim.errors import SCIM_PREFIX, ScimError
from app.scim.payloads import SCIM_ANSWER, answer, base_url

router = APIRouter(prefix=SCIM_PREFIX, tags=["scim"])
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"


@router.get("/ServiceProviderConfig", summary="SCIM: what the service supports",
            responses=SCIM_ANSWER)  # fmt: skip
async def scim_service_provider_config(_key: ProvisionerDep, request: Request) -> Response:
    return answer(discovery.service_provider_config(f"{base_url(request)}{SCIM_PREFIX}"))


def _listed(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {"schemas": [LIST_SCHEMA], "totalResults": len(resources), "startIndex": 1,
            "itemsPerPage": len(resources), "Resources": resources}  # fmt: skip


def _by_id(resources: list[dict[str, Any]], resource_id: str) -> Response:
    for resource in resources:
        if resource["id"] == resource_id:
            return answer(resource)
    raise ScimError(404, "There is no such resource.")


@router.get("/ResourceTypes", summary="SCIM: resource types (Users only)", responses=SCIM_ANSWER)
async def scim_resource_types(_key: ProvisionerDep, request: Request) -> Response:
    return answer(_listed(discovery.resource_types(f"{base_url(request)}{SCIM_PREFIX}")))


@router.get("/ResourceTypes/{resource_id}", summary="SCIM: one resource type",
            responses=SCIM_ANSWER)  # fmt: skip
async def scim_resource_type(_key: ProvisionerDep, request: Request, resource_id: str) -> Response:
    return _by_id(discovery.resource_types(f"{base_url(request)}{SCIM_PREFIX}"), resource_id)


@router.get("/Schemas", summary="SCIM: the User schema", responses=SCIM_ANSWER)
async def scim_schemas(_key: ProvisionerDep, request: Request) -> Response:
    return answer(_listed(discovery.schemas(f"{base_url(request)}{SCIM_PREFIX}")))


@router.get("/Schemas/{schema_id}", summary="SCIM: one schema", responses=SCIM_ANSWER)
async def scim_schema(_key: ProvisionerDep, request: Request, schema_id: str) -> Response:
    return _by_id(discovery.schemas(f"{base_url(request)}{SCIM_PREFIX}"), schema_id)
