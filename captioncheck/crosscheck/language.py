"""Offline language identification (py3langid) for captions and pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

MIN_CHARS = 25  # shorter texts are not identified reliably
MIN_WORDS = 4


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # ISO 639-1
    probability: float


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from captioncheck.crosscheck.langid_model import load_identifier  # decompressed once, then memory-mapped

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


@lru_cache(maxsize=256)
def language_name(code: str) -> str:
    """English name of a language code ("fr" -> "French"); the code itself when unknown."""
    from babel import Locale

    return str(Locale("en").languages.get(base_language(code), code))


__all__ = ["LanguageGuess", "base_language", "identify", "language_name"]
