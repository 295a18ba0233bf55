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

pytestmark = pytest.mark.slow
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
