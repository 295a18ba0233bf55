"""The page's caption compared with other captions of the same photo, and the photo's other
appearances (sightings) compared with this page.

Aspects: people/organisations named (`names.names_in`), places located (claims' places, by
country), dates (claims' periods, within DATE_AGREE_DAYS), numbers (2+ digits, not years; they
only back up another aspect), and wording (half the words shared: the same caption, agreeing). A comparison records which aspects agree and which differ;
`verdict` decides what that means.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from captioncheck._types import Sighting, site_of
from captioncheck.crosscheck.dates import NamedDate, parse_iso
from captioncheck.crosscheck.models import (
    CaptionComparison,
    DateRef,
    PhotoClaim,
    SightingFinding,
    TextSimilarity,
)
from captioncheck.crosscheck.names import names_in, same_person

DATE_AGREE_DAYS = 30
SAME_WORDING = 0.5  # word overlap from which two captions tell the same story in the same words
EARLIER_DAYS = 30  # a sighting this much older than the page is an earlier use
_NUMBER = re.compile(r"(?<![\d.,])\d{2,}(?:[.,]\d+)?(?![\d])")
_YEARISH = re.compile(r"(?:19|20)\d{2}")


def _periods(refs: list[DateRef]) -> list[NamedDate]:
    return [NamedDate(date.fromisoformat(r.start), date.fromisoformat(r.end), r.precision, r.mention) for r in refs]


def _period_gap(a: NamedDate, b: NamedDate) -> int:
    if a.end < b.start:
        return (b.start - a.end).days
    if b.end < a.start:
        return (a.start - b.end).days
    return 0


def _numbers(text: str) -> set[str]:
    return {n.replace(",", ".") for n in _NUMBER.findall(text or "") if not _YEARISH.fullmatch(n)}


def _word_overlap(a: str, b: str) -> float:
    wa = set(re.findall(r"\w{4,}", a.casefold()))
    wb = set(re.findall(r"\w{4,}", b.casefold()))
    return round(len(wa & wb) / len(wa | wb), 3) if wa and wb else 0.0


TextSimilarityFn = Callable[[str, str], TextSimilarity | None]


def compare_captions(caption: PhotoClaim, other: PhotoClaim, other_source: str,
                     similarity: TextSimilarityFn | None = None) -> CaptionComparison:
    """How the page's caption (claim) and another caption of the photo agree, aspect by aspect.

    similarity: CLIP's caption<->caption similarity (when weights are loaded); it adds the aspect
    "subject" only when the model passed its probe (TextSimilarity.usable)."""
    cmp = CaptionComparison(other_source=other_source, other_caption=other.text,
                            names=names_in(caption.text, [caption.language] if caption.language else []),
                            other_names=names_in(other.text, [other.language] if other.language else []),
                            word_overlap=_word_overlap(caption.text, other.text))
    if cmp.names and cmp.other_names:
        shared = any(same_person(a, b) for a in cmp.names for b in cmp.other_names)
        (cmp.agrees if shared else cmp.differs).append("people")
        cmp.details["people"] = f"{', '.join(cmp.names[:3])} vs {', '.join(cmp.other_names[:3])}"
    if caption.places and other.places:
        shared = {p.country for p in caption.places} & {p.country for p in other.places}
        (cmp.agrees if shared else cmp.differs).append("place")
        cmp.details["place"] = f"{', '.join(p.name for p in caption.places[:3])} vs {', '.join(p.name for p in other.places[:3])}"
    mine, theirs = _periods(caption.dates), _periods(other.dates)
    if mine and theirs:
        gap = min(_period_gap(a, b) for a in mine for b in theirs)
        (cmp.agrees if gap <= DATE_AGREE_DAYS else cmp.differs).append("date")
        cmp.details["date"] = f"{', '.join(d.mention for d in mine[:2])} vs {', '.join(d.mention for d in theirs[:2])}"
    if cmp.word_overlap >= SAME_WORDING:
        cmp.agrees.append("wording")
    _subject(cmp, caption.text, other.text, similarity)
    nums, other_nums = _numbers(caption.text), _numbers(other.text)
    if nums and other_nums:
        if nums & other_nums:
            cmp.agrees.append("numbers")
        elif cmp.differs:  # numbers alone are too weak to contradict
            cmp.differs.append("numbers")
        cmp.details["numbers"] = f"{', '.join(sorted(nums)[:3])} vs {', '.join(sorted(other_nums)[:3])}"
    return cmp


def _subject(cmp: CaptionComparison, text: str, other: str, similarity: TextSimilarityFn | None) -> None:
    """CLIP text similarity as the aspect "subject": agrees from the model's same-story level, differs at
    or below its other-story level, nothing in between or when the model failed its probe."""
    sim = similarity(text, other) if similarity is not None and text.strip() and other.strip() else None
    if sim is None:
        return
    cmp.text_similarity, cmp.text_similarity_scale = sim.cosine, sim
    if not sim.usable:
        return
    if sim.cosine >= sim.agree_from:
        cmp.agrees.append("subject")
    elif sim.cosine <= sim.differ_below:
        cmp.differs.append("subject")
    else:
        return
    cmp.details["subject"] = (f"CLIP text similarity {sim.cosine:.2f}; same story from {sim.agree_from:.2f}, "
                              f"another story at {sim.differ_below:.2f} or less")


def _day(value: str) -> date | None:
    d = parse_iso(value)
    return d.start if d is not None and d.precision == "day" else None


def sighting_finding(s: Sighting, caption: PhotoClaim | None, seen_claim: PhotoClaim, page_day: date | None,
                     page_site: str, article_countries: set[str], archive: bool = False) -> SightingFinding:
    """One other appearance of the photo compared with this page. An appearance long before this
    page contradicts its date unless the caption marks the photo as archive or dates it back."""
    when = _day(s.published) or _day(s.seen_at)
    days = (page_day - when).days if page_day and when else None
    other_site = bool(s.site) and s.site != page_site
    earlier = (days is not None and days > EARLIER_DAYS) or (other_site and (days is None or days >= 0))
    finding = SightingFinding(page_url=s.page_url, site=s.site, published=s.published, seen_at=s.seen_at,
                              caption=s.caption or s.alt, source=s.source, countries=s.countries,
                              days_before=days, earlier=earlier)
    if caption is not None and seen_claim.text:
        finding.comparison = compare_captions(caption, seen_claim, "sighting")
        for aspect in ("people", "place", "date"):
            if aspect in finding.comparison.differs:
                finding.differs.append(aspect)
            if aspect in finding.comparison.agrees:
                finding.agrees.append(aspect)
    if s.countries and article_countries and "place" not in finding.differs + finding.agrees:
        (finding.agrees if set(s.countries) & article_countries else finding.differs).append("place")
    if days is not None and days > EARLIER_DAYS and "date" not in finding.differs and "date" not in finding.agrees:
        dated_back = caption is not None and when is not None and any(
            d.start <= when for d in _periods(caption.dates))
        if not (archive or dated_back):
            finding.differs.append("date")
    return finding


__all__ = ["DATE_AGREE_DAYS", "EARLIER_DAYS", "TextSimilarityFn", "compare_captions", "sighting_finding", "site_of"]
