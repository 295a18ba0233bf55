"""Executors that run the same per-item stages: a local process pool (default) or Ray Data.

    engine = make_engine("local", workers=None)          # or "ray", address="ray://head:10001"
    for result in engine.run(items, [Stage("extract", fn), Stage("check", fn2, model=True)]):
        ...                                               # results in input order

A stage is a module-level function: one picklable item in, one picklable result out. Locally
every worker process runs all stages on an item (a model loads lazily once per process); on
Ray each CPU stage is a task per item and a `model=True` stage runs in an actor pool whose
actors load the model once (`setup`). Engines never import the work they run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from captioncheck._exceptions import DependencyError, InputError


@dataclass(frozen=True)
class Stage:
    name: str
    fn: Callable[[Any], Any]
    model: bool = False  # loads a model: an actor pool on Ray (GPUs: `gpus` per actor)
    setup: Callable[[], None] | None = None  # run once per worker process / actor
    gpus: float = 0.0


class Engine(Protocol):
    name: str
    workers: int

    def run(self, items: Iterable[Any], stages: Sequence[Stage]) -> Iterator[Any]: ...

    def close(self) -> None: ...


def compose(stages: Sequence[Stage], item: Any) -> Any:
    """All stages on one item, in order (what a local worker does)."""
    for stage in stages:
        item = stage.fn(item)
    return item


def make_engine(name: str, *, workers: int | None = None, address: str | None = None) -> Engine:
    if name == "local":
        if address:
            raise InputError("--address is only for --engine ray")
        from captioncheck.engines.local import LocalEngine

        return LocalEngine(workers)
    if name == "ray":
        try:
            from captioncheck.engines.ray_engine import RayEngine
        except ImportError as exc:
            raise DependencyError(f"--engine ray needs Ray ({exc}); install it with: pip install -e '.[scale]'") from exc
        return RayEngine(address=address, workers=workers)
    raise InputError(f"unknown engine {name!r}; use local or ray")


__all__ = ["Engine", "Stage", "compose", "make_engine"]
