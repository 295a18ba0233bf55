"""Store, migrations and the PhotoIndex API on real SQLite files and real PostgreSQL databases
(`index_spec`: each test taking it runs on both backends)."""

from __future__ import annotations

import os
import time
import sqlite3
from pathlib import Path

import pytest

from captioncheck._exceptions import IndexStoreError, InputError
from captioncheck._types import Sighting
from captioncheck.index import PhotoMeta, migrations, open_index


def test_migrations_recorded_in_order(tmp_path: Path) -> None:
    idx = open_index(tmp_path / "i.sqlite")
    idx.close()
    conn = sqlite3.connect(tmp_path / "i.sqlite")
    names = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]
    assert names == [m.__name__ for m in migrations.MIGRATIONS]
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_missing_migration_is_applied_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.applied(conn)
    conn.execute("BEGIN")
    migrations.m001_photos_and_hashes(conn)
    conn.execute("INSERT INTO _migrations VALUES ('m001_photos_and_hashes', 'x')")
    conn.execute("COMMIT")
    conn.close()
    path.chmod(0o444)  # read-only and older: cannot be upgraded, say what to do
    if not os.access(path, os.W_OK):  # (root can write anyway)
        with pytest.raises(IndexStoreError, match="open it once without read-only"):
            open_index(path, readonly=True)
    path.chmod(0o644)
    idx = open_index(path, readonly=True)  # writable: upgraded once, then read
    assert idx.stats()["schema"] == "m004_removed_photos"
    idx.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    open_index(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _migrations VALUES ('m999_from_the_future', 'x')")
    conn.commit()
    conn.close()
    for readonly in (False, True):
        with pytest.raises(IndexStoreError, match="newer captioncheck.*m999_from_the_future"):
            open_index(path, readonly=readonly)


def test_not_a_database_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(IndexStoreError, match="damaged or not a captioncheck index"):
        open_index(bad)
    with pytest.raises(IndexStoreError, match="no index at"):
        open_index(tmp_path / "absent.sqlite", readonly=True)


def test_duplicates_merge_by_sha256(index_spec, make_photo, make_jpeg) -> None:
    data = make_jpeg(make_photo(1))
    with open_index(index_spec) as idx:
        a = idx.add_photo(data, PhotoMeta(caption="first caption"))
        b = idx.add_photo(data, PhotoMeta(caption="ignored: caption already set", credit="AFP"))
        assert a == b
        rec = idx.get(a)
        assert rec is not None and (rec.caption, rec.credit) == ("first caption", "AFP")
        assert idx.stats()["photos"] == 1


def test_seen_then_curated_and_sightings(index_spec, make_photo, make_jpeg) -> None:
    data = make_jpeg(make_photo(2))
    with open_index(index_spec) as idx:
        assert idx.remember_seen(data, Sighting(page_url="https://a.example/1", caption="Tehran, 2019", seen_at="2019-12-11T10:00:00+00:00",
                                                published="2019-12-11", lang="fr", countries=["IR"]))
        assert idx.remember_seen(data, Sighting(page_url="https://www.b.example/2", caption="Other", seen_at="2020-01-01T00:00:00+00:00"))
        [m] = idx.search(data)
        assert (m.origin, m.page_url, m.seen_at, m.caption, m.date) == (
            "seen", "https://a.example/1", "2019-12-11T10:00:00+00:00", "Tehran, 2019", "2019-12-11")
        assert [(s.site, s.published, s.lang, s.countries) for s in m.sightings] == [
            ("a.example", "2019-12-11", "fr", ["IR"]), ("b.example", "", "", [])]
        # checking page a again: its own sighting is no evidence, the one on b still is
        [m] = idx.search(data, exclude_page_url="https://a.example/1")
        assert (m.page_url, m.caption, [s.page_url for s in m.sightings]) == ("https://www.b.example/2", "Other", ["https://www.b.example/2"])
        pid = idx.add_photo(data, PhotoMeta(caption="Capitol, 8 March 2019", credit="AFP"))
        [m] = idx.search(data)
        assert (m.photo_id, m.origin, m.caption, m.credit) == (pid, "curated", "Capitol, 8 March 2019", "AFP")
        assert len(m.sightings) == 2
        assert idx.stats()["sightings"] == 2


def test_a_page_seen_again_is_one_sighting_keeping_the_earliest(index_spec, make_photo, make_jpeg) -> None:
    data = make_jpeg(make_photo(6))
    with open_index(index_spec) as idx:
        assert idx.remember_seen(data, Sighting(page_url="https://a.example/1", seen_at="2021-05-01T00:00:00+00:00"))
        assert not idx.remember_seen(data, Sighting(page_url="https://a.example/1", seen_at="2020-05-01T00:00:00+00:00",
                                                    caption="late context", published="2020-04-30"))
        assert idx.search(data, exclude_page_url="https://a.example/1") == []  # only ever seen on the page checked
        [m] = idx.search(data)
        [s] = m.sightings
        assert (s.seen_at, s.caption, s.published) == ("2020-05-01T00:00:00+00:00", "late context", "2020-04-30")
        assert idx.stats()["sightings"] == 1


def test_sightings_migrate_from_schema_2(tmp_path: Path, make_photo, make_jpeg) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    for m in migrations.MIGRATIONS[:2]:
        m(conn)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    conn.executemany("INSERT INTO _migrations VALUES (?, 'x')", [(m.__name__,) for m in migrations.MIGRATIONS[:2]])
    conn.execute("INSERT INTO photos (sha256, size, origin, added_at) VALUES ('ab', 1, 'seen', 'x')")
    conn.executemany("INSERT INTO sightings (photo_id, page_url, caption, seen_at) VALUES (1, ?, ?, ?)",
                     [("https://a.example/1", "later", "2021"), ("https://a.example/1", "first", "2020"), ("https://b.example/", "b", "2022")])
    conn.close()
    with open_index(path) as idx:
        found = idx.store.sightings([1])[1]
        assert [(s.page_url, s.caption, s.seen_at) for s in found] == [("https://a.example/1", "first", "2020"), ("https://b.example/", "b", "2022")]


def test_remove_and_search_updates_incrementally(index_spec, make_photo, make_jpeg) -> None:
    path = index_spec
    with open_index(path) as idx:
        a = idx.add_photo(make_jpeg(make_photo(3)), PhotoMeta(caption="a"))
        assert [m.photo_id for m in idx.search(make_photo(3))] == [a]
        with open_index(path) as other:  # another handle adds: this one's searcher sees it on next search
            b = other.add_photo(make_jpeg(make_photo(4)), PhotoMeta(caption="b"))
        assert [m.photo_id for m in idx.search(make_photo(4))] == [b]
        assert idx.remove([a]) == 1
        assert idx.search(make_photo(3)) == []


def test_rebuilt_file_gets_a_fresh_searcher(tmp_path: Path, make_photo, make_jpeg) -> None:
    path = tmp_path / "i.sqlite"
    with open_index(path) as idx:
        idx.add_photo(make_jpeg(make_photo(5)), PhotoMeta(caption="old"))
        idx.search(make_photo(5))
    for p in tmp_path.glob("i.sqlite*"):
        p.unlink()
    with open_index(path) as idx:
        assert idx.search(make_photo(5)) == []


def test_bad_image_is_an_input_error(index_spec) -> None:
    with open_index(index_spec) as idx:
        with pytest.raises(InputError, match="cannot decode image"):
            idx.add_photo(b"\x89PNG not really", PhotoMeta())
        with pytest.raises(InputError):
            idx.search(b"")


def test_refresh_at_most_every_interval_or_on_demand(index_spec, make_photo, make_jpeg) -> None:
    """Another process's photo (written to the store directly, not through this process's index) is
    searchable after the refresh interval or a forced sync; this process's own writes at once."""
    from captioncheck.index import hashes as H
    from captioncheck.index.store import PhotoRecord, utcnow

    with open_index(index_spec, refresh_s=0.5) as idx:
        own = idx.add_photo(make_jpeg(make_photo(10)), PhotoMeta(caption="own"))
        assert [m.photo_id for m in idx.search(make_photo(10))] == [own]  # own write: no wait
        data = make_jpeg(make_photo(11))
        rows = H.index_hashes(H.decode(data))
        synced = time.monotonic()
        idx.sync(force=True)
        other = idx.store.add_photo(PhotoRecord(id=0, sha256=H.sha256(data), size=len(data), added_at=utcnow()), rows)
        fresh = idx.freshness()
        assert fresh["latest_generation"] > fresh["generation"] and fresh["lag_s"] is not None and fresh["refresh_s"] == 0.5
        found = idx.search(make_photo(11))
        if time.monotonic() - synced < 0.5:  # loaded less than 0.5 s ago: not yet (a busy machine may take longer)
            assert found == []
        time.sleep(0.6)
        assert [m.photo_id for m in idx.search(make_photo(11))] == [other]
        assert idx.freshness()["lag_s"] == 0.0
    with open_index(index_spec, refresh_s=3600) as idx:
        data = make_jpeg(make_photo(12))
        third = idx.store.add_photo(PhotoRecord(id=0, sha256=H.sha256(data), size=len(data), added_at=utcnow()),
                                    H.index_hashes(H.decode(data)))
        assert idx.search(make_photo(12)) == []
        idx.sync(force=True)  # on demand
        assert [m.photo_id for m in idx.search(make_photo(12))] == [third]


def test_stats_name_the_backend_and_generation(index_spec, make_photo, make_jpeg) -> None:
    with open_index(index_spec) as idx:
        idx.add_photo(make_jpeg(make_photo(13)), PhotoMeta(caption="s"))
        st = idx.stats()
    assert st["backend"] == ("postgresql" if isinstance(index_spec, str) else "sqlite")
    assert st["photos"] == 1 and st["hashes"] > 49 and st["generation"] == st["latest_generation"] > 0
    assert st["schema"] == migrations.MIGRATIONS[-1].__name__ and st["size_bytes"] > 0


def test_a_photo_removed_by_another_process_is_forgotten_by_every_searcher(index_spec, tmp_path: Path, make_photo,
                                                                           make_jpeg) -> None:
    """`index remove` in another process: this process's searcher drops the photo's hashes at its next refresh
    (a tombstone read with the new hashes), not at restart; and its id is never given to a new photo, so a
    searcher that has not refreshed yet cannot take the old hashes for the new photo's."""
    import subprocess
    import sys

    import numpy as np

    from captioncheck.index import hashes as H
    from captioncheck.index.backends import open_store
    from captioncheck.index.photoindex import MATCH_THRESHOLD, PhotoIndex
    from captioncheck.index.search import HashSearcher

    datas = {s: make_jpeg(make_photo(s, (320, 240))) for s in (70, 71, 72)}
    with open_index(index_spec) as idx:
        ids = {s: idx.add_photo(datas[s], PhotoMeta(caption=str(s))) for s in (70, 71)}
    refresh_s = 0.5
    reader = PhotoIndex(open_store(index_spec, readonly=True), HashSearcher(), refresh_s=refresh_s)  # another process's view
    query = H.query_hashes(H.decode(datas[71]))
    bits = np.frombuffer(b"".join(q.bits for q in query), np.uint8).reshape(len(query), -1)
    assert [m.photo_id for m in reader.search(datas[71])] == [ids[71]]
    held = len(reader.searcher)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    proc = subprocess.run([sys.executable, "-m", "captioncheck", "index", "remove", str(ids[71]), "--index", str(index_spec)],
                          capture_output=True, text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 0 and "removed 1" in proc.stdout, proc.stderr
    removed_at = time.monotonic()
    while ids[71] in {h.photo_id for h in reader.searcher.search(bits, MATCH_THRESHOLD)}:
        assert time.monotonic() - removed_at < refresh_s + 5, "the removed photo's hashes are still searched"
        time.sleep(0.05)
        reader.search(datas[70])  # any look-up refreshes when the interval has passed
    assert len(reader.searcher) == len(reader.store.hashes_after("pdq", 0)) < held  # its hashes left the searcher
    assert reader.search(datas[71]) == [] and [m.photo_id for m in reader.search(datas[70])] == [ids[70]]
    with open_index(index_spec) as idx:  # the highest id was removed: a new photo still gets a new one
        new = idx.add_photo(datas[72], PhotoMeta(caption="72"))
    assert new > ids[71]
    assert [m.photo_id for m in reader.search(datas[72])] == [new] and reader.search(datas[71]) == []
    reader.close()
