"""Hostile loopback peers (shared by tests/api and bench/hostile.py): a server that answers an HTTP
request one byte at a time, so every read arrives within a per-read timeout and only a total
deadline stops the client. Bounded: at most `max_bytes` bytes, then it closes; `close()` stops it."""

from __future__ import annotations

import socket
import threading
import time
from typing import Self

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n<html>" + b"x" * 10_000


class TricklePeer:
    """A loopback HTTP peer that sends `answer` one byte every `interval_s` (at most `max_bytes`)."""

    def __init__(self, interval_s: float = 0.2, max_bytes: int = 200, answer: bytes = ANSWER) -> None:
        self.interval_s, self.max_bytes, self.answer = interval_s, max_bytes, answer
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)  # the accept loop looks at `stop` this often
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/page.html"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                for byte in self.answer[: self.max_bytes]:
                    if self.stop.is_set():
                        return
                    conn.sendall(bytes([byte]))
                    time.sleep(self.interval_s)
            except OSError:
                return

    def close(self) -> None:
        self.stop.set()
        self.sock.close()
        self.thread.join(5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
