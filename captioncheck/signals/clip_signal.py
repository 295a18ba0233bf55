"""CLIP signal: adapts `captioncheck.signals.clip` (image<->caption/alt/article scores) to the
Signal protocol. The scorer is loaded lazily and cached per process; when weights or packages
are missing it raises DependencyError with a one-line remedy, which becomes "unavailable".
"""

from __future__ import annotations

from captioncheck._exceptions import CaptionCheckError
from captioncheck.signals.base import Evidence, PageBatch

NAME = "clip"


class ClipSignal:
    name = NAME

    def collect(self, batch: PageBatch) -> list[Evidence]:
        if not batch.items:
            return []
        try:
            from captioncheck.signals.clip import get_scorer

            scorer = get_scorer(batch.settings)
        except (CaptionCheckError, ImportError) as exc:
            reason = str(exc) if isinstance(exc, CaptionCheckError) else f"CLIP packages missing ({exc}): pip install 'captioncheck[clip]'"
            return [Evidence.unavailable(NAME, reason) for _ in batch.items]
        pairs = [(item.image, item.pil) for item in batch.items]
        keys: list[str | None] = [item.sha256 for item in batch.items]  # cache by bytes, not re-hashed pixels
        try:
            scores = scorer.score_page(batch.page, pairs, contexts=batch.contexts or None, image_keys=keys)
        except CaptionCheckError as exc:
            return [Evidence.unavailable(NAME, str(exc)) for _ in batch.items]
        except Exception as exc:  # a model failure must not stop the other signals
            return [Evidence.error(NAME, f"CLIP scoring failed ({type(exc).__name__}): {exc}") for _ in batch.items]
        return [Evidence(signal=NAME, value=s) for s in scores]


__all__ = ["NAME", "ClipSignal"]
