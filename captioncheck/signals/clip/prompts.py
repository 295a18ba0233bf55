"""Contrastive prompts for the places, people and events a caller names.

For each candidate ("Tehran", "US Capitol", "Washington, DC") the text embeddings of a few
templates are averaged (prompt ensembling, as in CLIP's zero-shot recipe); the image then ranks
the candidates by a softmax at the model's own temperature: which context does the picture itself
prefer?
"""

from __future__ import annotations

TEMPLATES: tuple[str, ...] = (
    "a photo taken in {}.",
    "a news photo from {}.",
    "a photo of {}.",
)
MAX_CONTEXTS = 24


def clean_contexts(contexts: list[str] | None) -> list[str]:
    """Unique, non-empty candidates in the caller's order, at most MAX_CONTEXTS."""
    seen: set[str] = set()
    out: list[str] = []
    for raw in contexts or []:
        text = " ".join(str(raw).split())
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out[:MAX_CONTEXTS]


def prompts_for(candidate: str) -> list[str]:
    return [template.format(candidate) for template in TEMPLATES]


__all__ = ["MAX_CONTEXTS", "TEMPLATES", "clean_contexts", "prompts_for"]
