"""Dates named in a text (captions, embedded metadata, index records), in many languages.

Candidates are found with patterns (ISO dates, numeric dates, "March 08, 2019", "8 mars 2019",
"août 2013", bare years) and parsed with dateparser in the page's language plus English. Each
date keeps its precision (day, month, year) so that comparisons use the whole period it names.
"""

from __future__ import annotations

import calendar
import functools
import re
import warnings
from dataclasses import dataclass
from datetime import date, datetime

from captioncheck.crosscheck.months import MONTH_LOCALES, month_words, quick_date  # noqa: F401 (MONTH_LOCALES: kept importable here)

_MONTHY = r"[^\W\d_]{3,}\.?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("day", re.compile(r"\b((?:19|20)\d{2})-(\d{2})-(\d{2})\b")),
    ("day", re.compile(r"\b\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2}\b")),
    ("day", re.compile(rf"\b{_MONTHY}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}}\b")),
    ("day", re.compile(rf"\b\d{{1,2}}(?:er|\.|st|nd|rd|th)?\s+(?:de\s+)?{_MONTHY}\s+(?:de\s+)?(?:19|20)\d{{2}}\b")),
    ("month", re.compile(rf"\b{_MONTHY}\s+(?:de\s+)?(?:19|20)\d{{2}}\b")),
    ("year", re.compile(r"(?<![\d/.-])(?:19|20)\d{2}(?![\d/.-]\d|s\b|'s\b)")),
]
_YEAR = re.compile(r"(?:19|20)\d{2}")
# dates kept per text, and written forms parsed per text (dateparser takes ~1.5 ms a form that `quick_date` does not
# know): a caption names one or two; 300 numeric dates in each caption of 100 pictures took 19 s to check (0.9 s)
MAX_DATES = 12
MAX_PARSED = 6


@dataclass(frozen=True)
class NamedDate:
    """A date as a closed period [start, end] (a day, a whole month or a whole year)."""

    start: date
    end: date
    precision: str  # "day" | "month" | "year"
    mention: str

    def gap_days(self, other: date) -> int:
        """Days from `other` to this period (0 when inside it; negative when the period is later)."""
        if other < self.start:
            return -(self.start - other).days
        if other > self.end:
            return (other - self.end).days
        return 0


def _period(d: date, precision: str) -> tuple[date, date]:
    if precision == "year":
        return date(d.year, 1, 1), date(d.year, 12, 31)
    if precision == "month":
        return date(d.year, d.month, 1), date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
    return d, d


def _parse(span: str, languages: list[str] | None) -> date | None:
    return _parse_once(span, tuple(languages) if languages is not None else None)


@functools.lru_cache(maxsize=4096)
def _parse_once(span: str, languages: tuple[str, ...] | None) -> date | None:
    """`_parse`, once per written form and languages in a process (pages repeat their dates)."""
    wanted = list(languages) if languages is not None else None
    quick = quick_date(span, wanted)  # the common written forms, without importing dateparser
    if quick is not None:
        return quick
    import dateparser

    settings = {"PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"], "RETURN_AS_TIMEZONE_AWARE": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = dateparser.parse(span, languages=wanted, settings=settings)
        except Exception:
            return None
    return parsed.date() if parsed else None


def _names_a_month(span: str) -> bool:
    words = {w.casefold().rstrip(".") for w in re.findall(r"[^\W\d_]+\.?", span)}
    return bool(words & month_words())


def find_dates(text: str, language: str = "") -> list[NamedDate]:
    """Dates named in `text`, most precise first; a bare year is kept only when nothing more
    precise covers it. At most MAX_DATES, from at most MAX_PARSED written forms."""
    if not text:
        return []
    base = (language or "").split("-")[0].lower()
    languages = [lang for lang in dict.fromkeys([base, "en"]) if lang]
    taken: list[tuple[int, int]] = []
    found: list[NamedDate] = []
    parsed = 0
    for precision, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if len(found) >= MAX_DATES or (precision != "year" and parsed >= MAX_PARSED):
                break
            if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
                continue
            if precision not in ("year",) and re.search(r"[^\W\d_]", m.group(0)) and not _names_a_month(m.group(0)):
                continue
            parsed += precision != "year"
            try:
                d = date(int(m.group(0)), 1, 1) if precision == "year" else (_parse(m.group(0), languages) or _parse(m.group(0), None))
                if d is None:
                    continue
                start, end = _period(d, precision)
            except (ValueError, OverflowError):
                continue
            taken.append((m.start(), m.end()))
            found.append(NamedDate(start, end, precision, m.group(0)))
    return found


def parse_iso(value: str) -> NamedDate | None:
    """An ISO 8601 (or EXIF "YYYY:MM:DD") date/time, or a year, as a NamedDate; None if invalid."""
    try:
        return _parse_iso(value)
    except (ValueError, OverflowError):
        return None


def _parse_iso(value: str) -> NamedDate | None:
    value = (value or "").strip()
    if not value:
        return None
    head = value[:10].replace(":", "-") if re.match(r"\d{4}:\d{2}:\d{2}", value) else value
    try:
        d = datetime.fromisoformat(head.replace("Z", "+00:00")).date()
        return NamedDate(d, d, "day", value)
    except ValueError:
        pass
    m = re.match(r"((?:19|20)\d{2})(?:-(\d{2}))?", value)
    if not m:
        return None
    if m.group(2):
        start, end = _period(date(int(m.group(1)), int(m.group(2)), 1), "month")
        return NamedDate(start, end, "month", value)
    start, end = _period(date(int(m.group(1)), 1, 1), "year")
    return NamedDate(start, end, "year", value)


__all__ = ["NamedDate", "find_dates", "parse_iso"]
