"""ClipScores: the CLIP evidence for one image, as it appears in the JSON report (no torch here)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LabelT = Literal["low", "medium", "high"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PairScore(_Model):
    """One similarity: raw cosine, calibrated 0..1 score, its label and a one-line explanation."""

    raw: float  # cosine similarity of the two embeddings, -1..1 (CLIP: typically 0.1-0.4)
    calibrated: (
        float  # 0..1, see docs/clip.md ("sigmoid": the model's own p(match); "contrast": softmax vs contrast set)
    )
    label: LabelT
    method: Literal["sigmoid", "contrast"]
    explanation: str


class PassageScore(_Model):
    text: str
    kind: Literal["title", "lead", "body"] = "body"
    raw: float
    calibrated: float


class ContextScore(_Model):
    """One candidate place/person/event: how strongly the image prefers it over the others."""

    text: str
    prob: float  # softmax over the candidates at the model's temperature; sums to 1
    raw: float  # cosine with the averaged prompt embedding


class ClipScores(_Model):
    model: str  # what was asked for ("multilingual", "hf-hub:org/repo", ...)
    model_id: str = ""  # spec + weights identity
    head: Literal["sigmoid", "softmax"] = "softmax"
    status: Literal["ok", "skipped"] = "ok"
    reason: str = ""  # why the image was skipped (tiny, decorative, undecodable)
    image_caption: PairScore | None = None
    image_alt: PairScore | None = None  # only when the alt text differs from the caption
    image_article: PairScore | None = None  # weighted mean of the top passages
    caption_article: PairScore | None = None  # text tower: caption vs best passage
    best_passages: list[PassageScore] = Field(default_factory=list)
    contexts: list[ContextScore] = Field(default_factory=list)
    explanations: list[str] = Field(default_factory=list)


__all__ = ["ClipScores", "ContextScore", "PairScore", "PassageScore"]
