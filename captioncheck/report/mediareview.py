"""CheckReport -> schema.org MediaReview JSON-LD, one object per image, for a fact-checker's CMS.

    captioncheck check page.html --format mediareview

`mediaAuthenticityCategory` (schema.org MediaManipulationRatingEnumeration) follows the verdict:
flagged images whose evidence shows the photo in another context (reused_photo, earlier_use,
caption_contradicts_original, place/date/embedded mismatches) are DecontextualizedContent, an image that
declares itself AI-generated without saying so is TransformedContent, a broken C2PA manifest alone
is EditedOrCroppedContent, a corroborated image is OriginalMediaContent; images with no findings
or too little evidence get no category (`reviewRating` says why). The original context comes from
the best original record or the earliest other appearance. These are drafts: an automated check,
to be reviewed by a person before publishing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from captioncheck._types import Reason
from captioncheck.report.schema import CheckReport, ImageReport

CONTEXT_CODES = ("reused_photo", "earlier_use", "caption_contradicts_original", "place_mismatch", "date_mismatch",
                 "embedded_caption_mismatch")
AUTHOR = {"@type": "Organization", "name": "captioncheck (automated draft — review before publishing)"}


def _category(image: ImageReport) -> str:
    codes = {r.code for r in image.reasons if r.severity != "info"}
    if image.verdict in ("suspicious", "inconsistent"):
        if codes & set(CONTEXT_CODES):
            return "DecontextualizedContent"
        if "ai_generated" in codes:
            return "TransformedContent"
        if "c2pa_invalid" in codes:
            return "EditedOrCroppedContent"
        return "DecontextualizedContent"
    if image.verdict == "consistent":
        return "OriginalMediaContent"
    return ""


def _original(image: ImageReport) -> tuple[str, str]:
    """(description of the original context, link to it)."""
    by_code: dict[str, Reason] = {r.code: r for r in image.reasons}
    for code in ("reused_photo", "known_original", "earlier_use", "seen_before"):
        r = by_code.get(code)
        if r is None:
            continue
        ev = r.evidence
        if code in ("reused_photo", "known_original"):
            parts = [ev.get("caption", ""), ev.get("credit", ""), ev.get("date", ""), ev.get("place", "")]
            link = ev.get("source_url") or ev.get("page_url") or ""
        else:
            parts = [ev.get("caption", ""), f"published {ev.get('published')}" if ev.get("published") else "", ev.get("page_url", "")]
            link = ev.get("page_url", "")
        return " — ".join(str(p) for p in parts if p), str(link)
    return "", ""


def review(image: ImageReport, report: CheckReport, today: str) -> dict[str, Any]:
    category = _category(image)
    description, link = _original(image)
    appearance: dict[str, Any] = {"@type": "ImageObject", "contentUrl": image.url, "caption": image.caption or image.alt}
    if report.page.published:
        appearance["uploadDate"] = report.page.published
    if image.image_sha256:
        appearance["sha256"] = image.image_sha256
    body = "; ".join(r.message for r in image.reasons if r.severity != "info") or "No finding either way."
    out: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MediaReview",
        "datePublished": today,
        "author": AUTHOR,
        "url": report.page.url,
        "itemReviewed": {"@type": "MediaReviewItem", "mediaItemAppearance": [appearance],
                         "appearance": {"@type": "CreativeWork", "url": report.page.url, "headline": report.page.title}},
        "reviewRating": {"@type": "Rating", "alternateName": image.verdict, "ratingExplanation": body},
    }
    if category:
        out["mediaAuthenticityCategory"] = category
    if description:
        out["originalMediaContextDescription"] = description
    if link.startswith(("http://", "https://")):
        out["originalMediaLink"] = link
    return out


def to_mediareview(report: CheckReport, indent: int | None = 2) -> str:
    """A JSON array of MediaReview objects, one per image, in page order."""
    today = datetime.now(UTC).date().isoformat()
    return json.dumps([review(img, report, today) for img in report.images], ensure_ascii=False, indent=indent)


__all__ = ["to_mediareview"]
