"""A real HTTP server on 127.0.0.1 that the API and fetcher tests point at (never any other address)."""

from __future__ import annotations

import io
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PIL import Image


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # sleep before answering
    gate: threading.Event | None = None  # wait for this before answering
    chunked: bool = False  # send without Content-Length, in chunks, then close


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[tuple[str, str]] = []  # (path, Host header)
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802
                server.seen.append((self.path, self.headers.get("Host", "")))
                route = server.routes.get(self.path.split("?")[0], Route(b"not found", 404))
                if route.gate is not None:
                    route.gate.wait(30)
                time.sleep(route.delay_s)
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                if not route.chunked:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    for start in range(0, len(route.body), 65536):
                        self.wfile.write(route.body[start:start + 65536])
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (size limit, time-out): expected in these tests

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes = b"", content_type: str = "text/html", **kwargs: object) -> str:
        headers = {"Content-Type": content_type, **kwargs.pop("headers", {})}  # type: ignore[dict-item]
        self.routes[path] = Route(body=body, headers=headers, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": location})
        return self.url(path)


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    srv.thread.start()
    yield srv
    for route in srv.routes.values():
        if route.gate is not None:
            route.gate.set()
    srv.httpd.shutdown()
    srv.httpd.server_close()


def jpeg_bytes(size: tuple[int, int] = (64, 48), color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    img = Image.new("RGB", size, color)
    for x in range(0, size[0], 8):  # some structure so hashes are not degenerate
        img.paste((x * 3 % 256, 90, 200 - x % 200), (x, 0, x + 4, size[1]))
    img.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that *declares* width x height (a decompression-bomb shape) without the pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


PAGE = b"""<!doctype html><html lang="en"><head><title>Test page</title></head><body><article>
<h1>Test page</h1><p>Some article text about a red square photographed in a studio.</p>
<figure><img src="/img/a.jpg" alt="a red square" width="64" height="48"><figcaption>A red square in a studio.
(Photo: Test Agency)</figcaption></figure><p>More text after the image.</p></article></body></html>"""
