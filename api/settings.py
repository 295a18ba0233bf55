"""Service settings: the check `Settings`, fetch limits and the HTTP-side knobs, with env overrides.

Environment variables (all optional):
  CAPTIONCHECK_API_KEYS       comma-separated keys; when set, /v1/check and /v1/index/* need one
                              (header `X-API-Key` or `Authorization: Bearer`); adding photos always does
  CAPTIONCHECK_CORS_ORIGINS   comma-separated origins allowed by CORS (e.g. chrome-extension://<id>)
  CAPTIONCHECK_TRUSTED_ORIGINS  browser origins allowed to POST (default chrome-extension://*: any
                              extension; an exact chrome-extension://<id> narrows it); CORS origins
                              are trusted too, every other web page's POST is refused (CSRF)
  CAPTIONCHECK_API_REMEMBER_ANONYMOUS  1: checks without an API key may also write to the
                              first-seen registry (default: only requests with a valid key do)
  CAPTIONCHECK_API_BODY_TIMEOUT  seconds a client may take to send its request body (default 60)
  CAPTIONCHECK_API_WORKERS    checks run at once (worker processes, default 2)
  CAPTIONCHECK_API_LIGHT_WORKERS  more worker processes only for light checks (a page under 256 KiB
                              sent with its images, nothing to fetch): these answer at once even
                              while every other worker is busy (default 1; 0: none)
  CAPTIONCHECK_API_QUEUE      checks waiting for a worker before 503 + Retry-After (default 8)
  CAPTIONCHECK_API_TIMEOUT    seconds one request may take before 504 (default 90)
plus the fetch limits of `captioncheck.netfetch.FetchLimits.from_env()` (CAPTIONCHECK_FETCH_ALLOW ...).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from captioncheck._exceptions import InputError
from captioncheck.config import Settings, env_flag
from captioncheck.netfetch import FetchLimits


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in os.environ.get(name, "").split(",") if part.strip())


def _env_number(name: str, default: float) -> float:
    text = os.environ.get(name, "")
    try:
        return float(text) if text else default
    except ValueError as exc:
        raise InputError(f"{name}={text!r} is not a number; fix or unset it") from exc


@dataclass
class ApiSettings:
    check: Settings = field(default_factory=Settings)
    fetch: FetchLimits = field(default_factory=FetchLimits.from_env)
    api_keys: frozenset[str] = field(default_factory=lambda: frozenset(_env_list("CAPTIONCHECK_API_KEYS")))
    cors_origins: tuple[str, ...] = field(default_factory=lambda: _env_list("CAPTIONCHECK_CORS_ORIGINS"))
    trusted_origins: tuple[str, ...] = field(
        default_factory=lambda: _env_list("CAPTIONCHECK_TRUSTED_ORIGINS") or ("chrome-extension://*",))
    remember_anonymous: bool = field(default_factory=lambda: env_flag("CAPTIONCHECK_API_REMEMBER_ANONYMOUS", False))
    body_timeout_s: float = field(default_factory=lambda: _env_number("CAPTIONCHECK_API_BODY_TIMEOUT", 60.0))
    workers: int = field(default_factory=lambda: int(_env_number("CAPTIONCHECK_API_WORKERS", 2)))
    queue_size: int = field(default_factory=lambda: int(_env_number("CAPTIONCHECK_API_QUEUE", 8)))
    light_workers: int = field(default_factory=lambda: int(_env_number("CAPTIONCHECK_API_LIGHT_WORKERS", 1)))
    request_timeout_s: float = field(default_factory=lambda: _env_number("CAPTIONCHECK_API_TIMEOUT", 90.0))
    retry_after_s: int = 5
    max_body_bytes: int = 80_000_000  # a page plus its images, base64-encoded
    preload: bool = True  # load the model and the index at start-up (tests may switch it off)

    def __post_init__(self) -> None:
        if self.workers < 1 or self.queue_size < 0 or self.light_workers < 0:
            raise InputError("workers must be >= 1, light workers and the queue size >= 0")
