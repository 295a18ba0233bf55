"""WARC and WACZ files read with warcio: a streaming scan into a capture table, and single
records read back by offset.

A WACZ is a zip holding `archive/*.warc(.gz)` (stored uncompressed, as the WACZ spec asks, so a
member is seekable) plus page lists and indexes; every WARC member is scanned. A record that
cannot be read (bad header, truncated body, broken gzip member) is recorded with its offset and
the scan resumes at the next record boundary found after it (a gzip member header or a
`WARC/1.x` line); the end of a truncated file simply ends its member.

The scan never inflates more than it needs (a gzip "decompression bomb" costs CPU in its
*decompressed* size): a record that declares more than `MAX_RECORD_BYTES` is listed in the capture
table without reading its body (a crawl's video, or a bomb) and counted as `skipped_large`; the
scan then seeks past it (uncompressed WARC: by its Content-Length) or looks for the next gzip
member in the *compressed* bytes (a candidate `1f 8b 08` counts only if it inflates to a record
header). A gzip member that goes on inflating past its record (trailing data) or whose headers
never end is cut off after a small bound and reported as damage; the records after it are kept.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import struct
import zipfile
import zlib
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
# A record whose declared body is larger than this is listed but never read: far above any page or
# image the tool reads back (read_payload's bounds are a few tens of MiB), so only a video, a
# disk image or a decompression bomb is skipped, and the scan's CPU stays linear in the file size.
MAX_RECORD_BYTES = 256 << 20
MAX_HEADER_BYTES = 4 << 20  # WARC + HTTP headers of one record (real ones are a few KiB)
MAX_LINE_BYTES = 1 << 20  # one header line (warcio's readline would otherwise grow without bound)
TRAILER_SLACK = 64 << 10  # what a gzip member may inflate past its record's body (blank lines)
INFLATE_STEP = 256 << 10  # bytes inflated per zlib call, so a bound is never overshot by more
PROBE_BYTES = 4096  # compressed bytes tried when a `1f 8b 08` is checked as a gzip member start
_ARC_LINE = re.compile(rb"\S+ \S+ \d{14} ")  # an ARC record's first line: URL IP date ...


class _Oversize(Exception):
    """A gzip member inflated past the bound of the record being read."""


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
    zf = _zip(str(path), os.getpid())
    info = zf.getinfo(member)
    if info.compress_type != zipfile.ZIP_STORED or info.flag_bits & 0x1:
        # a deflated (non-conforming) or encrypted member: zipfile's reader, whose seeks re-read from its start
        with zf.open(member) as fh:
            yield fh
        return
    with path.open("rb") as raw, io.BufferedReader(_Window(raw, *_stored_span(raw, info, path)), 1 << 16) as fh:
        yield fh


def _stored_span(raw: IO[bytes], info: zipfile.ZipInfo, path: Path) -> tuple[int, int]:
    """(data offset, size) of a stored, unencrypted zip member, read from its local header: such a
    member is a plain byte range of the file, seekable both ways at no cost (zipfile's ZipExtFile
    rewinds to the member's start on every backward seek before Python 3.12)."""
    raw.seek(info.header_offset)
    local = raw.read(30)
    if len(local) != 30 or local[:4] != b"PK\x03\x04":
        raise InputError(f"{path}: {info.filename}: bad zip local header; check the file")
    name_len, extra_len = struct.unpack("<HH", local[26:30])
    return info.header_offset + 30 + name_len + extra_len, info.file_size


class _Window(io.RawIOBase):
    """Bytes [start, start + size) of an open file, as a seekable file of its own."""

    def __init__(self, fh: IO[bytes], start: int, size: int) -> None:
        self.fh, self.start, self.size, self.pos = fh, start, size, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, buf: Any) -> int:
        n = min(len(buf), self.size - self.pos)
        if n <= 0:
            return 0
        self.fh.seek(self.start + self.pos)
        got = self.fh.readinto(memoryview(buf)[:n])
        self.pos += got or 0
        return got or 0


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
    skipped_large: int = 0  # records listed but not read: declared body over MAX_RECORD_BYTES


def _bounded_reader_class() -> type:
    """warcio's DecompressingBufferedReader, inflating at most INFLATE_STEP per zlib call and at most
    `budget` bytes per gzip member (raises _Oversize), and refusing header lines over MAX_LINE_BYTES."""
    from warcio.bufferedreaders import DecompressingBufferedReader

    class BoundedReader(DecompressingBufferedReader):  # type: ignore[misc]
        budget = MAX_HEADER_BYTES + INFLATE_STEP

        def _init_decomp(self, decomp_type: Any) -> None:
            super()._init_decomp(decomp_type)
            self.budget = MAX_HEADER_BYTES + INFLATE_STEP  # a new member: its headers first

        def _decompress(self, data: bytes) -> bytes:
            d = self.decompressor
            if d is None or not data:
                return super()._decompress(data)
            try:
                out = d.decompress(data, INFLATE_STEP)
            except zlib.error:
                if self.num_block_read == 0:
                    return super()._decompress(data)  # warcio's own handling: not gzip (or raw deflate)
                return b""  # a member broken part way: what warcio returns, without the zlib message it writes to
                # stderr (the scan reports the damaged record itself)
            self.starting_data = d.unconsumed_tail or None  # inflated on the next fill, never dropped
            return out

        def _process_read(self, data: bytes) -> None:
            super()._process_read(data)
            if self.decompressor is not None and self.num_block_read > self.budget:
                raise _Oversize(f"gzip member inflates past {self.budget:,} bytes")

        def readline(self, length: int | None = None) -> bytes:
            # warcio's readline with a cap: hand-written because its own loop grows a line without
            # bound when `length` is None (and concatenates it quadratically)
            cap = MAX_LINE_BYTES if length is None or length > MAX_LINE_BYTES else length
            if cap <= 0:
                return b""
            self._fillbuff()
            if self.empty():
                return b""
            line: bytes = self.buff.readline(cap)
            if line.endswith(b"\n"):  # the usual case
                return line
            parts, size = [line], len(line)
            while size < cap:
                self._fillbuff()
                if self.empty():
                    break
                part = self.buff.readline(cap - size)
                parts.append(part)
                size += len(part)
                if part.endswith(b"\n"):
                    break
            line = b"".join(parts)
            if size >= cap and not line.endswith(b"\n") and (length is None or length > cap):
                raise _Oversize(f"a header line longer than {MAX_LINE_BYTES:,} bytes")
            return line

        def allow_body(self, remaining: int) -> None:
            """The record just parsed has `remaining` body bytes: the member may inflate to their end."""
            buffered = (self.buff_size - self.buff.tell()) if self.buff else 0
            self.budget = self.num_block_read - buffered + remaining + TRAILER_SLACK

        def resume_at(self) -> int:
            """File offset of the first byte not yet taken in: gzip, the compressed bytes not inflated
            into this member (the next member starts there or later); uncompressed, the next unread byte."""
            d = self.decompressor
            if d is None:
                return int(self.stream.tell()) - self.rem_length()
            pending = len(self.starting_data or b"")
            unused = len(d.unused_data) if d is not None and d.unused_data else 0
            return int(self.stream.tell()) - pending - unused

    return BoundedReader


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

    reader_class = _bounded_reader_class()
    start, skipped = 0, 0
    while start >= 0 and skipped <= MAX_RESYNC_BYTES:
        fh.seek(start)
        it = ArchiveIterator(fh)
        it.reader = reader = reader_class(it.fh, block_size=it.reader.block_size)
        reading: int | None = None  # start of the record whose body is being read
        listed = False  # the record at `reading` is in the table (only its trailing data failed)
        try:
            for record in it:
                reading = offset = int(it.offset)
                listed = False
                capture = _capture(record, member, offset)
                if _declared(record) > MAX_RECORD_BYTES:
                    start = _skip_large(fh, reader, record, offset)
                    if start == _TRUNCATED:
                        raise EOFError("record ends before its Content-Length (truncated)")
                    counts.skipped_large += 1
                    _list(table, counts, capture, member, offset)  # a page: its audit row says "record larger than ..."
                    if progress:
                        progress(counts.records)
                    break
                remaining = getattr(record.raw_stream, "limit", None)
                reader.allow_body(remaining if isinstance(remaining, int) else MAX_RECORD_BYTES)
                while record.raw_stream.read(1 << 16):
                    pass
                if getattr(record.raw_stream, "limit", 0) > 0:
                    raise EOFError("record ends before its Content-Length (truncated)")
                _list(table, counts, capture, member, offset)
                listed = True
                it.read_to_end(record)  # the blank lines after it (bounded by allow_body)
                reading, listed = None, False
                if progress:
                    progress(counts.records)
            else:
                return
        except _Oversize as exc:  # bounded inflation hit: no resync inside the member, go past it
            damaged_at = reading if reading is not None else int(getattr(it, "offset", start) or start)
            what = "after its record" if listed else "in its headers"
            table.add_damage(member, damaged_at, f"{exc} {what}; skipped to the next record")
            counts.damaged += 1
            pos = max(reader.resume_at(), damaged_at + 1)
            start = _next_member(fh, pos) if reader.decompressor is not None else _next_boundary(fh, pos)
        except Exception as exc:  # noqa: BLE001  warcio's ArchiveLoadFailed, zlib/EOF errors, bad headers: all damage
            damaged_at = reading if reading is not None else int(getattr(it, "offset", start) or start)
            if listed:  # the record was read whole; only what follows it in the member is broken
                damaged_at = int(getattr(it, "offset", damaged_at) or damaged_at)
            table.add_damage(member, damaged_at, f"{type(exc).__name__}: {exc}".strip())
            counts.damaged += 1
            nxt = _next_boundary(fh, damaged_at + 1)
            skipped += (nxt - damaged_at) if nxt >= 0 else 0
            start = nxt


_TRUNCATED = -2


def _list(table: CaptureTable, counts: ScanCounts, capture: Capture | None, member: str, offset: int) -> None:
    counts.records += 1
    if capture is not None:
        table.add(capture)
        if _is_page(capture):
            table.add_page(member, offset, capture.url, capture.date)
            counts.pages += 1


def _declared(record: Any) -> int:
    """The record's declared block length (Content-Length), 0 where absent or not a number."""
    length = getattr(record, "length", None)
    return length if isinstance(length, int) and length > 0 else 0


def _skip_large(fh: IO[bytes], reader: Any, record: Any, offset: int) -> int:
    """Where the next record starts after the oversized `record`, without reading its body; -1 at
    the end of the member, _TRUNCATED where the file ends before the declared body does."""
    d = reader.decompressor
    if d is not None:  # gzip: the body's end is only known by inflating, so search the compressed bytes
        if d.eof:  # the member already ended: the body is shorter than declared
            return _TRUNCATED
        return _next_member(fh, max(reader.resume_at(), offset + 1))
    buffered = reader.rem_length()
    body_end = int(fh.tell()) - buffered + int(getattr(record.raw_stream, "limit", 0) or 0)
    nxt = _next_boundary(fh, max(body_end, offset + 1))
    if nxt < 0 and int(fh.tell()) < body_end:
        return _TRUNCATED
    return nxt


def _next_member(fh: IO[bytes], pos: int) -> int:
    """Offset of the next gzip member at or after `pos` that inflates to a WARC/ARC record header,
    else -1; reads forward only (memchr over the compressed bytes, a tiny inflate per candidate)."""
    fh.seek(pos)
    buf, base, eof = b"", pos, False
    while True:
        block = fh.read(RESYNC_WINDOW)
        eof = not block
        buf += block
        end = len(buf) if eof else len(buf) - PROBE_BYTES  # candidates with a whole probe after them
        i = 0
        while end > 0:
            j = buf.find(b"\x1f\x8b\x08", i, end + 2)
            if j < 0 or j >= end:
                break
            if _is_member_start(buf[j:j + PROBE_BYTES]):
                return base + j
            i = j + 1
        if eof:
            return -1
        keep = max(len(buf) - max(end, 0), 0)
        base += len(buf) - keep
        buf = buf[len(buf) - keep:]


def _is_member_start(head: bytes) -> bool:
    if len(head) < 10 or head[3] & 0xE0:  # reserved gzip flag bits set: not a member header
        return False
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
    except zlib.error:
        return False
    return out.startswith(b"WARC/1.") or bool(_ARC_LINE.match(out))


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
