"""`captioncheck serve`: run the HTTP API (api/app.py) with uvicorn, in one process or several.

With `--processes N` uvicorn starts N worker processes; each builds the API from the same settings
(handed over as JSON in CAPTIONCHECK_SERVE_SETTINGS) and holds its own in-memory searcher over
the shared index (a SQLite file on this machine, or a PostgreSQL database for several machines),
loaded once at start-up and refreshed incrementally (CAPTIONCHECK_INDEX_REFRESH seconds).
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import TYPE_CHECKING, Any

import click

from captioncheck._exceptions import DependencyError, InputError
from captioncheck.cli.check_cmd import clip_precision_option

if TYPE_CHECKING:
    from api.settings import ApiSettings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0: every interface).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Checks run at once, each in a worker process with its own copy of the model, killed and replaced "
                   "past its time budget [env CAPTIONCHECK_API_WORKERS, default 2].")
@click.option("--light-workers", default=None, type=click.IntRange(0, 64),
              help="More worker processes only for light checks (small page with its images), so these answer at once "
                   "while the others are busy [env CAPTIONCHECK_API_LIGHT_WORKERS, default 1].")
@click.option("--processes", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes (uvicorn workers) on one port, each with its own worker processes; all share the index.")
@click.option("--queue", "queue_size", default=None, type=click.IntRange(0, 10_000),
              help="Checks that may wait for a worker before 503 + Retry-After [env CAPTIONCHECK_API_QUEUE, default 8].")
@click.option("--timeout", "timeout_s", default=None, type=click.FloatRange(1, 3600),
              help="Seconds one request may take before 504 [env CAPTIONCHECK_API_TIMEOUT, default 90].")
@click.option("--index", "index_path", default=None, metavar="FILE|URL",
              help="Known-photo index: a SQLite file or a postgresql:// URL shared by several servers "
                   "[env CAPTIONCHECK_INDEX; default: the data dir's index.sqlite].")
@click.option("--model", default=None, help="CLIP model spec or preset [env CAPTIONCHECK_MODEL].")
@clip_precision_option
@click.option("--no-clip", is_flag=True, help="Do not load or use CLIP.")
@click.option("--no-ocr", is_flag=True, help="Do not OCR images.")
@click.option("--no-remember", is_flag=True, help="Do not record checked images in the first-seen registry.")
@click.option("--remember-anonymous", is_flag=True,
              help="Also record images of checks sent without an API key (default: only checks with a valid key write "
                   "to the registry) [env CAPTIONCHECK_API_REMEMBER_ANONYMOUS=1].")
@click.option("--trusted-origin", "trusted_origins", multiple=True,
              help="Browser origin allowed to POST (repeatable; default any extension, chrome-extension://*; other web "
                   "pages are refused) [env CAPTIONCHECK_TRUSTED_ORIGINS].")
@click.option("--cors-origin", "cors_origins", multiple=True,
              help="Origin allowed by CORS, e.g. chrome-extension://<id> (repeatable) [env CAPTIONCHECK_CORS_ORIGINS].")
@click.option("--allow-fetch", "allow_fetch", multiple=True, metavar="CIDR",
              help="Let the fetcher reach this network although it is private/loopback; for tests only (repeatable) [env CAPTIONCHECK_FETCH_ALLOW].")
@click.option("--log-level", default="info", show_default=True, type=click.Choice(["debug", "info", "warning", "error"]))
def serve(host: str, port: int, log_level: str, processes: int, **options: Any) -> None:
    """Serve the HTTP API (POST /v1/check, /v1/index/*, OpenAPI at /docs) for the browser extension and other clients."""
    settings = _settings(options)
    try:
        import uvicorn

        from api.app import create_app
        from api.logs import configure_json_logging
    except ImportError as exc:
        raise DependencyError(f"the API needs extra packages ({exc.name}): pip install 'captioncheck[api]'") from exc
    configure_json_logging(log_level)
    common: dict[str, Any] = {"host": host, "port": port, "log_config": None, "access_log": False, "log_level": log_level,
                              "timeout_graceful_shutdown": 5}
    if processes == 1:
        uvicorn.run(create_app(settings), **common)
        return
    os.environ[SETTINGS_ENV] = encode_settings(settings)  # inherited by the worker processes
    os.environ["CAPTIONCHECK_LOG_LEVEL"] = log_level
    uvicorn.run(f"{__name__}:worker_app", factory=True, workers=processes, **common)


SETTINGS_ENV = "CAPTIONCHECK_SERVE_SETTINGS"


def worker_app() -> Any:
    """The app of one `--processes` worker, built from the settings the parent resolved."""
    from api.app import create_app
    from api.logs import configure_json_logging

    settings = decode_settings(os.environ[SETTINGS_ENV])
    configure_json_logging(os.environ.get("CAPTIONCHECK_LOG_LEVEL", "info"))
    return create_app(settings)


def encode_settings(settings: ApiSettings) -> str:
    def plain(value: object) -> object:
        if isinstance(value, (frozenset, set)):
            return sorted(value)  # type: ignore[type-var]
        return str(value)  # paths, networks

    return json.dumps(dataclasses.asdict(settings), default=plain)


def decode_settings(text: str) -> ApiSettings:
    from api.settings import ApiSettings
    from captioncheck.config import Settings, index_spec
    from captioncheck.netfetch import FetchLimits, parse_networks

    data = json.loads(text)
    check = data.pop("check")
    check["index_path"] = index_spec(check["index_path"])
    fetch = data.pop("fetch")
    fetch["allow"] = parse_networks(",".join(fetch["allow"]))
    api_keys = frozenset(data.pop("api_keys"))
    rest = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}  # JSON lists were tuples
    return ApiSettings(check=Settings(**check), fetch=FetchLimits(**fetch), api_keys=api_keys, **rest)


def _settings(options: dict[str, Any]) -> ApiSettings:
    """Command-line options over environment over defaults."""
    from api.settings import ApiSettings
    from captioncheck.config import index_spec
    from captioncheck.netfetch import parse_networks

    settings = ApiSettings()
    check = settings.check
    check.index_path = index_spec(options["index_path"]) or check.index_path
    check.model = options["model"] or check.model
    check.clip_precision = options["clip_precision"] or check.clip_precision
    check.use_clip, check.use_ocr = not options["no_clip"], not options["no_ocr"]
    check.remember = not options["no_remember"]
    if options["allow_fetch"]:
        try:
            extra = parse_networks(",".join(options["allow_fetch"]))
        except ValueError as exc:
            raise InputError(f"--allow-fetch: {exc}; give networks like 127.0.0.1/32") from exc
        settings.fetch = dataclasses.replace(settings.fetch, allow=settings.fetch.allow + extra)
    settings.workers = options["workers"] or settings.workers
    settings.light_workers = settings.light_workers if options["light_workers"] is None else options["light_workers"]
    settings.remember_anonymous = options["remember_anonymous"] or settings.remember_anonymous
    settings.trusted_origins = options["trusted_origins"] or settings.trusted_origins
    settings.queue_size = settings.queue_size if options["queue_size"] is None else options["queue_size"]
    settings.request_timeout_s = options["timeout_s"] or settings.request_timeout_s
    settings.cors_origins = options["cors_origins"] or settings.cors_origins
    return settings
