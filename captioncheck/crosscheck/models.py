"""Records of the cross-checks: what each source says about the photo, compared with the article.

These are facts and measurements (places found, day gaps, languages, agencies), not verdicts;
`captioncheck.verdict` applies the thresholds and turns them into reasons.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ClaimSource = Literal["caption", "alt", "embedded", "original", "seen", "ocr"]


class PlaceRef(BaseModel):
    name: str
    country: str
    kind: str
    mention: str = ""


class DateRef(BaseModel):
    start: str  # ISO date
    end: str
    precision: str
    mention: str = ""


class PhotoClaim(BaseModel):
    """What one source says about where/when the photo was taken and who made it."""

    source: ClaimSource
    text: str = ""
    places: list[PlaceRef] = Field(default_factory=list)
    dates: list[DateRef] = Field(default_factory=list)
    agencies: list[str] = Field(default_factory=list)
    language: str = ""
    language_probability: float = 0.0


class PlaceFinding(BaseModel):
    source: ClaimSource
    photo_places: list[PlaceRef]
    article_countries: list[str]  # the countries the article is about
    article_places: list[str]  # places the article names (canonical names)
    agrees: bool


class DateFinding(BaseModel):
    source: ClaimSource
    mention: str
    photo_date: DateRef
    page_date: str
    gap_days: int  # > 0: the photo is older than the page; < 0: it is dated after the page
    archive_marked: bool  # the caption/credit says it is an archive/file photo


class LanguageFinding(BaseModel):
    caption_language: str
    probability: float
    page_language: str
    differs: bool


class CreditFinding(BaseModel):
    source: ClaimSource  # which source the visible credit is compared with
    visible: list[str]
    other: list[str]
    agrees: bool


class CrossChecks(BaseModel):
    page_language: str = ""
    page_date: str = ""
    article_countries: list[str] = Field(default_factory=list)
    claims: list[PhotoClaim] = Field(default_factory=list)
    places: list[PlaceFinding] = Field(default_factory=list)
    dates: list[DateFinding] = Field(default_factory=list)
    language: LanguageFinding | None = None
    credits: list[CreditFinding] = Field(default_factory=list)
    embedded_caption: str = ""
    embedded_caption_similarity: float | None = None  # word overlap with the visible caption


__all__ = [
    "ClaimSource",
    "CreditFinding",
    "CrossChecks",
    "DateFinding",
    "DateRef",
    "LanguageFinding",
    "PhotoClaim",
    "PlaceFinding",
    "PlaceRef",
]
