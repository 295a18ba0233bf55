"""Long-lived tesseract workers (see tesseract_worker.py), shared by the threads of one process.

`shared_pool()` returns the process's pool, or None where the workers cannot run (no
libtesseract, not POSIX): the OCR signal then runs the tesseract command line as before.
`pool.read(images, languages, psm, timeout_s)` borrows one idle worker (starting one when none is
idle and fewer than `size` run), sends it the images one by one and returns tesseract's TSV text
per image. A worker that times out or dies is killed and dropped (the next call starts a new one);
the error is a RuntimeError whose message says "timeout" for a time-out.
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

from PIL import Image

from captioncheck.config import env_flag

WORKER = Path(__file__).with_name("tesseract_worker.py")
START_TIMEOUT_S = 10.0


class WorkerError(RuntimeError):
    pass


class Worker:
    def __init__(self) -> None:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # processes, not OpenMP threads, share the cores
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-S", str(WORKER)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
        )
        self._buf = b""
        hello = self._answer(time.monotonic() + START_TIMEOUT_S)
        if not hello.get("ok"):
            self.kill()
            raise OSError(str(hello.get("error") or "tesseract worker did not start"))
        self.version = str(hello.get("version", ""))

    def read(self, image: Image.Image, languages: str, psm: int, deadline: float) -> str:
        grey = image if image.mode == "L" else image.convert("L")
        head = json.dumps({"lang": languages, "psm": psm, "w": grey.width, "h": grey.height}).encode() + b"\n"
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(head + grey.tobytes())
            self.proc.stdin.flush()
        except (OSError, ValueError) as exc:  # a broken or closed pipe
            raise WorkerError(f"tesseract worker exited ({exc})") from exc
        answer = self._answer(deadline)
        if "error" in answer:
            raise RuntimeError(str(answer["error"]))
        return str(answer.get("tsv", ""))

    def _answer(self, deadline: float) -> dict:
        """The next JSON line from the worker, by `deadline` (time.monotonic())."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise WorkerError("tesseract worker timeout")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                raise WorkerError(f"tesseract worker exited (code {self.proc.poll()})")
            self._buf += chunk
        line, _, self._buf = self._buf.partition(b"\n")
        return json.loads(line)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        try:
            if self.proc.stdin is not None:
                self.proc.stdin.close()  # the worker ends its tesseract handles and exits
            self.proc.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


class Pool:
    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self.pid = os.getpid()
        self._idle: queue.LifoQueue[Worker] = queue.LifoQueue()  # the most recently used has its models warm
        self._lock = threading.Lock()
        self._running = 0

    def _borrow(self, deadline: float) -> Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                with self._lock:
                    start = self._running < self.size
                    if start:
                        self._running += 1
                if start:
                    try:
                        return Worker()
                    except BaseException:
                        with self._lock:
                            self._running -= 1
                        raise
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WorkerError("tesseract worker timeout (none free)") from None
                try:
                    worker = self._idle.get(timeout=left)
                except queue.Empty:
                    continue
            if worker.alive():
                return worker
            self._drop(worker)

    def _drop(self, worker: Worker) -> None:
        worker.kill()
        with self._lock:
            self._running -= 1

    def read(self, images: list[Image.Image], languages: str, psm: int, timeout_s: float) -> list[str]:
        """TSV text per image, all by one worker, within `timeout_s` for the whole list."""
        deadline = time.monotonic() + max(0.1, timeout_s)
        worker = self._borrow(deadline)
        try:
            out = [worker.read(img, languages, psm, deadline) for img in images]
        except WorkerError:
            self._drop(worker)  # timed out or died: its state is unknown
            raise
        except BaseException:
            self._idle.put(worker)
            raise
        self._idle.put(worker)
        return out

    def close(self) -> None:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.close()
            with self._lock:
                self._running -= 1


_POOL: Pool | None = None
_UNUSABLE = ""  # why workers cannot run in this process ("" while they may)
_POOL_LOCK = threading.Lock()


def shared_pool() -> Pool | None:
    """The process's pool (one worker per core at most), or None when workers cannot run here:
    not POSIX, CAPTIONCHECK_OCR_WORKERS=0, or the first worker found no libtesseract."""
    global _POOL, _UNUSABLE
    if os.name != "posix" or not env_flag("CAPTIONCHECK_OCR_WORKERS", default=True):
        return None
    with _POOL_LOCK:
        if _UNUSABLE:
            return None
        if _POOL is None or _POOL.pid != os.getpid():  # a forked child starts its own workers
            pool = Pool(os.cpu_count() or 1)
            try:
                pool._idle.put(pool._borrow(time.monotonic() + START_TIMEOUT_S))  # fails fast without libtesseract
            except (OSError, RuntimeError) as exc:  # no libtesseract, or a worker that would not start
                _UNUSABLE = str(exc) or "tesseract worker did not start"
                return None
            _POOL = pool
        return _POOL


def unusable_reason() -> str:
    return _UNUSABLE


def close_shared_pool() -> None:
    global _POOL
    with _POOL_LOCK:
        if _POOL is not None and _POOL.pid == os.getpid():
            _POOL.close()
        _POOL = None


atexit.register(close_shared_pool)

__all__ = ["Pool", "Worker", "WorkerError", "close_shared_pool", "shared_pool", "unusable_reason"]
