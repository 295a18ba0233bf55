"""check_page: the only place the stages meet.

    load -> extract -> image bytes (saved copy, data: URI, else the caller's fetch hook)
         -> safe decode -> signals -> cross-checks -> verdict -> CheckReport
         -> remember the images in the first-seen registry (unless settings.remember is False)

Nothing here touches the network by itself: remote images are only fetched through the
`fetch` callable a caller passes in (the API passes captioncheck.netfetch's safe fetcher; the
CLI passes none unless asked). A bad image is reported and skipped; the rest of the page is
still checked.

Memory does not grow with the number of images: images are read, decoded, run through the
signals and remembered CHUNK at a time, each decoded image is downscaled while it is decoded
(JPEG draft mode, then `Image.reduce`) to at most MAX_DECODED_SIDE on a side, and a page may
decode at most MAX_PAGE_PIXELS source pixels in all (the rest is reported as skipped).
"""

from __future__ import annotations

import base64
import binascii
import io
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from PIL import Image, ImageOps

from captioncheck._exceptions import CaptionCheckError, InputError
from captioncheck._types import ImageInContext, PageInfo, Reason
from captioncheck.config import Settings
from captioncheck.crosscheck import article_facts, candidate_contexts, cross_check
from captioncheck.crosscheck.compare import TextSimilarityFn
from captioncheck.crosscheck.models import TextSimilarity
from captioncheck.load import join_url
from captioncheck.report.schema import CheckReport, ImageReport
from captioncheck.signals import (
    BUILTIN_SIGNALS,
    Evidence,
    ImageItem,
    PageBatch,
    plugin_signals,
    registry,
)
from captioncheck.signals.index_match import remember
from captioncheck.signals.metadata import has_content
from captioncheck.verdict import ImageEvidence, judge, summarize

MAX_IMAGE_BYTES = 30 * 1024 * 1024
MAX_PIXELS = 50_000_000  # decompression-bomb guard (Pillow's own limit is ~89 MP)
MIN_SIDE = 16  # smaller images are icons/pixels, not photos
MAX_DECODED_SIDE = 2560  # signals never need more (OCR reads <= 2400, hashes 512, CLIP 224-384)
# a large image reduced by an integer factor to at least this long side is used as it is: resizing what `reduce`
# left (3500 px of a 7000-px PNG) to MAX_DECODED_SIDE cost 0.26 s per image, a quarter of a check of eight
# 49 MP PNGs; OCR reads at most 2400 px (the long side it gets is 2048-2560 either way), the other signals less
ENOUGH_SIDE = 2048
MAX_PAGE_PIXELS = 400_000_000  # source pixels decoded per check, all images together
CHUNK = 8  # images decoded and run through the signals at a time (CLIP's batch size)

Progress = Callable[[str, int, int], None]
Fetch = Callable[[str], bytes]
SIGNAL_LABELS = {"clip": "CLIP", "ocr": "OCR", "index_match": "photo index", "embedded_metadata": "embedded metadata"}


def _noop(stage: str, done: int, total: int) -> None:
    return None


def decode_image(data: bytes, max_side: int = MAX_DECODED_SIDE) -> Image.Image:
    """Decode image bytes safely (size, pixel and format checks), upright, RGB, downscaled while
    decoding to at most `max_side` on a side; raises InputError."""
    return _decode(data, max_side)[0]


def _decode(data: bytes, max_side: int) -> tuple[Image.Image, tuple[int, int]]:
    """(decoded image, its upright size in the file) -- the report gives the file's size."""
    if len(data) > MAX_IMAGE_BYTES:
        raise InputError(f"image is larger than {MAX_IMAGE_BYTES // 2**20} MiB")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise InputError(f"image of {w}x{h} pixels exceeds the {MAX_PIXELS // 1_000_000} MP limit")
            if min(w, h) < MIN_SIDE:
                raise InputError(f"image of {w}x{h} pixels is too small to check")
            turned = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # EXIF orientations that swap the sides
            small = _downscaled(img, max_side)
            if small is not img:
                img.close()  # frees the full-size pixels now, not when this function returns
            ImageOps.exif_transpose(small, in_place=True)  # upright for every signal alike (no copy)
            return (small if small.mode == "RGB" else small.convert("RGB")), ((h, w) if turned else (w, h))
        except InputError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InputError(f"image refused as a decompression bomb: {exc}") from exc
        except Exception as exc:  # UnidentifiedImageError, truncated files, codec errors
            raise InputError(f"not a readable image ({type(exc).__name__})") from exc


def _downscaled(img: Image.Image, max_side: int) -> Image.Image:
    """Decode at most about max_side on a side: JPEG decodes at 1/2, 1/4, 1/8 scale (draft), others
    are reduced by an integer factor right after decoding (one full-size image at a time)."""
    if max(img.size) <= max_side:
        img.load()
        return img
    if img.format == "JPEG":
        img.draft("RGB", (max_side, max_side))  # picks the smallest scale still >= max_side
    img.load()
    factor = max(img.size) // max_side
    if max(img.size) // (factor + 1) >= ENOUGH_SIDE:  # one more integer step leaves enough: no resize pass after it
        factor += 1
    if img.mode not in _REDUCIBLE:  # palette, bilevel, 16-bit...: convert first (one full-size copy)
        img = img.convert("RGBA" if img.mode in ("P", "PA") and "transparency" in img.info else "RGB")
    if factor >= 2:
        reduced = img.reduce(factor)
        reduced.info, reduced.format = img.info, img.format
        img = reduced
    if max(img.size) > max_side:
        img = img.resize(_fit(img.size, max_side), Image.Resampling.BILINEAR)
    return img


_REDUCIBLE = {"L", "LA", "RGB", "RGBA", "CMYK", "I", "F"}


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    scale = side / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _data_uri(url: str) -> bytes | None:
    if not url.startswith("data:") or ";base64," not in url[:200]:
        return None
    payload = url.split(",", 1)[1]
    if len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise InputError("inline data: image is too large")
    try:
        return base64.b64decode(payload, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise InputError("inline data: image is not valid base64") from exc


def _relative_copy(source: object, image: ImageInContext) -> bytes | None:
    """A relative image URL of a page saved without an address, resolved against the page file.
    Only files the loader already listed as the page's own saved copies are read."""
    path = getattr(source, "path", None)
    if path is None:
        return None
    base = Path(path).resolve().as_uri()
    for url in [image.url, *image.urls]:
        if url and "://" not in url and not url.startswith("data:"):
            joined = join_url(base, url)
            if not joined:  # urljoin refuses it (a broken IPv6 host): no saved copy
                continue
            found = source.local_copy(joined)  # type: ignore[attr-defined]
            if isinstance(found, bytes):
                return found
            if isinstance(found, Path):
                try:
                    return found.read_bytes()
                except OSError:
                    return None
    return None


def image_data(source: object, image: ImageInContext, fetch: Fetch | None) -> bytes:
    """The image's bytes: saved copy, data: URI, or the fetch hook; raises InputError."""
    local = source.image_bytes(image)  # type: ignore[attr-defined]
    if local is not None:
        return local
    local = _relative_copy(source, image)
    if local is not None:
        return local
    for url in [image.url, *image.urls]:
        data = _data_uri(url)
        if data is not None:
            return data
    if fetch is None:
        raise InputError("no saved copy of this image (pass --fetch to download it)")
    return _fetch_first(fetch, image)


MAX_FETCH_CANDIDATES = 3


def _fetch_first(fetch: Fetch, image: ImageInContext) -> bytes:
    """Fetch the best URL; when it is refused or fails, try the next candidates (bounded)."""
    candidates = [u for u in dict.fromkeys([image.url, *image.urls]) if u.startswith(("http://", "https://"))]
    first_error: InputError | None = None
    for url in candidates[:MAX_FETCH_CANDIDATES] or [image.url]:
        try:
            return fetch(url)
        except CaptionCheckError as exc:
            error = InputError(f"image not fetched: {exc}")
        except Exception as exc:  # a fetch hook's network error must not stop the page
            error = InputError(f"image not fetched ({type(exc).__name__}): {exc}")
        first_error = first_error or error
    raise first_error or InputError("image not fetched")


def _load(source: object, url: str | None) -> object:
    from captioncheck.load import PageSource, load_page

    if isinstance(source, PageSource):
        return source
    if isinstance(source, (str, Path)):
        return load_page(source, url=url)
    raise InputError(f"cannot check a {type(source).__name__}: give a saved page path or a PageSource")


def _signal_names(settings: Settings) -> list[str]:
    wanted = {"embedded_metadata": True, "index_match": settings.use_index, "ocr": settings.use_ocr, "clip": settings.use_clip}
    return [n for n in ("embedded_metadata", "index_match", "ocr", "clip") if wanted[n]] + list(plugin_signals()[0])


def _collect(signal: object, batch: PageBatch) -> list[Evidence]:
    try:
        return signal.collect(batch)  # type: ignore[attr-defined,no-any-return]
    except InputError:
        raise
    except Exception as exc:  # a broken signal plugin must not stop the check
        name = getattr(signal, "name", "signal")
        return [Evidence.error(name, f"{type(exc).__name__}: {exc}") for _ in batch.items]


def _run_signals(batch: PageBatch, names: list[str], progress: Progress) -> dict[str, list[Evidence]]:
    """Run the signals concurrently (OCR waits on tesseract processes while CLIP computes)."""
    signals = registry.create(names)
    out: dict[str, list[Evidence]] = {}
    progress("signals: " + ", ".join(SIGNAL_LABELS.get(n, n) for n in names), 0, len(names))
    with ThreadPoolExecutor(max_workers=max(1, len(signals)), thread_name_prefix="signal") as pool:
        futures = {pool.submit(_collect, sig, batch): sig.name for sig in signals}
        for done, future in enumerate(as_completed(futures), start=1):
            out[futures[future]] = future.result()
            progress(f"{SIGNAL_LABELS.get(futures[future], futures[future])} done", done, len(names))
    return {n: out[n] for n in names}


def _notices(reports: list[ImageReport]) -> list[str]:
    seen: dict[str, str] = {}
    for rep in reports:
        for name, note in rep.signal_notes.items():
            seen.setdefault(name, note)
    return [f"{SIGNAL_LABELS.get(n, n)} unavailable: {note}" for n, note in seen.items()]


def _caption_similarity(settings: Settings) -> TextSimilarityFn:
    """CLIP caption<->caption similarity with the model the clip signal already loaded (get_scorer is
    cached per process: no second model) and its embedding cache; None when it cannot be had."""
    def similarity(a: str, b: str) -> TextSimilarity | None:
        try:
            from captioncheck.signals.clip import get_scorer

            scorer = get_scorer(settings)
            sim = scorer.caption_similarity(a, b)
        except Exception:  # noqa: BLE001 - no weights, no torch, a model error: the comparison goes on without it
            return None
        return TextSimilarity(cosine=sim.cosine, usable=sim.scale.usable, agree_from=sim.scale.agree_from,
                              differ_below=sim.scale.differ_below, probe_auc=sim.scale.auc, model=scorer.loaded.label)

    return similarity


def _clip_scored(value: object) -> bool:
    return value is not None and getattr(value, "status", "ok") == "ok"


def _image_report(image: ImageInContext, item: ImageItem | None, size: tuple[int, int] | None, error: str,
                  evidence: dict[str, Evidence], facts: object, page: PageInfo,
                  similarity: TextSimilarityFn | None = None) -> ImageReport:
    values = {name: ev.value for name, ev in evidence.items() if ev.ok}
    notes = {name: ev.reason for name, ev in evidence.items() if not ev.ok}
    unavailable = sorted(notes) if item else sorted(SIGNAL_LABELS)
    matches = values.get("index_match") or []
    checks = cross_check(facts, image, matches, values.get("embedded_metadata"), values.get("ocr"),  # type: ignore[arg-type]
                         similarity if _clip_scored(values.get("clip")) else None)
    ev = ImageEvidence(
        checks=checks, matches=matches, ocr=values.get("ocr"), scores=values.get("clip"),
        embedded_present=has_content(values.get("embedded_metadata")) if "embedded_metadata" in values else False,
        embedded=values.get("embedded_metadata"),
        unavailable=unavailable, page_url=page.url, decoded=item is not None,
    )
    plugins = {name: value for name, value in values.items() if name not in BUILTIN_SIGNALS}
    ev.extra_reasons = [r for v in plugins.values() for r in (v if isinstance(v, list) else [v]) if isinstance(r, Reason)]
    judged = judge(ev)
    return ImageReport(
        **image.model_dump(), verdict=judged.verdict, points=judged.points, reasons=judged.reasons,
        scores=values.get("clip"), matches=matches, ocr=values.get("ocr"), embedded=values.get("embedded_metadata"),
        checks=checks, signals_unavailable=unavailable, signal_notes=notes, error=error,
        image_sha256=item.sha256 if item else "",
        image_size=list(size or item.pil.size) if item else [],
        plugins={name: _plain(value) for name, value in plugins.items()},
    )


def _plain(value: object) -> object:
    """A plugin's evidence as JSON-able data (pydantic models dumped)."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    dump = getattr(value, "model_dump", None)
    return dump(mode="json") if callable(dump) else value


def first_to_check(images: list[ImageInContext], count: int) -> list[ImageInContext]:
    """The `count` images a page of more gets checked for, in page order: the lead, then those with a caption or
    credit, then the rest, each in page order (uncaptioned inline pictures put first no longer hide a captioned
    photo after them)."""
    ranked = sorted(range(len(images)), key=lambda i: (images[i].role != "lead",
                                                       not (images[i].caption or images[i].credit), i))
    return [images[i] for i in sorted(ranked[:count])]


def check_page(source: object, settings: Settings, url: str | None = None, progress: Progress | None = None,
               fetch: Fetch | None = None) -> CheckReport:
    """Check every article image of a page; returns the full, explained report."""
    from captioncheck.extract import extract

    started, progress = time.monotonic(), progress or _noop
    progress("reading page", 0, 1)
    page_source = _load(source, url)
    result = extract(page_source, url=url, all_images=settings.all_images)  # type: ignore[arg-type]
    notices: list[str] = []
    images = result.images
    if len(images) > settings.max_images:
        notices.append(f"only {settings.max_images} of {len(images)} images were checked, the lead and captioned ones "
                       "first (settings.max_images)")
        images = first_to_check(images, settings.max_images)
    facts = article_facts(result.page, images)
    contexts = candidate_contexts(facts, images)
    names = _signal_names(settings)
    notices.extend(plugin_signals()[1])
    budget = _PixelBudget(MAX_PAGE_PIXELS)
    similarity = _caption_similarity(settings) if settings.use_clip else None
    reports: list[ImageReport] = []
    for start in range(0, len(images), CHUNK):  # decoded images of one chunk at a time, then dropped
        positions = range(start, min(start + CHUNK, len(images)))
        items, sizes, errors = _decode_chunk(page_source, images, positions, fetch, progress, budget)
        batch = PageBatch(page=result.page, items=list(items.values()), settings=settings, notices=notices,
                          contexts=contexts)
        evidence = _run_signals(batch, names, progress) if batch.items else {}
        batch_row = {pos: k for k, pos in enumerate(items)}  # image position -> row of the signals' output
        for pos in positions:
            item = items.get(pos)
            per_image = {name: evs[batch_row[pos]] for name, evs in evidence.items()} if item else {}
            reports.append(_image_report(images[pos], item, sizes.get(pos), errors.get(pos, ""), per_image, facts,
                                         result.page, similarity))
        if settings.use_index and settings.remember and batch.items:
            note = remember(batch, result.page.url, facts.countries)
            if note:
                notices.append(note)
        del items, batch, evidence
    notices[:] = list(dict.fromkeys([*notices, *_notices(reports)]))
    return CheckReport(page=result.page, images=reports, summary=summarize([r.verdict for r in reports]), notices=notices,
                       signals=names, elapsed_s=round(time.monotonic() - started, 2))


class _PixelBudget:
    """Source pixels a check may still decode; an image over what is left is skipped, not decoded."""

    def __init__(self, pixels: int) -> None:
        self.left = pixels

    def take(self, data: bytes) -> None:
        try:
            with Image.open(io.BytesIO(data)) as img:  # the header only
                pixels = img.size[0] * img.size[1]
        except Exception:  # noqa: BLE001 - unreadable: decode_image says why
            return
        if pixels > self.left:
            raise InputError(f"skipped: the page's budget of {MAX_PAGE_PIXELS // 1_000_000} MP of image pixels "
                             "is spent (the page has many very large images)")
        self.left -= pixels


def _decode_chunk(source: object, images: list[ImageInContext], positions: range, fetch: Fetch | None,
                  progress: Progress, budget: _PixelBudget
                  ) -> tuple[dict[int, ImageItem], dict[int, tuple[int, int]], dict[int, str]]:
    items: dict[int, ImageItem] = {}
    sizes: dict[int, tuple[int, int]] = {}
    errors: dict[int, str] = {}
    for pos in positions:
        progress("loading images", pos, len(images))
        try:
            data = image_data(source, images[pos], fetch)
            budget.take(data)
            pil, sizes[pos] = _decode(data, MAX_DECODED_SIDE)
            items[pos] = ImageItem(image=images[pos], data=data, pil=pil)
        except InputError as exc:
            errors[pos] = str(exc)
    return items, sizes, errors


__all__ = ["CHUNK", "MAX_DECODED_SIDE", "MAX_IMAGE_BYTES", "MAX_PAGE_PIXELS", "MAX_PIXELS", "check_page", "decode_image",
           "image_data"]
