"""CLIP consistency scores (image<->caption, image<->article, caption<->article, contexts).

Importing this package does not import torch: the model is loaded on first `get_scorer` call.

    from captioncheck.signals.clip import get_scorer
    scorer = get_scorer(settings)            # DependencyError with a one-line remedy if unusable
    scores = scorer.score_page(page, [(image_in_context, pil_image), ...], contexts=["Tehran"])
"""

from __future__ import annotations

from captioncheck.signals.clip.calibrate import HIGH_FROM, LOW_BELOW
from captioncheck.signals.clip.schema import ClipScores, ContextScore, PairScore, PassageScore
from captioncheck.signals.clip.scorer import ClipScorer, get_scorer, reset_scorers
from captioncheck.signals.clip.spec import DEFAULT_PRESET, PRESETS, ModelSpec, parse_spec

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
