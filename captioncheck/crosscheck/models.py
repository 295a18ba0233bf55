"""Records of the cross-checks: what each source says about the photo, compared with the article.

These are facts and measurements (places found, day gaps, languages, agencies), not verdicts;
`captioncheck.verdict` applies the thresholds and turns them into reasons.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

ClaimSource = Literal["caption", "alt", "embedded", "original", "seen", "ocr", "gps", "c2pa"]


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


class TextSimilarity(BaseModel):
    """CLIP caption<->caption cosine and what it means for the model that gave it (its probe:
    signals/clip/textpair.py): usable only when the model tells same-story from other-story captions."""

    cosine: float
    usable: bool
    agree_from: float  # same story from this cosine up
    differ_below: float  # another story at or below this cosine
    probe_auc: float = 0.0
    model: str = ""


class CaptionComparison(BaseModel):
    """The page's caption compared with another caption of the same photo (its original record,
    an earlier page's caption, a C2PA or embedded description), aspect by aspect."""

    other_source: str  # "original" | "sighting" | "embedded" | "c2pa"
    other_caption: str = ""
    names: list[str] = Field(default_factory=list)  # people/organisations the page's caption names
    other_names: list[str] = Field(default_factory=list)
    agrees: list[str] = Field(default_factory=list)  # aspects that agree: "people", "place", "date", "numbers"
    differs: list[str] = Field(default_factory=list)  # aspects that disagree
    details: dict[str, str] = Field(default_factory=dict)  # aspect -> "caption says X, other says Y"
    word_overlap: float = 0.0
    text_similarity: float | None = None  # CLIP caption<->other caption cosine, when weights are present
    text_similarity_scale: TextSimilarity | None = None  # the same with the model's thresholds and whether they are usable

    @property
    def contradicts(self) -> bool:
        """A clear disagreement: some aspect differs and none agrees."""
        return bool(self.differs) and not self.agrees


class SightingFinding(BaseModel):
    """One other page the photo appeared on, compared with this page."""

    page_url: str
    site: str = ""
    published: str = ""  # that page's own date
    seen_at: str = ""
    caption: str = ""
    source: str = ""  # check | archive | page | import
    countries: list[str] = Field(default_factory=list)
    days_before: int | None = None  # this page's date minus that page's date
    earlier: bool = False  # > EARLIER_DAYS before this page, or on another site (and not later)
    comparison: CaptionComparison | None = None
    differs: list[str] = Field(default_factory=list)  # place / date / people / event
    agrees: list[str] = Field(default_factory=list)


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
    original_comparison: CaptionComparison | None = None  # the caption vs the best original's caption
    sightings: list[SightingFinding] = Field(default_factory=list)  # other appearances, oldest first
    names_not_in_article: list[str] = Field(default_factory=list)  # people the caption names, the article never
    page_site: str = ""


__all__ = [
    "CaptionComparison",
    "ClaimSource",
    "CreditFinding",
    "CrossChecks",
    "DateFinding",
    "DateRef",
    "LanguageFinding",
    "PhotoClaim",
    "PlaceFinding",
    "PlaceRef",
    "SightingFinding",
    "TextSimilarity",
]
