"""Per-page work for `index add-archive`, run in worker processes or Ray tasks.

    archived page -> extract -> article facts (language, countries) -> each article image from
    the archive's own records -> hashes -> Sightings (source="archive")

Workers return small, picklable results; only the writer (`ingest.py`) touches the index.
"""

from __future__ import annotations

import os
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

from captioncheck._exceptions import CaptionCheckError
from captioncheck._types import Sighting
from captioncheck.index import hashes as H
from captioncheck.sources import PageRef, open_page

HASH_CACHE = 512  # photos hashed per worker kept by SHA-256 (one photo on many pages is hashed once)
_cache: OrderedDict[str, tuple[tuple[int, int], list[H.HashRow]]] = OrderedDict()


@dataclass
class ImageOut:
    url: str
    sighting: Sighting
    sha256: str = ""
    size: int = 0
    dims: tuple[int, int] = (0, 0)
    rows: list[H.HashRow] = field(default_factory=list)
    error: str = ""


@dataclass
class PageOut:
    ref: PageRef
    url: str = ""
    images: list[ImageOut] = field(default_factory=list)
    error: str = ""


@dataclass(frozen=True)
class IngestJob:
    """One work item: consecutive pages of one archive, and the index being filled (read-only
    here: a photo already in it by SHA-256 is not hashed again)."""

    refs: list[PageRef]
    index_path: str = ""


@lru_cache(maxsize=4)
def _known(index_path: str, pid: int) -> sqlite3.Connection | None:
    """A read-only connection per index and process (`pid`: never one inherited through fork)."""
    try:
        return sqlite3.connect(f"file:{index_path}?mode=ro", uri=True, check_same_thread=False, timeout=30)
    except sqlite3.Error:
        return None


def _in_index(index_path: str, digest: str) -> bool:
    conn = _known(index_path, os.getpid()) if index_path else None
    if conn is None:
        return False
    try:
        return conn.execute("SELECT 1 FROM photos WHERE sha256 = ?", (digest,)).fetchone() is not None
    except sqlite3.Error:
        return False


def _hashed(data: bytes, index_path: str = "") -> tuple[str, tuple[int, int], list[H.HashRow]]:
    digest = H.sha256(data)
    if _in_index(index_path, digest):
        return digest, (0, 0), []  # the writer merges it into the stored photo: no hashes needed
    hit = _cache.get(digest)
    if hit is None:
        img = H.decode(data)
        hit = (img.size, H.index_hashes(img))
        _cache[digest] = hit
        if len(_cache) > HASH_CACHE:
            _cache.popitem(last=False)
    else:
        _cache.move_to_end(digest)
    return digest, hit[0], hit[1]


def sightings_of(ref: PageRef, index_path: str = "") -> PageOut:
    """Every article image of one archived page as a hashed sighting; failures become data."""
    from captioncheck.crosscheck import article_facts
    from captioncheck.extract import extract
    from captioncheck.pipeline import image_data

    out = PageOut(ref, url=ref.url)
    try:
        page = open_page(ref)
        result = extract(page.source)
    except CaptionCheckError as exc:
        out.error = str(exc)
        return out
    except Exception as exc:  # a hostile page must not stop the archive
        out.error = f"page not extracted ({type(exc).__name__}: {exc})"
        return out
    info = result.page
    out.url = info.url or page.url
    facts = article_facts(info, result.images)
    for image in result.images:
        sighting = Sighting(page_url=out.url, seen_at=page.seen_at, published=info.published, caption=image.caption,
                            credit=image.credit, alt=image.alt, lang=facts.language or info.language,
                            countries=sorted(facts.countries), source="archive")
        item = ImageOut(url=image.url, sighting=sighting)
        try:
            data = image_data(page.source, image, page.image)
            item.sha256, item.dims, item.rows = _hashed(data, index_path)
            item.size = len(data)
        except CaptionCheckError as exc:
            item.error = str(exc)
        except Exception as exc:
            item.error = f"image not hashed ({type(exc).__name__}: {exc})"
        out.images.append(item)
    return out


def sightings_of_chunk(job: IngestJob) -> list[PageOut]:
    """What an engine runs: one chunk of consecutive pages (a record range of one archive)."""
    return [sightings_of(ref, job.index_path) for ref in job.refs]


__all__ = ["ImageOut", "IngestJob", "PageOut", "sightings_of", "sightings_of_chunk"]
