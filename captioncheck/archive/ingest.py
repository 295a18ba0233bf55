"""`index add-archive`: fill the index with sightings from WARC/WACZ files.

    scan each archive once (capture table) -> page records in chunks (record ranges) -> engine
    (local process pool or Ray) runs `pages.sightings_of_chunk` -> this process writes photos
    (origin="seen"), sightings and resume records, one transaction per batch of pages.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from captioncheck.archive.pages import IngestJob, PageOut, sightings_of_chunk
from captioncheck.archive.progress import ArchiveProgress
from captioncheck.engines import Engine, Stage
from captioncheck.index.photoindex import PhotoIndex, PhotoMeta
from captioncheck.sources import PageRef, Plan

CHUNK = 8  # pages per work item: consecutive records of one archive
BATCH_PAGES = 64  # pages per transaction
BATCH_SECONDS = 2.0


@dataclass
class IngestTotals:
    records: int = 0
    pages: int = 0  # pages processed in this run
    skipped_done: int = 0  # pages done by an earlier run
    images: int = 0  # article images hashed
    sightings: int = 0  # new sightings stored
    new_photos: int = 0
    page_errors: list[tuple[str, str]] = field(default_factory=list)  # (page key, why)
    image_errors: int = 0
    damaged: list[tuple[str, str, int, str]] = field(default_factory=list)  # (archive, member, offset, error)


def chunks(refs: Iterable[PageRef], size: int = CHUNK) -> Iterator[list[PageRef]]:
    """Consecutive pages of the same archive, `size` at a time."""
    it = iter(refs)
    buf: list[PageRef] = []
    for ref in it:
        if buf and (len(buf) >= size or buf[-1].archive != ref.archive):
            yield buf
            buf = []
        buf.append(ref)
    if buf:
        yield buf


def write_page(index: PhotoIndex, progress: ArchiveProgress, page: PageOut, totals: IngestTotals) -> None:
    """Store one page's sightings and mark it done (uncommitted: the caller commits the batch)."""
    stored = 0
    for image in page.images:
        if image.error:
            totals.image_errors += 1
            continue
        totals.images += 1
        existed = index.store.find_sha256(image.sha256) is not None
        s = image.sighting
        meta = PhotoMeta(caption=s.caption, credit=s.credit, source_url=image.url, page_url=s.page_url,
                         date=s.published or s.seen_at)
        try:
            pid = index.add_hashed(image.sha256, image.size, image.dims, image.rows, meta, commit=False, origin="seen")
        except ValueError:  # seen in the index by the worker, removed since: count it as not stored
            totals.image_errors += 1
            continue
        totals.new_photos += not existed
        stored += index.store.add_sighting(pid, s, commit=False)
    totals.sightings += stored
    if page.error:
        totals.page_errors.append((page.ref.key, page.error))
    progress.mark(page.ref, page.url, len(page.images), stored, page.error)
    totals.pages += 1


def add_archives(index: PhotoIndex, plan: Plan, engine: Engine, *,
                 on_page: Callable[[PageOut, IngestTotals], None] | None = None) -> IngestTotals:
    """Ingest every page of `plan` not done before; commits every BATCH_PAGES pages or BATCH_SECONDS."""
    totals = IngestTotals(records=sum(a.records for a in plan.archives))
    totals.damaged = [(str(a.path), m, o, e) for a in plan.archives for m, o, e in a.damage]
    progress = ArchiveProgress(index.store)

    def todo() -> Iterator[PageRef]:
        for ref in plan.refs():
            if progress.is_done(ref):
                totals.skipped_done += 1
            else:
                yield ref

    pending, last = 0, time.monotonic()
    try:
        jobs = (IngestJob(refs, str(index.store.path)) for refs in chunks(todo()))
        for results in engine.run(jobs, [Stage("sightings", sightings_of_chunk)]):
            for page in results:
                write_page(index, progress, page, totals)
                pending += 1
                if on_page:
                    on_page(page, totals)
            if pending >= BATCH_PAGES or time.monotonic() - last > BATCH_SECONDS:
                index.commit()
                pending, last = 0, time.monotonic()
    finally:
        index.commit()
    return totals


def archive_totals(index: PhotoIndex, plan: Plan) -> dict[str, dict[str, int]]:
    progress = ArchiveProgress(index.store)
    return {str(a.path): progress.totals(a.digest) for a in plan.archives}



__all__ = ["IngestTotals", "add_archives", "archive_totals", "chunks", "write_page"]
