"""`audit`: check every page of archives, folders of saved pages or URL lists; one row per image.

Two stages, so that Ray can run them apart: `load_chunk` (CPU: read the page, extract its
images, read their bytes from the archive or the safe fetcher) and `check_chunk` (the full check,
CLIP included, in an actor pool on Ray; the model loads once per worker either way).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from captioncheck._exceptions import CaptionCheckError
from captioncheck.sources import OpenedPage, PageRef, open_page

FLAGGED = ("suspicious", "inconsistent")
THUMB_SIDE = 240


@dataclass(frozen=True)
class AuditOptions:
    index_path: str | None = None
    use_clip: bool = True
    use_ocr: bool = True
    model: str | None = None
    fetch_images: bool = False  # saved pages: download images that were not saved (safe fetcher)
    originals: str | None = None  # folder of original photos for the side-by-side thumbnails


@dataclass
class LoadedPage:
    ref: PageRef
    page: OpenedPage | None = None
    error: str = ""


@dataclass
class AuditJob:
    refs: list[PageRef]
    options: AuditOptions
    loaded: list[LoadedPage] = field(default_factory=list)


def load_chunk(job: AuditJob) -> AuditJob:
    """Stage 1: each page read and its article images' bytes attached to the page (no model)."""
    from captioncheck.extract import extract
    from captioncheck.pipeline import image_data

    for ref in job.refs:
        try:
            page = open_page(ref, fetch_images=job.options.fetch_images)
            for image in extract(page.source).images:
                try:
                    page.source.local_images.setdefault(image.url, image_data(page.source, image, page.image))
                except CaptionCheckError:
                    continue  # reported by the check as this image's error
            page.image = None  # everything needed now travels with the page
            job.loaded.append(LoadedPage(ref, page))
        except CaptionCheckError as exc:
            job.loaded.append(LoadedPage(ref, error=str(exc)))
        except Exception as exc:  # a hostile page must not stop the audit
            job.loaded.append(LoadedPage(ref, error=f"page not read ({type(exc).__name__}: {exc})"))
    return job


def check_chunk(job: AuditJob) -> list[tuple[str, list[dict[str, Any]]]]:
    """Stage 2: the full check of each loaded page -> (page key, rows)."""
    from captioncheck.config import Settings
    from captioncheck.pipeline import check_page

    o = job.options
    settings = Settings(index_path=Path(o.index_path) if o.index_path else None, use_clip=o.use_clip, use_ocr=o.use_ocr,
                        remember=False)
    if o.model:
        settings.model = o.model
    out: list[tuple[str, list[dict[str, Any]]]] = []
    for loaded in job.loaded:
        if loaded.page is None:
            out.append((loaded.ref.key, [error_row(loaded.ref, loaded.error)]))
            continue
        try:
            report = check_page(loaded.page.source, settings)
        except CaptionCheckError as exc:
            out.append((loaded.ref.key, [error_row(loaded.ref, str(exc))]))
            continue
        except Exception as exc:
            out.append((loaded.ref.key, [error_row(loaded.ref, f"check failed ({type(exc).__name__}: {exc})")]))
            continue
        out.append((loaded.ref.key, rows_of(loaded.ref, loaded.page, report, o)))
    return out


def error_row(ref: PageRef, error: str) -> dict[str, Any]:
    return {"page_key": ref.key, "page_url": ref.url or (ref.location if ref.kind != "archive" else ""), "site": "",
            "seen_at": ref.date, "published": "", "image_url": "", "position": -1, "caption": "", "credit": "",
            "verdict": "unknown", "points": 0, "reasons": [], "best_match": None, "earliest_sighting": None,
            "error": error, "image_thumb": "", "original_thumb": ""}


def rows_of(ref: PageRef, page: OpenedPage, report: Any, options: AuditOptions) -> list[dict[str, Any]]:
    from captioncheck._types import Sighting

    site = Sighting(page_url=report.page.url or page.url).site
    thumbs, originals = _thumbs(page, report, options)
    rows = []
    for img in report.images:
        best = img.matches[0] if img.matches else None
        rows.append({
            "page_key": ref.key, "page_url": report.page.url or page.url, "site": site, "seen_at": page.seen_at,
            "published": report.page.published, "image_url": img.url, "position": img.position,
            "caption": img.caption, "credit": img.credit, "verdict": img.verdict, "points": img.points,
            "reasons": [r.code for r in img.reasons],
            "best_match": _match(best) if best else None,
            "earliest_sighting": _earliest(img.matches), "error": img.error,
            "image_thumb": thumbs.get(img.position, ""),
            "original_thumb": originals.get(best.photo_id, "") if best else "",
        })
    return rows


def _match(m: Any) -> dict[str, Any]:
    return {"photo_id": m.photo_id, "score": m.score, "origin": m.origin, "caption": m.caption, "credit": m.credit,
            "date": m.date, "place": m.place, "page_url": m.page_url, "transform": m.transform}


def _earliest(matches: list[Any]) -> dict[str, Any] | None:
    seen = [s for m in matches for s in m.sightings if s.when]
    if not seen:
        return None
    s = min(seen, key=lambda s: s.when)
    return {"page_url": s.page_url, "site": s.site, "when": s.when, "seen_at": s.seen_at, "published": s.published,
            "caption": s.caption, "credit": s.credit, "source": s.source}


def _thumbs(page: OpenedPage, report: Any, options: AuditOptions) -> tuple[dict[int, str], dict[int, str]]:
    """Small JPEGs (base64) of flagged images and of their matched originals, for the HTML summary."""
    flagged = [img for img in report.images if img.verdict in FLAGGED]
    if not flagged:
        return {}, {}
    from captioncheck.config import default_index_path
    from captioncheck.report.assets import original_thumbnails, thumbnail

    thumbs: dict[int, str] = {}
    for img in flagged:
        data = page.source.image_bytes(img)
        small = thumbnail(data, THUMB_SIDE) if data else None
        if small:
            thumbs[img.position] = base64.b64encode(small).decode("ascii")
    index_path = Path(options.index_path) if options.index_path else default_index_path()
    folder = Path(options.originals) if options.originals else index_path.parent / "originals"
    try:
        found = original_thumbnails(report, index_path if index_path.is_file() else None, folder)
    except CaptionCheckError:
        found = {}
    return thumbs, {pid: base64.b64encode(b).decode("ascii") for pid, b in found.items()}


__all__ = ["AuditJob", "AuditOptions", "check_chunk", "error_row", "load_chunk", "rows_of"]
