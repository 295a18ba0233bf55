"""The compiled nesting rules (`_open_levels`, read through `nesting.open_levels`) give what the Python rules
(`nesting.python_open_levels`) give: per token its level, the deepest level, the formatting start tags to drop past
the copy budget and the ignored start tags. Checked on generated pages of every tag the rules meet (mis-nested,
repeated, with budgets small enough to be passed), with the legacy shortcuts on and off, and on the test pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from captioncheck.extract import flatten, nesting
from captioncheck.extract.compiled import built_before
from tests.extract.test_nesting import TOKENS
from tests.hostile.test_unclosed_shortcut import TAGS

PAGES = sorted((Path(__file__).parents[2] / "testdata" / "pages").glob("*.html"))
ALPHABET = sorted(set(TOKENS) | set(TAGS) | {"<b class=c1>", "<b class=c2>", "<i class=c3>", "<div><b class=c4>x</div>",
                                             "<td id=1>", "<tr id=2>", "<body id=3>", "<html lang=x>", "<frame src=y>",
                                             "<svg><foreignobject>", "<math><mtext>", "</form>", "<form class=f>"})


def _compiled():
    compiled = nesting.compiled_levels()
    assert compiled is not None, "the compiled nesting rules are not built: run `pip install -e .` (needs a C compiler)"
    return compiled


def _agree(html: str, budget: int | None = None) -> None:
    parts = flatten.page_tokens(html)
    budget = nesting.copy_budget(len(parts) // 4) if budget is None else budget
    mine: tuple[list[int], list[int]] = ([], [])
    theirs: tuple[list[int], list[int]] = ([], [])
    assert _compiled()(parts, budget, *mine) == nesting.python_open_levels(parts, *theirs, budget=budget), html
    assert mine == theirs, html


def test_the_compiled_rules_are_built_and_pass_their_probe() -> None:
    _compiled()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=150), st.sampled_from([0, 2, 10, 60, None]))
def test_compiled_levels_equal_the_python_rules(tokens: list[str], budget: int | None) -> None:
    _agree("".join(tokens), budget)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), max_size=6), st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=8),
       st.integers(min_value=5, max_value=80), st.sampled_from([0, 5, 40, None]))
def test_compiled_levels_equal_the_python_rules_on_repeated_mis_nesting(
        prefix: list[str], unit: list[str], times: int, budget: int | None) -> None:
    _agree("".join(prefix) + "".join(unit) * times, budget)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(TAGS), max_size=80))
def test_the_compiled_shortcuts_give_the_levels_of_the_full_rules(tokens: list[str]) -> None:
    parts = flatten.page_tokens("".join(tokens))
    budget = nesting.copy_budget(len(parts) // 4)
    assert _compiled()(parts, budget, [], [], True) == _compiled()(parts, budget, [], [], False)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_compiled_levels_equal_the_python_rules_on_the_test_pages(page: Path) -> None:
    _agree(page.read_text(encoding="utf-8", errors="replace"))


def test_a_bomb_past_its_budget_drops_the_same_start_tags() -> None:
    html = "<div>" + "".join(f"<b class=c{i}>" for i in range(40)) + "</div>" + "<p>x</p>" * 3000
    parts = flatten.page_tokens(html)
    drops: list[int] = []
    nesting.open_levels(parts, drops)
    assert len(drops) == 40
    _agree(html)
    _agree(html, 100)


def test_compiled_rules_that_disagree_on_the_probe_are_not_used(monkeypatch: pytest.MonkeyPatch,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    """A compiled module built from another version of the rules (a stale build after an edit of the Python ones)
    is turned off with a warning, and pages are read by the Python rules."""
    import captioncheck.extract._open_levels as built

    original = built.open_levels

    def one_level_short(parts: list, budget: int, *lists: object) -> tuple[list[int], int]:
        levels, deepest = original(parts, budget, *lists)
        return levels, deepest - 1

    monkeypatch.setattr(built, "open_levels", one_level_short)
    nesting.compiled_levels.cache_clear()
    try:
        assert nesting.compiled_levels() is None
        assert "disagree" in caplog.text
        assert nesting.open_levels(flatten.page_tokens("<div><div></div></div>")) == ([1, 2, 2, 1], 2)
    finally:
        monkeypatch.undo()
        nesting.compiled_levels.cache_clear()
    _compiled()


def test_a_build_older_than_the_rules_is_not_used(tmp_path: Path) -> None:
    """An edit of the Python rules not yet rebuilt (`pip install -e .` rebuilds it: `setup.py` lists them as its
    dependencies) leaves a compiled module that may follow the old rules: it is not used."""
    import os

    built = tmp_path / "_open_levels.so"
    built.write_bytes(b"")
    (tmp_path / "nesting.py").write_text("")
    os.utime(built, (1_000_000, 1_000_000))
    os.utime(tmp_path / "nesting.py", (900_000, 900_000))
    assert not built_before(built, nesting.RULES)
    os.utime(tmp_path / "nesting.py", (1_100_000, 1_100_000))
    assert built_before(built, nesting.RULES)
