"""Records that flow between the stages: page -> images in context -> evidence -> verdict -> report.

These pydantic models are the seams of the package *and* the JSON schema of `extract`/`check`
and of the HTTP API. Bump SCHEMA_VERSION on any breaking change and describe it in
docs/schema.md. The extract stage fills plain dataclass twins of the extract models first
(`_records`, kept identical by a test) so that `captioncheck extract` never imports pydantic.
"""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, computed_field

# the extract stage's plain twins of these models share their constants
from captioncheck._records import ARTICLE_ROLES, SCHEMA_VERSION

ImageRole = Literal[
    "lead", "inline", "slideshow", "chart",  # article images
    "ad", "logo", "icon", "avatar", "tracking", "teaser", "placeholder", "decoration",  # the rest
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JsonLdImage(_Model):
    """An ImageObject (or image URL) named by the page's JSON-LD / OpenGraph."""

    url: str
    caption: str = ""
    credit: str = ""  # creditText / copyrightHolder / author
    source: str = ""  # "jsonld" | "og"


class PageInfo(_Model):
    """What the page says about itself."""

    url: str = ""  # the page's address: --url, <base>, canonical or og:url
    title: str = ""
    language: str = ""  # BCP-47-ish code from <html lang>, meta or detection ("fr")
    published: str = ""  # ISO 8601 date/time when the page states one
    site_name: str = ""
    description: str = ""
    authors: list[str] = Field(default_factory=list)
    text: str = ""  # main article text (trafilatura), paragraphs separated by blank lines
    charset: str = ""  # the charset the page was decoded with
    og_image: str = ""
    jsonld_types: list[str] = Field(default_factory=list)
    jsonld_images: list[JsonLdImage] = Field(default_factory=list)


class ImageInContext(_Model):
    """One image as this page presents it."""

    url: str  # best full-size absolute URL
    urls: list[str] = Field(default_factory=list)  # every candidate URL, best first
    caption: str = ""  # visible caption, credit removed
    credit: str = ""
    alt: str = ""
    title: str = ""
    context_before: str = ""  # article text just before the image
    context_after: str = ""  # article text just after the image
    selector: str = ""  # CSS selector that finds the <img> (or <picture>) again in the page
    role: str = "inline"
    position: int = 0  # 0-based order among the reported images
    width: int | None = None  # declared width/height attributes, when present
    height: int | None = None
    local_path: str = ""  # file of a "Webpage, Complete" save or an MHTML part extracted to disk
    notes: list[str] = Field(default_factory=list)  # how caption/credit were found (debugging aid)


class ExtractResult(_Model):
    schema_version: str = SCHEMA_VERSION
    page: PageInfo
    images: list[ImageInContext]


class Sighting(_Model):
    """One page an indexed photo appeared on: a checked page (first-seen registry), an archived
    capture (`index add-archive`), an added page (`index add-page`) or an imported record."""

    model_config = ConfigDict(extra="ignore")  # `site` is computed: a dumped sighting reads back

    page_url: str = ""
    seen_at: str = ""  # when the page was captured or checked (ISO 8601, UTC)
    published: str = ""  # the page's own publication date (ISO 8601), "" when it states none
    caption: str = ""
    credit: str = ""
    alt: str = ""
    lang: str = ""  # the page's language ("fr")
    countries: list[str] = Field(default_factory=list)  # ISO 3166 alpha-2 codes the article is about
    source: str = "check"  # check | archive | page | import

    @computed_field  # type: ignore[prop-decorator]
    @property
    def site(self) -> str:
        """The page's host without a leading "www." ("" for a saved page without URL)."""
        return site_of(self.page_url)

    @property
    def when(self) -> str:
        """The best date of this appearance: the page's own publication date, else when it was seen."""
        return self.published or self.seen_at


class Match(_Model):
    """A known photo from the index that looks like this image."""

    photo_id: int
    caption: str = ""
    credit: str = ""
    creator: str = ""
    source_url: str = ""
    page_url: str = ""
    date: str = ""  # ISO 8601: taken or first published
    place: str = ""
    license: str = ""
    origin: str = "curated"  # curated | seen
    algorithm: str = ""  # which hash decided: "pdq", "phash", "crop", "combined", ...
    distance: float = 0.0
    score: float = 0.0  # [0,1], 1 = certainly the same photo
    seen_at: str = ""  # for origin=seen: when it was seen
    transform: str = ""  # e.g. "mirror", "crop" when a variant matched
    sightings: list[Sighting] = Field(default_factory=list)  # other pages it appeared on, oldest first


Severity = Literal["info", "low", "medium", "high"]


class Reason(_Model):
    """One finding about an image, explained."""

    code: str
    severity: Severity
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)


Verdict = Literal["consistent", "no_findings", "suspicious", "inconsistent", "unknown"]

def site_of(url: str) -> str:
    """A page URL's host without a leading "www." ("" without a host, or when urllib refuses the URL:
    a broken IPv6 host, "http://[::1/")."""
    try:
        host = (urlsplit(url).hostname or "") if "//" in (url or "") else ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


__all__ = [
    "ARTICLE_ROLES",
    "SCHEMA_VERSION",
    "ExtractResult",
    "ImageInContext",
    "ImageRole",
    "JsonLdImage",
    "Match",
    "PageInfo",
    "Reason",
    "Severity",
    "Sighting",
    "Verdict",
    "site_of",
]
