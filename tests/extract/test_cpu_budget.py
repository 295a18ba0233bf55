"""A library step past its CPU budget is abandoned (`extract/cpu_budget.py`), and `extract` then joins the page's own
text blocks: trafilatura's tree cleaning took 12 s on a 1 MB page found by the extraction property test."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from captioncheck.extract import extract, metadata
from captioncheck.extract.cpu_budget import OverBudget, cpu_budget
from captioncheck.load import page_from_html


def _spin(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_a_block_past_its_budget_is_stopped_and_the_handler_restored() -> None:
    before = signal.getsignal(signal.SIGPROF)
    started = time.process_time()
    with pytest.raises(OverBudget), cpu_budget(0.05):
        _spin(5.0)
    assert time.process_time() - started < 2.0
    assert signal.getsignal(signal.SIGPROF) == before
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    with cpu_budget(1.0):  # within its budget: nothing happens
        _spin(0.01)


def test_outside_the_main_thread_the_block_runs_unbounded() -> None:
    errors: list[BaseException] = []

    def work() -> None:
        try:
            with cpu_budget(0.01):
                _spin(0.1)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors == []


def test_trafilatura_past_its_budget_leaves_the_text_to_the_pages_own_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    words = "The minister said on Tuesday that the budget for the schools would be cut again next year. "
    html = ('<html lang="en"><body><article><h1>Budget cut</h1><figure><img src="a.jpg" width="640"><figcaption>'
            "The minister in parliament.</figcaption></figure>" + f"<p>{words * 3}</p>" * 20 + "</article></body></html>")
    assert "budget for the schools" in extract(page_from_html(html, "https://example.com/a")).page.text
    monkeypatch.setattr(metadata, "cpu_budget", lambda seconds: _spent())
    record = extract(page_from_html(html, "https://example.com/a"))
    assert "budget for the schools" in record.page.text  # joined from its own blocks
    assert [i.caption for i in record.images] == ["The minister in parliament."]


class _spent:
    """A budget already spent: the block raises OverBudget as soon as it starts."""

    def __enter__(self) -> None:
        raise OverBudget("spent")

    def __exit__(self, *exc: object) -> None:
        return None
