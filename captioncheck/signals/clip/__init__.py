"""CLIP consistency scores (image<->caption, image<->article, caption<->article, contexts).

Importing this package imports neither torch nor numpy: the names below are resolved on first
use (the report schema needs only `ClipScores`), and the model is loaded on first `get_scorer`.

    from captioncheck.signals.clip import get_scorer
    scorer = get_scorer(settings)            # DependencyError with a one-line remedy if unusable
    scores = scorer.score_page(page, [(image_in_context, pil_image), ...], contexts=["Tehran"])
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE: dict[str, str] = {
    "DEFAULT_PRESET": "spec",
    "HIGH_FROM": "calibrate",
    "LOW_BELOW": "calibrate",
    "PRESETS": "spec",
    "ClipScorer": "scorer",
    "ClipScores": "schema",
    "ContextScore": "schema",
    "ModelSpec": "spec",
    "PairScore": "schema",
    "PassageScore": "schema",
    "get_scorer": "scorer",
    "parse_spec": "spec",
    "reset_scorers": "scorer",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_PRESET",
    "HIGH_FROM",
    "LOW_BELOW",
    "PRESETS",
    "ClipScorer",
    "ClipScores",
    "ContextScore",
    "ModelSpec",
    "PairScore",
    "PassageScore",
    "get_scorer",
    "parse_spec",
    "reset_scorers",
]
