"""One JSON error shape for every refusal: {"error": {"code": ..., "message": ...}}, set in one place."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from captioncheck._exceptions import CaptionCheckError

log = logging.getLogger("captioncheck.api")

# error code -> HTTP status; CaptionCheckError subclasses carry their `code`
STATUS_BY_CODE: dict[str, int] = {
    "bad_input": 400, "bad_url": 400, "bad_base64": 400, "validation_error": 422,
    "unauthorized": 401, "forbidden": 403, "forbidden_address": 403, "not_found": 404, "method_not_allowed": 405,
    "too_large": 413, "too_many_pixels": 413, "too_many_images": 413, "payload_too_large": 413,
    "not_html": 415, "not_image": 415,
    "upstream_error": 502, "too_many_redirects": 502,
    "busy": 503, "dependency_missing": 503,
    "fetch_timeout": 504, "timeout": 504,
    "index_error": 500, "error": 500, "internal_error": 500, "worker_died": 500,
}
_CODE_BY_STATUS = {400: "bad_input", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
                   413: "payload_too_large", 415: "not_image", 422: "validation_error", 503: "busy", 504: "timeout"}


class ApiError(Exception):
    """A refusal decided by the API itself (auth, queue, time budget, payload)."""

    def __init__(self, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = STATUS_BY_CODE.get(code, 400)
        self.headers = headers or {}

    def __reduce__(self) -> tuple[type[ApiError], tuple[str, str, dict[str, str]]]:  # raised in worker processes
        return (type(self), (self.code, str(self), self.headers))


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


async def _handle(request: Request, exc: Exception) -> JSONResponse:
    """The one handler: turns every exception into the error shape (and logs server faults)."""
    if isinstance(exc, ApiError):
        return error_response(exc.status, exc.code, str(exc), exc.headers)
    if isinstance(exc, CaptionCheckError):
        return error_response(STATUS_BY_CODE.get(exc.code, 400), exc.code, str(exc))
    if isinstance(exc, RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error_response(422, "validation_error", f"{where or 'request'}: {first.get('msg', 'invalid request')}")
    if isinstance(exc, StarletteHTTPException):
        code = _CODE_BY_STATUS.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", f"unexpected {type(exc).__name__}; see the server log")


def install_error_handler(app: FastAPI) -> None:
    for exc_type in (ApiError, CaptionCheckError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(exc_type, _handle)
