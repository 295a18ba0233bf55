"""Signal registry rules, the Evidence record, and the report schema round trip."""

from __future__ import annotations

import pytest

from captioncheck._types import PageInfo
from captioncheck.report.jsonfmt import from_json, to_json
from captioncheck.report.schema import CheckReport, ImageReport
from captioncheck.signals import (
    BUILTIN_SIGNALS,
    Evidence,
    PageBatch,
    Signal,
    SignalRegistry,
    registry,
)
from captioncheck.verdict import summarize


class Dummy:
    name = "dummy"

    def collect(self, batch: PageBatch) -> list[Evidence]:
        return [Evidence(signal=self.name, value=1) for _ in batch.items]


def test_builtin_signals_are_registered_and_follow_the_protocol() -> None:
    assert registry.names() == sorted(BUILTIN_SIGNALS)
    for signal in registry.create():
        assert isinstance(signal, Signal)
        assert signal.name in BUILTIN_SIGNALS


def test_duplicate_and_badly_named_signals_are_refused() -> None:
    reg = SignalRegistry()
    reg.register("dummy", Dummy)
    with pytest.raises(ValueError, match="duplicate"):
        reg.register("dummy", Dummy)
    with pytest.raises(ValueError, match="lower_snake"):
        reg.register("Bad-Name", Dummy)
    with pytest.raises(ValueError, match="unknown"):
        reg.create(["nope"])


def test_evidence_reasons_are_one_line() -> None:
    ev = Evidence.unavailable("ocr", "tesseract\nnot found\n  at all")
    assert ev.reason == "tesseract not found at all" and not ev.ok
    assert Evidence.error("ocr", "x").status == "error"


def test_report_round_trips_through_json() -> None:
    image = ImageReport(url="https://x/a.jpg", caption="<b>c</b>", verdict="suspicious", points=2)
    report = CheckReport(page=PageInfo(title="t"), images=[image], summary=summarize(["suspicious"]), notices=["n"])
    again = from_json(to_json(report))
    assert again == report
    assert again.images[0].caption == "<b>c</b>"


def test_html_and_terminal_render_every_evidence_kind() -> None:
    from rich.console import Console

    from captioncheck._types import Match, Reason
    from captioncheck.report.html import to_html
    from captioncheck.report.terminal import render
    from captioncheck.signals.clip.schema import ClipScores, ContextScore, PairScore
    from captioncheck.signals.ocr import OcrResult

    pair = PairScore(raw=0.12, calibrated=0.08, label="low", method="sigmoid", explanation="<i>poor</i> match")
    scores = ClipScores(model="m<1>", image_caption=pair, image_article=pair,
                        contexts=[ContextScore(text="Tehran <script>", prob=0.7, raw=0.2)])
    image = ImageReport(
        url="javascript:alert(1)", caption="cap", verdict="inconsistent", points=5, scores=scores,
        matches=[Match(photo_id=3, caption="orig <b>", credit="AFP", score=0.9)],
        ocr=OcrResult(text="Getty Images", watermarks=["Getty Images"]),
        reasons=[Reason(code="reused_photo", severity="high", message="msg <u>x</u>")],
    )
    report = CheckReport(page=PageInfo(title="<t>"), images=[image], summary=summarize(["inconsistent"]))
    html = to_html(report)
    assert "&lt;i&gt;poor&lt;/i&gt;" in html and "Tehran &lt;script&gt;" in html and "orig &lt;b&gt;" in html
    assert 'href="javascript' not in html and "<script" not in html
    console = Console(record=True, width=100)
    render(report, console)
    text = console.export_text()
    assert "image↔caption 0.08 (low)" in text and "reused_photo" in text and "Getty Images" in text
