"""What the endpoints do, as plain sync code: fetch, decode, check.

The server process opens the index once (`load_index`: /v1/info, search, adding photos); each
check worker process loads the CLIP model once (`load_model`, api/worker.py) and runs `check`.
Every fetch goes through the safe
fetcher (the page here, images through the pipeline's `fetch` hook); a bad or unreachable image
is reported and skipped, the rest of the page is still checked.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import logging
import threading
import time
from typing import Any

from api.errors import ApiError
from api.models import CheckRequest, ImagePayload, IndexFreshness, IndexInfo, ModelInfo
from api.settings import ApiSettings
from captioncheck._exceptions import CaptionCheckError, FetchRefused
from captioncheck.netfetch import Resolver, SafeFetcher, check_image

log = logging.getLogger("captioncheck.api")


class Service:
    def __init__(self, settings: ApiSettings, resolver: Resolver | None = None) -> None:
        self.settings = settings
        self.fetcher = SafeFetcher(settings.fetch, resolver)
        self.model = ModelInfo(spec=settings.check.model, enabled=settings.check.use_clip, loaded=False,
                               precision=settings.check.clip_precision)
        self.index: Any = None
        self.index_error = ""
        self._index_lock = threading.Lock()

    # ------------------------------------------------------------------ start-up / shutdown

    def load_index(self) -> None:
        """Open the index once (server process); a failure is kept for /v1/info, not raised."""
        check = self.settings.check
        if check.use_index:
            try:
                from captioncheck.index import open_index

                self.index = open_index(check.resolved_index_spec(), create=True)
                self.index.sync(force=True)  # every hash loaded once, before the first request
            except CaptionCheckError as exc:
                self.index_error = str(exc)
        log.info("index opened", extra={"event": "startup", "index_error": self.index_error})

    def load_model(self) -> None:
        """Load the CLIP model once (check worker process); a failure is kept for /v1/info, not raised."""
        check = self.settings.check
        if check.use_clip:
            try:
                from captioncheck.signals.clip import get_scorer

                scorer = get_scorer(check)  # loads the weights; cached for the process, reused by every check
                self.model.loaded = True
                self.model.model_id = scorer.loaded.model_id
            except CaptionCheckError as exc:
                self.model.error = str(exc)
        log.info("model loaded", extra={"event": "startup", "model_loaded": self.model.loaded,
                                        "model_error": self.model.error})

    def close(self) -> None:
        self.fetcher.close()
        if self.index is not None:
            self.index.close()

    # ------------------------------------------------------------------ endpoints

    def index_info(self) -> IndexInfo:
        check = self.settings.check
        from captioncheck.index.backends import display

        info = IndexInfo(path=display(check.resolved_index_spec()), enabled=check.use_index, error=self.index_error)
        if self.index is not None:
            with self._index_lock:
                info.stats = dict(self.index.stats())
            photos = info.stats.get("photos")
            info.photos = photos if isinstance(photos, int) else None
        return info

    def index_freshness(self) -> IndexFreshness | None:
        """The generation and lag of this process's searcher; None without an index (or when it fails)."""
        if self.index is None:
            return None
        try:
            return IndexFreshness(**self.index.freshness())
        except CaptionCheckError:
            return None

    def check(self, request: CheckRequest, deadline: float, *, remember: bool = False) -> str:
        """Run one check and return the report as JSON text (the CLI's `--format json` output).

        `remember`: record the page's images in the first-seen registry (the caller decides:
        only authenticated requests, or every one where the operator allows it)."""
        from captioncheck.load import page_from_html
        from captioncheck.pipeline import check_page
        from captioncheck.report.jsonfmt import to_json

        notices: list[str] = []
        if request.html is None:
            page = self.fetcher.fetch_page(request.url, deadline)
            html: str | bytes = page.data
            url = page.url
        else:
            html, url = request.html, request.url
        given = decode_images(request.images, self.settings, notices)
        settings = dataclasses.replace(self.settings.check, all_images=request.all_images,
                                       remember=self.settings.check.remember and remember,
                                       max_images=min(self.settings.check.max_images, self.settings.fetch.max_images))

        def fetch(image_url: str) -> bytes:  # the pipeline's hook for images the client did not send
            return self.fetcher.fetch_image(image_url, deadline)

        report = check_page(page_from_html(html, url, given), settings, url=url or None,
                            progress=DeadlineProgress(deadline), fetch=fetch)
        report.notices.extend(notices)
        return to_json(report)

    def search(self, data: bytes, k: int) -> tuple[list[Any], int, int]:
        info = check_image(data, self.settings.fetch, what="uploaded image")
        with self._index_lock:
            return self._require_index().search(data, k=k), info.width, info.height

    def add_photo(self, data: bytes, meta: dict[str, str]) -> tuple[int, int | None]:
        from captioncheck.index import PhotoMeta

        check_image(data, self.settings.fetch, what="uploaded image")
        with self._index_lock:
            index = self._require_index()
            photo_id = index.add_photo(data, PhotoMeta(**meta))
            photos = index.stats().get("photos")
        return photo_id, photos if isinstance(photos, int) else None

    # ------------------------------------------------------------------ helpers

    def _require_index(self) -> Any:
        if self.index is None:
            raise ApiError("index_error", f"the photo index is not available ({self.index_error or 'disabled'}); "
                           "start the server with --index PATH")
        return self.index


class DeadlineProgress:
    """Progress callback for check_page that stops the check once the request's time budget is spent."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __call__(self, *args: object, **kwargs: object) -> None:
        if time.monotonic() > self.deadline:
            raise ApiError("timeout", "the check ran out of time; try a page with fewer images")


def decode_images(payloads: list[ImagePayload], settings: ApiSettings, notices: list[str]) -> dict[str, bytes]:
    """Base64 image bytes sent by the client, by URL; malformed base64 refuses the request, a bad image is skipped."""
    limits = settings.fetch
    if len(payloads) > limits.max_images:
        raise ApiError("too_many_images", f"{len(payloads)} images sent; at most {limits.max_images} per request "
                       "(send the article's images only)")
    found: dict[str, bytes] = {}
    for number, payload in enumerate(payloads, 1):
        if not payload.data:
            continue
        text = payload.data.split(",", 1)[1] if payload.data.startswith("data:") else payload.data
        if len(text) * 3 // 4 > limits.max_image_bytes:
            notices.append(f"image {payload.url[:200]} skipped: over the limit of {limits.max_image_bytes:,} bytes")
            continue
        try:
            data = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ApiError("bad_base64", f"images[{number - 1}].data is not valid base64 ({exc})") from exc
        try:
            check_image(data, limits, what=f"image {payload.url[:200]}")
        except FetchRefused as exc:
            notices.append(f"{exc}; skipped")
            continue
        found[payload.url] = data
    return found
