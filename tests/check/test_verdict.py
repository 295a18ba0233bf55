"""Verdict rules, fed with evidence objects directly: every reason code fires and stays quiet."""

from __future__ import annotations

import pytest

from captioncheck._types import Match
from captioncheck.crosscheck.models import (
    CreditFinding,
    CrossChecks,
    DateFinding,
    DateRef,
    LanguageFinding,
    PhotoClaim,
    PlaceFinding,
    PlaceRef,
)
from captioncheck.signals.clip.schema import ClipScores, PairScore
from captioncheck.signals.ocr import OcrResult
from captioncheck.verdict import ImageEvidence, combine, judge, summarize

WASHINGTON = PlaceRef(name="Washington", country="US", kind="city", mention="Washington, DC")
TEHRAN = PlaceRef(name="Tehran", country="IR", kind="city", mention="Téhéran")
CAPTION = PhotoClaim(source="caption", text="a caption")


def place(source: str, agrees: bool, where: PlaceRef = WASHINGTON) -> PlaceFinding:
    return PlaceFinding(source=source, photo_places=[where], article_countries=["IR", "RU"], article_places=["Tehran"], agrees=agrees)


def dated(source: str, gap: int, archive: bool = False, start: str = "2019-03-08") -> DateFinding:
    ref = DateRef(start=start, end=start, precision="day", mention=start)
    return DateFinding(source=source, mention=start, photo_date=ref, page_date="2019-12-11", gap_days=gap, archive_marked=archive)


def original(**kw: object) -> Match:
    base = dict(photo_id=1, caption="rally at the US Capitol", credit="AFP", date="2019-03-08", place="Washington, DC", score=0.9)
    base.update(kw)
    return Match(**base)  # type: ignore[arg-type]


def pair(label: str) -> PairScore:
    return PairScore(raw=0.1, calibrated={"low": 0.1, "medium": 0.5, "high": 0.9}[label], label=label, method="sigmoid", explanation="")


def evidence(**kw: object) -> ImageEvidence:
    checks = kw.pop("checks", None) or CrossChecks(claims=[CAPTION])
    return ImageEvidence(checks=checks, page_url="https://news.example/a", **kw)  # type: ignore[arg-type]


def codes(ev: ImageEvidence) -> set[str]:
    return {r.code for r in judge(ev).reasons}


def test_seed_like_evidence_is_inconsistent_with_the_four_reasons() -> None:
    checks = CrossChecks(
        claims=[CAPTION],
        places=[place("caption", False), place("original", False)],
        dates=[dated("caption", 278), dated("original", 278)],
        language=LanguageFinding(caption_language="en", probability=0.98, page_language="fr", differs=True),
    )
    result = judge(evidence(checks=checks, matches=[original()]))
    assert result.verdict == "inconsistent"
    assert {"reused_photo", "place_mismatch", "date_mismatch", "language_mismatch"} <= {r.code for r in result.reasons}
    assert result.reasons[0].severity == "high"  # sorted most severe first


def test_reused_photo_quiet_when_original_context_agrees() -> None:
    checks = CrossChecks(claims=[CAPTION], places=[place("original", True)], dates=[dated("original", 3)])
    assert "reused_photo" not in codes(evidence(checks=checks, matches=[original()]))
    assert "known_original" in codes(evidence(checks=checks, matches=[original()]))


def test_reused_photo_for_undisclosed_old_original_only() -> None:
    old = CrossChecks(claims=[CAPTION], dates=[dated("original", 900)])
    assert "reused_photo" in codes(evidence(checks=old, matches=[original()]))
    disclosed = CrossChecks(claims=[CAPTION], dates=[dated("original", 900), dated("caption", 900)])
    assert "reused_photo" not in codes(evidence(checks=disclosed, matches=[original()]))


def test_reused_photo_quiet_on_its_own_page() -> None:
    checks = CrossChecks(claims=[CAPTION], places=[place("original", False)])
    assert "reused_photo" not in codes(evidence(checks=checks, matches=[original(page_url="https://news.example/a")]))


def test_seen_before_fires_for_another_page_only() -> None:
    seen_elsewhere = original(origin="seen", page_url="https://other.example/x", seen_at="2018-01-01T00:00:00+00:00")
    assert "seen_before" in codes(evidence(matches=[seen_elsewhere]))
    assert "seen_before" not in codes(evidence(matches=[original(origin="seen", page_url="https://news.example/a")]))
    assert "seen_before" not in codes(evidence(matches=[]))


@pytest.mark.parametrize("agrees, fires", [(False, True), (True, False)])
def test_place_mismatch(agrees: bool, fires: bool) -> None:
    checks = CrossChecks(claims=[CAPTION], places=[place("caption", agrees)])
    assert ("place_mismatch" in codes(evidence(checks=checks))) is fires


def test_text_burnt_into_the_image_counts_for_place_and_date() -> None:
    checks = CrossChecks(claims=[CAPTION], places=[place("ocr", False)], dates=[dated("ocr", 800)])
    reasons = {r.code: r for r in judge(evidence(checks=checks)).reasons}
    assert reasons["place_mismatch"].severity == "medium"
    assert reasons["date_mismatch"].severity == "medium"  # the caption does not say so
    assert judge(evidence(checks=checks)).verdict == "inconsistent"


def test_place_mismatch_is_low_for_a_photo_the_caption_dates_as_historical() -> None:
    checks = CrossChecks(claims=[CAPTION], places=[place("caption", False)], dates=[dated("caption", 5000)])
    reasons = {r.code: r for r in judge(evidence(checks=checks)).reasons}
    assert reasons["place_mismatch"].severity == "info"
    recent = CrossChecks(claims=[CAPTION], places=[place("caption", False)], dates=[dated("caption", 278)])
    assert {r.code: r for r in judge(evidence(checks=recent)).reasons}["place_mismatch"].severity == "medium"


@pytest.mark.parametrize("gap, archive, fires, severity", [
    (278, False, True, "low"),  # the caption itself names the old date: disclosed
    (10, False, False, None),  # within the tolerance
    (-20, False, True, "medium"),  # photo dated after the article
    (2000, True, True, "low"),
])
def test_date_mismatch_from_caption(gap: int, archive: bool, fires: bool, severity: str | None) -> None:
    checks = CrossChecks(claims=[CAPTION], dates=[dated("caption", gap, archive)])
    reasons = {r.code: r for r in judge(evidence(checks=checks)).reasons}
    assert ("date_mismatch" in reasons) is fires
    if fires:
        assert reasons["date_mismatch"].severity == severity


def test_date_mismatch_medium_when_only_the_original_knows() -> None:
    checks = CrossChecks(claims=[CAPTION], dates=[dated("original", 400)])
    reasons = {r.code: r for r in judge(evidence(checks=checks, matches=[original()])).reasons}
    assert reasons["date_mismatch"].severity == "medium"


@pytest.mark.parametrize("caption_lang, prob, fires", [("en", 0.98, True), ("fr", 0.99, False), ("en", 0.6, False)])
def test_language_mismatch(caption_lang: str, prob: float, fires: bool) -> None:
    lang = LanguageFinding(caption_language=caption_lang, probability=prob, page_language="fr", differs=caption_lang != "fr")
    assert ("language_mismatch" in codes(evidence(checks=CrossChecks(claims=[CAPTION], language=lang)))) is fires


@pytest.mark.parametrize("agrees, fires", [(False, True), (True, False)])
def test_embedded_caption_mismatch(agrees: bool, fires: bool) -> None:
    checks = CrossChecks(claims=[CAPTION], places=[place("embedded", agrees)], embedded_caption="Protest in Washington")
    assert ("embedded_caption_mismatch" in codes(evidence(checks=checks))) is fires


def test_embedded_date_far_from_page_fires() -> None:
    checks = CrossChecks(claims=[CAPTION], dates=[dated("embedded", 3000)])
    assert "embedded_caption_mismatch" in codes(evidence(checks=checks))


@pytest.mark.parametrize("agrees, fires", [(False, True), (True, False)])
def test_credit_mismatch(agrees: bool, fires: bool) -> None:
    credit = CreditFinding(source="embedded", visible=["AFP"], other=["AFP" if agrees else "Reuters"], agrees=agrees)
    assert ("credit_mismatch" in codes(evidence(checks=CrossChecks(claims=[CAPTION], credits=[credit])))) is fires


def test_watermark_fires_on_marks_and_is_info_when_credited() -> None:
    ocr = OcrResult(text="Getty Images", watermarks=["Getty Images"], stock_watermark=True)
    reasons = {r.code: r for r in judge(evidence(ocr=ocr)).reasons}
    assert reasons["watermark"].severity == "low"
    credited = CrossChecks(claims=[CAPTION], credits=[CreditFinding(source="ocr", visible=["Getty Images"], other=["Getty Images"], agrees=True)])
    assert {r.code: r for r in judge(evidence(checks=credited, ocr=ocr)).reasons}["watermark"].severity == "info"
    assert "watermark" not in codes(evidence(ocr=OcrResult(text="hello world")))


@pytest.mark.parametrize("label, fires", [("low", True), ("medium", False), ("high", False)])
def test_clip_reasons(label: str, fires: bool) -> None:
    scores = ClipScores(model="test", image_caption=pair(label), image_article=pair(label))
    found = codes(evidence(scores=scores))
    assert ("low_image_caption_score" in found) is fires
    assert ("low_image_article_score" in found) is fires


def test_clip_alone_never_makes_an_image_inconsistent() -> None:
    scores = ClipScores(model="test", image_caption=pair("low"), image_article=pair("low"))
    assert judge(evidence(scores=scores)).verdict == "suspicious"
    one_low = ClipScores(model="test", image_caption=pair("low"), image_article=pair("high"))
    assert judge(evidence(scores=one_low)).verdict == "no_findings"  # a low CLIP score alone is no finding; image_caption is the low one
    # CLIP plus one medium finding: still not inconsistent (no corroboration)
    checks = CrossChecks(claims=[CAPTION], places=[place("caption", False)])
    assert judge(evidence(checks=checks, scores=scores)).verdict == "suspicious"


def test_unknown_when_evidence_is_thin() -> None:
    bare = ImageEvidence(checks=CrossChecks(), unavailable=["clip", "index_match", "ocr"])
    assert judge(bare).verdict == "unknown"
    with_caption = ImageEvidence(checks=CrossChecks(claims=[CAPTION]), unavailable=["clip"])
    assert judge(with_caption).verdict == "no_findings"  # checked, nothing found either way


def test_undecodable_image_is_flagged_and_caption_still_counts() -> None:
    ev = ImageEvidence(checks=CrossChecks(claims=[CAPTION]), decoded=False, unavailable=["clip", "embedded_metadata", "index_match", "ocr"])
    result = judge(ev)
    assert result.verdict == "unknown"
    assert "image_unavailable" in {r.code for r in result.reasons}


def test_combine_is_documented_thresholds() -> None:
    from captioncheck._types import Reason

    medium = Reason(code="place_mismatch", severity="medium", message="")
    assert combine([medium], 2) == ("suspicious", 2)
    other = Reason(code="credit_mismatch", severity="medium", message="")
    assert combine([medium, other], 2) == ("inconsistent", 4)
    assert combine([], 1) == ("unknown", 0)


def test_summary_takes_the_worst_verdict() -> None:
    summary = summarize(["consistent", "inconsistent", "suspicious"])
    assert summary.verdict == "inconsistent"
    assert summary.counts["suspicious"] == 1
    assert summarize([]).verdict == "unknown"
