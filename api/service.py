"""What the endpoints do, as plain sync code run in the worker pool: fetch, gather images, check.

Model and index are loaded once (`Service.load`, at start-up); every fetch goes through the safe
fetcher; a bad or unreachable image is skipped with a notice in the report, the rest of the page
is still checked.
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
from api.models import CheckRequest, ImagePayload, IndexInfo, ModelInfo
from api.settings import ApiSettings
from captioncheck._exceptions import CaptionCheckError, FetchRefused
from captioncheck.netfetch import Resolver, SafeFetcher, check_image

log = logging.getLogger("captioncheck.api")


class Service:
    def __init__(self, settings: ApiSettings, resolver: Resolver | None = None) -> None:
        self.settings = settings
        self.fetcher = SafeFetcher(settings.fetch, resolver)
        self.model = ModelInfo(spec=settings.check.model, enabled=settings.check.use_clip, loaded=False)
        self.index: Any = None
        self.index_error = ""
        self._index_lock = threading.Lock()

    # ------------------------------------------------------------------ start-up / shutdown

    def load(self) -> None:
        """Load the CLIP model and open the index once; failures are kept for /v1/info, not raised."""
        check = self.settings.check
        if check.use_index:
            try:
                from captioncheck.index import open_index

                self.index = open_index(check.resolved_index_path(), create=True)
            except CaptionCheckError as exc:
                self.index_error = str(exc)
        if check.use_clip:
            try:
                from captioncheck.signals.clip import get_scorer

                get_scorer(check)  # loads the weights; cached for the process, reused by every check
                self.model.loaded = True
            except CaptionCheckError as exc:
                self.model.error = str(exc)
        log.info("service loaded", extra={"event": "startup", "model_loaded": self.model.loaded,
                                          "model_error": self.model.error, "index_error": self.index_error})

    def close(self) -> None:
        self.fetcher.close()
        if self.index is not None:
            self.index.close()

    # ------------------------------------------------------------------ endpoints

    def index_info(self) -> IndexInfo:
        check = self.settings.check
        info = IndexInfo(path=str(check.resolved_index_path()), enabled=check.use_index, error=self.index_error)
        if self.index is not None:
            with self._index_lock:
                info.stats = dict(self.index.stats())
            photos = info.stats.get("photos")
            info.photos = photos if isinstance(photos, int) else None
        return info

    def check(self, request: CheckRequest, deadline: float) -> str:
        """Run one check and return the report as JSON text (the CLI's `--format json` output)."""
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
        images = self._gather_images(html, url, given, request.all_images, deadline, notices)
        settings = dataclasses.replace(self.settings.check, all_images=request.all_images,
                                       max_images=min(self.settings.check.max_images, self.settings.fetch.max_images))
        report = check_page(page_from_html(html, url, images), settings, url=url or None,
                            progress=DeadlineProgress(deadline))
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

    def _gather_images(self, html: str | bytes, url: str, given: dict[str, bytes], all_images: bool,
                       deadline: float, notices: list[str]) -> dict[str, bytes]:
        """Bytes for every image the check will look at: given by the client, else fetched safely."""
        from captioncheck.extract import extract
        from captioncheck.load import page_from_html

        source = page_from_html(html, url, given)
        images = extract(source, url=url or None, all_images=all_images).images
        limit = self.settings.fetch.max_images
        if len(images) > limit:
            notices.append(f"the page has {len(images)} images; only the first {limit} were checked")
        found = dict(given)
        for image in images[:limit]:
            if source.image_bytes(image) is not None:
                continue
            if time.monotonic() > deadline:
                notices.append("time budget spent: the remaining images were not fetched")
                break
            data = self._fetch_first(image.url, image.urls, deadline, notices)
            if data is not None:
                found[image.url] = data
        return found

    def _fetch_first(self, url: str, urls: list[str], deadline: float, notices: list[str]) -> bytes | None:
        candidates = list(dict.fromkeys([u for u in [url, *urls] if u]))[:2]
        problem = ""
        for candidate in candidates:
            try:
                return self.fetcher.fetch_image(candidate, deadline)
            except FetchRefused as exc:
                problem = str(exc)
        if candidates:
            notices.append(f"image {url[:200]} skipped: {problem}")
        return None


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
