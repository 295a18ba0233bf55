"""Bulk ingest: files and folders (recursive), metadata from options, a JSONL sidecar and the
files' own IPTC/XMP/EXIF, hashed in parallel, written in crash-safe batches.

Precedence of metadata, per field: --caption/--credit/... options, then the sidecar line, then
what is embedded in the file. Files with the same bytes (sha256) are merged into one photo.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from captioncheck._exceptions import CaptionCheckError, InputError
from captioncheck.index import hashes as H
from captioncheck.index.photoindex import PhotoIndex, PhotoMeta

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".avif", ".heic"}
SIDECAR_KEYS = {"file", "caption", "credit", "creator", "date", "place", "source_url", "page_url", "license"}
BATCH = 64  # photos per transaction
BATCH_SECONDS = 2.0  # ... or commit at least this often


@dataclass(frozen=True)
class Item:
    path: Path
    meta: PhotoMeta


@dataclass
class Hashed:
    """What a worker sends back: everything needed to insert, nothing heavy."""

    path: Path
    sha256: str = ""
    size: int = 0
    dims: tuple[int, int] = (0, 0)
    rows: list[H.HashRow] = field(default_factory=list)
    embedded: PhotoMeta = field(default_factory=PhotoMeta)
    error: str = ""


@dataclass
class IngestReport:
    added: int = 0
    merged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    photo_ids: list[int] = field(default_factory=list)


def collect(paths: Iterable[str | Path]) -> list[Path]:
    """Image files named or found (recursively, sorted) under the folders named."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES))
        elif p.is_file():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or folder; check the path")
    return out


def read_sidecar(path: str | Path) -> list[Item]:
    """Items of a JSONL sidecar: one object per line, `file` relative to the sidecar's folder."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read --meta {path} ({exc.strerror}); check the path") from exc
    items = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not JSON ({exc.msg}); write one JSON object per line") from exc
        if not isinstance(obj, dict) or not obj.get("file"):
            raise InputError(f'{path}:{n}: each line needs a "file" key (path relative to the sidecar)')
        unknown = set(obj) - SIDECAR_KEYS
        if unknown:
            raise InputError(f"{path}:{n}: unknown key {sorted(unknown)[0]!r}; allowed: {', '.join(sorted(SIDECAR_KEYS))}")
        items.append(Item((path.parent / obj["file"]).resolve(), PhotoMeta.from_dict(obj)))
    return items


def hash_file(item: Item, hasher: Callable[[bytes], H.ImageHashes] = H.hash_image) -> Hashed:
    """Worker: read, hash and read the embedded metadata of one file; errors become data."""
    out = Hashed(item.path)
    try:
        data = item.path.read_bytes()
        h = hasher(data)
        out.sha256, out.size, out.dims, out.rows = h.sha256, h.size, (h.width, h.height), h.rows
        out.embedded = PhotoMeta.from_embedded(data)
    except CaptionCheckError as exc:
        out.error = str(exc)
    except OSError as exc:
        out.error = f"cannot read ({exc.strerror or exc})"
    return out


def _hashed(items: list[Item], workers: int, hasher: Callable[[bytes], H.ImageHashes]) -> Iterator[Hashed]:
    work = functools.partial(hash_file, hasher=hasher)
    if workers <= 1 or len(items) < 4:
        yield from map(work, items)
        return
    with ProcessPoolExecutor(workers) as pool:
        yield from pool.map(work, items, chunksize=8)


def ingest(index: PhotoIndex, items: list[Item], *, workers: int | None = None, batch: int = BATCH,
           progress: Callable[[Hashed], None] | None = None,
           hasher: Callable[[bytes], H.ImageHashes] = H.hash_image) -> IngestReport:
    """Add every item; commits every `batch` photos or BATCH_SECONDS, and at the end.

    Files are hashed by `workers` processes (default: cores, at most 4) with `hasher` (a picklable
    function of the file's bytes; H.hash_image) while this process writes."""
    report = IngestReport()
    workers = workers if workers is not None else min(4, os.cpu_count() or 1)
    metas = {i.path: i.meta for i in items}
    pending, last = 0, time.monotonic()
    try:
        for h in _hashed(items, workers, hasher):
            if h.error:
                report.failed.append((str(h.path), h.error))
            else:
                meta = metas[h.path]
                existed = index.store.find_sha256(h.sha256) is not None
                pid = index.add_hashed(h.sha256, h.size, h.dims, h.rows, meta.filled_from(h.embedded), commit=False)
                report.photo_ids.append(pid)
                report.merged += existed
                report.added += not existed
                pending += 1
            if progress:
                progress(h)
            if pending >= batch or (pending and time.monotonic() - last > BATCH_SECONDS):
                index.commit()
                pending, last = 0, time.monotonic()
    finally:
        index.commit()
    return report


def plan(paths: Iterable[str | Path], meta: PhotoMeta, sidecar: str | Path | None = None) -> list[Item]:
    """Items to add: the sidecar's files and the paths given; option metadata wins over the sidecar."""
    items: dict[Path, Item] = {}
    if sidecar:
        for it in read_sidecar(sidecar):
            items[it.path] = Item(it.path, meta.filled_from(it.meta))
    for p in collect(paths):
        key = p.resolve()
        items[key] = Item(key, meta.filled_from(items[key].meta) if key in items else meta)
    return list(items.values())


__all__ = ["IMAGE_SUFFIXES", "IngestReport", "Item", "collect", "ingest", "plan", "read_sidecar"]
