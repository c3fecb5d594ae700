"""How the service is served: uvicorn on h11, with its limits set explicitly.

`userimport serve` (used by `make run` and the Dockerfile) and the live-server tests both
start uvicorn from here, so the limits that are tested are the limits that run.
"""

from typing import Any

import uvicorn

SERVER_LIMITS: dict[str, Any] = {
    "http": "h11",
    "h11_max_incomplete_event_size": 16 * 1024,  # request line + headers: larger is a 400
    "limit_concurrency": 200,  # connections + tasks at once; more get 503
    "timeout_keep_alive": 5,
}


def server_config(app: Any, host: str, port: int, **extra: Any) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, **{**SERVER_LIMITS, **extra})


def serve(host: str, port: int, log_level: str = "info") -> None:
    uvicorn.Server(server_config("app.main:app", host, port, log_level=log_level)).run()
