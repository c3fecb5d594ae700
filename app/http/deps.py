"""Shared route dependencies as Annotated aliases."""
# Every dependency here is async: FastAPI runs a plain `def` dependency in a thread-pool hop.

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.core.config import Settings
from app.core.db import Database
from app.core.errors import InvalidRequestError
from app.core.schemas import InvalidParam
from app.imports.admission import ImportGate
from app.imports.tasks import JobRuntime
from app.imports.validation_pool import FileValidator
from app.passwords.hashing import PasswordHasherPool


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_hasher(request: Request) -> PasswordHasherPool:
    hasher: PasswordHasherPool = request.app.state.hasher
    return hasher


async def get_jobs(request: Request) -> JobRuntime | None:
    """What a job is submitted with; None when no staging key is configured."""
    jobs: JobRuntime | None = request.app.state.jobs
    return jobs


async def get_gate(request: Request) -> ImportGate:
    gate: ImportGate = request.app.state.import_gate
    return gate


async def get_validator(request: Request) -> FileValidator:
    validator: FileValidator = request.app.state.validator
    return validator


@dataclass(frozen=True, slots=True)
class ImportServices:
    """What an import needs of the process: one dependency instead of six."""

    db: Database
    hasher: PasswordHasherPool
    settings: Settings
    jobs: JobRuntime | None
    gate: ImportGate
    validator: FileValidator


async def get_import_services(request: Request) -> ImportServices:
    state = request.app.state
    return ImportServices(
        state.db, state.hasher, state.settings, state.jobs, state.import_gate, state.validator
    )


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ImportServicesDep = Annotated[ImportServices, Depends(get_import_services)]
DatabaseDep = Annotated[Database, Depends(get_database)]
JobsDep = Annotated[JobRuntime | None, Depends(get_jobs)]
HasherDep = Annotated[PasswordHasherPool, Depends(get_hasher)]
GateDep = Annotated[ImportGate, Depends(get_gate)]
ValidatorDep = Annotated[FileValidator, Depends(get_validator)]


async def refuse_nul_in_query(request: Request) -> None:
    """A NUL in a query parameter is refused (PostgreSQL cannot even compare one)."""
    bad = [name for name, value in request.query_params.multi_items() if "\x00" in name + value]
    if bad:
        reason = "A parameter cannot hold a NUL character."
        raise InvalidRequestError(
            [InvalidParam(name=f"query.{name}", reason=reason) for name in bad]
        )
