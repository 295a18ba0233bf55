"""The check report: what `captioncheck check --format json` prints and the HTTP API returns.

One definition (pydantic) reused everywhere; it extends the extract schema (`_types`) with the
evidence of every signal, the cross-checks, the reasons and the verdict. Versioned by
SCHEMA_VERSION; documented in docs/schema.md ("check report").
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from captioncheck._types import (
    SCHEMA_VERSION,
    ImageInContext,
    Match,
    PageInfo,
    Reason,
    Verdict,
)
from captioncheck.crosscheck.models import CrossChecks
from captioncheck.imagemeta import EmbeddedMetadata
from captioncheck.report.links import reverse_search_links
from captioncheck.signals.clip.schema import ClipScores
from captioncheck.signals.ocr import OcrResult
from captioncheck.verdict import PageSummary


class ImageReport(ImageInContext):
    """One article image: how the page presents it (ImageInContext fields) plus what we found."""

    verdict: Verdict = "unknown"
    points: int = 0  # the verdict's score (docs/verdict.md)
    reasons: list[Reason] = Field(default_factory=list)
    scores: ClipScores | None = None
    matches: list[Match] = Field(default_factory=list)
    ocr: OcrResult | None = None
    embedded: EmbeddedMetadata | None = None
    checks: CrossChecks | None = None
    signals_unavailable: list[str] = Field(default_factory=list)  # signal names that could not run
    signal_notes: dict[str, str] = Field(default_factory=dict)  # signal name -> one-line reason
    error: str = ""  # why the image itself could not be checked (unreadable, too large, not fetched)
    image_sha256: str = ""
    image_size: list[int] = Field(default_factory=list)  # [width, height] of the decoded image
    search_links: dict[str, str] = Field(default_factory=dict)  # reverse image search, opened by the user only
    plugins: dict[str, Any] = Field(default_factory=dict)  # evidence of third-party signals, by signal name

    @model_validator(mode="after")
    def _links(self) -> ImageReport:
        if not self.search_links:
            self.search_links = reverse_search_links(self.url)
        return self


class CheckReport(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    kind: str = "check"
    page: PageInfo
    images: list[ImageReport]
    summary: PageSummary
    notices: list[str] = Field(default_factory=list)  # e.g. "CLIP unavailable: run `captioncheck models download`"
    signals: list[str] = Field(default_factory=list)  # the signals that ran
    elapsed_s: float = 0.0


__all__ = ["CheckReport", "ImageReport"]
