"""`captioncheck serve` as a user runs it: a real uvicorn subprocess on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from captioncheck.cli import cli

from .conftest import PAGE, LoopbackServer

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(tmp_path: Path, *extra: str) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "CAPTIONCHECK_DATADIR": str(tmp_path), "CAPTIONCHECK_FETCH_PUBLIC": "0"}
    env.pop("CAPTIONCHECK_FETCH_ALLOW", None)
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "captioncheck", "serve", "--port", str(port), "--no-clip", "--no-ocr",
                             "--index", str(tmp_path / "index.sqlite"), *extra], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(15)
        log.close()


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    yield from serve(tmp_path, *getattr(request, "param", ()))


def test_loopback_url_is_refused_by_a_default_server(served: str, server: LoopbackServer, tmp_path: Path) -> None:
    url = server.add("/page.html", PAGE)
    response = httpx.post(f"{served}/v1/check", json={"url": url}, timeout=30)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden_address"
    assert server.seen == []
    info = httpx.get(f"{served}/v1/info", timeout=10).json()
    assert info["model"]["enabled"] is False and info["index"]["photos"] == 0
    lines = (tmp_path / "server.log").read_text().splitlines()
    assert any('"event": "request"' in line and '"status": 403' in line for line in lines)  # JSON logs


@pytest.mark.parametrize("served", [("--allow-fetch", "127.0.0.1/32")], indirect=True)
def test_allow_listed_loopback_url_is_checked(served: str, server: LoopbackServer) -> None:
    url = server.add("/page.html", PAGE)
    response = httpx.post(f"{served}/v1/check", json={"url": url}, timeout=60)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["page"]["url"] == url and report["images"][0]["url"] == server.url("/img/a.jpg")


def test_serve_rejects_a_bad_allow_list() -> None:
    result = CliRunner().invoke(cli, ["serve", "--allow-fetch", "not-a-network"])
    assert result.exit_code != 0 and "--allow-fetch" in str(result.exception or result.output)


@pytest.mark.parametrize("processes", ["1", "2"])
def test_serve_hands_clip_precision_to_the_workers(processes: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--clip-precision reaches the settings every worker is built from, in one process or several."""
    import uvicorn

    from captioncheck.cli import serve_cmd

    seen: list[object] = []
    monkeypatch.setenv("CAPTIONCHECK_DATADIR", str(tmp_path))
    for name in (serve_cmd.SETTINGS_ENV, "CAPTIONCHECK_LOG_LEVEL"):  # serve sets them for its workers
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("api.logs.configure_json_logging", lambda level="info": None)  # keeps pytest's log capture
    monkeypatch.setattr("api.app.create_app", lambda settings: settings)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.append(app))
    result = CliRunner().invoke(cli, ["serve", "--no-ocr", "--clip-precision", "fp32", "--processes", processes,
                                      "--index", str(tmp_path / "index.sqlite")])
    assert result.exit_code == 0, result.output
    settings = seen[0] if processes == "1" else serve_cmd.worker_app()  # a worker decodes what the parent resolved
    assert settings.check.clip_precision == "fp32" and settings.check.use_clip  # type: ignore[attr-defined]
