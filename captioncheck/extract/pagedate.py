"""The page's own publication date, from its most specific trustworthy source.

Order: the article's JSON-LD (`datePublished`, `dateCreated`), then publication `<meta>` tags and
`<time datetime>`, each value parsed whatever its format (ISO 8601, RFC 1123 "Wed, 04 May 2022
00:25:56 GMT", JavaScript "Tue Nov 19 2019 03:05:46 GMT+0000 (…)", free text); impossible values
("0001-01-01", dates before the web or in the future) are rejected and the next source is tried.
When the page's own metadata names no usable date, htmldate (metadata it knows, then visible
dates and the URL) decides; a visible East Asian date ("2019年4月4日") is read directly, as
htmldate keeps only its year.
"""

from __future__ import annotations

import contextvars
import email.utils
import re
import warnings
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any

EARLIEST = date(1995, 1, 1)  # no news page is older than the web it is on
FUTURE_DAYS = 2  # time zones, scheduled posts
# htmldate (a fallback: the page's own meta, JSON-LD and <time> values are read from the whole page first)
# reads at most this much of a page: ~1 us per character per pass, two passes on a page without a date.
# 250k keeps every corpus date (100k loses one); 1M made a 2 MB page spend ~1 s here alone.
HTMLDATE_MAX_CHARS = 250_000
# ... and at most this many elements: its extensive pass does Python work per element and regex work per
# character of markup, so a page of dense markup (20 000 tags in 250k characters) cost ~0.25 s there.
# Real pages name at most ~2 200 start tags in their first 250k characters (the densest of the 258 corpus and
# held-out pages; their dates are the same with 2 000, 3 000 or 5 000 here): 3 000 leaves the char cap to decide on
# every one of them, and a page denser than any (2 000 pictures, a bomb) pays two passes over 3 000 tags, not 5 000.
HTMLDATE_MAX_TAGS = 3_000
_START_TAG = re.compile(r"<[A-Za-z]")
_JS_DATE = re.compile(
    r"^(?:[A-Z][a-z]{2}\s+)?([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:GMT|UTC)?\s*([+-]\d{4})?")
_CJK_DATE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def plausible(d: date, today: date | None = None) -> bool:
    """A date a news page can have been published on."""
    today = today or datetime.now(UTC).date()
    return EARLIEST <= d <= today + timedelta(days=FUTURE_DAYS)


def parse_date_value(value: str) -> datetime | date | None:
    """One metadata value as a date or date-time, None when unreadable or impossible."""
    value = " ".join(str(value or "").split())
    if not value or len(value) > 80:
        return None
    parsed = _iso(value) or _javascript(value) or _rfc1123(value) or _free_text(value)
    if parsed is None:
        return None
    day = parsed.date() if isinstance(parsed, datetime) else parsed
    return parsed if plausible(day) else None


def _iso(value: str) -> datetime | date | None:
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _rfc1123(value: str) -> datetime | None:
    try:
        return email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def _javascript(value: str) -> datetime | None:
    m = _JS_DATE.match(value)
    if not m or m.group(1).lower() not in _MONTHS:
        return None
    mon, day, year, hh, mm, ss, tz = m.groups()
    try:
        text = f"{year}-{_MONTHS[mon.lower()]:02d}-{int(day):02d}T{int(hh):02d}:{mm}:{ss or '00'}"
        if tz:
            text += f"{tz[:3]}:{tz[3:]}"
        return datetime.fromisoformat(text)
    except ValueError:
        return None


# a value written as an ISO 8601 date (and time), nothing else in it
_ISO_SHAPED = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?")


def _no_day(value: str) -> bool:
    """An ISO-shaped value whose two numbers after the year name no month and day in either order
    ("2014-00-29T23:12:27Z", "2014-21-30"): no reading gives a date, and dateparser would try each of
    its ~400 locales first (~1 s of CPU the first time in a process: one `captioncheck extract`)."""
    m = _ISO_SHAPED.fullmatch(value)
    if m is None:
        return False
    a, b = int(m.group(2)), int(m.group(3))
    return not ((1 <= a <= 12 and 1 <= b <= 31) or (1 <= b <= 12 and 1 <= a <= 31))


def _free_text(value: str) -> datetime | None:
    if not re.search(r"\d{4}", value) or _no_day(value):
        return None
    import dateparser

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return dateparser.parse(value, settings={"REQUIRE_PARTS": ["day", "month", "year"]})  # type: ignore[no-any-return]
        except Exception:  # dateparser raises assorted errors on odd input
            return None


def _iso_text(parsed: datetime | date) -> str:
    if isinstance(parsed, datetime):
        if parsed.time() == datetime.min.time() and parsed.tzinfo is None:
            return parsed.date().isoformat()
        return parsed.isoformat()
    return parsed.isoformat()


def visible_cjk_date(text: str) -> str:
    """The first plausible "2019年4月4日" in a text, as an ISO date ("" when none)."""
    if not text or "年" not in text:  # (the pattern tries every "19"/"20" of a text full of numbers)
        return ""
    for m in _CJK_DATE.finditer(text):
        try:
            d = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            continue
        if plausible(d):
            return d.isoformat()
    return ""


def htmldate_part(html: str) -> str:
    """The beginning of the page htmldate reads: dates sit in the head and near the top, and htmldate is
    slow on huge pages (at most HTMLDATE_MAX_CHARS characters, cut before the HTMLDATE_MAX_TAGS-th start tag)."""
    html = html[:HTMLDATE_MAX_CHARS]
    beyond = next(islice(_START_TAG.finditer(html), HTMLDATE_MAX_TAGS, None), None)
    return html[:beyond.start()] if beyond is not None else html


# the languages htmldate's extensive pass hands to dateparser for this page (empty: all, htmldate's own choice)
_PAGE_LANGUAGES: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("page_languages", default=())
# htmldate's own dateparser settings (htmldate.extractors.get_external_parser, htmldate 1.11), restated because
# htmldate builds its parser without languages: dateparser then tries each of its ~200 languages' locales on the
# first text date of a process, ~2.3 s of CPU (a Russian "15 августа 2016" on a page without a machine-readable date)
_EXTERNAL_SETTINGS = {"NORMALIZE": True, "PARSERS": ["custom-formats", "absolute-time"], "PREFER_DATES_FROM": "past",
                      "PREFER_LOCALE_DATE_ORDER": True, "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True}


@lru_cache(maxsize=16)
def _language_parser(languages: tuple[str, ...]) -> Any:
    from dateparser import DateDataParser

    return DateDataParser(languages=list(languages), settings=_EXTERNAL_SETTINGS)


def _page_parser(default: Any) -> Any:
    """htmldate's external parser, restricted to the page's language and English when the page names one
    dateparser knows (0.03-0.3 s instead of ~2.3 s); htmldate's all-language parser otherwise."""
    languages = _PAGE_LANGUAGES.get()
    return _language_parser(languages) if languages else default()


def _parser_languages(language: str) -> tuple[str, ...]:
    if not language:
        return ()
    from dateparser.data import language_order  # "en" among them

    return tuple(dict.fromkeys([language, "en"])) if language in language_order else ()


def _use_page_languages() -> None:
    """Route htmldate's dateparser look-up through `_page_parser` (once per process; a no-op when htmldate
    has no `get_external_parser`, as before 1.9: it then keeps its own)."""
    from htmldate import extractors

    current = getattr(extractors, "get_external_parser", None)
    if current is None or getattr(current, "_captioncheck", False):
        return

    def routed() -> Any:
        return _page_parser(current)

    routed._captioncheck = True  # type: ignore[attr-defined]
    extractors.get_external_parser = routed


def _htmldate(html: str, url: str, extensive: bool, language: str = "") -> str:
    try:
        from htmldate import find_date

        token = None
        if extensive:
            _use_page_languages()
            token = _PAGE_LANGUAGES.set(_parser_languages(language))
        try:
            with warnings.catch_warnings():  # dateutil warns about time-zone names it does not know
                warnings.simplefilter("ignore")
                found = find_date(html, url=url or None, original_date=True, extensive_search=extensive,
                                  min_date=EARLIEST.isoformat(),
                                  max_date=(datetime.now(UTC).date() + timedelta(days=FUTURE_DAYS)).isoformat())
        finally:
            if token is not None:
                _PAGE_LANGUAGES.reset(token)
    except Exception:  # noqa: BLE001  htmldate raises on odd markup; a date is optional
        return ""
    return str(found or "")


def page_date(own_values: Iterable[str], html: str, url: str = "", visible_text: str = "", language: str = "") -> str:
    """The page's publication date (ISO 8601, with time when the source has one), or "".

    `language`: the page's (ISO 639-1), for dates htmldate finds only in its visible text."""
    for value in own_values:
        parsed = parse_date_value(value)
        if parsed is not None:  # an ISO value is kept as the page wrote it
            return " ".join(value.split()) if _iso(" ".join(value.split())) else _iso_text(parsed)
    part = htmldate_part(html)
    found = _htmldate(part, url, extensive=False)
    if found:
        return found
    cjk = visible_cjk_date(visible_text or html)
    if cjk:
        return cjk
    return _htmldate(part, url, extensive=True, language=language)


__all__ = ["page_date", "parse_date_value", "plausible", "visible_cjk_date"]
