"""CPU-heavy work off the event loop: a bounded thread pool with a bounded queue and a time budget."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from api.errors import ApiError

T = TypeVar("T")


class Runner:
    """At most `workers` jobs run and `queue_size` wait; beyond that callers get 503 + Retry-After.

    A job that outlives the time budget answers 504 at once; its thread is released when the job
    notices its deadline (fetches and the pipeline's progress callback check it).
    """

    def __init__(self, workers: int, queue_size: int, retry_after_s: int = 5) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="captioncheck-worker")
        self.capacity = workers + queue_size
        self.retry_after_s = retry_after_s
        self._admitted = 0
        self._lock = threading.Lock()

    def _release(self, _future: Future[object]) -> None:
        with self._lock:
            self._admitted -= 1

    async def run(self, fn: Callable[..., T], *args: object, timeout_s: float) -> T:
        with self._lock:
            if self._admitted >= self.capacity:
                raise ApiError("busy", f"server busy: {self._admitted} checks running or queued; retry in "
                               f"{self.retry_after_s} s", headers={"Retry-After": str(self.retry_after_s)})
            self._admitted += 1
        future = self._pool.submit(fn, *args)
        future.add_done_callback(self._release)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout_s)
        except asyncio.TimeoutError:
            future.cancel()
            raise ApiError("timeout", f"the check took longer than {timeout_s:g} s; try a page with fewer images "
                           "or raise CAPTIONCHECK_API_TIMEOUT") from None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
