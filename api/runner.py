"""CPU-heavy work off the event loop, bounded in number and in time.

Checks run in worker processes (a pebble ProcessPool): a check past its time budget answers 504
and its worker process is killed and replaced, so the capacity it held is free again at once
(a thread cannot be stopped from outside; a process can). A worker that dies (out of memory, a
crashing codec) costs only its own request. `light_workers` more worker processes serve only
light checks (a small page sent with its images, nothing to fetch), so a quick check still
answers at once while every main worker is busy with heavy or hostile requests. Short jobs that need the server's open index
(search, adding a photo) run in a small thread pool. Both share one admission count: at most
`workers + queue_size` jobs are admitted, beyond that callers get 503 + Retry-After.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from api.errors import ApiError

T = TypeVar("T")
KILL_GRACE_S = 2.0  # a worker still running this long after its request's budget is killed
PRELOAD = ("api.worker", "api.prewarm")  # imported once by the fork server; prewarm fills lazy tables


class Runner:
    """At most `workers` jobs run and `queue_size` wait; beyond that callers get 503 + Retry-After."""

    def __init__(self, workers: int, queue_size: int, retry_after_s: int = 5, *,
                 initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = (),
                 preload: tuple[str, ...] = (), light_workers: int = 0) -> None:
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="captioncheck-worker")
        # forkserver: workers are forked from a clean single-threaded server process, never from
        # this one (its threads and, in tests, torch's thread pools make fork unsafe)
        context = multiprocessing.get_context("forkserver")
        # imported once by the fork server (the first pool of this process starts it): workers start in ms
        context.set_forkserver_preload([*PRELOAD, *preload])
        self._processes = ProcessPool(max_workers=workers, initializer=initializer, initargs=initargs, context=context)
        self._light = (ProcessPool(max_workers=light_workers, initializer=initializer, initargs=initargs, context=context)
                       if light_workers else None)
        self.capacity = workers + queue_size
        self.retry_after_s = retry_after_s
        self._admitted = 0
        self._lock = threading.Lock()

    def _admit(self) -> None:
        with self._lock:
            if self._admitted >= self.capacity:
                raise ApiError("busy", f"server busy: {self._admitted} checks running or queued; retry in "
                               f"{self.retry_after_s} s", headers={"Retry-After": str(self.retry_after_s)})
            self._admitted += 1

    def _release(self, _future: Future[Any]) -> None:
        with self._lock:
            self._admitted -= 1

    async def run(self, fn: Callable[..., T], *args: object, timeout_s: float) -> T:
        """Run `fn(*args)` in a thread (short jobs on the server's own state)."""
        self._admit()
        future = self._threads.submit(fn, *args)
        future.add_done_callback(self._release)
        return await self._wait(future, timeout_s)

    async def run_isolated(self, fn: Callable[..., T], *args: object, timeout_s: float, light: bool = False) -> T:
        """Run `fn(*args)` (a module-level function) in a worker process, killed past `timeout_s`;
        `light` jobs go to the light lane when there is one."""
        self._admit()
        pool = self._light if light and self._light is not None else self._processes
        try:
            future = pool.schedule(fn, args=args, timeout=timeout_s + KILL_GRACE_S)
        except BaseException:
            with self._lock:
                self._admitted -= 1
            raise
        future.add_done_callback(self._release)
        try:
            return await self._wait(future, timeout_s)
        except ProcessExpired as exc:
            raise ApiError("worker_died", f"the check's worker process died ({exc}); the page may be too large "
                           "for this server's memory; try again or check a smaller page") from None
        except (TimeoutError, CancelledError):
            raise _timeout(timeout_s) from None

    async def warm(self, fn: Callable[[], T], *, timeout_s: float) -> T:
        """Start the worker processes now (not on the first check) and return `fn()` of one of them."""
        if self._light is not None:
            self._light.schedule(fn, timeout=timeout_s)  # starts the light lane too
        return await asyncio.wait_for(asyncio.wrap_future(self._processes.schedule(fn, timeout=timeout_s)), timeout_s)

    async def _wait(self, future: Future[T], timeout_s: float) -> T:
        try:
            return await asyncio.wait_for(asyncio.wrap_future(future), timeout_s)
        except asyncio.TimeoutError:
            future.cancel()  # a queued job is dropped; a running worker process is killed and replaced
            raise _timeout(timeout_s) from None

    def shutdown(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
        for pool in (self._processes, self._light):
            if pool is not None:
                pool.stop()
                pool.join(10)


def _timeout(timeout_s: float) -> ApiError:
    return ApiError("timeout", f"the check took longer than {timeout_s:g} s; try a page with fewer images "
                    "or raise CAPTIONCHECK_API_TIMEOUT")


__all__ = ["KILL_GRACE_S", "Runner"]
