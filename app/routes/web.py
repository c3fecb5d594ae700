"""The upload page at / and the API documentation, served from the service's own files: no
CDN, no inline script, a strict Content-Security-Policy."""

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

WEB = Path(__file__).parents[1] / "web"
# Swagger UI and ReDoc as a PyPI package ships them (fastapi-offline's copies).
VENDOR = Path(fastapi_offline.__file__).parent / "static"
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# Swagger UI and ReDoc set style attributes and ReDoc starts a worker from a blob: no script
# but their own files still runs.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src blob:; "
    "base-uri 'none'; frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


def _page(name: str, policy: str) -> HTMLResponse:
    return HTMLResponse((WEB / name).read_text(), headers={"Content-Security-Policy": policy})


@router.get("/")
async def upload_page() -> HTMLResponse:
    return _page("index.html", PAGE_CSP)


@router.get("/docs")
async def swagger_ui() -> HTMLResponse:
    return _page("docs.html", DOCS_CSP)


@router.get("/redoc")
async def redoc() -> HTMLResponse:
    return _page("redoc.html", DOCS_CSP)


def install_web(app: FastAPI) -> None:
    app.include_router(router)
    app.mount("/static/vendor", StaticFiles(directory=VENDOR), name="vendor")
    app.mount("/static", StaticFiles(directory=WEB), name="static")
