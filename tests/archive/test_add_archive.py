"""`index add-archive`: sightings from WARC/WACZ, the earlier page in a later page's check,
idempotent re-runs, crash-and-resume, damaged archives."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from builders import EARLY_URL, LATE_URL, Capture, late_page, write_warc
from click.testing import CliRunner

from captioncheck.cli import cli
from captioncheck.config import Settings
from captioncheck.index import open_index
from captioncheck.load import PageSource
from captioncheck.pipeline import check_page

ROOT = Path(__file__).resolve().parents[2]


def add(archive: Path, index: Path, *extra: str) -> str:
    result = CliRunner().invoke(cli, ["index", "add-archive", str(archive), "--index", str(index), "--workers", "1", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def counts(index: Path) -> dict[str, int]:
    with open_index(index, readonly=True) as idx:
        stats = idx.store.stats()
    return {k: v for k, v in stats.items() if isinstance(v, int)}


def check_late(index: Path, copy: bytes):
    images: dict[str, bytes | Path] = {"https://other-daily.example/img/tehran-protest.jpg": copy}
    source = PageSource(html=late_page().decode(), url=LATE_URL, local_images=images)
    return check_page(source, Settings(index_path=index, use_clip=False, use_ocr=False, remember=False))


@pytest.mark.parametrize("kind", ["warc", "wacz"])
def test_later_page_lists_the_earlier_page(kind: str, demo_warc: Path, demo_wacz: Path, demo_copy: bytes, tmp_path: Path) -> None:
    index = tmp_path / "idx.sqlite"
    out = add(demo_warc if kind == "warc" else demo_wacz, index)
    assert "2 page(s) read" in out and "2 new sighting(s)" in out
    image = check_late(index, demo_copy).images[0]
    match = next(m for m in image.matches if any(s.page_url == EARLY_URL for s in m.sightings))
    early = match.sightings[0]
    assert early.page_url == EARLY_URL and early.source == "archive"
    assert early.seen_at.startswith("2019-03-09T10:00:00") and early.published.startswith("2019-03-08")
    assert "East Steps of the US Capitol" in early.caption and early.credit == "AFP"
    assert early.lang == "en" and early.countries == ["US"] and early.site == "news-one.example"
    assert all(s.page_url != LATE_URL for s in match.sightings)  # the checked page is never its own earlier use


def test_later_page_is_flagged_earlier_use(demo_warc: Path, demo_copy: bytes, tmp_path: Path) -> None:
    """Contract with the verdict work (issue 13): an earlier sighting whose caption's place and
    date disagree with the page (Washington 2019 vs Tehran 2021) is reason `earlier_use`."""
    index = tmp_path / "idx.sqlite"
    add(demo_warc, index)
    image = check_late(index, demo_copy).images[0]
    assert "earlier_use" in {r.code for r in image.reasons}
    assert image.verdict in ("suspicious", "inconsistent")


def test_rerun_adds_nothing(demo_warc: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx.sqlite"
    add(demo_warc, index)
    before = counts(index)
    out = add(demo_warc, index)
    assert "0 page(s) read (2 done before)" in out and "0 new sighting(s)" in out
    assert counts(index) == before


def _many_pages(tmp_path: Path, n: int) -> Path:
    from builders import OTHER_PHOTOS, article, cropped_copy

    caps = []
    photos = [p.read_bytes() for p in OTHER_PHOTOS]
    for i in range(n):
        url, img = f"https://site{i % 3}.example/a/{i}", f"https://site{i % 3}.example/i/{i}.jpg"
        html = article(f"Story {i}", "en", f"2020-01-{1 + i % 28:02d}T10:00:00Z", url, img, f"Photo {i} in Paris, France.",
                       [f"Story number {i} about Paris, France, and its many visitors this winter."], f"Site {i % 3}")
        caps.append(Capture(url, f"2020-02-{1 + i % 28:02d}T10:00:00Z", html))
        caps.append(Capture(img, f"2020-02-{1 + i % 28:02d}T10:00:01Z", cropped_copy(photos[i % 2]) if i % 4 else photos[i % 2],
                            "image/jpeg"))
    return write_warc(tmp_path / "many.warc.gz", caps)


PAGES = 160  # enough that a run killed after its first commit is far from done


def test_kill_9_then_rerun_gives_the_counts_of_one_clean_run(tmp_path: Path) -> None:
    archive = _many_pages(tmp_path, PAGES)
    clean = tmp_path / "clean.sqlite"
    add(archive, clean)
    crashed = tmp_path / "crashed.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "captioncheck", "index", "add-archive", str(archive), "--index", str(crashed), "--workers", "1"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
        done = _pages_done(crashed)
        if done >= 1:  # killed as soon as anything is committed: hashing is fast, the run is short
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert 0 < done < PAGES, "the run must be killed half-way"
    add(archive, crashed)
    assert counts(crashed) == counts(clean)
    assert _pages_done(crashed) == PAGES


def _pages_done(index: Path) -> int:
    import sqlite3

    if not index.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{index}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM archive_pages").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def _record_offsets(path: Path) -> list[int]:
    from warcio.archiveiterator import ArchiveIterator

    with path.open("rb") as fh:
        it = ArchiveIterator(fh)
        return [it.get_record_offset() for _ in it]


@pytest.mark.parametrize("gzip", [True, False])
def test_truncated_archive_is_ingested_up_to_the_damage(gzip: bool, tmp_path: Path) -> None:
    from builders import demo_captures

    caps, _, _ = demo_captures()
    full = write_warc(tmp_path / ("full.warc" + (".gz" if gzip else "")), caps, gzip=gzip)
    data = full.read_bytes()
    intact = _record_offsets(full)[3]
    cut = tmp_path / ("cut.warc" + (".gz" if gzip else ""))
    cut.write_bytes(data[: intact + 3000])  # cut inside the 4th record (the later page's photo)
    index = tmp_path / "idx.sqlite"
    result = CliRunner().invoke(cli, ["index", "add-archive", str(cut), "--index", str(index), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "1 damaged record(s)" in result.output
    assert "damaged record skipped" in result.output and "at offset" in result.output
    with open_index(index, readonly=True) as idx:
        pages = {s.page_url for rec in idx.store.iter_photos() for s in idx.store.sightings([rec.id]).get(rec.id, [])}
    assert pages == {EARLY_URL}
    assert f"at offset {intact}:" in result.output


def test_corrupt_record_in_the_middle_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    from builders import demo_captures

    caps, _, _ = demo_captures()
    first = write_warc(tmp_path / "a.warc.gz", caps[:3]).read_bytes()
    rest = write_warc(tmp_path / "b.warc.gz", caps[3:]).read_bytes()
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(first + b"\x1f\x8b\x08\x00garbage-not-a-gzip-member" * 3 + rest)
    index = tmp_path / "idx.sqlite"
    out = add(broken, index)
    assert "damaged record(s)" in out and "0 damaged" not in out
    assert "2 page(s) read" in out  # both pages: the one before and the one after the damage


def test_not_an_archive_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "x.wacz"
    bad.write_bytes(b"not a zip")
    result = CliRunner().invoke(cli, ["index", "add-archive", str(bad), "--index", str(tmp_path / "i.sqlite")])
    assert result.exit_code != 0
    assert "not a readable WACZ" in str(result.exception) or "not a readable WACZ" in result.output


def test_stats_json_after_add(demo_warc: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx.sqlite"
    add(demo_warc, index)
    result = CliRunner().invoke(cli, ["index", "stats", "--format", "json", "--index", str(index)])
    assert json.loads(result.output)["photos"] == 2


def test_add_archive_to_a_postgresql_index_resumes(demo_warc: Path, demo_copy: bytes, pg_url: str) -> None:
    """The shared index: sightings and resume records go to PostgreSQL; a re-run stores nothing twice."""
    out = CliRunner().invoke(cli, ["index", "add-archive", str(demo_warc), "--index", pg_url, "--workers", "1"])
    assert out.exit_code == 0, out.output
    assert "2 page(s) read" in out.output and "2 new sighting(s)" in out.output and "postgresql://" in out.output
    again = CliRunner().invoke(cli, ["index", "add-archive", str(demo_warc), "--index", pg_url, "--workers", "1"])
    assert again.exit_code == 0 and "(2 done before)" in again.output and "0 new sighting(s)" in again.output, again.output
    image = check_late(pg_url, demo_copy).images[0]  # type: ignore[arg-type]
    assert any(s.page_url == EARLY_URL and s.source == "archive" for m in image.matches for s in m.sightings)
