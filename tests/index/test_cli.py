"""Every `captioncheck index` subcommand end to end through the click group, on both backends
(`index_spec`: a SQLite file, a PostgreSQL database)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from captioncheck.cli import cli
from captioncheck.index.backends import display

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "testdata" / "pages" / "presstv-fr-2019-12-11.html"


def run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, ["index", *args], catch_exceptions=False)
    assert result.exit_code == code, result.output
    return result.output


def test_add_search_stats_remove(photo_dir: Path, tmp_path: Path, make_photo, index_spec, monkeypatch) -> None:
    monkeypatch.setenv("CAPTIONCHECK_INDEX", str(index_spec))  # the default index, no --index
    sidecar = photo_dir / "meta.jsonl"
    sidecar.write_text(json.dumps({"file": "sub/p4.jpg", "caption": "Sidecar caption", "date": "2019-03-08",
                                   "source_url": "https://agency.example/p4"}) + "\n")
    out = run("add", str(photo_dir), "--meta", str(sidecar), "--credit", "Agency")
    assert "added 6 photo(s), merged 0" in out
    assert "merged 1" in run("add", str(photo_dir / "p0.jpg"))  # same bytes: merged
    mirror = tmp_path / "mirror.png"
    make_photo(4).transpose(Image.Transpose.FLIP_LEFT_RIGHT).save(mirror)
    unrelated = tmp_path / "other.jpg"
    make_photo(77).save(unrelated)
    lines = [json.loads(x) for x in run("search", str(mirror), str(unrelated)).splitlines()]
    assert [x["query"] for x in lines] == [str(mirror), str(unrelated)]
    best = lines[0]["matches"][0]
    assert (best["caption"], best["credit"], best["date"], best["source_url"]) == (
        "Sidecar caption", "Agency", "2019-03-08", "https://agency.example/p4")
    assert best["algorithm"] == "pdq+dhash+phash" and "mirror" in best["transform"] and 0 < best["score"] <= 1
    assert lines[1]["matches"] == []
    assert "Sidecar caption" in run("search", "--format", "text", str(mirror))
    stats = json.loads(run("stats", "--format", "json"))
    assert stats["photos"] == 6 and stats["path"] == display(index_spec)
    assert "removed 1 photo(s)" in run("remove", str(best["photo_id"]))
    assert json.loads(run("search", str(mirror)))["matches"] == []
    run("remove", "9999", code=1)


def test_embedded_metadata_used_and_options_win(tmp_path: Path, make_photo, make_jpeg, index_spec) -> None:
    f = tmp_path / "agency.jpg"
    f.write_bytes(make_jpeg(make_photo(8), iptc={(2, 120): "Embedded caption", (2, 110): "AFP", (2, 55): "20190308"}))
    idx = index_spec
    run("add", str(f), "--place", "Washington", "--credit", "Override", "--index", str(idx))
    [line] = run("search", str(f), "--index", str(idx)).splitlines()
    m = json.loads(line)["matches"][0]
    assert (m["caption"], m["credit"], m["date"], m["place"]) == ("Embedded caption", "Override", "2019-03-08", "Washington")


def test_export_import_roundtrip(photo_dir: Path, tmp_path: Path, index_spec, other_spec) -> None:
    a, b = index_spec, other_spec
    run("add", str(photo_dir), "--caption", "c", "--index", str(a))
    out = tmp_path / "dump.jsonl"
    run("export", "-o", str(out), "--index", str(a))
    assert len(out.read_text().splitlines()) == 6
    assert "imported 6 photo(s), merged 0" in run("import", str(out), "--index", str(b))
    assert "imported 0 photo(s), merged 6" in run("import", str(out), "--index", str(b))
    [line] = run("search", str(photo_dir / "p2.jpg"), "--index", str(b)).splitlines()
    assert json.loads(line)["matches"][0]["caption"] == "c"
    assert run("export", "--index", str(a)) == run("export", "--index", str(a))


def test_add_page_indexes_article_images(tmp_path: Path, index_spec) -> None:
    pytest.importorskip("captioncheck.extract")
    if not SEED.exists():
        pytest.skip("seed page not built")
    page = tmp_path / SEED.name
    shutil.copy(SEED, page)
    shutil.copytree(SEED.with_name(SEED.stem + "_files"), tmp_path / (SEED.stem + "_files"))
    idx = index_spec
    out = run("add-page", str(page), "--url", "https://www.presstv.ir/fr/article", "--index", str(idx))
    assert "indexed" in out and not out.startswith("indexed 0")
    lead = sorted((tmp_path / (SEED.stem + "_files")).glob("*.jp*g"), key=lambda p: -p.stat().st_size)[0]
    [line] = run("search", str(lead), "--index", str(idx)).splitlines()
    m = json.loads(line)["matches"][0]
    assert m["page_url"] == "https://www.presstv.ir/fr/article" and m["distance"] == 0


def test_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"file": "x.jpg", "colour": "red"}\n')
    for args in (["add", "--meta", str(bad)], ["stats", "--index", str(tmp_path / "none.sqlite")],
                 ["add", str(bad), "--date", "8 March"],
                 ["stats", "--index", "postgresql://nobody:pw@127.0.0.1:1/none"]):  # no server there
        proc = subprocess.run([sys.executable, "-m", "captioncheck", "index", *args], capture_output=True, text=True,
                              timeout=60)
        assert proc.returncode in (1, 2), proc.stderr
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("Error: ") and "Traceback" not in proc.stderr


def test_search_reports_bad_image_and_goes_on(tmp_path: Path, photo_dir: Path, index_spec) -> None:
    idx = index_spec
    run("add", str(photo_dir / "p1.jpg"), "--index", str(idx))
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"not an image")
    lines = [json.loads(x) for x in run("search", str(junk), str(photo_dir / "p1.jpg"), "--index", str(idx)).splitlines()
             if x.startswith("{")]
    assert "cannot decode image" in lines[0]["error"] and lines[1]["matches"][0]["distance"] == 0


def test_crash_during_bulk_add_keeps_committed_photos(tmp_path: Path, make_photo, make_jpeg) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        (folder / f"{i:03d}.jpg").write_bytes(make_jpeg(make_photo(1000 + i, (320, 240))))
    idx = tmp_path / "crash.sqlite"
    cmd = [sys.executable, "-m", "captioncheck", "index", "add", str(folder), "--batch", "3", "--workers", "1",
           "--index", str(idx)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    committed = _wait_for_photos(idx, 6, proc)
    proc.kill()
    proc.wait(timeout=30)
    conn = sqlite3.connect(idx)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    counts = [r[0] for r in conn.execute("SELECT count(h.id) FROM photos p JOIN hashes h ON h.photo_id = p.id GROUP BY p.id")]
    conn.close()
    assert len(counts) >= committed and len(counts) < 60 and set(counts) == {counts[0]}  # whole photos only
    out = run("add", str(folder), "--index", str(idx))
    assert f"added {60 - len(counts)} photo(s), merged {len(counts)}" in out


def _wait_for_photos(idx: Path, n: int, proc: subprocess.Popen[bytes]) -> int:
    import time

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if idx.exists():
            try:
                conn = sqlite3.connect(f"file:{idx}?mode=ro", uri=True, timeout=1)
                count = conn.execute("SELECT count(*) FROM photos").fetchone()[0]
                conn.close()
                if count >= n:
                    return int(count)
            except sqlite3.Error:
                pass
        time.sleep(0.05)
    pytest.fail("bulk add finished or stalled before the kill")


def test_export_import_sqlite_to_postgresql_to_sqlite_is_lossless(photo_dir: Path, tmp_path: Path, pg_url: str,
                                                                   make_photo, make_jpeg) -> None:
    """An index moved SQLite -> PostgreSQL -> SQLite: every photo, hash, metadata field and sighting
    survives (photo ids are the receiving index's own, so they are left out of the comparison)."""
    from captioncheck._types import Sighting
    from captioncheck.index import open_index

    first, last = tmp_path / "first.sqlite", tmp_path / "last.sqlite"
    run("add", str(photo_dir), "--caption", "Légende", "--credit", "AFP", "--date", "2019-03-08", "--index", str(first))
    with open_index(first) as idx:  # seen photos with several sightings, with context
        for n, page in enumerate(("https://a.example/1", "https://b.example/2")):
            idx.remember_seen(make_jpeg(make_photo(40)), Sighting(page_url=page, seen_at=f"2020-0{n + 1}-01T00:00:00+00:00",
                                                                  published="2019-12-11", caption="vu", alt="alt",
                                                                  lang="fr", countries=["IR", "FR"], source="check"))
        idx.remember_seen(make_jpeg(make_photo(1)), Sighting(page_url="https://c.example/", seen_at="2021-01-01T00:00:00+00:00"))
    dumps = {}
    dumps["first"] = run("export", "--index", str(first))
    (tmp_path / "1.jsonl").write_text(dumps["first"], encoding="utf-8")
    assert "imported 7 photo(s), merged 0" in run("import", str(tmp_path / "1.jsonl"), "--index", pg_url)
    dumps["pg"] = run("export", "--index", pg_url)
    (tmp_path / "2.jsonl").write_text(dumps["pg"], encoding="utf-8")
    assert "imported 7 photo(s), merged 0" in run("import", str(tmp_path / "2.jsonl"), "--index", str(last))
    dumps["last"] = run("export", "--index", str(last))

    def content(text: str) -> list[dict[str, object]]:
        rows = [json.loads(line) for line in text.splitlines()]
        for r in rows:
            del r["id"]
        return sorted(rows, key=lambda r: str(r["sha256"]))

    assert len(content(dumps["first"])) == 7
    assert content(dumps["first"]) == content(dumps["pg"]) == content(dumps["last"])
    assert sum(len(r["sightings"]) for r in content(dumps["pg"])) == 3  # type: ignore[arg-type]


def test_crash_during_bulk_add_to_postgresql_keeps_whole_photos(tmp_path: Path, pg_url: str, make_photo, make_jpeg) -> None:
    import psycopg

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(24):
        (folder / f"{i:03d}.jpg").write_bytes(make_jpeg(make_photo(2000 + i, (320, 240))))
    cmd = [sys.executable, "-m", "captioncheck", "index", "add", str(folder), "--batch", "3", "--workers", "1",
           "--index", pg_url]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import time

    deadline = time.monotonic() + 120
    with psycopg.connect(pg_url, autocommit=True) as conn:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if conn.execute("SELECT count(*) FROM photos").fetchone()[0] >= 6:  # type: ignore[index]
                    break
            except psycopg.errors.UndefinedTable:
                pass
            time.sleep(0.05)
        proc.kill()
        proc.wait(timeout=30)
        counts = [r[0] for r in conn.execute("SELECT count(h.id) FROM photos p LEFT JOIN hashes h ON h.photo_id = p.id "
                                             "GROUP BY p.id")]
    from captioncheck.index.geometry import available

    # whole photos only, each with all its hashes (49 x PDQ + aux, 3 small, 1 thumbnail, keypoints with OpenCV)
    assert 6 <= len(counts) < 24 and set(counts) == {102 + available()}
    out = run("add", str(folder), "--index", pg_url)
    assert f"added {24 - len(counts)} photo(s), merged {len(counts)}" in out
