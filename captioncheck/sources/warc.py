"""WARC and WACZ files read with warcio: a streaming scan into a capture table, and single
records read back by offset.

A WACZ is a zip holding `archive/*.warc(.gz)` (stored uncompressed, as the WACZ spec asks, so a
member is seekable) plus page lists and indexes; every WARC member is scanned. A record that
cannot be read (bad header, truncated body, broken gzip member) is recorded with its offset and
the scan resumes at the next record boundary found after it (a gzip member header or a
`WARC/1.x` line); the end of a truncated file simply ends its member.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from captioncheck._exceptions import InputError
from captioncheck.load import join_url
from captioncheck.sources.captures import Capture, CaptureTable

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
RESYNC_WINDOW = 1 << 20  # bytes searched per step for the next record after a damaged one
MAX_RESYNC_BYTES = 64 << 20  # give up on a member after this much unreadable data


def is_archive(path: Path) -> bool:
    name = path.name.lower()
    return name.endswith(WARC_SUFFIXES) or name.endswith(".wacz")


def members(path: Path) -> list[str]:
    """"" for a plain WARC; the WARC files inside a WACZ, in name order."""
    if not path.name.lower().endswith(".wacz"):
        return [""]
    try:
        with zipfile.ZipFile(path) as zf:
            names = sorted(n for n in zf.namelist() if n.startswith("archive/") and n.lower().endswith(WARC_SUFFIXES))
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{path}: not a readable WACZ (zip) file ({exc}); check the file") from exc
    if not names:
        raise InputError(f"{path}: this WACZ holds no archive/*.warc(.gz) file")
    return names


@lru_cache(maxsize=8)
def _zip(path: str, pid: int) -> zipfile.ZipFile:
    """One open zip per archive and process (`pid`: a forked worker never shares its parent's file offset)."""
    return zipfile.ZipFile(path)


@contextmanager
def open_member(path: Path, member: str) -> Iterator[IO[bytes]]:
    if not member:
        with path.open("rb") as fh:
            yield fh
        return
    with _zip(str(path), os.getpid()).open(member) as fh:
        yield fh


def file_digest(path: Path) -> str:
    """SHA-256 of the archive file: the key of its capture table and of the resume records."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class ScanCounts:
    records: int = 0
    pages: int = 0
    damaged: int = 0


def scan(path: Path, table: CaptureTable, progress: Callable[[int], None] | None = None) -> ScanCounts:
    """One streaming pass: every record into `table`; memory stays flat."""
    counts = ScanCounts()
    for member in members(path):
        with open_member(path, member) as fh:
            _scan_member(fh, member, table, counts, progress)
    return counts


def _scan_member(fh: IO[bytes], member: str, table: CaptureTable, counts: ScanCounts,
                 progress: Callable[[int], None] | None) -> None:
    from warcio.archiveiterator import ArchiveIterator

    start, skipped = 0, 0
    while start >= 0 and skipped <= MAX_RESYNC_BYTES:
        fh.seek(start)
        it = ArchiveIterator(fh)
        reading: int | None = None  # start of the record whose body is being read
        try:
            for record in it:
                reading = offset = it.get_record_offset()
                capture = _capture(record, member, offset)
                it.read_to_end(record)
                if getattr(record.raw_stream, "limit", 0) > 0:
                    raise EOFError("record ends before its Content-Length (truncated)")
                reading = None
                counts.records += 1
                if capture is not None:
                    table.add(capture)
                    if _is_page(capture):
                        table.add_page(member, offset, capture.url, capture.date)
                        counts.pages += 1
                if progress:
                    progress(counts.records)
            return
        except Exception as exc:  # warcio's ArchiveLoadFailed, zlib/EOF errors, bad headers: all damage
            damaged_at = reading if reading is not None else int(getattr(it, "offset", start) or start)
            table.add_damage(member, damaged_at, f"{type(exc).__name__}: {exc}".strip())
            counts.damaged += 1
            nxt = _next_boundary(fh, damaged_at + 1)
            skipped += (nxt - damaged_at) if nxt >= 0 else 0
            start = nxt


def _next_boundary(fh: IO[bytes], pos: int) -> int:
    """Offset of the next record start at or after `pos` (gzip member or WARC header), else -1."""
    fh.seek(pos)
    scanned = 0
    carry = b""
    while scanned < MAX_RESYNC_BYTES:
        block = fh.read(RESYNC_WINDOW)
        if not block:
            return -1
        data = carry + block
        base = pos + scanned - len(carry)
        hits = [i for i in (data.find(b"\x1f\x8b\x08"), data.find(b"WARC/1.")) if i >= 0]
        if hits:
            return base + min(hits)
        carry = data[-8:]
        scanned += len(block)
    return -1


def _capture(record: Any, member: str, offset: int) -> Capture | None:
    kind = record.rec_type
    if kind not in ("response", "revisit", "resource"):
        return None
    h = record.rec_headers
    url = (h.get_header("WARC-Target-URI") or "").strip().strip("<>")
    if not url:
        return None
    http = record.http_headers
    if kind == "resource" or http is None:
        status, ctype, location = 200, h.get_header("Content-Type") or "", ""
    else:
        code = http.get_statuscode() or "0"
        status = int(code) if code.isdigit() else 0
        ctype = http.get_header("Content-Type") or ""
        loc = http.get_header("Location") or ""
        location = join_url(url, loc.strip()) if loc else ""  # "" where urljoin refuses it: no redirect to follow
    return Capture(
        url=url, date=h.get_header("WARC-Date") or "", member=member, offset=offset,
        kind="revisit" if kind == "revisit" else "response", status=status,
        mime=ctype.split(";", 1)[0].strip().lower(), location=location,
        digest=h.get_header("WARC-Payload-Digest") or "",
        refers_url=h.get_header("WARC-Refers-To-Target-URI") or "", refers_date=h.get_header("WARC-Refers-To-Date") or "",
    )


def _is_page(c: Capture) -> bool:
    return c.kind == "response" and 200 <= c.status < 300 and c.mime in HTML_TYPES


@dataclass
class Payload:
    url: str
    date: str
    content_type: str
    data: bytes


def read_payload(path: Path, member: str, offset: int, max_bytes: int) -> Payload:
    """The HTTP payload (de-chunked, content-decoded) of the record at `offset`; raises InputError."""
    from warcio.archiveiterator import ArchiveIterator

    try:
        with open_member(path, member) as fh:
            fh.seek(offset)
            record = next(iter(ArchiveIterator(fh)))
            data = record.content_stream().read(max_bytes + 1)
    except StopIteration as exc:
        raise InputError(f"{path}@{offset}: no record there") from exc
    except Exception as exc:
        raise InputError(f"{path}@{offset}: unreadable record ({type(exc).__name__}: {exc})") from exc
    if len(data) > max_bytes:
        raise InputError(f"{path}@{offset}: record larger than {max_bytes:,} bytes; skipped")
    h = record.rec_headers
    ctype = record.http_headers.get_header("Content-Type") if record.http_headers else h.get_header("Content-Type")
    return Payload(url=(h.get_header("WARC-Target-URI") or "").strip("<>"), date=h.get_header("WARC-Date") or "",
                   content_type=ctype or "", data=data)


def charset_of(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


__all__ = ["HTML_TYPES", "Payload", "ScanCounts", "charset_of", "file_digest", "is_archive", "members", "read_payload", "scan"]
