"""Shared route dependencies as Annotated aliases."""

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.imports.jobs import JobRunner
from app.security.passwords import PasswordHasherPool


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_hasher(request: Request) -> PasswordHasherPool:
    hasher: PasswordHasherPool = request.app.state.hasher
    return hasher


def get_jobs(request: Request) -> JobRunner:
    jobs: JobRunner = request.app.state.jobs
    return jobs


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
JobsDep = Annotated[JobRunner, Depends(get_jobs)]
HasherDep = Annotated[PasswordHasherPool, Depends(get_hasher)]
