"""Store, migrations and the PhotoIndex API on real SQLite files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from captioncheck._exceptions import IndexStoreError, InputError
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
    with pytest.raises(IndexStoreError, match="open it once without read-only"):
        open_index(path, readonly=True)
    idx = open_index(path)
    assert idx.stats()["schema"] == "m002_sightings"
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


def test_duplicates_merge_by_sha256(tmp_path: Path, make_photo, make_jpeg) -> None:
    data = make_jpeg(make_photo(1))
    with open_index(tmp_path / "i.sqlite") as idx:
        a = idx.add_photo(data, PhotoMeta(caption="first caption"))
        b = idx.add_photo(data, PhotoMeta(caption="ignored: caption already set", credit="AFP"))
        assert a == b
        rec = idx.get(a)
        assert rec is not None and (rec.caption, rec.credit) == ("first caption", "AFP")
        assert idx.stats()["photos"] == 1


def test_seen_then_curated_and_sightings(tmp_path: Path, make_photo, make_jpeg) -> None:
    data = make_jpeg(make_photo(2))
    with open_index(tmp_path / "i.sqlite") as idx:
        idx.remember_seen(data, page_url="https://a.example/1", caption="Tehran, 2019", credit="", seen_at="2019-12-11T10:00:00+00:00")
        idx.remember_seen(data, page_url="https://b.example/2", caption="Other", credit="", seen_at="2020-01-01T00:00:00+00:00")
        [m] = idx.search(data)
        assert (m.origin, m.page_url, m.seen_at, m.caption) == ("seen", "https://a.example/1", "2019-12-11T10:00:00+00:00", "Tehran, 2019")
        assert idx.search(data, exclude_page_url="https://a.example/1") == []
        pid = idx.add_photo(data, PhotoMeta(caption="Capitol, 8 March 2019", credit="AFP"))
        [m] = idx.search(data)
        assert (m.photo_id, m.origin, m.caption, m.credit) == (pid, "curated", "Capitol, 8 March 2019", "AFP")
        assert idx.stats()["sightings"] == 2


def test_remove_and_search_updates_incrementally(tmp_path: Path, make_photo, make_jpeg) -> None:
    path = tmp_path / "i.sqlite"
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


def test_bad_image_is_an_input_error(tmp_path: Path) -> None:
    with open_index(tmp_path / "i.sqlite") as idx:
        with pytest.raises(InputError, match="cannot decode image"):
            idx.add_photo(b"\x89PNG not really", PhotoMeta())
        with pytest.raises(InputError):
            idx.search(b"")
