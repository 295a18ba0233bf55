"""The extract schema as plain dataclasses: what `extract` builds before anything needs pydantic.

`captioncheck extract` runs in a fresh process for every page, and importing pydantic and
building its models costs it ~0.2 s (more than the extraction of a page). So the extract stage
fills these records, `captioncheck extract --format json` writes them with the standard json
module, and `captioncheck.extract.extract` (the library API, `check`, the HTTP API) turns them into
the pydantic models of `_types`, which stay the one documented schema. The two definitions are
kept identical (names, order, defaults) and the JSON byte for byte, by
`tests/extract/test_records.py`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

SCHEMA_VERSION = "2.0"
ARTICLE_ROLES: frozenset[str] = frozenset({"lead", "inline", "slideshow", "chart"})


@dataclass
class JsonLdImageRecord:
    """`_types.JsonLdImage`."""

    url: str
    caption: str = ""
    credit: str = ""
    source: str = ""


@dataclass
class PageRecord:
    """`_types.PageInfo`."""

    url: str = ""
    title: str = ""
    language: str = ""
    published: str = ""
    site_name: str = ""
    description: str = ""
    authors: list[str] = field(default_factory=list)
    text: str = ""
    charset: str = ""
    og_image: str = ""
    jsonld_types: list[str] = field(default_factory=list)
    jsonld_images: list[JsonLdImageRecord] = field(default_factory=list)


@dataclass
class ImageRecord:
    """`_types.ImageInContext`."""

    url: str
    urls: list[str] = field(default_factory=list)
    caption: str = ""
    credit: str = ""
    alt: str = ""
    title: str = ""
    context_before: str = ""
    context_after: str = ""
    selector: str = ""
    role: str = "inline"
    position: int = 0
    width: int | None = None
    height: int | None = None
    local_path: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class ExtractRecord:
    """`_types.ExtractResult`."""

    schema_version: str = SCHEMA_VERSION
    page: PageRecord
    images: list[ImageRecord]

    def json(self) -> str:
        """What `ExtractResult.model_dump_json(indent=2)` writes: non-ASCII kept, control characters
        escaped as \\u00xx, `null` for no width. Raises UnicodeEncodeError on a lone surrogate, which
        JSON in UTF-8 cannot carry (the caller decides what to do with it)."""
        text = json.dumps(asdict(self), indent=2, ensure_ascii=False)
        text.encode("utf-8")
        return text


__all__ = ["ARTICLE_ROLES", "SCHEMA_VERSION", "ExtractRecord", "ImageRecord", "JsonLdImageRecord", "PageRecord"]
