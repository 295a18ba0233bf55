"""The compiled token split (`_page_tokens`, read through `flatten._page_tokens`) gives the list the token patterns'
`re.split` gives (`flatten._PLAIN_TOKENS`, `flatten._QUOTED_TOKENS`): the same text pieces, comments and raw-text
elements, tag names and rests. Checked on generated pages of every token form the patterns tell apart (comments ended
every way, bogus comments, raw-text elements closed or not, quoted values holding ">", unclosed quotes, SWALLOWS
marks), raw and as `_scannable` marks them, and on the test pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from captioncheck.extract import flatten
from tests.extract.test_nesting import TOKENS

PAGES = sorted((Path(__file__).parents[2] / "testdata" / "pages").glob("*.html"))
PIECES = sorted(set(TOKENS) | {
    "<", ">", "<!", "<!-", "<!--", "-->", "--!>", "--", "-", "!", "?", "/", "=", '"', "'", "= '", '="', " ", "\t", "\x0c",
    "\u00a0", "\u2003", "\x01", "a", "x=1", "</", "</script", "</title", "</style ", "<script", "<title", "<xmp",
    "<textarea", "<iframe", "<noembed", "<noframes", "<style", "script", "<\x01", "\u00e9", "\u4e2d", "<p", "<b class='>'>",
    '<a href=">">', "</p ", "<svg>", "<qitle>", "<1", "< p>", "<sCript>", "<Title>"})


def _compiled():
    split = flatten.compiled_split()
    assert split is not None, "the compiled token split is not built: run `pip install -e .` (needs a C compiler)"
    return split


def _agree(text: str) -> None:
    split = _compiled()
    for marked in (text, flatten._scannable(text.lower())):
        assert split(marked, False) == flatten._PLAIN_TOKENS.split(marked), marked
        assert split(marked, True) == flatten._QUOTED_TOKENS.split(marked), marked


def test_the_compiled_split_is_built_and_passes_its_probe() -> None:
    _compiled()


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(PIECES), max_size=60).map("".join))
@example("<!---->x<!-- a --!>y<!-->z")
@example("<script>a</script x>b<script>c</scripty>d</script/>")
@example("<div title='>' a=\"b>c\" d= 'e'>f<g h=\"unclosed>i")
@example("<\x01-- x><\x01frame>")
def test_the_compiled_split_equals_the_token_patterns(text: str) -> None:
    _agree(text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_compiled_split_equals_the_token_patterns_on_the_test_pages(page: Path) -> None:
    _agree(page.read_text(encoding="utf-8", errors="replace"))


def test_a_compiled_split_that_disagrees_on_the_probe_is_not_used(monkeypatch: pytest.MonkeyPatch,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    """A build that splits otherwise than the patterns (a stale one after an edit of them) is turned off with a
    warning, and pages are split by the patterns."""
    import captioncheck.extract._page_tokens as built

    original = built.split_tokens
    monkeypatch.setattr(built, "split_tokens", lambda text, quoted=False: original(text, quoted)[:-1])
    flatten.compiled_split.cache_clear()
    try:
        assert flatten.compiled_split() is None
        assert "disagrees" in caplog.text
        assert flatten.page_tokens("<p>x</p>") == ["", None, "p", "", "x", None, "/p", "", ""]
    finally:
        monkeypatch.undo()
        flatten.compiled_split.cache_clear()
    _compiled()
