"""Cross-site request forgery guard: which browser origins may send state-changing requests.

A browser names the page that sends a cross-origin POST in the `Origin` header; a foreign web
page may POST to this server without any CORS preflight (a form, or `fetch` with a "simple"
body), so CORS alone does not stop it. `OriginGuard` refuses every POST whose Origin is not
trusted: the configured CORS origins, the trusted origins (by default any browser extension,
`chrome-extension://*`; an exact `chrome-extension://<id>` narrows it), and the server's own
pages (/docs) when it is addressed by an IP literal or `localhost` (a DNS-rebinding page has a
host name of its own and is refused). Requests without an Origin (curl, scripts) are not from a
browser page and pass. `JsonCors` is Starlette's CORS middleware answering refused preflights in
the API's one JSON error shape.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import error_response
from captioncheck.netfetch import literal_ip

_STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def origin_allowed(origin: str, host: str, trusted: Iterable[str]) -> bool:
    """Whether a browser page of `origin` may change state on this server, reached as `host`."""
    origin = origin.strip().lower().rstrip("/")
    for entry in trusted:
        entry = entry.strip().lower().rstrip("/")
        if entry == origin or (entry.endswith("://*") and origin.startswith(entry[:-1]) and len(origin) > len(entry) - 1):
            return True
    try:
        parts = urlsplit(origin)
        hostname = parts.hostname
    except ValueError:  # "http://[::1" and other origins urlsplit refuses
        return False
    if parts.scheme not in {"http", "https"} or not hostname:
        return False  # "null" (sandboxed frames, file:), other schemes
    own = parts.netloc == host.strip().lower()
    local = hostname == "localhost" or literal_ip(hostname) is not None
    return own and local


class OriginGuard:
    """ASGI middleware: 403 for state-changing requests from a browser origin that is not trusted."""

    def __init__(self, app: ASGIApp, trusted: tuple[str, ...]) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in _STATE_CHANGING:
            headers = {k.lower(): v for k, v in scope.get("headers") or []}
            origin = headers.get(b"origin")
            if origin is not None:
                text = origin.decode("latin-1")
                if not origin_allowed(text, headers.get(b"host", b"").decode("latin-1"), self.trusted):
                    message = (f"requests from the web origin {text[:100]!r} are refused (cross-site request); "
                               "the server's operator can trust it with CAPTIONCHECK_TRUSTED_ORIGINS")
                    await error_response(403, "forbidden_origin", message)(scope, receive, send)
                    return
        await self.app(scope, receive, send)


class JsonCors(CORSMiddleware):
    """CORS for the configured origins; a refused preflight answers 403 in the JSON error shape."""

    def preflight_response(self, request_headers: object) -> Response:
        response = super().preflight_response(request_headers)  # type: ignore[arg-type]
        if response.status_code < 400:
            return response
        detail = bytes(response.body).decode("utf-8", "replace")
        return error_response(403, "forbidden_origin", f"CORS preflight refused: {detail.removeprefix('Disallowed CORS ')}"
                              "; the server's operator can allow the origin with --cors-origin")


__all__ = ["JsonCors", "OriginGuard", "origin_allowed"]
