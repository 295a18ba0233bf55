"""Evidence about one image -> explained reasons -> a verdict. Pure: no I/O, deterministic.

Rules (documented in docs/verdict.md):

* Every finding becomes a Reason with a severity worth points: info 0, low 1, medium 2, high 3.
* CLIP reasons (low_image_caption_score, low_image_article_score) are "low" and together count
  for at most CLIP_POINTS_CAP points; they never count as corroboration.
* inconsistent: total >= 4 AND (a non-CLIP "high" reason OR >= 2 distinct non-CLIP reasons of
  severity >= medium). So no CLIP score, and no single medium finding, can make it alone.
* suspicious: total >= 2.
* unknown: total < 2 and fewer than MIN_BASIS kinds of evidence were available (caption/alt
  text, index lookup, CLIP scores, embedded metadata, image decoded).
* consistent: total < 2 and something independent corroborates the page (an agreeing original
  or earlier sighting, embedded metadata or a valid C2PA manifest that agree, a high CLIP match):
  the CORROBORATING codes.
* no_findings: otherwise: checked, nothing found either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from captioncheck._types import Match, Reason, Verdict
from captioncheck.crosscheck import best_original
from captioncheck.crosscheck.language import language_name
from captioncheck.crosscheck.models import (
    CrossChecks,
    DateFinding,
    PlaceFinding,
    SightingFinding,
)
from captioncheck.crosscheck.places import country_name
from captioncheck.imagemeta import AI_SOURCE_TYPES

POINTS = {"info": 0, "low": 1, "medium": 2, "high": 3}
CLIP_CODES = frozenset({"low_image_caption_score", "low_image_article_score"})
CLIP_POINTS_CAP = 2
INCONSISTENT_POINTS = 4
SUSPICIOUS_POINTS = 2
MIN_BASIS = 2
DATE_TOLERANCE_DAYS = 30  # a photo may be a few weeks older than the article
FUTURE_TOLERANCE_DAYS = 2  # a photo dated after the article (time zones, late updates)
LANGUAGE_MIN_PROBABILITY = 0.9
HISTORICAL_DAYS = 365  # a caption dating its photo more than a year back presents it as historical
VERDICT_ORDER: dict[str, int] = {"unknown": 0, "consistent": 1, "no_findings": 2, "suspicious": 3, "inconsistent": 4}
CORROBORATING = frozenset({"known_original", "seen_before", "embedded_agrees", "c2pa_valid", "clip_agrees"})


@dataclass
class ImageEvidence:
    """Everything the verdict looks at for one image (built by the pipeline, or by tests)."""

    checks: CrossChecks
    matches: list[Match] = field(default_factory=list)
    ocr: Any = None  # signals.ocr.OcrResult | None
    scores: Any = None  # signals.clip ClipScores | None
    embedded_present: bool = False
    embedded: Any = None  # imagemeta.EmbeddedMetadata | None (C2PA, DigitalSourceType)
    unavailable: list[str] = field(default_factory=list)  # signal names that could not run
    page_url: str = ""
    decoded: bool = True
    extra_reasons: list[Reason] = field(default_factory=list)  # findings of third-party signal plugins


class ImageVerdict(BaseModel):
    verdict: Verdict
    points: int
    reasons: list[Reason] = Field(default_factory=list)


def _reason(code: str, severity: str, message: str, **evidence: Any) -> Reason:
    return Reason(code=code, severity=severity, message=message, evidence=evidence)  # type: ignore[arg-type]


def _places(f: PlaceFinding) -> str:
    specific = [p.name for p in f.photo_places if p.kind != "country"] or [p.name for p in f.photo_places]
    return ", ".join(dict.fromkeys(specific[:4]))


def _countries(codes: list[str]) -> str:
    return ", ".join(country_name(c) for c in codes)


def _quote(text: str, limit: int) -> str:
    """Text cut at a word boundary to at most `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _date_off(f: DateFinding) -> bool:
    return f.gap_days > DATE_TOLERANCE_DAYS or f.gap_days < -FUTURE_TOLERANCE_DAYS


def _describe_gap(days: int) -> str:
    if days < 0:
        return f"{-days} days after the article"
    if days >= 60:
        return f"about {round(days / 30.4)} months before the article"
    return f"{days} days before the article"


def _caption_discloses(ev: ImageEvidence, f: DateFinding) -> bool:
    """The caption marks the photo as archive, or itself names a date inside the period of `f`."""
    for c in ev.checks.dates:
        if c.source in ("caption", "alt") and (c.archive_marked or (c.photo_date.start <= f.photo_date.end and f.photo_date.start <= c.photo_date.end)):
            return True
    return False


def _original_agrees(ev: ImageEvidence) -> bool:
    """Something in the original record positively agrees with the page (not merely no conflict)."""
    cmp = ev.checks.original_comparison
    return (any(f.source == "original" and f.agrees for f in ev.checks.places)
            or any(f.source == "original" and not _date_off(f) for f in ev.checks.dates)
            or bool(cmp is not None and cmp.agrees))


def reused_photo(ev: ImageEvidence) -> list[Reason]:
    original = best_original(ev.matches)
    if original is None or (original.page_url and original.page_url == ev.page_url):
        return []
    place_off = [f for f in ev.checks.places if f.source == "original" and not f.agrees]
    date_off = [f for f in ev.checks.dates if f.source == "original" and _date_off(f) and not _caption_discloses(ev, f)]
    where = f", {original.place}" if original.place else ""
    credit = f"an {original.credit}" if original.credit[:1].upper() in "AEIOU" else f"a {original.credit}" if original.credit else "a known"
    what = f"{credit} photo of {original.date or 'unknown date'}{where}: \"{_quote(original.caption, 160)}\""
    evidence = {"photo_id": original.photo_id, "score": original.score, "credit": original.credit,
                "date": original.date, "place": original.place, "caption": original.caption,
                "page_url": original.page_url, "source_url": original.source_url}
    cmp = ev.checks.original_comparison
    if not (place_off or date_off):
        if cmp is not None and cmp.contradicts:
            return []  # caption_contradicts_original says it
        agrees = _original_agrees(ev)
        msg = "Known photo; its original context agrees with the page" if agrees else "Known photo; its original context does not contradict the page"
        return [_reason("known_original", "info", f"{msg}: {what}", agrees=agrees, **evidence)]
    differs = []
    if place_off:
        differs.append(f"taken in {_places(place_off[0])}, while the article is about {_countries(place_off[0].article_countries)}")
    if date_off:
        differs.append(f"dated {date_off[0].mention}, {_describe_gap(date_off[0].gap_days)}, which the caption does not say")
    return [_reason("reused_photo", "high", f"This is {what} — {'; '.join(differs)}", **evidence)]


def caption_contradicts_original(ev: ImageEvidence) -> list[Reason]:
    cmp = ev.checks.original_comparison
    if cmp is None or not cmp.contradicts:
        return []
    parts = [f"{aspect} ({cmp.details.get(aspect, '')})" for aspect in cmp.differs]
    msg = (f"The page's caption disagrees with the original caption of this photo on {', '.join(parts)}: "
           f"\"{_quote(cmp.other_caption, 140)}\"")
    return [_reason("caption_contradicts_original", "medium", msg, differs=cmp.differs, details=cmp.details,
                    original_caption=cmp.other_caption, text_similarity=cmp.text_similarity)]


def people_not_in_article(ev: ImageEvidence) -> list[Reason]:
    names = ev.checks.names_not_in_article
    if not names:
        return []
    msg = f"The caption names {', '.join(names[:4])}, whom the article never mentions"
    return [_reason("people_not_in_article", "low", msg, names=names)]


def _when(f: SightingFinding) -> str:
    day = (f.published or f.seen_at)[:10]
    return f"published {day}" if f.published else f"seen {day}" if day else "date unknown"


def _timeline(findings: list[SightingFinding]) -> list[dict[str, Any]]:
    return [{"page_url": f.page_url, "site": f.site, "published": f.published, "seen_at": f.seen_at, "caption": f.caption,
             "source": f.source, "days_before": f.days_before, "earlier": f.earlier, "differs": f.differs, "agrees": f.agrees}
            for f in findings]


def earlier_use(ev: ImageEvidence) -> list[Reason]:
    """The photo's other appearances: an earlier one telling another story is `earlier_use`;
    otherwise they are `seen_before` (info; corroborating when one agrees with this page)."""
    findings = ev.checks.sightings
    if not findings:
        return _legacy_seen_before(ev)
    off = [f for f in findings if f.earlier and f.differs]
    timeline = _timeline(findings)
    if off:
        first = max(off, key=lambda f: (len(f.differs), f.days_before or 0))
        severity = "high" if len({"place", "date", "people"} & set(first.differs)) >= 2 else "medium"
        ago = f", {_describe_gap(first.days_before)}" if first.days_before and first.days_before > 0 else ""
        msg = (f"Used earlier on {first.page_url} ({_when(first)}{ago}) with another story — {', '.join(first.differs)} differ: "
               f"\"{_quote(first.caption, 140)}\"")
        return [_reason("earlier_use", severity, msg, page_url=first.page_url, published=first.published, seen_at=first.seen_at,
                        caption=first.caption, differs=first.differs, timeline=timeline)]
    first = findings[0]
    agrees = any(f.agrees for f in findings)
    msg = f"Seen before on {first.page_url} ({_when(first)})"
    if first.caption:
        msg += f" with the caption \"{_quote(first.caption, 120)}\""
    if agrees:
        msg += "; it agrees with this page"
    return [_reason("seen_before", "info", msg, page_url=first.page_url, published=first.published, seen_at=first.seen_at,
                    caption=first.caption, agrees=agrees, timeline=timeline)]


def _legacy_seen_before(ev: ImageEvidence) -> list[Reason]:
    seen = [m for m in ev.matches if m.origin == "seen" and m.page_url and m.page_url != ev.page_url]
    if not seen:
        return []
    first = min(seen, key=lambda m: m.seen_at or "9999")
    msg = f"Seen before on {first.page_url} ({first.seen_at or 'date unknown'})"
    if first.caption:
        msg += f" with the caption \"{_quote(first.caption, 120)}\""
    return [_reason("seen_before", "info", msg, page_url=first.page_url, seen_at=first.seen_at, caption=first.caption,
                    agrees=False, timeline=[])]


def embedded_agrees(ev: ImageEvidence) -> list[Reason]:
    """Embedded metadata (or a C2PA manifest) places or dates the photo where/when the article is."""
    sources = ("embedded", "gps", "c2pa")
    if any(f.source in sources and not f.agrees for f in ev.checks.places) or any(f.source in sources and _date_off(f) for f in ev.checks.dates):
        return []
    places = [f for f in ev.checks.places if f.source in sources and f.agrees]
    dates = [f for f in ev.checks.dates if f.source in sources and not _date_off(f)]
    if not (places or dates):
        return []
    parts = ([f"place {_places(places[0])}"] if places else []) + ([f"date {dates[0].mention}"] if dates else [])
    src = sorted({f.source for f in places + dates})
    return [_reason("embedded_agrees", "info", f"The photo's own metadata ({', '.join(src)}) agrees with the article: {', '.join(parts)}",
                    sources=src)]


def place_mismatch(ev: ImageEvidence) -> list[Reason]:
    off = [f for f in ev.checks.places if f.source in ("caption", "alt", "original", "ocr") and not f.agrees]
    if not off:
        return []
    sources = sorted({f.source for f in off})
    msg = f"The photo's place ({_places(off[0])}, per {' and '.join(sources)}) is not where the article is ({_countries(off[0].article_countries)})"
    historical = set(sources) <= {"caption", "alt"} and any(
        d.source in ("caption", "alt") and d.gap_days > HISTORICAL_DAYS for d in ev.checks.dates)
    if historical:
        msg += "; the caption dates it as a historical photo"
    return [_reason("place_mismatch", "info" if historical else "medium", msg, sources=sources, photo_places=[p.model_dump() for p in off[0].photo_places],
                    article_countries=off[0].article_countries)]


def date_mismatch(ev: ImageEvidence) -> list[Reason]:
    off = [f for f in ev.checks.dates if f.source in ("caption", "alt", "original", "ocr") and _date_off(f)]
    if not off:
        return []
    first = max(off, key=lambda f: abs(f.gap_days))
    # the page itself tells the reader (caption names the old date or says "archive"): low;
    # only the photo's own history knows (original record): medium
    disclosed = all(f.source in ("caption", "alt") or _caption_discloses(ev, f) for f in off) and not any(
        f.gap_days < -FUTURE_TOLERANCE_DAYS for f in off)
    severity = "low" if disclosed else "medium"
    note = " (the caption says so)" if disclosed else ""
    msg = f"The photo is dated {first.mention} ({first.source}), {_describe_gap(first.gap_days)} of {first.page_date}{note}"
    return [_reason("date_mismatch", severity, msg, sources=sorted({f.source for f in off}), gap_days=first.gap_days,
                    photo_date=first.photo_date.model_dump(), page_date=first.page_date, disclosed=disclosed)]


def language_mismatch(ev: ImageEvidence) -> list[Reason]:
    lang = ev.checks.language
    if lang is None or not lang.differs or lang.probability < LANGUAGE_MIN_PROBABILITY:
        return []
    msg = (f"The caption is in {language_name(lang.caption_language)} but the page is in "
           f"{language_name(lang.page_language)} (copied from elsewhere?)")
    return [_reason("language_mismatch", "low", msg, caption_language=lang.caption_language,
                    probability=lang.probability, page_language=lang.page_language)]


PROVENANCE_SOURCES = ("embedded", "gps", "c2pa")
SOURCE_LABELS = {"embedded": "IPTC/XMP/EXIF", "gps": "EXIF GPS", "c2pa": "C2PA manifest"}


def embedded_caption_mismatch(ev: ImageEvidence) -> list[Reason]:
    place_off = [f for f in ev.checks.places if f.source in PROVENANCE_SOURCES and not f.agrees]
    date_off = [f for f in ev.checks.dates if f.source in PROVENANCE_SOURCES and _date_off(f)]
    if not (place_off or date_off):
        return []
    parts = []
    for f in place_off[:2]:
        mention = f.photo_places[0].mention if f.source == "gps" else _places(f)
        parts.append(f"place {mention} per {SOURCE_LABELS[f.source]}, while the article is about {_countries(f.article_countries)}")
    if date_off:
        parts.append(f"date {date_off[0].mention} per {SOURCE_LABELS[date_off[0].source]} ({_describe_gap(date_off[0].gap_days)})")
    msg = f"The photo's embedded metadata tells another story: {'; '.join(parts)}"
    if ev.checks.embedded_caption:
        msg += f" — \"{_quote(ev.checks.embedded_caption, 120)}\""
    return [_reason("embedded_caption_mismatch", "medium", msg, embedded_caption=ev.checks.embedded_caption,
                    sources=sorted({f.source for f in place_off + date_off}),
                    places=[p.mention if f.source == "gps" else p.name for f in place_off for p in f.photo_places],
                    dates=[f.mention for f in date_off])]


AI_DISCLOSED = re.compile(r"\bAI\b|\bIA\b|\bKI\b|artificial|artificielle|künstlich|generated|généré|generiert|generado|"
                          r"illustration|midjourney|dall[-·]?e|stable diffusion|firefly|imagen|synthetic|synthétique", re.IGNORECASE)


def provenance(ev: ImageEvidence) -> list[Reason]:
    """C2PA validation (c2pa_invalid / c2pa_valid) and generative-AI source types (ai_generated)."""
    meta = ev.embedded
    if meta is None:
        return []
    out: list[Reason] = []
    creds = getattr(meta, "content_credentials", None)
    if creds is not None and creds.read:
        who = f"signed by {creds.signer}" if creds.signer else "signer unknown"
        tool = f", made with {creds.claim_generator}" if creds.claim_generator else ""
        if creds.valid is False:
            out.append(_reason("c2pa_invalid", "medium", f"The photo's Content Credentials (C2PA, {who}) do not validate: "
                               f"{'; '.join(creds.errors[:2]) or creds.validation_state} — altered after signing, or forged",
                               errors=creds.errors, signer=creds.signer, claim_generator=creds.claim_generator))
        elif creds.valid:
            trust = "on a trust list" if creds.trusted else "not on a trust list known here"
            actions = ", ".join(dict.fromkeys(a.action.removeprefix("c2pa.") for a in creds.actions)) or "none"
            out.append(_reason("c2pa_valid", "info", f"Valid Content Credentials (C2PA), {who} ({trust}){tool}; actions: {actions}",
                               agrees=False, signer=creds.signer, trusted=creds.trusted, claim_generator=creds.claim_generator,
                               actions=[a.model_dump() for a in creds.actions], ingredients=creds.ingredients))
    elif creds is not None and creds.note:
        out.append(_reason("c2pa_unread", "info", f"The photo carries Content Credentials (C2PA) that were not read: {creds.note}"))
    ai = (creds.ai_source_type if creds is not None and creds.valid else "") or (
        meta.digital_source_type if meta.digital_source_type in AI_SOURCE_TYPES else "")
    if ai:
        where = "C2PA manifest" if creds is not None and creds.valid and creds.ai_source_type else "IPTC/XMP DigitalSourceType"
        disclosed = any(AI_DISCLOSED.search(c.text) for c in ev.checks.claims if c.source in ("caption", "alt"))
        severity = "info" if disclosed else "high"
        note = "; the caption says so" if disclosed else "; the page presents it as a photo"
        out.append(_reason("ai_generated", severity, f"The image declares itself made by generative AI ({ai}, per {where}){note}",
                           digital_source_type=ai, source=where, disclosed=disclosed))
    return out


def credit_mismatch(ev: ImageEvidence) -> list[Reason]:
    off = [f for f in ev.checks.credits if not f.agrees]
    if not off:
        return []
    f = off[0]
    msg = f"The page credits {', '.join(f.visible)} but the {f.source} says {', '.join(f.other)}"
    return [_reason("credit_mismatch", "medium", msg, visible=f.visible, other=f.other, source=f.source)]


def watermark(ev: ImageEvidence) -> list[Reason]:
    marks = list(getattr(ev.ocr, "watermarks", []) or [])
    if not marks:
        return []
    stock = bool(getattr(ev.ocr, "stock_watermark", False))
    credited = {a for f in ev.checks.credits for a in f.visible}
    severity = "info" if set(marks) <= credited else "low"
    kind = "stock-photo watermark" if stock else "agency mark"
    return [_reason("watermark", severity, f"The image carries a {kind}: {', '.join(marks)}", marks=marks, stock=stock)]


def _clip_entry(scores: Any, name: str) -> Any:
    if scores is None:
        return None
    return scores.get(name) if isinstance(scores, dict) else getattr(scores, name, None)


def _clip_low(ev: ImageEvidence, entry_name: str, code: str, what: str) -> list[Reason]:
    entry = _clip_entry(ev.scores, entry_name)
    label = _clip_entry(entry, "label") if entry is not None else None
    if label != "low":
        return []
    calibrated = _clip_entry(entry, "calibrated")
    explanation = _clip_entry(entry, "explanation") or ""
    msg = f"CLIP finds the image a poor match for {what} ({calibrated:.2f})" if isinstance(calibrated, float) else f"CLIP finds the image a poor match for {what}"
    if explanation:
        msg += f": {explanation}"
    return [_reason(code, "low", msg, calibrated=calibrated, raw=_clip_entry(entry, "raw"))]


def clip_reasons(ev: ImageEvidence) -> list[Reason]:
    return _clip_low(ev, "image_caption", "low_image_caption_score", "its caption") + _clip_low(
        ev, "image_article", "low_image_article_score", "the article"
    ) + _clip_high(ev)


def _clip_high(ev: ImageEvidence) -> list[Reason]:
    entry = _clip_entry(ev.scores, "image_caption")
    if entry is None or _clip_entry(entry, "label") != "high":
        return []
    calibrated = _clip_entry(entry, "calibrated")
    return [_reason("clip_agrees", "info", f"CLIP finds the image a good match for its caption ({calibrated:.2f})"
                    if isinstance(calibrated, float) else "CLIP finds the image a good match for its caption", calibrated=calibrated)]


RULES = (reused_photo, caption_contradicts_original, earlier_use, place_mismatch, date_mismatch, language_mismatch,
         people_not_in_article, embedded_caption_mismatch, embedded_agrees, provenance, credit_mismatch, watermark, clip_reasons)


def basis(ev: ImageEvidence) -> int:
    """How many independent kinds of evidence were available."""
    has_text = any(c.source in ("caption", "alt") for c in ev.checks.claims)
    clip_ok = ev.scores is not None and _clip_entry(ev.scores, "status") != "skipped"
    return sum([has_text, "index_match" not in ev.unavailable, clip_ok, ev.embedded_present and ev.decoded])


def combine(reasons: list[Reason], evidence_basis: int) -> tuple[Verdict, int]:
    """The documented combination: points, corroboration, CLIP cap."""
    clip = sum(POINTS[r.severity] for r in reasons if r.code in CLIP_CODES)
    other = [r for r in reasons if r.code not in CLIP_CODES]
    total = sum(POINTS[r.severity] for r in other) + min(clip, CLIP_POINTS_CAP)
    strong = any(r.severity == "high" for r in other)
    corroborating = len({r.code for r in other if POINTS[r.severity] >= POINTS["medium"]})
    if total >= INCONSISTENT_POINTS and (strong or corroborating >= 2):
        return "inconsistent", total
    if total >= SUSPICIOUS_POINTS:
        return "suspicious", total
    if evidence_basis < MIN_BASIS:
        return "unknown", total
    if any(r.code in CORROBORATING and r.evidence.get("agrees", True) for r in other):
        return "consistent", total
    return "no_findings", total


def judge(ev: ImageEvidence) -> ImageVerdict:
    reasons = [r for rule in RULES for r in rule(ev)] + list(ev.extra_reasons)
    if not ev.decoded:
        reasons.append(_reason("image_unavailable", "info", "The image itself could not be read; only its caption was checked"))
    verdict, total = combine(reasons, basis(ev))
    reasons.sort(key=lambda r: -POINTS[r.severity])
    return ImageVerdict(verdict=verdict, points=total, reasons=reasons)


class PageSummary(BaseModel):
    verdict: Verdict
    counts: dict[str, int]
    images: int
    headline: str


def summarize(verdicts: list[str]) -> PageSummary:
    """Page-level summary: the worst image verdict, counts and a one-line headline."""
    counts = {v: verdicts.count(v) for v in VERDICT_ORDER}
    if not verdicts:
        return PageSummary(verdict="unknown", counts=counts, images=0, headline="No article images found on this page.")
    worst = max(verdicts, key=lambda v: VERDICT_ORDER[v])
    flagged = counts["inconsistent"] + counts["suspicious"]
    if flagged:
        headline = f"{flagged} of {len(verdicts)} images look out of context ({counts['inconsistent']} inconsistent, {counts['suspicious']} suspicious)."
    elif counts["consistent"] or counts["no_findings"]:
        headline = (f"No image looks out of context ({counts['consistent']} corroborated, {counts['no_findings']} with no findings, "
                    f"{counts['unknown']} unknown).")
    else:
        headline = f"Not enough evidence to judge the {len(verdicts)} images."
    return PageSummary(verdict=worst, counts=counts, images=len(verdicts), headline=headline)  # type: ignore[arg-type]


__all__ = ["DATE_TOLERANCE_DAYS", "ImageEvidence", "ImageVerdict", "PageSummary", "basis", "combine", "judge", "summarize"]
