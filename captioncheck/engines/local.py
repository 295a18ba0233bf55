"""Local engine: a process pool on all cores (no service to start), results in input order.

At most `2 x workers` items are in flight, so a long input is never read ahead into memory.
One worker (or one item) runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from functools import partial
from typing import Any

from captioncheck.engines import Stage, compose

IN_FLIGHT_PER_WORKER = 2


def _setup(stages: Sequence[Stage]) -> None:
    for stage in stages:
        if stage.setup is not None:
            stage.setup()


class LocalEngine:
    name = "local"

    def __init__(self, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)

    def run(self, items: Iterable[Any], stages: Sequence[Stage]) -> Iterator[Any]:
        if self.workers == 1:
            _setup(stages)
            for item in items:
                yield compose(stages, item)
            return
        ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        work = partial(compose, stages)
        with ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_setup, initargs=(stages,)) as pool:
            pending: deque[Future[Any]] = deque()
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) >= self.workers * IN_FLIGHT_PER_WORKER:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def close(self) -> None:
        return None


__all__ = ["LocalEngine"]
