"""What is particular to the PostgreSQL backend, on a real throw-away server: migrations, errors,
the order hash ids become visible in, and several writer processes with a searcher."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from captioncheck._exceptions import IndexStoreError
from captioncheck.index import PhotoMeta, migrations_postgres, open_index
from captioncheck.index import hashes as H
from captioncheck.index.store_postgres import PostgresStore, close_pools, redact


def test_migrations_recorded_in_order_with_sqlite_names(pg_url: str) -> None:
    open_index(pg_url).close()
    with psycopg.connect(pg_url) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM _migrations ORDER BY seq")]
    assert names == [m.__name__ for m in migrations_postgres.MIGRATIONS]
    from captioncheck.index import migrations

    assert names == [m.__name__ for m in migrations.MIGRATIONS]


def test_older_schema_is_upgraded_and_duplicate_sightings_folded(pg_url: str) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE _migrations (seq SERIAL, name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        with conn.cursor() as cur:
            for m in migrations_postgres.MIGRATIONS[:2]:
                m(cur)
                cur.execute("INSERT INTO _migrations (name, applied_at) VALUES (%s, 'x')", (m.__name__,))
            cur.execute("INSERT INTO photos (sha256, size, origin, added_at) VALUES ('ab', 1, 'seen', 'x')")
            cur.executemany("INSERT INTO sightings (photo_id, page_url, caption, seen_at) VALUES (1, %s, %s, %s)",
                            [("https://a.example/1", "later", "2021"), ("https://a.example/1", "first", "2020"),
                             ("https://b.example/", "b", "2022")])
    with open_index(pg_url, readonly=True) as idx:  # read-only open upgrades once, as with SQLite
        assert idx.stats()["schema"] == "m004_removed_photos"
        found = idx.store.sightings([1])[1]
    assert [(s.page_url, s.caption, s.seen_at) for s in found] == [("https://a.example/1", "first", "2020"),
                                                                   ("https://b.example/", "b", "2022")]


def test_newer_database_is_refused(pg_url: str) -> None:
    open_index(pg_url).close()
    close_pools()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO _migrations (name, applied_at) VALUES ('m999_from_the_future', 'x')")
    for readonly in (False, True):
        with pytest.raises(IndexStoreError, match="newer captioncheck.*m999_from_the_future"):
            open_index(pg_url, readonly=readonly)


def test_empty_database_read_only_and_unreachable_server(pg_url: str, pg_server) -> None:
    with pytest.raises(IndexStoreError, match="no index in .* yet; build one with `captioncheck index add"):
        open_index(pg_url, readonly=True)
    bad = f"postgresql://someone:s3cret@127.0.0.1:{pg_server.port}/no_such_db"
    with pytest.raises(IndexStoreError) as info:
        open_index(bad)
    message = str(info.value)
    assert "s3cret" not in message and "someone:***@127.0.0.1" in message and "\n" not in message
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"


def test_rebuilt_database_gets_a_fresh_searcher(pg_server, make_photo, make_jpeg) -> None:
    url = pg_server.create_database("rebuilt")
    with open_index(url) as idx:
        idx.add_photo(make_jpeg(make_photo(5)), PhotoMeta(caption="old"))
        assert idx.search(make_photo(5))
    close_pools()
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute('DROP DATABASE "rebuilt"')
    pg_server.create_database("rebuilt")
    with open_index(url) as idx:
        assert idx.search(make_photo(5)) == []
    close_pools()


def test_a_batch_committed_after_a_later_one_is_not_skipped(pg_url: str, make_photo, make_jpeg) -> None:
    """Hash ids become visible in id order: a searcher that loaded writer B's batch still finds writer A's,
    begun before B's but committed after it (with plain inserts, A's lower ids would be passed over)."""
    from captioncheck.index.store import PhotoRecord, utcnow

    def record(data: bytes) -> PhotoRecord:
        return PhotoRecord(id=0, sha256=H.sha256(data), size=len(data), added_at=utcnow())

    a_data, b_data = make_jpeg(make_photo(20)), make_jpeg(make_photo(21))
    a_rows, b_rows = H.index_hashes(H.decode(a_data)), H.index_hashes(H.decode(b_data))
    reader = open_index(pg_url, refresh_s=0)
    writer_a, writer_b = PostgresStore(pg_url), PostgresStore(pg_url)
    a = writer_a.add_photo(record(a_data), a_rows, commit=False)  # A's transaction stays open
    b = writer_b.add_photo(record(b_data), b_rows)
    assert [m.photo_id for m in reader.search(make_photo(21))] == [b]
    writer_a.commit()
    assert [m.photo_id for m in reader.search(make_photo(20))] == [a]
    for s in (writer_a, writer_b, reader):
        s.close()


def test_same_photo_from_two_writers_is_merged(pg_url: str, make_photo, make_jpeg) -> None:
    from captioncheck.index.store import PhotoRecord, utcnow

    data = make_jpeg(make_photo(22))
    rows = H.index_hashes(H.decode(data))
    one, two = PostgresStore(pg_url), PostgresStore(pg_url)
    first = one.add_photo(PhotoRecord(id=0, sha256=H.sha256(data), size=len(data), added_at=utcnow(), caption="one",
                                      origin="seen"), rows)
    second = two.add_photo(PhotoRecord(id=0, sha256=H.sha256(data), size=len(data), added_at=utcnow(), caption="curated",
                                       credit="AFP"), rows)
    assert first == second
    rec = one.photos([first])[first]
    assert (rec.caption, rec.credit, rec.origin) == ("curated", "AFP", "curated")  # curated replaces what was seen
    assert one.stats()["hashes"] == len(rows)
    one.close()
    two.close()


def _folder(root: Path, seeds: list[int], make_photo, make_jpeg) -> Path:
    root.mkdir(parents=True)
    for s in seeds:
        (root / f"{s:04d}.jpg").write_bytes(make_jpeg(make_photo(s, (320, 240))))
    return root


def test_two_writer_processes_and_a_searcher(pg_url: str, tmp_path: Path, make_photo, make_jpeg) -> None:
    """Two `index add` processes write one PostgreSQL index at once (some photos in both) while this
    process searches it: nothing is lost, duplicates are merged, and every photo becomes searchable
    within the refresh interval of its commit."""
    refresh_s = 1.0
    shared_seeds = [500, 501, 502]
    a = _folder(tmp_path / "a", [*range(300, 312), *shared_seeds], make_photo, make_jpeg)
    b = _folder(tmp_path / "b", [*range(400, 412), *shared_seeds], make_photo, make_jpeg)
    open_index(pg_url).close()  # schema first, so this process's reader can open it
    digests = {H.sha256(p.read_bytes()): p for d in (a, b) for p in d.iterdir()}
    searcher = open_index(pg_url, readonly=True, refresh_s=refresh_s)
    cmd = [sys.executable, "-m", "captioncheck", "index", "add", "--workers", "1", "--batch", "2", "--index", pg_url]
    writers = [subprocess.Popen([*cmd, str(d)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for d in (a, b)]
    committed: dict[str, float] = {}
    found: dict[str, float] = {}
    slowest_round = 0.0
    deadline = time.monotonic() + 150
    with psycopg.connect(pg_url, autocommit=True) as conn:
        while len(found) < len(digests) and time.monotonic() < deadline:
            start = time.monotonic()
            for (sha,) in conn.execute("SELECT sha256 FROM photos"):
                committed.setdefault(sha, start)
            for sha in [s for s in committed if s not in found]:
                matches = searcher.search(digests[sha].read_bytes(), k=3)
                if any(searcher.get(m.photo_id).sha256 == sha for m in matches):
                    found[sha] = time.monotonic()
            slowest_round = max(slowest_round, time.monotonic() - start)
            time.sleep(0.05)
        outputs = [w.communicate(timeout=60) for w in writers]
        rows = conn.execute("SELECT p.sha256, count(h.id) FROM photos p JOIN hashes h ON h.photo_id = p.id "
                            "GROUP BY p.sha256").fetchall()
    searcher.close()
    assert [w.returncode for w in writers] == [0, 0], [o[1] for o in outputs]
    assert all("added" in o[0] for o in outputs)
    assert {r[0] for r in rows} == set(digests) and len(rows) == 27  # nothing lost, shared photos once
    assert len({r[1] for r in rows}) == 1  # each photo with all its hashes, none twice
    assert set(found) == set(digests)
    delays = {sha: found[sha] - committed[sha] for sha in found}
    # seen committed at most one polling round late; searchable within the refresh interval after that
    assert max(delays.values()) <= refresh_s + 2 * slowest_round + 0.5, json.dumps(delays)


def test_a_large_transaction_parks_its_hashes_and_commits_them_all(pg_url: str, make_photo, make_jpeg, monkeypatch) -> None:
    """Beyond SPILL_ROWS hash rows an open transaction parks them in a temporary table (bounded memory,
    e.g. an import, which is one transaction); commit moves every one; a photo removed before is left out."""
    from captioncheck.index import store_postgres

    from captioncheck.index.geometry import available

    per = 102 + available()  # rows per photo: 49 x (PDQ + aux), 3 small hashes, a thumbnail, keypoints with OpenCV
    monkeypatch.setattr(store_postgres, "SPILL_ROWS", 150)  # every second photo (102-103 rows each) spills
    datas = [make_jpeg(make_photo(s, (160, 120))) for s in range(30, 35)]
    with open_index(pg_url, refresh_s=0) as idx:
        ids = [idx.add_photo(d, PhotoMeta(caption=f"p{i}"), commit=False) for i, d in enumerate(datas)]
        assert idx.store._spilled and len(idx.store._pending_hashes) < 150
        idx.store.remove([ids[1]], commit=False)
        idx.commit()
        st = idx.stats()
        assert (st["photos"], st["hashes"]) == (4, 4 * per)
        for i, d in enumerate(datas):
            assert [m.photo_id for m in idx.search(d)] == ([] if i == 1 else [ids[i]])
        idx.add_photo(make_jpeg(make_photo(36, (160, 120))), PhotoMeta(), commit=False)  # the same session again
        idx.add_photo(make_jpeg(make_photo(37, (160, 120))), PhotoMeta(), commit=False)
        idx.store.rollback()
        assert idx.stats()["hashes"] == 4 * per


OPPOSITE_WRITER = r"""
import sys
from captioncheck.index import open_index, PhotoMeta
from captioncheck.index.hashes import HashRow
import numpy as np
url, order, name = sys.argv[1], [int(x) for x in sys.argv[2].split(",")], sys.argv[3]
half = len(order) // 2

def rows(seed):
    rng = np.random.default_rng(seed)
    return [HashRow("pdq", "full", rng.integers(0, 256, 32, np.uint8).tobytes(), 100),
            HashRow("aux", "full", rng.integers(0, 256, 16, np.uint8).tobytes())]

idx = open_index(url)
for s in order[:half]:
    idx.add_hashed(f"{s:064x}", 10, (1, 1), rows(s), PhotoMeta(caption=f"{name} {s}", credit=name), commit=False)
print("holding", flush=True)
sys.stdin.readline()  # both writers hold their first half uncommitted: the second halves cross
for s in order[half:]:
    idx.add_hashed(f"{s:064x}", 10, (1, 1), rows(s), PhotoMeta(caption=f"{name} {s}", credit=name), commit=False)
idx.commit()
idx.close()
print("done", flush=True)
"""


def test_writers_adding_the_same_photos_in_opposite_orders_both_finish(pg_url: str) -> None:
    """Two writer processes add the same photos in opposite orders, each in one transaction, crossing while both
    hold their first half: PostgreSQL aborts one of them (deadlock); it replays its batch and commits, merged
    into the other's photos. Nothing is lost, no photo is stored twice, both exit 0."""
    open_index(pg_url).close()
    seeds = list(range(1, 9))
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{conn.info.dbname}\" SET deadlock_timeout = '200ms'")  # found sooner
    procs = [subprocess.Popen([sys.executable, "-c", OPPOSITE_WRITER, pg_url, ",".join(map(str, order)), name],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for order, name in ((seeds, "A"), (seeds[::-1], "B"))]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "holding", p.stderr.read()
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        outs = [p.communicate(timeout=60) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0, 0], [o[1][-800:] for o in outs]
    with psycopg.connect(pg_url) as conn:
        photos = conn.execute("SELECT sha256, caption, credit FROM photos ORDER BY sha256").fetchall()
        per_photo = conn.execute("SELECT photo_id, count(*) FROM hashes GROUP BY photo_id").fetchall()
    assert [int(p[0], 16) for p in photos] == seeds  # each photo once
    assert sorted(n for _, n in per_photo) == [2] * len(seeds)  # with its hashes, none twice
    assert {p[2] for p in photos} <= {"A", "B"} and all(p[1] == f"{p[2]} {int(p[0], 16)}" for p in photos)


def test_the_server_of_a_killed_test_process_is_reaped_at_the_next_start(pg_server, tmp_path: Path) -> None:
    """A test process killed with its throw-away server running: the next start stops and deletes that server
    (its owner is gone), and leaves alone the servers of live processes (this session's)."""
    import os
    import signal

    from tests.pg_server import PgServer, find_bindir

    root = Path(__file__).resolve().parents[2]
    where = tmp_path / "datadir.txt"
    script = (f"from tests.pg_server import PgServer; import time, pathlib; s = PgServer.start(); "
              f"pathlib.Path({str(where)!r}).write_text(str(s.datadir)); time.sleep(300)")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=root)
    try:
        deadline = time.monotonic() + 120
        while not where.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        datadir = Path(where.read_text())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    postmaster = int((datadir / "postmaster.pid").read_text().split()[0])
    assert Path(f"/proc/{postmaster}").exists()  # left running by the killed process
    reaped = PgServer.reap_stale(find_bindir(), os.geteuid() == 0)
    assert datadir.parent in reaped and not datadir.parent.exists()
    assert pg_server.datadir.exists() and pg_server.datadir.parent not in reaped
    deadline = time.monotonic() + 30
    while Path(f"/proc/{postmaster}").exists() and (Path(f"/proc/{postmaster}/stat").read_text().split()[2] != "Z"):
        assert time.monotonic() < deadline, "the stale server still runs"
        time.sleep(0.1)
