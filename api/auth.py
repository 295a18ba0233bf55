"""Optional API keys (CAPTIONCHECK_API_KEYS): `X-API-Key: <key>` or `Authorization: Bearer <key>`."""

from __future__ import annotations

import hmac

from fastapi import Request

from api.errors import ApiError


def presented_key(request: Request) -> str:
    key = request.headers.get("x-api-key", "")
    auth = request.headers.get("authorization", "")
    if not key and auth.lower().startswith("bearer "):
        key = auth[7:].strip()
    return key


def _valid(key: str, keys: frozenset[str]) -> bool:
    # compare against every key so the time taken does not reveal which one nearly matched
    return bool(key) and any([hmac.compare_digest(key.encode(), k.encode()) for k in keys])


def check_key(request: Request, keys: frozenset[str], *, required: bool) -> None:
    """Refuse unless a valid key is presented; with no keys configured, only `required` calls refuse."""
    if not keys:
        if required:
            raise ApiError("forbidden", "this call needs an API key, and none is configured: start the server "
                           "with CAPTIONCHECK_API_KEYS=<key> and send it as X-API-Key")
        return
    key = presented_key(request)
    if not key:
        raise ApiError("unauthorized", "missing API key: send it in the X-API-Key header",
                       headers={"WWW-Authenticate": "Bearer"})
    if not _valid(key, keys):
        raise ApiError("unauthorized", "invalid API key: check the key configured in your client",
                       headers={"WWW-Authenticate": "Bearer"})
