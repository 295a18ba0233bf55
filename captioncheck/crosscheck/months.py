"""Month names in many languages, as package data, and a fast parser for dates that name a month.

The names come from Babel's CLDR data (wide and abbreviated, format and stand-alone forms, so
Russian "марта" and "март" are both there), folded and without the abbreviation dot. Reading
them from Babel costs ~0.3 s per process, so they are built once into
`captioncheck/data/months.json` by `python scripts/build_tables.py`; the file records the locales
it was built for and is rebuilt in memory from Babel when those differ from MONTH_LOCALES.

`quick_date("8 mars 2019", ["fr", "en"])` parses the common written forms (day month year,
month day year, month year, with "de"/"of" and ordinal suffixes) without importing dateparser
(~0.5 s to import and warm up); it returns None for anything else, including a month word that
names different months in different languages, and the caller falls back to dateparser.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache
from pathlib import Path

from captioncheck.crosscheck import babel_tables

MONTH_LOCALES = ("en", "fr", "de", "es", "it", "pt", "nl", "ru", "tr", "pl", "uk", "sv", "id")
EXTRA_WORDS = {"en": {"sept": 9, "febr": 2}}  # common abbreviations CLDR does not list
PACKAGE_FILE = babel_tables.DATA_DIR / "months.json"

_FILLER = frozenset({"de", "of", "the", "del", "st", "nd", "rd", "th", "er", "ème", "e"})
_TOKENS = re.compile(r"\d+|[^\W\d_]+")


def fold(word: str) -> str:
    return word.casefold().rstrip(".")


def build_table() -> dict[str, dict[str, int]]:
    """locale -> folded month word -> month number, from Babel."""
    from babel import Locale

    table: dict[str, dict[str, int]] = {}
    for loc in MONTH_LOCALES:
        months = Locale(loc).months
        words: dict[str, int] = {}
        for ctx in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[ctx][width].items():
                    words[fold(str(name))] = int(number)
        words.update(EXTRA_WORDS.get(loc, {}))
        table[loc] = dict(sorted(words.items()))
    return table


def write_table() -> Path:
    return babel_tables.write_table(PACKAGE_FILE, {"locales": list(MONTH_LOCALES), "months": build_table()})


@lru_cache(maxsize=1)
def month_table() -> dict[str, dict[str, int]]:
    """locale -> word -> month: the package file when built for MONTH_LOCALES, else Babel."""
    payload = babel_tables.read_table(PACKAGE_FILE) or {}
    try:
        if payload.get("locales") == list(MONTH_LOCALES):
            return {loc: {w: int(n) for w, n in words.items()} for loc, words in payload["months"].items()}
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    return build_table()


@lru_cache(maxsize=1)
def month_words() -> frozenset[str]:
    """Every month word of every locale (folded, without dots)."""
    return frozenset(w for words in month_table().values() for w in words)


def month_number(word: str, languages: list[str] | None = None) -> int | None:
    """The month `word` names: in the first of `languages` that knows it, else in every locale
    that knows it when they all agree; None when unknown or ambiguous."""
    key = fold(word)
    table = month_table()
    for lang in languages or []:
        number = table.get(lang, {}).get(key)
        if number:
            return number
    found = {words[key] for words in table.values() if key in words}
    return found.pop() if len(found) == 1 else None


def quick_date(span: str, languages: list[str] | None = None) -> date | None:
    """"8 mars 2019", "March 08, 2019", "8. März 2019", "8 de marzo de 2019", "août 2013" -> date
    (first of the month when no day is named); None when the span is anything else."""
    tokens = [t for t in _TOKENS.findall(span) if t.casefold() not in _FILLER]
    numbers = [t for t in tokens if t.isdigit()]
    words = [t for t in tokens if not t.isdigit()]
    if len(words) != 1 or not 1 <= len(numbers) <= 2 or len(numbers[-1]) != 4 or tokens[-1] != numbers[-1]:
        return None
    month = month_number(words[0], languages)
    if month is None:
        return None
    day = int(numbers[0]) if len(numbers) == 2 and len(numbers[0]) <= 2 else 1
    if len(numbers) == 2 and len(numbers[0]) > 2:
        return None
    try:
        return date(int(numbers[-1]), month, day)
    except ValueError:
        return None


__all__ = ["MONTH_LOCALES", "PACKAGE_FILE", "build_table", "month_number", "month_table", "month_words", "quick_date", "write_table"]
