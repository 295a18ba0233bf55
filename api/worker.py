"""What runs inside a check worker process (see api/runner.py): one `Service` per process.

A check is CPU-bound (HTML parsing, decoding, hashing, CLIP, OCR) and may be fed hostile input;
it runs in a worker process so that a request past its time budget can be stopped by killing
the process (the pool starts a fresh one), which no thread allows. `start` is the pool's
initializer: it builds the worker's Service and loads the CLIP model once, before the worker
takes its first task, so a replaced worker is warm again before it is used.
"""

from __future__ import annotations

import os

from api.models import CheckRequest, ModelInfo
from api.service import Service
from api.settings import ApiSettings
from captioncheck.netfetch import Resolver

_service: Service | None = None  # this worker process's service, built once by `start`


def start(settings: ApiSettings, resolver: Resolver | None = None, environment: dict[str, str] | None = None) -> None:
    """Pool initializer. `environment`: the server's CAPTIONCHECK_* variables when it was created (the
    fork server the workers come from may have started earlier, with other values)."""
    global _service
    if environment is not None:
        for name in [n for n in os.environ if n.startswith("CAPTIONCHECK_") and n not in environment]:
            del os.environ[name]
        os.environ.update(environment)
    _service = Service(settings, resolver)
    if settings.preload:
        _service.load_model()


def _current() -> Service:
    if _service is None:  # a pool without the initializer: build it on first use
        raise RuntimeError("api.worker.start was not run in this process")
    return _service


def check(request: CheckRequest, deadline: float, remember: bool) -> str:
    return _current().check(request, deadline, remember=remember)


def model_info() -> ModelInfo:
    """The worker's model state (loading it now if start-up did not), for /v1/info."""
    service = _current()
    if not service.model.loaded and not service.model.error and service.settings.check.use_clip:
        service.load_model()
    return service.model


__all__ = ["check", "model_info", "start"]
