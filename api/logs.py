"""Structured JSON logs: one object per line, one `request` event per HTTP request."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from fastapi import Request, Response

log = logging.getLogger("captioncheck.api")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"ts": round(record.created, 3), "level": record.levelname.lower(), "logger": record.name,
                 "message": record.getMessage()}
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_json_logging(level: str = "info") -> None:
    """Send the API's and uvicorn's loggers to stderr as JSON lines (idempotent)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in ("captioncheck", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # replaced by our `request` events


async def log_requests(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    request_id = request.headers.get("x-request-id", "")[:64] or uuid.uuid4().hex[:16]
    start = time.perf_counter()
    response = await call_next(request)
    response.headers["X-Request-ID"] = request_id
    log.info("request", extra={"event": "request", "request_id": request_id, "method": request.method,
                               "path": request.url.path, "status": response.status_code,
                               "ms": round((time.perf_counter() - start) * 1000, 1),
                               "client": request.client.host if request.client else ""})
    return response
