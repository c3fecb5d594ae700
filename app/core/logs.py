"""The service's log lines: JSON objects (the default when not on a terminal) or text, each
with the request's id when there is one; the level of our own loggers from the settings."""

import json
import logging
import sys
import time
from contextvars import ContextVar
from typing import Any

_FIELDS = ("method", "route", "status", "duration_ms")
# The request being served (set by app/http/request_context.py): in every line and problem.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = request_id.get()
        if rid is not None:
            line["request_id"] = rid
        line.update({name: getattr(record, name) for name in _FIELDS if hasattr(record, name)})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        rid = request_id.get()
        return f"{text} request_id={rid}" if rid is not None else text


def configure_logging(level: str, log_format: str | None = None) -> None:
    """Once per process: a handler on the root logger in the chosen format."""
    root = logging.getLogger()
    if not root.handlers:
        chosen = log_format or ("text" if sys.stderr.isatty() else "json")
        handler = logging.StreamHandler()
        if chosen == "json":
            formatter: logging.Formatter = JsonFormatter()
            formatter.converter = time.gmtime
        else:
            formatter = TextFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
        handler.setFormatter(formatter)
        root.addHandler(handler)
    logging.getLogger("userimport").setLevel(level.upper())
