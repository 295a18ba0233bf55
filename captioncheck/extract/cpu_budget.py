"""A CPU-time budget for a library step that a hostile page can make quadratic (trafilatura's tree cleaning joins
each deleted element's tail onto its neighbour's: 9 640 deletions over 1 MB of text took 12 s). Past its budget the
step is abandoned and the caller falls back on its own (linear) way."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class OverBudget(BaseException):  # noqa: N818  (a BaseException: a library's `except Exception` must not swallow it)
    """The step ran past its CPU budget."""


def _over(signum: int, frame: object) -> None:
    raise OverBudget("CPU budget spent")


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Raise OverBudget inside the block once the process has spent `seconds` of CPU time in it (`ITIMER_PROF`:
    user and system time, which a busy shared machine inflates far less than wall time). Only where a signal can be
    delivered to it: in the main thread, with no other SIGPROF handler (a sampling profiler's); elsewhere the block
    runs without a bound."""
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getsignal(signal.SIGPROF) in (signal.SIG_DFL, None))
    if not usable or seconds <= 0:
        yield
        return
    previous = signal.signal(signal.SIGPROF, _over)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


__all__ = ["OverBudget", "cpu_budget"]
