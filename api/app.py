"""The captioncheck HTTP API: `create_app(settings)` builds the FastAPI application.

    POST /v1/check          page URL (server fetches) or HTML + images from the extension -> CheckReport
    GET  /v1/health         liveness
    GET  /v1/info           version, model (loaded?), index size, limits
    POST /v1/index/search   image upload -> matches in the known-photo index
    POST /v1/index/photos   add a known photo with its metadata (API key required)
    GET  /docs              OpenAPI UI

The index is opened once at start-up; checks run in a bounded pool of worker processes, each
loading the model once (503 + Retry-After when full, 504 past the time budget, after which the
worker is killed and replaced). POST bodies must be JSON or multipart, arrive within a deadline
and come from no foreign web origin (api/limits.py, api/origins.py); every refusal has the shape
{"error": {"code", "message"}} (api/errors.py).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import Response

import captioncheck
from api import worker
from api.auth import check_key
from api.errors import ApiError, install_error_handler
from api.limits import BodyLimit, BodyTypes
from api.logs import log_requests
from api.origins import JsonCors, OriginGuard
from api.models import CheckRequest, ErrorResponse, HealthResponse, InfoResponse, PhotoAdded, SearchResponse
from api.runner import Runner
from api.service import Service
from api.settings import ApiSettings
from captioncheck._types import SCHEMA_VERSION
from captioncheck.netfetch import Resolver
from captioncheck.report.schema import CheckReport

_ERRORS: dict[int | str, dict[str, Any]] = {status: {"model": ErrorResponse}
                                             for status in (400, 401, 403, 408, 413, 415, 422, 500, 502, 503, 504)}
WARM_UP_TIMEOUT_S = 900.0  # loading a large CLIP model from a slow disk


def create_app(settings: ApiSettings | None = None, *, resolver: Resolver | None = None) -> FastAPI:
    settings = settings or ApiSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service = Service(settings, resolver)
        if settings.preload:
            await asyncio.to_thread(service.load_index)
        app.state.service = service
        app.state.runner = Runner(settings.workers, settings.queue_size, settings.retry_after_s,
                                  initializer=worker.start, initargs=(settings, resolver, captioncheck_environment()),
                                  preload=("torch", "open_clip") if settings.check.use_clip else (),
                                  light_workers=settings.light_workers)
        if settings.preload:  # start the worker processes now (they load the model), not on the first check
            service.model = await app.state.runner.warm(worker.model_info, timeout_s=WARM_UP_TIMEOUT_S)
        yield
        app.state.runner.shutdown()
        service.close()

    app = FastAPI(title="captioncheck", version=captioncheck.__version__, lifespan=lifespan,
                  description="Catch photos used out of context on news pages.")
    install_error_handler(app)
    app.middleware("http")(log_requests)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, timeout_s=settings.body_timeout_s)
    app.add_middleware(BodyTypes)
    app.add_middleware(OriginGuard, trusted=(*settings.trusted_origins, *settings.cors_origins))
    if settings.cors_origins:
        app.add_middleware(JsonCors, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "X-API-Key", "Authorization"], max_age=600)
    _routes(app, settings)
    return app


LIGHT_BYTES = 256 * 1024
LIGHT_BUDGET_S = 3.0  # a light check still running after this goes on in the main pool (its worker is replaced)


def is_light(body: CheckRequest) -> bool:
    """A check that is quick by construction: a small page sent with every image's bytes, nothing to fetch
    (every step of a check is linear in its input, so a small input is a fast check)."""
    if body.html is None or any(image.data is None for image in body.images):
        return False
    return len(body.html) + sum(len(image.data or "") for image in body.images) <= LIGHT_BYTES


def captioncheck_environment() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name.startswith("CAPTIONCHECK_")}


def _routes(app: FastAPI, settings: ApiSettings) -> None:
    @app.get("/v1/health", response_model=HealthResponse)
    async def health() -> HealthResponse:
        return HealthResponse()

    @app.get("/v1/info", response_model=InfoResponse)
    async def info(request: Request) -> InfoResponse:
        service: Service = request.app.state.service
        index = await asyncio.to_thread(service.index_info)  # cheap; answers even when the check queue is full
        limits = {k: v for k, v in vars(settings.fetch).items() if k not in {"allow", "user_agent"}}
        return InfoResponse(version=captioncheck.__version__, schema_version=SCHEMA_VERSION, model=service.model,
                            index=index, limits=limits, workers=settings.workers, queue_size=settings.queue_size)

    @app.post("/v1/check", response_model=CheckReport, responses=_ERRORS)
    async def check(body: CheckRequest, request: Request) -> Response:
        """Check every article image of a page. Give `url` alone, or `html` + `url` (+ `images`)."""
        check_key(request, settings.api_keys, required=False)
        remember = bool(settings.api_keys) or settings.remember_anonymous  # with keys, check_key let only valid ones in
        deadline = time.monotonic() + settings.request_timeout_s
        runner: Runner = request.app.state.runner
        if is_light(body):  # the light lane first, briefly: a light request cannot hold it for long
            try:
                text = await runner.run_isolated(worker.check, body, deadline, remember,
                                                 timeout_s=min(LIGHT_BUDGET_S, settings.request_timeout_s), light=True)
                return Response(content=text, media_type="application/json")
            except ApiError as exc:
                if exc.code != "timeout" or deadline - time.monotonic() < 0.5:
                    raise
        text = await runner.run_isolated(worker.check, body, deadline, remember,
                                         timeout_s=max(0.5, deadline - time.monotonic()))
        return Response(content=text, media_type="application/json")

    @app.post("/v1/index/search", response_model=SearchResponse, responses=_ERRORS)
    async def search(request: Request, file: Annotated[UploadFile, File()], k: Annotated[int, Form(ge=1, le=50)] = 5
                     ) -> SearchResponse:
        """Find known photos that look like the uploaded image."""
        check_key(request, settings.api_keys, required=False)
        data = await _read_upload(file, settings.fetch.max_image_bytes)
        matches, width, height = await request.app.state.runner.run(request.app.state.service.search, data, k,
                                                                    timeout_s=settings.request_timeout_s)
        return SearchResponse(matches=matches, width=width, height=height)

    def require_key(request: Request) -> None:  # a dependency: refused before the form is validated
        check_key(request, settings.api_keys, required=True)

    @app.post("/v1/index/photos", response_model=PhotoAdded, status_code=201, responses=_ERRORS,
              dependencies=[Depends(require_key)])
    async def add_photo(request: Request, file: Annotated[UploadFile, File()], caption: Annotated[str, Form()] = "",
                        credit: Annotated[str, Form()] = "", creator: Annotated[str, Form()] = "",
                        source_url: Annotated[str, Form()] = "", page_url: Annotated[str, Form()] = "",
                        date: Annotated[str, Form()] = "", place: Annotated[str, Form()] = "",
                        license: Annotated[str, Form()] = "") -> PhotoAdded:  # noqa: A002
        """Add a known (original) photo with its metadata to the index. Needs an API key. `date`: ISO 8601."""
        from captioncheck.index.photoindex import is_iso_date

        if not is_iso_date(date):
            raise ApiError("validation_error", f"date: {date[:100]!r} is not ISO 8601; write e.g. 2019-03-08 or "
                           "2019-03-08T14:02:00Z")
        data = await _read_upload(file, settings.fetch.max_image_bytes)
        meta = {"caption": caption, "credit": credit, "creator": creator, "source_url": source_url,
                "page_url": page_url, "date": date, "place": place, "license": license}
        photo_id, photos = await request.app.state.runner.run(request.app.state.service.add_photo, data, meta,
                                                              timeout_s=settings.request_timeout_s)
        return PhotoAdded(photo_id=photo_id, photos=photos)


async def _read_upload(file: UploadFile, max_bytes: int) -> bytes:
    data = await file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ApiError("too_large", f"uploaded image is over the limit of {max_bytes:,} bytes")
    if not data:
        raise ApiError("bad_input", "the uploaded file is empty")
    return data
