"""Request and response bodies of the API that are not the check report itself.

The report of `/v1/check` is `captioncheck.report.schema.CheckReport`, the same model the CLI's
`--format json` writes (one definition, no copy here).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from captioncheck._types import Match

MAX_HTML_CHARS = 10_000_000
MAX_URL_CHARS = 8192


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImagePayload(_Body):
    """One image of the page as the extension saw it; `data` is base64 (or a data: URL) when readable."""

    url: str = Field(max_length=MAX_URL_CHARS)
    data: str | None = None


class CheckRequest(_Body):
    """Either just `url` (the server fetches the page and its images) or `html` + `url` (+ `images`)."""

    # the either-or rule of `_one_mode`, stated in the OpenAPI schema too
    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "anyOf": [{"required": ["url"]}, {"required": ["html"]}],
        "dependentRequired": {"images": ["html"]},
    })

    url: str = Field(default="", max_length=MAX_URL_CHARS,
                     description="The page's address. Alone: the server fetches page and images. With `html`: where the page came from.")
    html: str | None = Field(default=None, max_length=MAX_HTML_CHARS,
                             description="The page's HTML as the browser has it (the extension); then `url` names the page.")
    images: list[ImagePayload] = Field(default_factory=list, description="Only with `html`: image bytes the client could read.")
    all_images: bool = False  # also check logos, ads, teasers ...

    @model_validator(mode="after")
    def _one_mode(self) -> CheckRequest:
        if self.html is None and not self.url:
            raise ValueError("give `url` (the server fetches the page) or `html` with the page's `url`")
        if self.html is None and self.images:
            raise ValueError("`images` only go with `html`; with a bare `url` the server fetches the images")
        return self


class ModelInfo(_Body):
    spec: str
    enabled: bool
    loaded: bool
    error: str = ""
    precision: str = ""  # the requested CLIP precision: auto, fp32 or bf16
    model_id: str = ""  # once loaded: what reports carry as scores.model_id (weights identity, "+bf16" if converted)


class IndexInfo(_Body):
    path: str
    enabled: bool
    photos: int | None = None
    error: str = ""
    stats: dict[str, Any] = Field(default_factory=dict)


class InfoResponse(_Body):
    version: str
    schema_version: str
    model: ModelInfo
    index: IndexInfo
    limits: dict[str, Any]
    workers: int
    queue_size: int


class IndexFreshness(_Body):
    """How current this worker's in-memory index is: hash row ids loaded vs. stored, and the lag."""

    generation: int
    latest_generation: int
    lag_s: float | None = None  # 0 when up to date, else the age of the last refresh
    refresh_s: float


class HealthResponse(_Body):
    status: str = "ok"
    index: IndexFreshness | None = None


class SearchResponse(_Body):
    matches: list[Match]
    width: int
    height: int


class PhotoAdded(_Body):
    photo_id: int
    photos: int | None = None


class ErrorBody(_Body):
    code: str
    message: str


class ErrorResponse(_Body):
    error: ErrorBody
