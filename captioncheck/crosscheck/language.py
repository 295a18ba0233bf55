"""Offline language identification (py3langid) for captions and pages, and English language names.

The names ("fr" -> "French") are Babel's CLDR data shipped as package data
(`captioncheck/data/language-names-en.json`, built by `python scripts/build_tables.py`): reading
them from Babel imports babel.dates and the local time zone and parses the English locale file,
~0.1 s of a `check` whose verdict names a language.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from captioncheck.crosscheck.babel_tables import DATA_DIR, read_table, write_table

MIN_CHARS = 25  # shorter texts are not identified reliably
MIN_WORDS = 4


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # ISO 639-1
    probability: float


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from captioncheck.crosscheck.langid_model import (
        load_identifier,  # decompressed once, then memory-mapped
    )

    return load_identifier()


def base_language(code: str) -> str:
    """"fr-FR" -> "fr"; "" stays ""."""
    return (code or "").replace("_", "-").split("-")[0].lower()


def identify(text: str) -> LanguageGuess | None:
    """The language of `text`, or None when it is too short to tell."""
    text = " ".join((text or "").split())
    if len(text) < MIN_CHARS or len(text.split()) < MIN_WORDS:
        return None
    lang, prob = _identifier().classify(text)
    return LanguageGuess(str(lang), round(float(prob), 3))


NAMES_FILE = DATA_DIR / "language-names-en.json"


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """English name of a language code ("fr" -> "French"); the code itself when unknown."""
    return str(language_names().get(base_language(code), code))


def build_language_names() -> dict[str, str]:
    """Language code -> English name, from Babel."""
    from babel import Locale

    return {str(code): str(name) for code, name in sorted(Locale("en").languages.items())}


@lru_cache(maxsize=1)
def language_names() -> dict[str, str]:
    """The package table; Babel itself when the file is missing or unreadable."""
    names = (read_table(NAMES_FILE) or {}).get("languages")
    return names if isinstance(names, dict) else build_language_names()


def write_language_names() -> Path:
    """Rebuild the package table (scripts/build_tables.py); deterministic output."""
    write_table(NAMES_FILE, {"languages": build_language_names()})
    language_names.cache_clear()
    language_name.cache_clear()
    return NAMES_FILE


__all__ = ["LanguageGuess", "base_language", "build_language_names", "identify", "language_name", "language_names",
           "write_language_names"]
