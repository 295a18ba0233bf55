"""Hostile clients and peers against the API (issue 10): slow peers and bodies, CSRF, odd hosts, bad dates.

The server runs under a real uvicorn on 127.0.0.1 where timing matters; peers are loopback
sockets that trickle bytes, each bounded in count and time.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.runner import Runner
from api.settings import ApiSettings
from captioncheck.netfetch import FetchLimits
from tests.hostile.peers import TricklePeer

from .conftest import PAGE, jpeg_bytes
from .test_api import KEY, assert_error, make_settings

LOOPBACK = FetchLimits(allow=(ipaddress.ip_network("127.0.0.1/32"),), allow_public=False, timeout_s=5.0,
                       total_timeout_s=60.0)
TRIVIAL = {"url": "https://news.example/a", "html": "<html><body><p>Nothing to see.</p></body></html>"}


@pytest.fixture
def trickle() -> Iterator[TricklePeer]:
    peer = TricklePeer()
    yield peer
    peer.close()


def run_uvicorn(settings: ApiSettings) -> Iterator[str]:
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(600):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(20)


# ---------------------------------------------------------------------------- item 2: deadlines free capacity


def test_fetch_deadline_is_total_not_per_read(trickle: TricklePeer) -> None:
    from captioncheck.netfetch import SafeFetcher

    limits = FetchLimits(allow=LOOPBACK.allow, allow_public=False, timeout_s=5.0, total_timeout_s=1.5)
    with SafeFetcher(limits) as fetcher:
        start = time.monotonic()
        with pytest.raises(Exception) as caught:
            fetcher.fetch_page(trickle.url)
    assert getattr(caught.value, "code", "") == "fetch_timeout"
    assert time.monotonic() - start < 3.0  # each byte came within the per-read timeout: only a total deadline stops it


def test_runner_kills_and_replaces_a_worker_past_its_budget() -> None:
    import asyncio

    from api.errors import ApiError

    runner = Runner(1, 0)
    try:
        async def scenario() -> tuple[float, int, int]:
            first = await runner.run_isolated(os.getpid, timeout_s=30)
            start = time.monotonic()
            with pytest.raises(ApiError) as caught:
                await runner.run_isolated(time.sleep, 60, timeout_s=1.0)
            assert caught.value.code == "timeout"
            answered = time.monotonic() - start
            second = await runner.run_isolated(os.getpid, timeout_s=30)  # capacity is back: not 503
            return answered, first, second

        answered, first, second = asyncio.run(scenario())
    finally:
        runner.shutdown()
    assert answered < 2.5
    assert first != second  # the busy worker process was killed and a fresh one took its place


@pytest.mark.slow
def test_after_a_504_a_trivial_check_answers_quickly(tmp_path: Path, trickle: TricklePeer) -> None:
    settings = make_settings(tmp_path, workers=1, queue_size=1, request_timeout_s=2.0, fetch=LOOPBACK)
    for base in run_uvicorn(settings):
        with httpx.Client(base_url=base, timeout=30) as client:
            assert client.post("/v1/check", json=TRIVIAL).status_code == 200  # the worker is started
            start = time.monotonic()
            slow = client.post("/v1/check", json={"url": trickle.url})
            assert slow.status_code == 504, slow.text
            assert time.monotonic() - start < 4.0
            timings = []
            for _ in range(3):
                start = time.monotonic()
                assert client.post("/v1/check", json=TRIVIAL).status_code == 200
                timings.append(time.monotonic() - start)
    assert min(timings) < 1.0, timings


# ---------------------------------------------------------------------------- items 10, 11: bodies and errors


@pytest.mark.slow
def test_slow_request_body_gets_408_and_oversized_chunked_body_413(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, body_timeout_s=1.0, max_body_bytes=10_000)
    for base in run_uvicorn(settings):
        host, port = base.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
            start = time.monotonic()
            answer = sock.recv(4096)
            assert b" 408 " in answer.split(b"\r\n", 1)[0] and b'"body_timeout"' in answer, answer
            assert time.monotonic() - start < 5

        def chunks() -> Iterator[bytes]:
            for _ in range(30):
                yield b" " * 1000

        response = httpx.post(f"{base}/v1/check", content=chunks(), headers={"Content-Type": "application/json"}, timeout=30)
        assert_error(response, 413, "payload_too_large")


def test_idna_host_is_mapped_and_refused_not_a_500(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, fetch=FetchLimits(timeout_s=1.0)))) as client:
        error = assert_error(client.post("/v1/check", json={"url": "http://①②⑦.0.0.1/"}), 403, "forbidden_address")
        assert "127.0.0.1" in error["message"] and "loopback" in error["message"]
        assert_error(client.post("/v1/check", json={"url": "http://xn--.example/"}), 400, "bad_url")


def test_refused_cors_preflight_uses_the_json_error_shape(tmp_path: Path) -> None:
    origin = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
    with TestClient(create_app(make_settings(tmp_path, cors_origins=(origin,)))) as client:
        refused = client.options("/v1/check", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        allowed = client.options("/v1/check", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
    assert_error(refused, 403, "forbidden_origin")
    assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == origin


# ---------------------------------------------------------------------------- item 4: CSRF


def test_foreign_origin_cannot_post(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        for origin in ("https://evil.example", "null", "http://127.0.0.1.evil.example"):
            response = client.post("/v1/check", json=TRIVIAL, headers={"Origin": origin})
            assert_error(response, 403, "forbidden_origin")
        files = {"file": ("q.jpg", jpeg_bytes(), "image/jpeg")}
        assert_error(client.post("/v1/index/search", files=files, headers={"Origin": "https://evil.example"}),
                     403, "forbidden_origin")
        # the browser extension, the server's own /docs page, and clients without an Origin (curl) pass
        assert client.post("/v1/check", json=TRIVIAL, headers={"Origin": "chrome-extension://abcdefgh"}).status_code == 200
        assert client.post("/v1/check", json=TRIVIAL, headers={"Origin": "http://testserver"}).status_code == 403
        assert client.post("/v1/check", json=TRIVIAL).status_code == 200
        assert client.get("/v1/health", headers={"Origin": "https://evil.example"}).status_code == 200


def test_own_docs_page_on_loopback_may_post(tmp_path: Path) -> None:
    from api.origins import origin_allowed

    assert origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000", ())
    assert origin_allowed("http://localhost:8000", "localhost:8000", ())
    assert not origin_allowed("http://rebind.example:8000", "rebind.example:8000", ())  # DNS rebinding
    assert not origin_allowed("http://127.0.0.1:9999", "127.0.0.1:8000", ())
    assert origin_allowed("chrome-extension://abc", "127.0.0.1:8000", ("chrome-extension://abc",))
    assert not origin_allowed("chrome-extension://other", "127.0.0.1:8000", ("chrome-extension://abc",))
    assert not origin_allowed("chrome-extension://", "x", ("chrome-extension://*",))


SEED = Path(__file__).resolve().parents[2] / "testdata" / "pages" / "presstv-fr-2019-12-11.html"


def _registry_photos(datadir: Path) -> int:
    from captioncheck.index import open_index

    path = datadir / "index.sqlite"
    if not path.exists():
        return 0
    with open_index(path, readonly=True) as index:
        return int(index.stats()["photos"])


def _check_with_image(client: TestClient, headers: dict[str, str] | None = None) -> None:
    import base64

    body = {"url": "https://news.example/a.html", "html": PAGE.decode(),
            "images": [{"url": "https://news.example/img/a.jpg", "data": base64.b64encode(jpeg_bytes((320, 240))).decode()}]}
    response = client.post("/v1/check", json=body, headers=headers or {})
    assert response.status_code == 200, response.text


def test_anonymous_checks_do_not_write_to_the_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datadir = tmp_path / "data"
    monkeypatch.setenv("CAPTIONCHECK_DATADIR", str(datadir))  # the worker processes inherit it
    settings = make_settings(tmp_path)
    settings.check.index_path, settings.check.remember = None, True  # lookups and registry: the data dir's index
    with TestClient(create_app(settings)) as client:
        _check_with_image(client)
    assert _registry_photos(datadir) == 0
    settings.remember_anonymous = True  # the operator allows it
    with TestClient(create_app(settings)) as client:
        _check_with_image(client)
    assert _registry_photos(datadir) == 1


def test_checks_with_a_valid_key_are_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    datadir = tmp_path / "data"
    monkeypatch.setenv("CAPTIONCHECK_DATADIR", str(datadir))
    settings = make_settings(tmp_path, api_keys=frozenset({KEY}))
    settings.check.index_path, settings.check.remember = None, True
    with TestClient(create_app(settings)) as client:
        _check_with_image(client, {"X-API-Key": KEY})
    assert _registry_photos(datadir) == 1


# ---------------------------------------------------------------------------- item 16: /v1/index/photos, schema


def test_add_photo_validates_the_date_like_the_cli(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, api_keys=frozenset({KEY})))) as client:
        def add(date: str):  # type: ignore[no-untyped-def]
            return client.post("/v1/index/photos", files={"file": ("a.jpg", jpeg_bytes((200, 150)), "image/jpeg")},
                               data={"date": date}, headers={"X-API-Key": KEY})

        for bad in ("yesterday", "2019-13-45", "<script>", "2019-02-30"):
            assert "date" in assert_error(add(bad), 422, "validation_error")["message"]
        assert add("2019-03-08").status_code == 201


def test_openapi_states_url_and_html_are_either_or(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path))) as client:
        schema = client.get("/openapi.json").json()["components"]["schemas"]["CheckRequest"]
    assert {"required": ["url"]} in schema["anyOf"] and {"required": ["html"]} in schema["anyOf"]
    assert schema["dependentRequired"] == {"images": ["html"]}
