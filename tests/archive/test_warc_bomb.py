"""Decompression bombs and oversized records in WARC/WACZ files: the scan lists them, never inflates
them beyond a bound, and keeps every record after them. The bound is lowered by monkeypatch so that
the generated files stay small; what is asserted is a count of inflated/read bytes, never wall time."""

from __future__ import annotations

import gzip
import io
import os
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from captioncheck.sources import warc
from captioncheck.sources.captures import CaptureTable

from .builders import Capture, demo_captures, write_wacz, write_warc

MiB = 1 << 20
PAGE = b"<!doctype html><html><head><title>t</title></head><body><p>text</p></body></html>"


class _Zeros(io.RawIOBase):
    """`size` zero bytes, streamed (the writer never holds the bomb in memory)."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = min(len(b), self.left)
        b[:n] = bytes(n)
        self.left -= n
        return n


def _http(ctype: str) -> StatusAndHeaders:
    return StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")


def bomb_warc(path: Path, size: int, *, gzipped: bool = True, ctype: str = "text/html") -> Path:
    """page p1, a `size`-byte record of zeros, page p2, then a revisit of the big record."""
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=gzipped)
        w.write_record(w.create_warc_record("https://n.example/p1", "response", payload=io.BytesIO(PAGE),
                                            http_headers=_http("text/html")))
        w.write_record(w.create_warc_record("https://n.example/big", "response", payload=_Zeros(size), length=None,
                                            http_headers=_http(ctype),
                                            warc_headers_dict={"WARC-Date": "2020-01-01T00:00:00Z"}))
        w.write_record(w.create_warc_record("https://n.example/p2", "response", payload=io.BytesIO(PAGE),
                                            http_headers=_http("text/html")))
        w.write_record(w.create_revisit_record("https://n.example/again", digest="sha1:" + "B" * 32,
                                               refers_to_uri="https://n.example/big",
                                               refers_to_date="2020-01-01T00:00:00Z", http_headers=_http(ctype)))
    return path


def member(text: bytes) -> bytes:
    return gzip.compress(text, compresslevel=6)


def raw_record(url: str, body: bytes) -> bytes:
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body
    return (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: " + url.encode()
            + b"\r\nWARC-Date: 2020-01-01T00:00:00Z\r\nWARC-Record-ID: <urn:uuid:" + os.urandom(8).hex().encode()
            + b">\r\nContent-Length: " + str(len(block)).encode() + b"\r\n\r\n" + block + b"\r\n\r\n")


@pytest.fixture
def inflated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Total bytes inflated by warcio's gzip readers during the test."""
    total = [0]

    class Counting:
        def __init__(self) -> None:
            self.d = zlib.decompressobj(16 + zlib.MAX_WBITS)

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out = self.d.decompress(data, max_length)
            total[0] += len(out)
            return out

        def __getattr__(self, name: str) -> Any:
            return getattr(self.d, name)

    monkeypatch.setitem(BufferedReader.DECOMPRESSORS, "gzip", Counting)
    return total


@pytest.fixture
def read_bytes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Total bytes the scan reads from the archive (or WACZ member) file objects."""
    total = [0]
    real = warc.open_member

    class Counting:
        def __init__(self, fh: IO[bytes]) -> None:
            self.fh = fh

        def read(self, n: int = -1) -> bytes:
            data = self.fh.read(n)
            total[0] += len(data)
            return data

        def __getattr__(self, name: str) -> Any:
            return getattr(self.fh, name)

    @contextmanager
    def counted(path: Path, name: str) -> Iterator[Any]:
        with real(path, name) as fh:
            yield Counting(fh)

    monkeypatch.setattr(warc, "open_member", counted)
    return total


def scan(tmp_path: Path, archive: Path) -> tuple[warc.ScanCounts, CaptureTable]:
    db = tmp_path / f"{archive.name}.{os.urandom(4).hex()}.sqlite"
    table = CaptureTable(db, write=True)
    counts = warc.scan(archive, table)
    table.finish({})
    table.close()
    return counts, CaptureTable(db)


def urls(table: CaptureTable) -> list[str]:
    return [r[0] for r in table.conn.execute("SELECT url FROM captures ORDER BY rowid")]


@pytest.mark.parametrize("size", [6 * MiB, 24 * MiB])
def test_gzip_bomb_is_listed_skipped_and_inflation_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              inflated: list[int], size: int) -> None:
    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 1 * MiB)
    counts, table = scan(tmp_path, bomb_warc(tmp_path / "b.warc.gz", size))
    assert urls(table) == ["https://n.example/p1", "https://n.example/big", "https://n.example/p2",
                           "https://n.example/again"]
    assert [p[2] for p in table.pages()] == ["https://n.example/p1", "https://n.example/big", "https://n.example/p2"]
    assert (counts.records, counts.skipped_large, counts.damaged) == (4, 1, 0)
    assert table.damage() == []  # a large record is not damage
    big = table.resolve("https://n.example/again")  # the revisit of the skipped record still resolves
    assert big is not None and big.url == "https://n.example/big"
    # bounded independently of the bomb's size: headers + one inflate step, whatever `size` is
    assert inflated[0] <= warc.INFLATE_STEP + 64 * 1024, inflated[0]


def test_without_the_bound_the_same_record_is_inflated(tmp_path: Path, inflated: list[int]) -> None:
    """The counter above measures what it claims: under the default bound a 6 MiB record is read whole."""
    counts, table = scan(tmp_path, bomb_warc(tmp_path / "b.warc.gz", 6 * MiB))
    assert counts.skipped_large == 0 and counts.records == 4 and table.damage() == []
    assert inflated[0] >= 6 * MiB


def test_uncompressed_bomb_is_seeked_past(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_bytes: list[int]) -> None:
    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 1 * MiB)
    archive = bomb_warc(tmp_path / "b.warc", 16 * MiB, gzipped=False, ctype="video/mp4")
    counts, table = scan(tmp_path, archive)
    assert urls(table) == ["https://n.example/p1", "https://n.example/big", "https://n.example/p2",
                           "https://n.example/again"]
    assert (counts.skipped_large, counts.damaged) == (1, 0)
    assert read_bytes[0] < 2 * MiB, read_bytes[0]  # the 16 MiB body is never read


def test_wacz_holding_a_bomb_warc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inflated: list[int]) -> None:
    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 1 * MiB)
    bomb = bomb_warc(tmp_path / "b.warc.gz", 24 * MiB)
    wacz = write_wacz(tmp_path / "b.wacz", bomb, [Capture("https://n.example/p1", "2020-01-01T00:00:00Z")])
    counts, table = scan(tmp_path, wacz)
    assert urls(table)[-2:] == ["https://n.example/p2", "https://n.example/again"]
    assert (counts.records, counts.skipped_large, counts.damaged) == (4, 1, 0)
    assert inflated[0] <= warc.INFLATE_STEP + 64 * 1024


@pytest.mark.parametrize("filler", [b"\0", b"\n"])
def test_member_inflating_past_its_record_is_cut_off(tmp_path: Path, inflated: list[int], filler: bytes) -> None:
    """A small record whose gzip member goes on with 32 MiB of zeros (or blank lines): the record is
    listed, the rest of the member is damage, the next record is read; inflation stays near the bound."""
    archive = tmp_path / "t.warc.gz"
    archive.write_bytes(member(raw_record("https://n.example/p1", PAGE))
                        + member(raw_record("https://n.example/p2", PAGE) + filler * (32 * MiB))
                        + member(raw_record("https://n.example/p3", PAGE)))
    counts, table = scan(tmp_path, archive)
    assert urls(table) == ["https://n.example/p1", "https://n.example/p2", "https://n.example/p3"]
    assert counts.damaged == 1 and "after its record" in table.damage()[0][2]
    assert inflated[0] < 4 * warc.INFLATE_STEP, inflated[0]


@pytest.mark.parametrize("lines", [False, True])
def test_headers_that_never_end_are_damage_and_bounded(tmp_path: Path, inflated: list[int], lines: bool) -> None:
    """One endless header line, or endless short header lines: cut off at the line / header bound."""
    filler = b"X-Many: a\r\n" * (64 * MiB // 11) if lines else b"X-Long: " + b"a" * (64 * MiB)
    archive = tmp_path / "h.warc.gz"
    archive.write_bytes(member(raw_record("https://n.example/p1", PAGE))
                        + member(b"WARC/1.0\r\nWARC-Type: response\r\n" + filler)
                        + member(raw_record("https://n.example/p3", PAGE)))
    counts, table = scan(tmp_path, archive)
    assert urls(table) == ["https://n.example/p1", "https://n.example/p3"]
    assert counts.damaged == 1 and "in its headers" in table.damage()[0][2]
    bound = warc.MAX_HEADER_BYTES if lines else warc.MAX_LINE_BYTES
    assert inflated[0] < bound + 3 * warc.INFLATE_STEP, inflated[0]  # never the whole 64 MiB member


def test_next_member_skips_byte_patterns_that_are_not_records() -> None:
    """`1f 8b 08` inside compressed data, or a gzip member that holds no WARC record, is no boundary."""
    real = member(raw_record("https://n.example/p", PAGE))
    data = os.urandom(5000) + b"\x1f\x8b\x08\x00junk" + member(b"not a warc record\r\n") + os.urandom(300) + real
    at = data.index(real)
    assert warc._next_member(io.BytesIO(data), 0) == at
    assert warc._next_member(io.BytesIO(data), at + 1) == -1


def _reference_rows(path: Path) -> list[tuple[str, int, str]]:
    """(url, offset, type) of every record by a plain, unbounded warcio walk."""
    rows = []
    with path.open("rb") as fh:
        it = ArchiveIterator(fh)
        for record in it:
            url = record.rec_headers.get_header("WARC-Target-URI")
            if record.rec_type in ("response", "revisit", "resource") and url:
                rows.append((url, it.get_record_offset(), record.rec_type))
    return rows


@pytest.mark.parametrize("gzipped", [True, False])
def test_normal_archive_table_matches_a_plain_warcio_walk(tmp_path: Path, gzipped: bool) -> None:
    captures, _, _ = demo_captures()
    archive = write_warc(tmp_path / ("d.warc.gz" if gzipped else "d.warc"), captures, gzip=gzipped)
    counts, table = scan(tmp_path, archive)
    rows = table.conn.execute("SELECT url, offset, kind FROM captures ORDER BY rowid").fetchall()
    assert [(u, o) for u, o, _ in rows] == [(u, o) for u, o, _ in _reference_rows(archive)]
    assert (counts.skipped_large, counts.damaged) == (0, 0)


def _rchar() -> int:
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("rchar:"):
            return int(line.split()[1])
    raise AssertionError("no rchar")


@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="needs Linux /proc/self/io")
def test_wacz_with_many_large_records_is_read_about_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each skip resumes a little behind the read position; in a WACZ that must not re-read the
    WARC member from its start (zipfile's ZipExtFile does on a backward seek before Python 3.12)."""
    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 1 * MiB)
    warc_path = tmp_path / "many.warc.gz"
    with warc_path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for k in range(6):
            for j in range(3):  # incompressible, each under the bound
                w.write_record(w.create_warc_record(f"https://n.example/filler{k}-{j}", "response",
                                                    payload=io.BytesIO(os.urandom(900 << 10)), http_headers=_http("image/jpeg")))
            w.write_record(w.create_warc_record(f"https://n.example/big{k}", "response", payload=_Zeros(4 * MiB),
                                                length=None, http_headers=_http("video/mp4")))
    wacz = write_wacz(tmp_path / "many.wacz", warc_path, [])
    before = _rchar()
    counts, table = scan(tmp_path, wacz)
    read = _rchar() - before
    assert (counts.records, counts.skipped_large, counts.damaged) == (24, 6, 0)
    assert len(urls(table)) == 24
    assert read < 1.5 * wacz.stat().st_size, (read, wacz.stat().st_size)


def test_uncompressed_header_line_that_never_ends(tmp_path: Path) -> None:
    """Uncompressed: an endless header line is damage and the scan finds the next `WARC/1.` after it."""
    archive = tmp_path / "h.warc"
    archive.write_bytes(raw_record("https://n.example/p1", PAGE)
                        + b"WARC/1.0\r\nWARC-Type: response\r\nX-Long: " + b"a" * (3 * MiB) + b"\r\n\r\n"
                        + raw_record("https://n.example/p3", PAGE))
    counts, table = scan(tmp_path, archive)
    assert urls(table) == ["https://n.example/p1", "https://n.example/p3"]
    assert counts.damaged == 1 and "header line" in table.damage()[0][2]


def test_add_archive_says_what_it_left_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A record too large to read is listed and skipped by the scan; `index add-archive` now says so (the count
    was kept in the capture table only)."""
    from click.testing import CliRunner

    from captioncheck.cli import cli

    monkeypatch.setattr(warc, "MAX_RECORD_BYTES", 1 * MiB)
    archive = bomb_warc(tmp_path / "b.warc.gz", 6 * MiB)
    result = CliRunner().invoke(cli, ["index", "add-archive", str(archive), "--index", str(tmp_path / "i.sqlite"),
                                      "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "1 record(s) over 1 MiB listed but not read (1 in b.warc.gz)" in result.output


def test_a_member_broken_part_way_is_reported_without_zlib_noise(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """warcio writes zlib's message ("Error -3 while decompressing data: ...") to stderr for a gzip member broken
    part way; the scan reports the damaged record itself, once, in its own words."""
    caps, _, _ = demo_captures()
    whole = write_warc(tmp_path / "a.warc.gz", caps).read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(whole[: len(whole) // 2] + b"garbage" * 100 + whole[len(whole) // 2 + 500:])
    counts, table = scan(tmp_path, cut)
    assert counts.damaged >= 1 and table.damage()
    assert "while decompressing" not in capfd.readouterr().err
