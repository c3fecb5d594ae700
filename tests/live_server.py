"""A real uvicorn server on a free loopback port, run in a thread for the length of a test."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from app.http.server import server_config


@contextmanager
def serve(app: FastAPI) -> Iterator[str]:
    """Serve the app on 127.0.0.1 and yield its base URL; stop it afterwards."""
    config = server_config(
        app, "127.0.0.1", 0, app.state.settings, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
