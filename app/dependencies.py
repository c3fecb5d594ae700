"""Shared route dependencies as Annotated aliases."""
# Every dependency here is async: FastAPI runs a plain `def` dependency in a thread-pool hop.

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.db import Database
from app.imports.admission import ImportGate
from app.imports.jobs import JobRunner
from app.imports.validation_pool import FileValidator
from app.security.passwords import PasswordHasherPool


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_hasher(request: Request) -> PasswordHasherPool:
    hasher: PasswordHasherPool = request.app.state.hasher
    return hasher


async def get_jobs(request: Request) -> JobRunner:
    jobs: JobRunner = request.app.state.jobs
    return jobs


async def get_gate(request: Request) -> ImportGate:
    gate: ImportGate = request.app.state.import_gate
    return gate


async def get_validator(request: Request) -> FileValidator:
    validator: FileValidator = request.app.state.validator
    return validator


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
HasherDep = Annotated[PasswordHasherPool, Depends(get_hasher)]
GateDep = Annotated[ImportGate, Depends(get_gate)]
ValidatorDep = Annotated[FileValidator, Depends(get_validator)]
