"""Which capitalised words of a text are common words of its language, not parts of names.

In most languages capitalisation marks names: a word the page also writes in lower case is a
common word there. German (and Luxembourgish) capitalise every noun, so "Polizei Regierung"
looks like a name; there a word is common when

* the text uses it after an article or determiner ("die Polizei", "zum Tatort"),
* it ends in a noun-forming suffix ("Regierung", "Freiheit", "Gesellschaft", "Nation"),
* or it is a word *of that language*: frequent in it and much rarer in other languages
  (wordfreq, when installed). Names travel across languages ("Scholz", "Merkel", "Nancy" are
  about as frequent in English or French news as in German); "Polizei", "Menschen", "Tatort" are not.

The word table (German words with wordfreq Zipf >= COMMON_ZIPF and at least LANGUAGE_GAP above
their median Zipf in REFERENCE_LANGUAGES; ~29k words) takes wordfreq ~10 s and its 57 MB of data
to compute, so it is shipped as package data (`captioncheck/data/common-words-de.txt.gz`, built by
`python scripts/build_tables.py`; wordfreq's data is CC BY-SA 4.0, and so is this derived list)
and read in a few milliseconds. A word that is such a word but also a German-only surname
("Habeck") is lost as a name word: the check then finds fewer names, never more.

Weekday names of every language the text may be in come from Babel's CLDR data, shipped as
package data too (`captioncheck/data/weekdays.json`, every language Babel knows): reading them
from Babel imports babel.dates and its local time zone and parses a locale file per language
(~0.1 s of every `check`); Babel itself answers only for a code the table does not list.
"""

from __future__ import annotations

import gzip
import re
import statistics
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from captioncheck.crosscheck.babel_tables import DATA_DIR, read_table, write_table

NOUN_CAPITALISING = frozenset({"de", "lb"})
COMMON_ZIPF = 3.0  # wordfreq Zipf from which a word is common in its language (about once per million words)
LANGUAGE_GAP = 2.5  # Zipf above the median of the other languages: a word of this language, not a travelling name
REFERENCE_LANGUAGES = ("en", "fr", "es", "it", "de", "nl", "pt", "fi", "sv", "pl")
TOP_WORDS = 60_000  # most frequent words of the language considered
DETERMINERS = {
    "de": frozenset("""der die das den dem des ein eine einen einem einer eines kein keine keinen keinem keiner keines
        im am zum zur vom beim ins ans aufs übers ums diese dieser dieses diesen diesem jede jeder jedes jeden jedem
        unser unsere unserem unseren unserer ihre ihrem ihren ihrer seine seinem seinen seiner alle allen viele vielen""".split()),
    "lb": frozenset("den déi dat dem der en eng engem enger am um vum zum zur".split()),
}
NAME_PARTICLES = frozenset({"von", "van", "zu", "vom"})  # "von der Leyen": the article belongs to the name
NOUN_SUFFIX = {"de": re.compile(r"(?:ung|heit|keit|schaft|tion|ität|ismus|nis|tum|ment|anz|enz)(?:en|se|e|er|s)?$")}
_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)


def fold(word: str) -> str:
    return word.casefold().replace("’", "'").strip(".'-")


def lower_case_words(*texts: str) -> frozenset[str]:
    """Folded words written in lower case somewhere in the texts (common words of the text)."""
    return frozenset(fold(w) for t in texts for w in _WORD.findall(t or "") if w[:1].islower())


def after_determiners(languages: Iterable[str], *texts: str) -> frozenset[str]:
    """Folded words that follow an article or determiner of a noun-capitalising language ("die Polizei"),
    except after "von der", "van den" ("Ursula von der Leyen"). (A word loop: 2x faster than a regex here.)"""
    dets = frozenset().union(*(DETERMINERS.get(lang, frozenset()) for lang in languages))
    if not dets:
        return frozenset()
    out = set()
    for t in texts:
        words = _WORD.findall(t or "")
        for i in range(1, len(words)):
            if words[i][:1].isupper() and words[i - 1].casefold() in dets and not (
                    i >= 2 and words[i - 2].casefold() in NAME_PARTICLES):
                out.add(fold(words[i]))
    return frozenset(out)


@lru_cache(maxsize=32)
def weekdays(language: str) -> frozenset[str]:
    """Folded weekday names (wide and abbreviated) of a language, from Babel (its package table);
    empty when unknown."""
    names = weekday_table().get(language)
    return frozenset(names) if names is not None else babel_weekdays(language)


def babel_weekdays(language: str) -> frozenset[str]:
    try:
        from babel import Locale

        days = Locale.parse(language).days
    except Exception:  # noqa: BLE001 - an unknown or malformed language code: no weekday names
        return frozenset()
    return frozenset(fold(name) for context in days.values() for width in context.values() for name in width.values())


def build_weekday_table() -> dict[str, list[str]]:
    """language -> sorted folded weekday names, for every plain language code Babel knows."""
    from babel.localedata import locale_identifiers

    return {lang: sorted(babel_weekdays(lang)) for lang in sorted(locale_identifiers()) if "_" not in lang}


@lru_cache(maxsize=1)
def weekday_table() -> dict[str, list[str]]:
    """The package table (empty when missing or unreadable: Babel then answers for every language)."""
    table = (read_table(WEEKDAYS_FILE) or {}).get("weekdays")
    return table if isinstance(table, dict) else {}


def write_weekday_table() -> Path:
    """Rebuild `captioncheck/data/weekdays.json` (scripts/build_tables.py); deterministic output."""
    write_table(WEEKDAYS_FILE, {"weekdays": build_weekday_table()}, compact=True)
    weekday_table.cache_clear()
    weekdays.cache_clear()
    return WEEKDAYS_FILE


def noun_shaped(word: str, language: str) -> bool:
    """The word ends in a noun-forming suffix of the language ("Regierung", "Freiheit")."""
    suffix = NOUN_SUFFIX.get(language)
    return bool(suffix and len(word) >= 6 and suffix.search(fold(word)))


PACKAGE_DIR = DATA_DIR
WEEKDAYS_FILE = PACKAGE_DIR / "weekdays.json"
TABLE_LANGUAGES = ("de",)  # the noun-capitalising languages wordfreq covers


def table_path(language: str) -> Path:
    return PACKAGE_DIR / f"common-words-{language}.txt.gz"


@lru_cache(maxsize=8)
def language_words(language: str) -> frozenset[str]:
    """Words of `language` rather than names (see the module docstring), from the package table;
    empty for a language without one."""
    try:
        return frozenset(gzip.decompress(table_path(language).read_bytes()).decode("utf-8").split())
    except OSError:
        return frozenset()


def build_language_words(language: str) -> list[str]:
    """The table from wordfreq (needs `pip install 'captioncheck[tables]'`): frequent words of the
    language that are much rarer in the other reference languages, in order of frequency."""
    import wordfreq

    others = [lang for lang in REFERENCE_LANGUAGES if lang != language]
    words = []
    for word in wordfreq.top_n_list(language, TOP_WORDS):
        z = wordfreq.zipf_frequency(word, language)
        if z < COMMON_ZIPF:
            break  # the list is in order of frequency
        if z - statistics.median(wordfreq.zipf_frequency(word, o) for o in others) >= LANGUAGE_GAP:
            words.append(word)
    return words


def write_tables() -> list[Path]:
    """Rebuild the shipped tables (scripts/build_tables.py); deterministic output (gzip mtime 0)."""
    out = []
    for language in TABLE_LANGUAGES:
        path = table_path(language)
        path.write_bytes(gzip.compress("\n".join(build_language_words(language)).encode("utf-8"), mtime=0))
        language_words.cache_clear()
        out.append(path)
    return out


def common_words(languages: Iterable[str], *texts: str) -> frozenset[str]:
    """Folded words that the texts, in these languages, use as common words rather than names."""
    langs = [lang for lang in dict.fromkeys(languages) if lang]
    out = set(lower_case_words(*texts)) | set(after_determiners(langs, *texts))
    for lang in langs:
        out |= weekdays(lang)
    return frozenset(out)


__all__ = ["NOUN_CAPITALISING", "after_determiners", "babel_weekdays", "build_language_words", "build_weekday_table",
           "common_words", "language_words", "lower_case_words", "noun_shaped", "table_path", "weekday_table", "weekdays",
           "write_tables", "write_weekday_table"]
