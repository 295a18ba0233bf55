"""Ray engine: the same stages on a Ray cluster (or a local Ray) with Ray Data.

Items go through Ray Data in windows (`WINDOW` items per dataset), so the driver never holds a
whole archive's work list. Each CPU stage is a `map_batches` task per item; a `model=True` stage
runs in an `ActorPoolStrategy` pool whose actors call the stage's `setup` once (the CLIP model
loads once per actor, on a GPU when `gpus` > 0). Order is preserved, so results come back in
input order exactly as the local engine gives them.
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import ray

from captioncheck._exceptions import DependencyError
from captioncheck.engines import Stage

WINDOW = 256  # items per Ray Data dataset


def _apply(batch: dict[str, np.ndarray], stage: Stage) -> dict[str, np.ndarray]:
    out = [pickle.dumps(stage.fn(pickle.loads(b))) for b in batch["item"]]
    return {"item": np.array(out, dtype=object)}


class _Actor:
    """An actor of a model stage: setup once, then one item per call."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        if stage.setup is not None:
            stage.setup()

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return _apply(batch, self.stage)


class RayEngine:
    name = "ray"

    def __init__(self, address: str | None = None, workers: int | None = None) -> None:
        if not ray.is_initialized():
            if address is None:  # local Ray: its worker processes must import this very package
                root = str(Path(__file__).resolve().parents[2])
                paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
                if root not in paths:
                    os.environ["PYTHONPATH"] = os.pathsep.join([root, *paths])
            try:
                ray.init(address=address, num_cpus=None if address else (workers or os.cpu_count()),
                         include_dashboard=False, log_to_driver=False, configure_logging=False)
            except ConnectionError as exc:
                raise DependencyError(f"cannot reach the Ray cluster at {address} ({exc}); check --address") from exc
        self.workers = int(ray.cluster_resources().get("CPU", 1))
        self.gpus = int(ray.cluster_resources().get("GPU", 0))
        logging.getLogger("ray.data").setLevel(logging.WARNING)  # no per-dataset INFO lines on the terminal
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = False

    def _dataset(self, window: list[Any], stages: Sequence[Stage]) -> Any:
        ds = ray.data.from_items([{"item": pickle.dumps(it)} for it in window], override_num_blocks=len(window))
        # workers see this run's CAPTIONCHECK_* settings (data dir, model, device), as local workers do
        env = {k: v for k, v in os.environ.items() if k.startswith("CAPTIONCHECK_")}
        extra = {"runtime_env": {"env_vars": env}} if env else {}
        for stage in stages:
            if stage.model:
                actors = max(1, min(len(window), self.gpus if stage.gpus else self.workers))
                ds = ds.map_batches(_Actor, fn_constructor_args=(stage,), batch_size=1,
                                    compute=ray.data.ActorPoolStrategy(size=actors), num_gpus=stage.gpus or None, **extra)
            else:
                ds = ds.map_batches(_apply, fn_kwargs={"stage": stage}, batch_size=1, **extra)
        return ds

    def run(self, items: Iterable[Any], stages: Sequence[Stage]) -> Iterator[Any]:
        it = iter(items)
        while window := list(islice(it, WINDOW)):
            for row in self._dataset(window, stages).iter_rows():
                yield pickle.loads(row["item"])

    def close(self) -> None:
        return None  # the caller's Ray session (or the cluster) outlives one run


__all__ = ["RayEngine"]
