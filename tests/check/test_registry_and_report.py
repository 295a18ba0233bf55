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
