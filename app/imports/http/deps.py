"""The imports' route dependency: what an import needs of the process, set up by create_app."""

from typing import Annotated

from fastapi import Depends, Request

from app.imports.http.dispatch import ImportServices


async def get_import_services(request: Request) -> ImportServices:
    services: ImportServices = request.app.state.imports
    return services


ImportServicesDep = Annotated[ImportServices, Depends(get_import_services)]
