"""The Signal protocol, the Evidence record every signal returns, and the signal registry.

A signal looks at the images of one page and returns one `Evidence` per image. Signals give
evidence, never verdicts; only `captioncheck.verdict` combines evidence. A signal that cannot
run (missing tesseract, no CLIP weights, unreadable image) returns Evidence with status
"unavailable" or "error" and a one-line reason, and the check goes on.

Third-party signals register through the entry-point group ``captioncheck.signals`` (each entry
point names a zero-argument factory returning a Signal), the same way the built-ins do.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from importlib.metadata import entry_points
from typing import Any, Literal, Protocol, runtime_checkable

from PIL import Image

from captioncheck._types import ImageInContext, PageInfo
from captioncheck.config import Settings

EvidenceStatus = Literal["ok", "unavailable", "error"]
ENTRY_POINT_GROUP = "captioncheck.signals"


@dataclass(frozen=True)
class Evidence:
    """What one signal found about one image.

    `value` holds the signal's own record (a pydantic model such as OcrResult, a list of
    Match, ClipScores...). `reason` is one line, set whenever status is not "ok".
    """

    signal: str
    status: EvidenceStatus = "ok"
    value: Any = None
    reason: str = ""

    @classmethod
    def unavailable(cls, signal: str, reason: str) -> Evidence:
        return cls(signal=signal, status="unavailable", reason=_one_line(reason))

    @classmethod
    def error(cls, signal: str, reason: str) -> Evidence:
        return cls(signal=signal, status="error", reason=_one_line(reason))

    @property
    def ok(self) -> bool:
        return self.status == "ok"


@dataclass
class ImageItem:
    """One decoded image of the page with its context, as signals receive it."""

    image: ImageInContext
    data: bytes
    pil: Image.Image

    @cached_property
    def sha256(self) -> str:
        """Content hash of the image bytes: report field and embedding-cache key, computed once."""
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class PageBatch:
    """All decodable images of one page, handed to each signal at once (batching, parallelism)."""

    page: PageInfo
    items: list[ImageItem]
    settings: Settings
    notices: list[str] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)  # candidate places/events for contrastive ranking


@runtime_checkable
class Signal(Protocol):
    """A source of evidence. `name` is unique, lower_snake, and the JSON key of its evidence."""

    name: str

    def collect(self, batch: PageBatch) -> list[Evidence]:
        """One Evidence per item of the batch, in order. Must not raise for one bad image."""
        ...


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:300]


class SignalRegistry:
    """Signal factories by unique name; duplicates raise ValueError."""

    def __init__(self) -> None:
        self._factories: dict[str, Callable[[], Signal]] = {}

    def register(self, name: str, factory: Callable[[], Signal]) -> None:
        if not name.isidentifier() or name != name.lower():
            raise ValueError(f"signal name {name!r} must be lower_snake_case")
        if name in self._factories:
            raise ValueError(f"duplicate signal name {name!r}")
        self._factories[name] = factory

    def names(self) -> list[str]:
        return sorted(self._factories)

    def create(self, names: Iterable[str] | None = None) -> list[Signal]:
        wanted = self.names() if names is None else list(names)
        unknown = [n for n in wanted if n not in self._factories]
        if unknown:
            raise ValueError(f"unknown signal(s): {', '.join(unknown)}")
        return [self._factories[n]() for n in wanted]

    def load_entry_points(self) -> tuple[list[str], list[str]]:
        """Register third-party signals declared under the `captioncheck.signals` group.

        Returns (names registered, one-line problems): a plugin that fails to import, has a bad
        name or clashes with a registered one is reported and skipped, never fatal."""
        added: list[str] = []
        problems: list[str] = []
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            if ep.name in self._factories:
                continue
            try:
                self.register(ep.name, ep.load())
            except Exception as exc:  # a broken plugin must not stop captioncheck
                problems.append(_one_line(f"signal plugin {ep.name!r} ({ep.value}) not loaded: {type(exc).__name__}: {exc}"))
                continue
            added.append(ep.name)
        return added, problems


__all__ = ["ENTRY_POINT_GROUP", "Evidence", "EvidenceStatus", "ImageItem", "PageBatch", "Signal", "SignalRegistry"]
