"""The page's own publication date: every format the issue names, impossible values rejected."""

from __future__ import annotations

import json

import pytest

from captioncheck.crosscheck.places import find_places
from captioncheck.extract import extract
from captioncheck.extract.pagedate import page_date, parse_date_value
from captioncheck.load import page_from_html


def _page(jsonld_date: str = "", body: str = "<p>Text of the article.</p>", url: str = "https://news.example/a") -> str:
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "A story",
                     **({"datePublished": jsonld_date} if jsonld_date else {})})
    return (f'<html><head><title>A story</title><script type="application/ld+json">{ld}</script></head>'
            f"<body><article><h1>A story</h1>{body}</article></body></html>")


def published(html: str, url: str = "https://news.example/a") -> str:
    return extract(page_from_html(html, url)).page.published


@pytest.mark.parametrize(("value", "day"), [
    ("Wed, 04 May 2022 00:25:56 GMT", "2022-05-04"),
    ("Tue Nov 19 2019 03:05:46 GMT+0000 (Coordinated Universal Time)", "2019-11-19"),
    ("Tue Nov 19 2019 03:05:46 GMT+0000", "2019-11-19"),
    ("2019-12-11T18:42:00+03:30", "2019-12-11"),
])
def test_jsonld_date_formats_are_read(value: str, day: str) -> None:
    assert published(_page(value))[:10] == day


def test_iso_values_are_kept_as_written() -> None:
    assert published(_page("2023-03-01T08:00:00Z")) == "2023-03-01T08:00:00Z"


def test_impossible_metadata_date_falls_back_to_the_visible_date() -> None:
    html = _page("0001-01-01T00:00:00", body="<p class='date'>Published 3 May 2018</p><p>Text.</p>")
    assert published(html)[:10] == "2018-05-03"
    assert parse_date_value("0001-01-01") is None
    assert parse_date_value("2999-01-01") is None


def test_visible_cjk_date_only() -> None:
    html = _page(body="<p>发布时间：2019年4月4日 10:20</p><p>正文。</p>")
    assert published(html)[:10] == "2019-04-04"


def test_url_date_when_nothing_else() -> None:
    assert published(_page(), url="https://news.example/2019/12/11/story-name")[:10] == "2019-12-11"


def test_htmldate_reads_a_bounded_beginning_of_dense_markup() -> None:
    """htmldate's extensive pass costs per element: a page of dense markup is read up to its
    HTMLDATE_MAX_TAGS-th start tag, a page of ordinary density up to HTMLDATE_MAX_CHARS."""
    from captioncheck.extract.pagedate import (
        HTMLDATE_MAX_CHARS,
        HTMLDATE_MAX_TAGS,
        htmldate_part,
    )

    dense = "<p>a</p>" * (2 * HTMLDATE_MAX_TAGS)
    assert htmldate_part(dense) == "<p>a</p>" * HTMLDATE_MAX_TAGS
    sparse = f"<p>{'word ' * 200}</p>" * 1000  # ~1 MB, 1 000 tags
    assert htmldate_part(sparse) == sparse[:HTMLDATE_MAX_CHARS]
    filler = "<p>x</p>" * (2 * HTMLDATE_MAX_TAGS)  # 80k characters: under the character cap
    assert published(_page(body='<p class="date">Published 3 May 2018</p>' + filler))[:10] == "2018-05-03"
    assert published(_page(body=filler + '<p class="date">Published 3 May 2018</p>')) == ""


@pytest.mark.parametrize(("value", "no_day"), [
    ("2014-00-29T23:12:27Z", True), ("2014-21-30T00:12:15Z", True), ("2014-12-00", True), ("2014-40-50T10:00+01:00", True),
    ("2014-13-05T10:00:00Z", False), ("2022-5-5 22:17:36", False), ("2018-11-28CET11:59:00+0100", False),
    ("2014-00-29 and 5 June 2014", False),  # more than an ISO value: dateparser still reads it
])
def test_iso_values_naming_no_day_are_not_handed_to_dateparser(value: str, no_day: bool) -> None:
    """An ISO-shaped value whose numbers name no month and day in either order gives no date without
    dateparser (it tried its ~400 locales first: ~1 s per `captioncheck extract` of such a page);
    values a reading can make a date of still go to it."""
    from captioncheck.extract.pagedate import _no_day

    assert _no_day(value) == no_day
    if no_day:
        assert parse_date_value(value) is None
    assert parse_date_value("2014-13-05T10:00:00Z") == parse_date_value("2014-05-13T10:00:00Z")  # read day-month
    assert page_date(["2014-00-29T23:12:27Z", "2014-12-29T23:12:27Z"], "") == "2014-12-29T23:12:27Z"


def test_first_trustworthy_source_wins() -> None:
    assert page_date(["garbage", "0001-01-01", "Wed, 04 May 2022 00:25:56 GMT"], "")[:10] == "2022-05-04"


def test_common_word_is_not_a_place() -> None:
    finnish = "Paras tapa auttaa on lahjoittaa. Se on paras ratkaisu kaikille."
    assert find_places(finnish) == []
    assert [p.name for p in find_places("Mielenosoitus Pariisissa. Protesters in Paris on Tuesday.")] == ["Paris"]
    assert [p.name for p in find_places("Il pleut à Nice, une nice journée")] == ["Nice"]


def test_visible_text_date_is_read_in_the_page_language() -> None:
    """A page whose only date is in its visible text ("15 августа 2016"): htmldate's extensive pass hands it
    to dateparser, restricted to the page's language and English (all ~200 languages cost ~2.3 s the first
    time in a process); htmldate's own all-language parser is left as it was for other callers."""
    from htmldate import extractors

    from captioncheck.extract.pagedate import _PAGE_LANGUAGES, _parser_languages

    html = ('<html lang="ru"><head><title>Подольски</title></head><body><article><p class="date">15 августа 2016, 13:43</p>'
            "<h1>Подольски завершил карьеру в сборной</h1><p>Нападающий объявил о решении в своём Инстаграме.</p>"
            "</article></body></html>")
    assert page_date([], html, "", "", "ru")[:10] == "2016-08-15"
    assert _parser_languages("ru") == ("ru", "en") and _parser_languages("en") == ("en",)
    assert _parser_languages("") == () and _parser_languages("xx") == ()  # unknown to dateparser: all languages
    assert extractors.get_external_parser().languages is None  # outside a page: htmldate's own parser
    token = _PAGE_LANGUAGES.set(("ru", "en"))
    try:
        assert extractors.get_external_parser().languages == ["ru", "en"]
    finally:
        _PAGE_LANGUAGES.reset(token)
    assert published(html, "")[:10] == "2016-08-15"  # through extract: the page's <html lang> is used
