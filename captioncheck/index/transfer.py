"""Export and import of an index as JSON Lines: one photo per line with metadata, hashes and sightings.

Hashes travel as hex, so an index can be moved or merged without the image files. Every line is
validated at the boundary with a pydantic model (`ExportLine`: types, hash kinds and lengths, hex,
ISO dates, origin) and a bad one is reported as `NAME:line N: field: what is wrong`. An import is
all or nothing: it runs in one transaction that is rolled back when any line is bad (every line
is still read, so all the problems are reported at once), unless `skip_bad` is given, which
imports the good lines and counts the bad ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from captioncheck._exceptions import InputError
from captioncheck._types import Sighting
from captioncheck.index import geometry
from captioncheck.index.hashes import (
    AUX_BYTES,
    PDQ_BYTES,
    SMALL_BYTES,
    SMALL_KINDS,
    THUMB_BYTES,
    THUMB_KIND,
    HashRow,
)
from captioncheck.index.photoindex import PhotoIndex, PhotoMeta, is_iso_date

FORMAT = "captioncheck-index/1"
HASH_BYTES = {"pdq": PDQ_BYTES, "aux": AUX_BYTES, **{k: SMALL_BYTES for k in SMALL_KINDS}, THUMB_KIND: THUMB_BYTES}
MAX_REPORTED = 5  # bad lines named in the error; the rest are counted
TEXT = 10_000  # longest metadata field accepted


def export_lines(index: PhotoIndex) -> Iterator[str]:
    for rec in index.store.iter_photos(with_hashes=True):
        obj = {k: v for k, v in asdict(rec).items() if k not in ("hashes", "seen_at", "sightings")}
        obj["sightings"] = [s.model_dump(exclude={"site"}) for s in rec.sightings]
        obj["format"] = FORMAT
        obj["hashes"] = [{"kind": h.kind, "variant": h.variant, "bits": h.bits.hex(), "quality": h.quality} for h in rec.hashes]
        yield json.dumps(obj, ensure_ascii=False)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)  # "quality": "high" or "50" is an error, not a guess


class HashLine(_Strict):
    kind: Literal["pdq", "aux", "phash", "dhash", "whash", "thumb", "orb"]
    variant: str = Field(default="full", min_length=1, max_length=64)
    bits: str = Field(max_length=2 * max(*HASH_BYTES.values(), geometry.MAX_BYTES))  # keypoints are the longest
    quality: int | None = Field(default=None, ge=0, le=100)

    @model_validator(mode="after")
    def _bits(self) -> HashLine:
        try:
            raw = bytes.fromhex(self.bits)
        except ValueError:
            raise ValueError(f"{self.kind} hash bits are not hex") from None
        if self.kind == geometry.FEATURE_KIND:  # keypoints: a header and up to STORED_FEATURES records
            if len(raw) < geometry.HEADER or len(raw) > geometry.MAX_BYTES or (len(raw) - geometry.HEADER) % geometry.RECORD:
                raise ValueError(f"{self.kind} features have {len(raw)} bytes, not {geometry.HEADER} + "
                                 f"{geometry.RECORD} x n (n <= {geometry.STORED_FEATURES})")
        elif len(raw) != HASH_BYTES[self.kind]:
            raise ValueError(f"{self.kind} hash has {len(raw)} bytes, expected {HASH_BYTES[self.kind]}")
        return self

    def row(self) -> HashRow:
        return HashRow(self.kind, self.variant, bytes.fromhex(self.bits), self.quality)


class SightingLine(_Strict):
    page_url: str = Field(default="", max_length=TEXT)
    seen_at: str = Field(default="", max_length=64)
    published: str = Field(default="", max_length=64)
    caption: str = Field(default="", max_length=TEXT)
    credit: str = Field(default="", max_length=TEXT)
    alt: str = Field(default="", max_length=TEXT)
    lang: str = Field(default="", max_length=35)
    countries: list[str] = Field(default_factory=list, max_length=300)
    source: Literal["check", "archive", "page", "import"] = "import"

    def sighting(self) -> Sighting:
        return Sighting(**self.model_dump())


class ExportLine(_Strict):
    """One line of `captioncheck index export`."""

    format: Literal["captioncheck-index/1"]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: int = Field(default=0, ge=0)
    width: int | None = Field(default=None, ge=0)
    height: int | None = Field(default=None, ge=0)
    caption: str = Field(default="", max_length=TEXT)
    credit: str = Field(default="", max_length=TEXT)
    creator: str = Field(default="", max_length=TEXT)
    source_url: str = Field(default="", max_length=TEXT)
    page_url: str = Field(default="", max_length=TEXT)
    date: str = Field(default="", max_length=64)
    place: str = Field(default="", max_length=TEXT)
    license: str = Field(default="", max_length=TEXT)
    origin: Literal["curated", "seen"] = "curated"
    added_at: str = Field(default="", max_length=64)  # kept: moving an index keeps when each photo was added
    hashes: list[HashLine] = Field(max_length=1000)
    sightings: list[SightingLine] = Field(default_factory=list, max_length=100_000)

    @field_validator("date")
    @classmethod
    def _iso(cls, value: str) -> str:
        if not is_iso_date(value):
            raise ValueError(f"{value!r} is not an ISO 8601 date")
        return value

    @model_validator(mode="after")
    def _full_pdq(self) -> ExportLine:
        if not any(h.kind == "pdq" and h.variant == "full" for h in self.hashes):
            raise ValueError("no full-image PDQ hash")
        return self

    def meta(self) -> PhotoMeta:
        return PhotoMeta(caption=self.caption, credit=self.credit, creator=self.creator, source_url=self.source_url,
                         page_url=self.page_url, date=self.date, place=self.place, license=self.license)


def parse_line(line: str, where: str) -> ExportLine:
    """One validated line; raises InputError "WHERE: field: what is wrong"."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not JSON ({exc.msg})") from exc
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise InputError(f"{where}: not a captioncheck index export line (no \"format\": \"{FORMAT}\")")
    try:
        return ExportLine.model_validate(obj)
    except ValidationError as exc:
        first = exc.errors()[0]
        field_path = ".".join(str(p) for p in first["loc"])
        message = str(first["msg"]).removeprefix("Value error, ")
        more = f" (and {exc.error_count() - 1} more problem(s))" if exc.error_count() > 1 else ""
        raise InputError(f"{where}: {field_path + ': ' if field_path else ''}{message}{more}") from None


@dataclass
class ImportResult:
    added: int = 0
    merged: int = 0
    bad: list[str] = field(default_factory=list)  # the first MAX_REPORTED problems, one line each
    bad_count: int = 0


def import_lines(index: PhotoIndex, lines: Iterable[str], *, name: str = "input", skip_bad: bool = False) -> ImportResult:
    """Add every exported photo in one transaction; all or nothing unless `skip_bad`.

    Raises InputError (nothing imported) when a line is bad and `skip_bad` is False."""
    result = ImportResult()
    try:
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = parse_line(line, f"{name}:line {n}")
            except InputError as exc:
                result.bad_count += 1
                if len(result.bad) < MAX_REPORTED:
                    result.bad.append(str(exc))
                continue
            if result.bad_count and not skip_bad:
                continue  # nothing will be written: only look for more problems
            _add(index, obj, result)
    except BaseException:
        index.store.rollback()
        raise
    if result.bad_count and not skip_bad:
        index.store.rollback()
        more = f" (and {result.bad_count - 1} more bad line(s))" if result.bad_count > 1 else ""
        raise InputError(f"{result.bad[0]}{more}; nothing was imported: fix the line(s) or pass --skip-bad")
    index.commit()
    return result


def _add(index: PhotoIndex, obj: ExportLine, result: ImportResult) -> None:
    existed = index.store.find_sha256(obj.sha256) is not None
    pid = index.add_hashed(obj.sha256, obj.size, (obj.width or 0, obj.height or 0), [h.row() for h in obj.hashes],
                           obj.meta(), commit=False, origin=obj.origin, added_at=obj.added_at)
    for s in obj.sightings:  # idempotent per (photo, page): a merged photo gains the pages it lacked
        index.store.add_sighting(pid, s.sighting(), commit=False)
    result.merged += existed
    result.added += not existed


__all__ = ["FORMAT", "ExportLine", "ImportResult", "export_lines", "import_lines", "parse_line"]
