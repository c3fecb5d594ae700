"""Route dependencies every part of the service shares, as Annotated aliases: the settings and
the database. Domain packages keep their own (app/imports/http/deps.py).

Every dependency here is async: FastAPI runs a plain `def` dependency in a thread-pool hop."""

from typing import Annotated

from fastapi import Depends, Request

from app.core.config import Settings
from app.core.errors import InvalidRequestError
from app.core.schemas import InvalidParam
from app.db.engine import Database


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]


async def refuse_nul_in_query(request: Request) -> None:
    """A NUL in a query parameter is refused (PostgreSQL cannot even compare one)."""
    bad = [name for name, value in request.query_params.multi_items() if "\x00" in name + value]
    if bad:
        reason = "A parameter cannot hold a NUL character."
        raise InvalidRequestError(
            [InvalidParam(name=f"query.{name}", reason=reason) for name in bad]
        )
