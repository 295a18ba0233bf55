"""`captioncheck serve --processes 2` on one PostgreSQL index: a photo added by anyone (another
process, or through one of the server's workers) is found by every worker within the refresh bound."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from captioncheck.index import PhotoMeta, open_index


REFRESH_S = 1.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _found_by_every_request(base: str, image: bytes, caption: str, deadline_s: float) -> float:
    """Seconds until 8 searches in a row (spread over the workers) find the photo; fails past the deadline."""
    start = time.monotonic()
    streak = 0
    while streak < 8:
        assert time.monotonic() - start < deadline_s, f"{caption!r} not found by every worker within {deadline_s} s"
        r = httpx.post(f"{base}/v1/index/search", files={"file": ("q.jpg", image, "image/jpeg")}, timeout=30,
                       headers={"X-API-Key": "k"})
        assert r.status_code == 200, r.text
        streak = streak + 1 if [m["caption"] for m in r.json()["matches"]] == [caption] else 0
    return time.monotonic() - start


@pytest.mark.slow
def test_workers_share_one_postgresql_index(pg_url: str, tmp_path: Path, make_photo, make_jpeg) -> None:
    with open_index(pg_url) as idx:
        idx.add_photo(make_jpeg(make_photo(60)), PhotoMeta(caption="before start"))
    port = _free_port()
    env = {**os.environ, "CAPTIONCHECK_DATADIR": str(tmp_path), "CAPTIONCHECK_API_KEYS": "k",
           "CAPTIONCHECK_INDEX_REFRESH": str(REFRESH_S)}
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "captioncheck", "serve", "--port", str(port), "--processes", "2",
                             "--workers", "1", "--no-clip", "--no-ocr", "--no-remember", "--index", pg_url],
                            env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start: " + (tmp_path / "server.log").read_text()[-2000:])
        time.sleep(3)  # let both workers finish starting (the first may answer before the second is up)
        slack = 10.0  # request round trips on a busy 2-core machine
        _found_by_every_request(base, make_jpeg(make_photo(60)), "before start", slack)
        with open_index(pg_url) as idx:  # another process (a desk member's CLI) adds a photo
            idx.add_photo(make_jpeg(make_photo(61)), PhotoMeta(caption="from another process"))
        _found_by_every_request(base, make_jpeg(make_photo(61)), "from another process", REFRESH_S + slack)
        r = httpx.post(f"{base}/v1/index/photos", headers={"X-API-Key": "k"}, data={"caption": "through one worker"},
                       files={"file": ("p.jpg", make_jpeg(make_photo(62)), "image/jpeg")}, timeout=30)
        assert r.status_code == 201, r.text
        _found_by_every_request(base, make_jpeg(make_photo(62)), "through one worker", REFRESH_S + slack)
        health = httpx.get(f"{base}/v1/health", timeout=10).json()
        assert health["index"]["refresh_s"] == REFRESH_S and health["index"]["latest_generation"] > 0
        lines = [json.loads(x) for x in (tmp_path / "server.log").read_text().splitlines() if x.startswith("{")]
        pids = {x["message"] for x in lines if x["message"].startswith("Started server process")}
        assert len(pids) == 2, (tmp_path / "server.log").read_text()[-2000:]
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()


PRELOAD_SCRIPT = """
import functools, json, sys
from fastapi.testclient import TestClient
from api import worker
from api.app import create_app
from api.settings import ApiSettings
from captioncheck.config import Settings, index_spec

check = Settings(index_path=index_spec(sys.argv[1]), use_clip=False, use_ocr=False, remember=False)
with TestClient(create_app(ApiSettings(check=check, workers=1, queue_size=1))) as client:
    runner = client.app.state.runner
    print(json.dumps(client.portal.call(functools.partial(runner.run_isolated, worker.index_generations, timeout_s=120))))
"""


def test_check_workers_start_with_the_index_loaded(index_spec, tmp_path: Path, make_photo, make_jpeg) -> None:
    """The fork server the check workers come from loads the index once: a worker that has run no check
    yet already holds every hash (shared copy-on-write), instead of each worker reading them all."""
    with open_index(index_spec) as idx:
        for seed in (70, 71):
            idx.add_photo(make_jpeg(make_photo(seed, (240, 180))), PhotoMeta(caption=str(seed)))
        latest = idx.store.latest_hash_id()
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "CAPTIONCHECK_DATADIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", PRELOAD_SCRIPT, str(index_spec)], capture_output=True, text=True,
                          timeout=240, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == [latest]
