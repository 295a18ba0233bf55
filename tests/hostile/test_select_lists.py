"""Long `<select>` option lists: lexbor's cost is quadratic in the options of one select (8 000 options
parse in ~0.65 s, a 2 MB page of them for minutes), so `cap_nesting` keeps a bounded number per select
and per page (`extract/select_lists.py`) and nothing else."""

from __future__ import annotations

import random
import time

from selectolax.lexbor import LexborHTMLParser

from captioncheck.extract import select_lists
from captioncheck.extract.dom import cap_nesting
from captioncheck.extract.select_lists import FLOOR_OPTIONS, MAX_OPTIONS, PAIR_BUDGET


def _options_per_select(html: str) -> list[int]:
    tree = LexborHTMLParser(html)
    return [len(select.css("option, optgroup, hr")) for select in tree.css("select")]


def test_ordinary_selects_are_left_alone() -> None:
    """Countries, years and time zones on one page (~1 000 options): the page is returned unchanged."""
    html = "<p>x</p>" + "".join(
        f"<form><select name=s{n}>" + "".join(f"<option value={i}>Choice {i}</option>" for i in range(n))
        + "</select></form>" for n in (250, 120, 600))
    assert not select_lists.may_need_cap(html)
    assert cap_nesting(html) == html


def test_option_like_tags_without_a_select_are_not_read() -> None:
    """Thousands of `<hr>` (or stray `<option>`s) with no `<select>` on the page cost lexbor nothing extra: the page
    is not read for options at all; one `<SELECT>` anywhere (any case) and it is."""
    html = "<p>x<hr>" * 3000 + "<option>o" * 3000
    assert not select_lists.may_need_cap(html)
    assert select_lists.may_need_cap("<SELECT name=s>" + html)
    assert not select_lists.may_need_cap("<selected>" + html)  # another tag's name


def test_one_long_select_keeps_its_first_options_and_all_its_text() -> None:
    n = 20_000
    html = "<p>x</p><select>" + "".join(f"<option>o{i}</option>" for i in range(n)) + "</select><p>after</p>"
    capped = cap_nesting(html)
    assert _options_per_select(capped) == [MAX_OPTIONS]
    tree = LexborHTMLParser(capped)
    text = tree.css_first("select").text()
    assert all(f"o{i}" in text for i in (0, MAX_OPTIONS - 1, MAX_OPTIONS, n - 1))  # dropped tags keep their text
    assert tree.css("p")[-1].text() == "after"  # nothing outside the select moved


def test_unclosed_options_and_hr_count_too_and_an_image_inside_stays() -> None:
    html = "<p>x</p><select>" + "<option>o<hr>" * 3000 + "<option><img src=late.jpg> last</select><p>after</p>"
    capped = cap_nesting(html)
    assert max(_options_per_select(capped)) <= MAX_OPTIONS
    assert LexborHTMLParser(capped).css_first("img").attributes["src"] == "late.jpg"


def test_many_long_selects_stay_within_the_page_budget_and_each_keeps_a_few() -> None:
    html = ("<select>" + "<option>o</option>" * 700 + "</select><p>between</p>") * 60
    counts = _options_per_select(cap_nesting(html))
    assert len(counts) == 60
    assert all(FLOOR_OPTIONS <= n <= 700 for n in counts)
    assert sum(n * (n + 1) // 2 for n in counts) <= PAIR_BUDGET + 60 * FLOOR_OPTIONS ** 2
    assert counts[0] == 700  # the first ones whole, in page order


def test_a_select_ends_at_its_end_tag_another_select_or_an_input() -> None:
    """Options after a select has ended are no options of it: three lists of 600 after one another keep all
    their options whichever way each ends."""
    for end in ("</select>", "<select>", "<input>"):
        html = "<p>x</p>" + ("<select>" + "<option>o</option>" * 600 + end + "<p>x</p>") * 3
        if end == "<select>":  # a <select> inside one only ends it: open the next one with its own tag
            html = html.replace("<p>x</p><select>", "<p>x</p></select><select>")
        assert sum(_options_per_select(cap_nesting(html))) == 1800


def test_random_option_pages_parse_in_bounded_time_after_the_cap() -> None:
    """Whatever mix of selects, options, groups and rules: every select holds at most MAX_OPTIONS after the
    cap, and lexbor parses the capped page fast."""
    rng = random.Random(5)
    pieces = ["<select>", "</select>", "<option>o", "<option>o</option>", "<optgroup>", "</optgroup>", "<hr>",
              "<input>", "<p>t</p>", "<div>", "</div>", "<!-- <select> -->", "<script>'<option>'</script>"]
    for _ in range(6):
        body = "".join(rng.choices(pieces, weights=[0.01, 0.01, 40, 40, 2, 2, 4, 0.01, 3, 1, 1, 1, 1], k=30_000))
        capped = cap_nesting("<p>x</p><select>" + body)
        assert max(_options_per_select(capped), default=0) <= MAX_OPTIONS
        start = time.process_time()
        LexborHTMLParser(capped)
        assert time.process_time() - start < 0.5
