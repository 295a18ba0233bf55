"""Page inputs behind one interface: a saved file, a URL (SSRF-safe fetcher) or a WARC/WACZ record.

    refs = plan_inputs(paths, workdir)        # small, picklable PageRefs (archives scanned once)
    page = open_page(ref)                      # OpenedPage: PageSource + capture time + image getter

A `PageRef` is what an engine ships to a worker; `open_page` runs in the worker. Images of an
archived page are read from the archive's own records (redirects and revisits followed), never
from the network; images of a fetched URL go through the same safe fetcher as the page.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from captioncheck._exceptions import InputError
from captioncheck.load import PageSource, decode_html, load_page
from captioncheck.sources import warc
from captioncheck.sources.prepare import PreparedArchive, prepare_archive
from captioncheck.sources.refs import PageRef

PAGE_SUFFIXES = (".html", ".htm", ".xhtml", ".mhtml", ".mht")
MAX_PAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_BYTES = 30 * 1024 * 1024


@dataclass
class OpenedPage:
    ref: PageRef
    source: PageSource
    seen_at: str  # when the page was captured (WARC-Date), saved (file time) or fetched
    image: Callable[[str], bytes] | None = None  # image bytes by URL; None: only saved copies

    @property
    def url(self) -> str:
        return self.source.url


@dataclass
class Plan:
    """The pages of the inputs: counted up front, streamed when run (memory stays flat)."""

    archives: list[PreparedArchive] = field(default_factory=list)
    inputs: list[PreparedArchive | list[PageRef]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(i.pages if isinstance(i, PreparedArchive) else len(i) for i in self.inputs)

    def large_records_warning(self) -> str:
        """What the scan left unread for its size, said once ("" when nothing)."""
        from captioncheck.sources.warc import MAX_RECORD_BYTES

        large = [(a.path.name, a.skipped_large) for a in self.archives if a.skipped_large]
        if not large:
            return ""
        where = ", ".join(f"{n} in {name}" for name, n in large)
        return (f"{sum(n for _, n in large)} record(s) over {MAX_RECORD_BYTES >> 20} MiB listed but not read ({where}): "
                "a crawl's video or a compressed bomb; extract such a record yourself if it is a page you need")

    def refs(self) -> Iterator[PageRef]:
        for item in self.inputs:
            yield from (item.refs() if isinstance(item, PreparedArchive) else item)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _iso(warc_date: str) -> str:
    return warc_date.replace("Z", "+00:00") if warc_date.endswith("Z") else warc_date


def plan_inputs(paths: list[Path], workdir: Path, *, urls_allowed: bool = True,
                progress: Callable[[str, int], None] | None = None) -> Plan:
    """PageRefs of every page of the inputs: archives (scanned), folders/files of saved pages, URL lists."""
    plan = Plan()
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(PAGE_SUFFIXES))
            plan.inputs.append([PageRef("file", str(p)) for p in found])
        elif not path.is_file():
            raise InputError(f"{path}: no such file or folder; check the path")
        elif warc.is_archive(path):
            prepared = prepare_archive(path, workdir, progress)
            plan.archives.append(prepared)
            plan.inputs.append(prepared)
        elif path.name.lower().endswith(PAGE_SUFFIXES):
            plan.inputs.append([PageRef("file", str(path))])
        elif urls_allowed:
            plan.inputs.append([PageRef("url", u, url=u) for u in read_url_list(path)])
        else:
            raise InputError(f"{path}: not a WARC/WACZ archive (.warc, .warc.gz, .wacz)")
    return plan


def read_url_list(path: Path) -> Iterator[str]:
    """http(s) URLs of a text file, one per line ('#' comments and blank lines skipped)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read it as a text file of URLs ({exc}); give archives, saved pages or URLs") from exc
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith(("http://", "https://")):
            raise InputError(f"{path}:{n}: {line[:80]!r} is not an http(s) URL; one URL per line")
        yield line


def open_page(ref: PageRef, *, fetch_images: bool = False) -> OpenedPage:
    """Read the page `ref` points to; raises InputError when it cannot be read."""
    if ref.kind == "archive":
        return _open_archived(ref)
    if ref.kind == "file":
        path = Path(ref.location)
        source = load_page(path)
        seen = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0).isoformat()
        return OpenedPage(ref, source, seen, _fetcher().fetch_image if fetch_images else None)
    if ref.kind == "url":
        fetched = _fetcher().fetch_page(ref.location)
        html, charset = decode_html(fetched.data)
        return OpenedPage(ref, PageSource(html=html, url=fetched.url, charset=charset), now_iso(), _fetcher().fetch_image)
    raise InputError(f"unknown page input kind {ref.kind!r}")


def _open_archived(ref: PageRef) -> OpenedPage:
    payload = warc.read_payload(Path(ref.location), ref.member, ref.offset, MAX_PAGE_BYTES)
    html, charset = decode_html(payload.data, warc.charset_of(payload.content_type))
    source = PageSource(html=html, url=payload.url, charset=charset)
    return OpenedPage(ref, source, _iso(payload.date), ArchivedImages(ref, payload.date))


class ArchivedImages:
    """Image bytes by URL from the archive's own records (the capture nearest the page's)."""

    def __init__(self, ref: PageRef, near: str) -> None:
        self.ref = ref
        self.near = near

    def __call__(self, url: str) -> bytes:
        from captioncheck.sources.captures import CaptureTable

        table: CaptureTable = _table(self.ref.captures, os.getpid())
        found = table.resolve(url, self.near)
        if found is None:
            raise InputError("not in the archive")
        if found.status >= 400 or found.status < 200:
            raise InputError(f"archived with HTTP status {found.status}")
        return warc.read_payload(Path(self.ref.location), found.member, found.offset, MAX_IMAGE_BYTES).data


@lru_cache(maxsize=16)
def _table(path: str, pid: int) -> Any:
    """One read-only capture table connection per archive and process (never inherited through fork)."""
    from captioncheck.sources.captures import CaptureTable

    return CaptureTable(path)


def _fetcher() -> Any:
    return _fetcher_of(os.getpid())


@lru_cache(maxsize=1)
def _fetcher_of(pid: int) -> Any:
    from captioncheck.netfetch import SafeFetcher

    return SafeFetcher()


__all__ = ["OpenedPage", "PageRef", "Plan", "PreparedArchive", "now_iso", "open_page", "plan_inputs", "read_url_list"]
