"""Servers for the browser test, both on 127.0.0.1: the seed page as static files, and the API (uvicorn)."""

from __future__ import annotations

import functools
import ipaddress
import shutil
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = ROOT / "testdata" / "pages"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def page_server() -> Iterator[str]:
    """Serves testdata/pages/ on a free loopback port; yields its base URL."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(PAGES)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def api_server(tmp_path: Path) -> Iterator[str]:
    """The real API under uvicorn in a thread, on a free loopback port, fetching only from 127.0.0.1."""
    import uvicorn

    from api.app import create_app
    from api.settings import ApiSettings
    from captioncheck.config import Settings
    from captioncheck.netfetch import FetchLimits

    shutil.copy(ROOT / "testdata" / "index.sqlite", tmp_path / "index.sqlite")
    settings = ApiSettings(
        check=Settings(index_path=tmp_path / "index.sqlite", use_clip=False, use_ocr=False, remember=False),
        fetch=FetchLimits(allow=(ipaddress.ip_network("127.0.0.1/32"),), allow_public=False),
        api_keys=frozenset(), cors_origins=(), workers=1, queue_size=4, request_timeout_s=120,
    )
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
