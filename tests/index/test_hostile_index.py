"""Issue 10 items 5, 6, 7, 12: bad imports, read-only indexes, concurrent writers, damaged files."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from captioncheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
INDEX = ROOT / "testdata" / "index.sqlite"
SEED = ROOT / "testdata" / "pages" / "presstv-fr-2019-12-11.html"
LEAD = SEED.parent / "presstv-fr-2019-12-11_files" / "00b5a4e2-6b1f-4c36-9c9a-3b1d7e4a2f10.jpg"


def run(*args: str) -> tuple[int, str, str]:
    """The console entry point in-process (its error lines and exit codes): (code, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        return code, out.getvalue().decode(), err.getvalue().decode()


def cli_process(*args: str, prefix: tuple[str, ...] = (), timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*prefix, sys.executable, "-m", "captioncheck", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env)


def exported(tmp_path: Path) -> list[dict]:
    out = tmp_path / "dump.jsonl"
    assert run("index", "export", "-o", str(out), "--index", str(INDEX))[0] == 0
    return [json.loads(line) for line in out.read_text().splitlines()]


# ---------------------------------------------------------------------------- item 5: index import


@pytest.mark.parametrize(("change", "expected"), [
    (lambda o: o["hashes"][0].update(quality="high"), "hashes.0.quality: Input should be a valid integer"),
    (lambda o: o.update(size="12"), "size: Input should be a valid integer"),
    (lambda o: o.update(date="yesterday"), "date: 'yesterday' is not an ISO 8601 date"),
    (lambda o: o.update(sha256="xyz"), "sha256: String should match pattern"),
    (lambda o: o["hashes"][0].update(bits="zz"), "hashes.0: pdq hash bits are not hex"),
    (lambda o: o.update(hashes=[h for h in o["hashes"] if h["kind"] != "pdq"]), "no full-image PDQ hash"),
    (lambda o: o.update(origin="stolen"), "origin: Input should be 'curated' or 'seen'"),
    (lambda o: o.update(sightings=[{"page_url": 7}]), "sightings.0.page_url: Input should be a valid string"),
])
def test_import_names_the_bad_line_and_imports_nothing(tmp_path: Path, change, expected: str) -> None:  # type: ignore[no-untyped-def]
    lines = exported(tmp_path)
    change(lines[2])
    source = tmp_path / "bad.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    target = tmp_path / "new.sqlite"
    code, _, err = run("index", "import", str(source), "--index", str(target))
    assert code == 2, err
    assert f"line 3: {expected}" in err and "nothing was imported" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run("index", "stats", "--format", "json", "--index", str(target))
    assert code == 0 and json.loads(out)["photos"] == 0  # all or nothing: the good lines 1-2 were rolled back


def test_import_skip_bad_imports_the_rest_and_counts(tmp_path: Path) -> None:
    lines = exported(tmp_path)
    lines[1]["hashes"][0]["quality"] = "high"
    source = tmp_path / "bad.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json at all\n")
    target = tmp_path / "new.sqlite"
    code, out, err = run("index", "import", str(source), "--skip-bad", "--index", str(target))
    assert code == 0
    assert f"imported {len(lines) - 1} photo(s), merged 0, skipped 2 bad line(s)" in out
    assert "line 2: hashes.0.quality" in err and f"line {len(lines) + 1}: not JSON" in err
    # what was imported is searchable: a bad quality can no longer break search and stats
    assert run("index", "stats", "--index", str(target))[0] == 0
    code, out, _ = run("index", "search", str(LEAD), "--index", str(target))
    assert code == 0 and json.loads(out)["matches"]


def test_import_of_binary_garbage_is_one_line_exit_2(tmp_path: Path) -> None:
    source = tmp_path / "garbage.jsonl"
    source.write_bytes(os.urandom(4096))
    code, _, err = run("index", "import", str(source), "--index", str(tmp_path / "new.sqlite"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


# ---------------------------------------------------------------------------- item 12: damaged index


def damage(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    for i in range(offset, min(offset + 4096, len(data))):
        data[i] = (data[i] * 31 + 7) % 256
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("offset", [0, 40_000, 60_000])
def test_damaged_index_is_one_line_and_exit_2(tmp_path: Path, offset: int) -> None:
    for args in (["index", "stats"], ["index", "search", str(LEAD)], ["index", "export"],
                 ["check", str(SEED), "--no-clip", "--no-ocr", "--no-remember"]):
        copy = tmp_path / "damaged.sqlite"
        shutil.copy(INDEX, copy)
        damage(copy, offset)
        code, out, err = run(*args, "--index", str(copy))
        assert code == 2, (args, err)
        assert err.startswith("Error: index ") and ("damaged" in err or "not a captioncheck index" in err), err
        assert len(err.strip().splitlines()) == 1 and "unexpected" not in err


# ---------------------------------------------------------------------------- item 6: read-only WAL index


def _read_only_runner() -> tuple[str, ...] | None:
    """A command prefix under which file permissions bind (root drops its override capabilities)."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    return (setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner") if setpriv else None


def test_read_only_wal_index_is_readable_and_used(tmp_path: Path) -> None:
    prefix = _read_only_runner()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be made to bind")
    folder = tmp_path / "ro"
    folder.mkdir()
    index = folder / "index.sqlite"
    shutil.copy(INDEX, index)
    conn = sqlite3.connect(index)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    assert sorted(p.name for p in folder.iterdir()) == ["index.sqlite"]
    index.chmod(0o444)
    folder.chmod(0o555)
    try:
        stats = cli_process("index", "stats", "--format", "json", "--index", str(index), prefix=prefix)
        assert stats.returncode == 0, stats.stderr
        assert json.loads(stats.stdout)["photos"] == 4
        search = cli_process("index", "search", str(LEAD), "--index", str(index), prefix=prefix)
        assert search.returncode == 0 and json.loads(search.stdout)["matches"], search.stderr
        assert cli_process("index", "export", "--index", str(index), prefix=prefix).stdout.count("\n") == 4
        check = cli_process("check", str(SEED), "--index", str(index), "--no-clip", "--no-ocr", "--no-remember",
                            "--format", "json", prefix=prefix)
        assert check.returncode == 0, check.stderr
        lead = json.loads(check.stdout)["images"][0]
        assert lead["matches"] and "index_match" not in lead["signals_unavailable"]  # used, not dropped
        assert not (folder / "index.sqlite-shm").exists()  # nothing was written next to it
    finally:
        folder.chmod(0o755)
        index.chmod(0o644)


# ---------------------------------------------------------------------------- item 7: concurrent writers


def _writer(path: Path, blobs: list[bytes], barrier, results) -> None:  # type: ignore[no-untyped-def]
    from captioncheck.index import PhotoMeta, open_index

    barrier.wait(30)  # every writer creates, migrates and inserts at the same moment
    try:
        index = open_index(path)
        for blob in blobs:
            index.add_photo(blob, PhotoMeta(caption="same photos, four writers"))
        index.close()
        results.put("ok")
    except Exception as exc:  # reported to the test, which fails with it
        results.put(f"{type(exc).__name__}: {exc}")


def test_concurrent_writers_on_one_new_index(tmp_path: Path) -> None:
    """Four processes create one new index and add the same photos at once: all succeed, once each."""
    import io
    import multiprocessing

    from PIL import Image

    blobs = []
    for i in range(3):
        img = Image.linear_gradient("L").rotate(i * 50).resize((320, 240)).convert("RGB")
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=90)
        blobs.append(buf.getvalue())
    context = multiprocessing.get_context("fork")  # children only touch SQLite and Pillow
    for trial in range(2):  # the race is timing-dependent: two tries (the old code failed in 2 of 3)
        path = tmp_path / f"shared{trial}.sqlite"
        barrier, results = context.Barrier(4), context.Queue()
        procs = [context.Process(target=_writer, args=(path, blobs, barrier, results)) for _ in range(4)]
        for proc in procs:
            proc.start()
        outcomes = [results.get(timeout=120) for _ in procs]
        for proc in procs:
            proc.join(30)
        assert outcomes == ["ok"] * 4, outcomes
        code, out, _ = run("index", "stats", "--format", "json", "--index", str(path))
        assert code == 0 and json.loads(out)["photos"] == 3
