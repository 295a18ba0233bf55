"""Cross-checks between what the page says (article, caption, credit, alt) and what the photo
itself or its known history says (embedded metadata, OCR text, index matches).

    facts = article_facts(page, images)              # once per page
    checks = cross_check(facts, image, matches, embedded, ocr)   # per image -> CrossChecks
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from captioncheck._types import ImageInContext, Match, PageInfo, Sighting
from captioncheck.crosscheck.compare import TextSimilarityFn, compare_captions, sighting_finding, site_of
from captioncheck.crosscheck.dates import NamedDate, find_dates, parse_iso
from captioncheck.crosscheck.geo import nearest_place
from captioncheck.crosscheck.language import base_language, identify
from captioncheck.crosscheck.lexicon import common_words
from captioncheck.crosscheck.models import (
    CreditFinding,
    CrossChecks,
    DateFinding,
    DateRef,
    LanguageFinding,
    PhotoClaim,
    PlaceFinding,
    PlaceRef,
    SightingFinding,
)
from captioncheck.crosscheck.names import mentioned_in, people_in, text_words
from captioncheck.crosscheck.places import (
    Place,
    find_places,
    is_locative,
    main_countries,
)
from captioncheck.signals.agencies import find_agencies

TEXT_FUTURE_DAYS = 2  # caption dates later than this after the page are events to come, not photo dates
ORIGINAL_MIN_SCORE = 0.5  # index matches at least this sure are treated as the same photo
ARCHIVE_MARK = re.compile(
    r"archiv|file (?:photo|picture|image)|\bfile\b|d'archives?|photo d'illustration|illustration|"
    r"архив|آرشیو|أرشيف|資料|资料",
    re.IGNORECASE,
)
COMPATIBLE_AGENCIES = [{"AFP", "Getty Images"}, {"EPA", "EFE"}, {"Sputnik", "TASS"}]


@dataclass
class ArticleFacts:
    """What the article itself is about, computed once per page (captions removed from the text)."""

    language: str
    published: NamedDate | None
    places: list[Place] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)
    page_url: str = ""
    words: frozenset[str] = frozenset()  # folded words of title, description and text (captions removed)
    common: frozenset[str] = frozenset()  # folded words the article uses as common words (lexicon.common_words)


def _strip_captions(text: str, images: list[ImageInContext]) -> str:
    for img in images:
        for part in (img.caption, img.credit):
            if len(part) > 3:
                text = text.replace(part, " ")
    return text


def article_facts(page: PageInfo, images: list[ImageInContext]) -> ArticleFacts:
    text = page.text or "\n".join(dict.fromkeys(t for img in images for t in (img.context_before, img.context_after) if t))
    body = _strip_captions("\n".join([page.description, text]), images)
    guess = identify(page.text or page.title)
    language = base_language(page.language) or (guess.language if guess else "")
    title_places = find_places(page.title)
    places = title_places + find_places(body)
    return ArticleFacts(
        language=language,
        published=parse_iso(page.published),
        places=places,
        countries=main_countries(places, title_places),
        page_url=page.url,
        words=text_words("\n".join([page.title, body])),
        common=common_words([language], page.title, body),
    )


def candidate_contexts(facts: ArticleFacts, images: list[ImageInContext], limit: int = 8) -> list[str]:
    """Places for CLIP to rank against each image: where the article is, and where captions say."""
    names: list[str] = [p.name for p in facts.places if p.country in facts.countries]
    for img in images:
        names.extend(p.name for p in _located(img.caption or img.alt))
    return list(dict.fromkeys(names))[:limit]


@lru_cache(maxsize=512)
def _located(text: str) -> tuple[Place, ...]:
    """Places a free text locates something at; cached, as captions are read for CLIP and claims."""
    return tuple(p for p in find_places(text) if is_locative(text, p))


def _place_refs(places: list[Place]) -> list[PlaceRef]:
    out: dict[tuple[str, str], PlaceRef] = {}
    for p in places:
        out.setdefault((p.name, p.country), PlaceRef(name=p.name, country=p.country, kind=p.kind, mention=p.mention))
    return list(out.values())


def _date_refs(dates: list[NamedDate]) -> list[DateRef]:
    return [DateRef(start=d.start.isoformat(), end=d.end.isoformat(), precision=d.precision, mention=d.mention) for d in dates]


def _claim(source: Any, text: str, language: str, extra_places: str = "", dates: list[NamedDate] | None = None,
           agencies_text: str = "", agencies: list[str] | None = None) -> PhotoClaim:
    """What one source says. Free text only counts places it locates something at ("in X",
    "à X", landmarks, datelines); structured place fields (`extra_places`) count whole."""
    guess = identify(text)
    located = list(_located(text))
    return PhotoClaim(
        source=source,
        text=text,
        places=_place_refs(located + find_places(extra_places)),
        dates=_date_refs(dates if dates is not None else find_dates(text, language)),
        agencies=agencies if agencies is not None else find_agencies(agencies_text),
        language=guess.language if guess else "",
        language_probability=guess.probability if guess else 0.0,
    )


def collect_claims(facts: ArticleFacts, image: ImageInContext, matches: list[Match], embedded: Any, ocr: Any) -> list[PhotoClaim]:
    """One claim per source that says something about the photo."""
    claims: list[PhotoClaim] = []
    if image.caption:
        claims.append(_claim("caption", image.caption, facts.language, agencies_text=image.credit))
    elif image.alt:
        claims.append(_claim("alt", image.alt, facts.language, agencies_text=image.credit))
    if embedded is not None:
        claims.append(_embedded_claim(embedded, facts.language))
        claims.extend(_gps_claim(embedded) + _c2pa_claim(embedded, facts.language))
    original = best_original(matches)
    if original is not None:
        d = parse_iso(original.date)
        claims.append(_claim("original", original.caption, "en", extra_places=original.place,
                             dates=[d] if d else None, agencies_text=" ".join([original.credit, original.creator])))
    if ocr is not None and getattr(ocr, "burnt_in_caption", ""):
        claims.append(_claim("ocr", ocr.burnt_in_caption, facts.language, agencies=list(ocr.watermarks)))
    return [c for c in claims if c.text or c.places or c.dates or c.agencies]


def _embedded_claim(meta: Any, language: str) -> PhotoClaim:
    def get(name: str) -> str:
        return str(getattr(meta, name, "") or "")

    where = ", ".join(filter(None, [get("place"), get("city"), get("country")]))
    d = parse_iso(get("date_taken"))
    caption_dates = find_dates(get("caption"), language)
    claim = _claim("embedded", get("caption"), language, extra_places=where,
                   dates=([d] if d else []) + caption_dates,
                   agencies_text=" ".join([get("credit"), get("source"), get("copyright"), get("creator")]))
    return claim


def _gps_claim(meta: Any, source: str = "gps") -> list[PhotoClaim]:
    """A GPS position (EXIF, or a C2PA manifest's EXIF assertion) as the nearest gazetteer city."""
    gps = getattr(meta, "gps", None)
    if not gps:
        return []
    near = nearest_place(float(gps.get("lat", 0.0)), float(gps.get("lon", 0.0)))
    if near is None:
        return []
    where = f"GPS {gps['lat']:.5f}, {gps['lon']:.5f}"
    ref = PlaceRef(name=near.name, country=near.country, kind="city", mention=f"{where} ({near.distance_km:g} km from {near.name})")
    return [PhotoClaim(source=source, text=where, places=[ref])]  # type: ignore[arg-type]


def _c2pa_claim(meta: Any, language: str) -> list[PhotoClaim]:
    """What a valid C2PA manifest says: when the photo was created, where (IPTC location, GPS), and
    who signed or authored it."""
    creds = getattr(meta, "content_credentials", None)
    if creds is None or not creds.valid:
        return []
    created = [d for a in creds.actions if a.action == "c2pa.created" and (d := parse_iso(a.when)) is not None]
    claim = _claim("c2pa", creds.description, language, extra_places=creds.place,
                   dates=created + find_dates(creds.description, language),
                   agencies_text=f"{creds.signer} {creds.author}")
    gps = _gps_claim(creds, "c2pa")
    if gps:
        claim.places.extend(gps[0].places)
    return [claim]


def best_original(matches: list[Match]) -> Match | None:
    curated = [m for m in matches if m.origin != "seen" and m.score >= ORIGINAL_MIN_SCORE]
    return max(curated, key=lambda m: m.score) if curated else None


def _place_finding(facts: ArticleFacts, claim: PhotoClaim) -> PlaceFinding | None:
    if not claim.places or not facts.countries:
        return None
    article_names = {p.name for p in facts.places}
    agrees = any(p.name in article_names and p.kind != "country" for p in claim.places) or any(
        p.country in facts.countries for p in claim.places
    )
    return PlaceFinding(
        source=claim.source,
        photo_places=claim.places,
        article_countries=sorted(facts.countries),
        article_places=sorted(article_names)[:20],
        agrees=agrees,
    )


def _date_finding(facts: ArticleFacts, claim: PhotoClaim, archive_marked: bool) -> DateFinding | None:
    if not claim.dates or facts.published is None:
        return None
    page_day = facts.published.start
    periods = [NamedDate(date.fromisoformat(d.start), date.fromisoformat(d.end), d.precision, d.mention) for d in claim.dates]
    if claim.source in ("caption", "alt", "ocr"):
        # a caption's dates after the article name coming events ("the show, postponed to May"), not the photo
        periods = [p for p in periods if p.gap_days(page_day) >= -TEXT_FUTURE_DAYS]
        if not periods:
            return None
    closest = min(periods, key=lambda p: abs(p.gap_days(page_day)))
    return DateFinding(
        source=claim.source,
        mention=closest.mention,
        photo_date=_date_refs([closest])[0],
        page_date=page_day.isoformat(),
        gap_days=closest.gap_days(page_day),
        archive_marked=archive_marked,
    )


def _compatible(a: list[str], b: list[str]) -> bool:
    if set(a) & set(b):
        return True
    return any(set(a) & group and set(b) & group for group in COMPATIBLE_AGENCIES)


def _credit_findings(image: ImageInContext, claims: list[PhotoClaim], ocr: Any) -> list[CreditFinding]:
    visible = find_agencies(" ".join([image.credit, image.caption if not image.credit else ""]))
    if not visible:
        return []
    others = [(c.source, c.agencies) for c in claims if c.source in ("embedded", "original", "c2pa") and c.agencies]
    if ocr is not None and getattr(ocr, "watermarks", None):
        others.append(("ocr", list(ocr.watermarks)))
    return [CreditFinding(source=src, visible=visible, other=ag, agrees=_compatible(visible, ag)) for src, ag in others]


def _word_overlap(a: str, b: str) -> float:
    wa = {w for w in re.findall(r"\w{4,}", a.casefold())}
    wb = {w for w in re.findall(r"\w{4,}", b.casefold())}
    return round(len(wa & wb) / len(wa | wb), 3) if wa and wb else 0.0


def cross_check(facts: ArticleFacts, image: ImageInContext, matches: list[Match], embedded: Any = None, ocr: Any = None,
                similarity: TextSimilarityFn | None = None) -> CrossChecks:
    """Compare every source that speaks about the photo with the article; `similarity`: CLIP's
    caption<->caption similarity when weights are loaded (compare.compare_captions)."""
    claims = collect_claims(facts, image, matches, embedded, ocr)
    archive = bool(ARCHIVE_MARK.search(" ".join([image.caption, image.credit])))
    caption_claim = next((c for c in claims if c.source in ("caption", "alt")), None)
    language = None
    if caption_claim is not None and caption_claim.language and facts.language:
        language = LanguageFinding(
            caption_language=caption_claim.language,
            probability=caption_claim.language_probability,
            page_language=facts.language,
            differs=caption_claim.language != facts.language,
        )
    embedded_caption = str(getattr(embedded, "caption", "") or "") if embedded is not None else ""
    original_claim = next((c for c in claims if c.source == "original"), None)
    comparison = None
    if caption_claim and original_claim and original_claim.text:
        # the caption is compared with what the original caption itself says; its record date only when it names none
        own = find_dates(original_claim.text, "en")
        said = original_claim.model_copy(update={"dates": _date_refs(own)}) if own else original_claim
        comparison = compare_captions(caption_claim, said, "original", similarity)
    return CrossChecks(
        page_language=facts.language,
        page_date=facts.published.start.isoformat() if facts.published else "",
        article_countries=sorted(facts.countries),
        claims=claims,
        places=[f for c in claims if (f := _place_finding(facts, c)) is not None],
        dates=[f for c in claims if (f := _date_finding(facts, c, archive and c.source in ("caption", "alt"))) is not None],
        language=language,
        credits=_credit_findings(image, claims, ocr),
        embedded_caption=embedded_caption,
        embedded_caption_similarity=_word_overlap(embedded_caption, image.caption) if embedded_caption and image.caption else None,
        original_comparison=comparison,
        sightings=_sightings(facts, caption_claim, matches, archive),
        names_not_in_article=_names_not_in_article(facts, caption_claim),
        page_site=site_of(facts.page_url),
    )


MIN_ARTICLE_WORDS = 40  # distinct words; a shorter article text cannot tell who it is about


def _names_not_in_article(facts: ArticleFacts, caption: PhotoClaim | None) -> list[str]:
    if caption is None or len(facts.words) < MIN_ARTICLE_WORDS:
        return []
    languages = _languages(facts, caption)
    common = facts.common | common_words(languages, caption.text)
    return [n for n in people_in(caption.text, languages, common) if not mentioned_in(n, facts.words)]


def _languages(facts: ArticleFacts, claim: PhotoClaim) -> list[str]:
    """The languages a claim's text may be in: its own (when identified) and the page's."""
    return [lang for lang in dict.fromkeys([claim.language, facts.language]) if lang]


MAX_SIGHTINGS = 10


def _sightings(facts: ArticleFacts, caption: PhotoClaim | None, matches: list[Match], archive: bool) -> list[SightingFinding]:
    """The photo's other appearances (every match's sightings, one per page), oldest first."""
    page_day = facts.published.start if facts.published else None
    seen: dict[str, Sighting] = {}
    for m in matches:
        if m.score < ORIGINAL_MIN_SCORE:
            continue
        for s in m.sightings:
            if s.page_url and s.page_url != facts.page_url:
                seen.setdefault(s.page_url, s)
    ordered = sorted(seen.values(), key=lambda s: s.when or "9999")[:MAX_SIGHTINGS]
    return [sighting_finding(s, caption, _claim("seen", s.caption or s.alt, s.lang or "en"), page_day,
                             site_of(facts.page_url), facts.countries, archive) for s in ordered]


__all__ = ["ArticleFacts", "article_facts", "best_original", "candidate_contexts", "collect_claims", "cross_check"]
