"""People and organisations named in a text: capitalised name sequences, with initials, particles
and titles, and whether an article mentions them.

    names_in("US Rep. Ilhan Omar (D-MN) talks with Speaker Nancy Pelosi")  -> ["Ilhan Omar", "Nancy Pelosi"]

A name is two or more capitalised words in a row ("Nancy Pelosi", "Sergueï Narychkine",
"J. K. Rowling", "Mohammed bin Salman"), not a place from the gazetteer, not a month or weekday,
and without generic words ("Act", "Street", "East"...): those make names of laws, streets and
buildings, which say nothing about who is in the photo. Titles in front ("President", "Rep.")
are dropped. A run is cut at the words the page's own language uses as common words
(`lexicon.common_words`: written in lower case in the caption or article, weekday names, titles
inside the run; in German also nouns after an article, noun-shaped words and words of the language
from the shipped word table), so "Polizei Regierung" or "Tausende Menschen" are no one, and
"Frankreichs Präsident Emmanuel Macron" is Emmanuel Macron. Matching across spellings and transliterations ("Naryshkin"/"Narychkine") compares
ASCII-folded name words by similarity.
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

from captioncheck.crosscheck.lexicon import (
    NOUN_CAPITALISING,
    common_words,
    language_words,
    noun_shaped,
)
from captioncheck.crosscheck.lexicon import fold as lexicon_fold
from captioncheck.crosscheck.places import blanks_start, gazetteer

MIN_WORD = 3
SIMILAR = 0.8  # difflib ratio from which two name words are spellings of one name
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)
PARTICLES = frozenset(["bin", "ibn", "al", "el", "de", "da", "di", "van", "von", "der", "den", "du", "la", "le", "del", "dos", "y"])
TITLES_TEXT = """
mr mrs ms dr prof sir lord lady rep sen gov gen col lt sgt capt adm president vice speaker senator representative governor
minister premier chancellor secretary king queen prince princess pope sheikh ayatollah general colonel mayor chairman chief
director ceo judge justice pastor rev father saint st former late deputy foreign prime defence defense interior house state
us u.s. uk m mme mlle président ministre chef présidente präsident kanzler bundeskanzler
kanzlerin bundeskanzlerin ministerin bundesminister bundesministerin ministerpräsident ministerpräsidentin präsidentin
papst herr frau sprecher sprecherin premierminister außenminister außenministerin
presidente ministro ministra primer primo sindaco alcalde rey reina
pääministeri presidentti ministeri kansanedustaja puhemies
"""
GENERIC = frozenset("""
act bill law street road avenue square steps east west north south central national international united new old
house hall building tower bridge park station airport university college school hospital church mosque temple
party movement front army forces force guard police ministry department office council committee commission parliament
assembly congress senate court union league federation association agency service services corporation company group
bank fund foundation institute center centre museum news times post daily press tv radio network photo image file
getty images reuters afp epa ap anadolu sputnik tass xinhua credit copyright history natural science world
""".split())
INNER_AFTER = {"der": {"van", "von"}, "den": {"van", "von"}}  # "von der Leyen", not "Gesichter der Angelszene"
CREDIT_BEFORE = re.compile(r"(?:/|©|\b(?:photo|foto|photograph|picture|image|credit|by|par|von|por)\s*:?)\s*$", re.IGNORECASE)
CREDIT_AFTER = re.compile(r"\s*/")  # matched at the end of a name (`match(text, pos)`)


def fold(word: str) -> str:
    """Lower-case ASCII form of a word ("Sergueï" -> "serguei")."""
    text = unicodedata.normalize("NFKD", word.casefold().replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).strip(".'-")


TITLES = frozenset(fold(w) for w in TITLES_TEXT.split())  # folded like the words compared with them ("präsident")


@lru_cache(maxsize=1)
def _calendar() -> frozenset[str]:
    from captioncheck.crosscheck.dates import month_words

    days = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"}
    return frozenset(month_words() | days)


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and not (len(word) > 3 and word.isupper())


def _is_initial(word: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]\.(?:[A-Z]\.)*", word))


def _sequences(text: str) -> list[list[str]]:
    """Runs of capitalised words (and initials, and inner particles) separated by spaces only."""
    runs: list[list[str]] = []
    run: list[str] = []
    end = -1
    for m in _WORD.finditer(text):
        word = m.group(0).rstrip(".'’") if not _is_initial(m.group(0)) else m.group(0)
        joined = end >= 0 and text[end:m.start()].strip() == ""
        low = fold(word)
        ok = _capitalised(word) or bool(run and low in PARTICLES and (low not in INNER_AFTER or fold(run[-1]) in INNER_AFTER[low]))
        if ok and (joined or not run):
            run.append(word)
        else:
            if run:
                runs.append(run)
            run = [word] if _capitalised(word) else []
        end = m.end()
        if m.group(0).endswith(".") and not _is_initial(m.group(0)) and len(word) > 3 and run:
            runs.append(run)  # a sentence ends here
            run, end = [], -1
    if run:
        runs.append(run)
    return runs


def _clean(run: list[str]) -> list[str]:
    while run and (fold(run[0]) in TITLES or fold(run[0]) in PARTICLES):
        run = run[1:]
    while run and fold(run[-1]) in PARTICLES:
        run = run[:-1]
    return run


def _splits_names(word: str, common: frozenset[str], languages: tuple[str, ...]) -> bool:
    """A capitalised word that is no part of a name: a title, or a common word of the text's language
    (lexicon.common_words; in noun-capitalising languages also noun-shaped words and words of the language)."""
    low = fold(word)
    if _is_initial(word) or low in PARTICLES:
        return False
    if low in TITLES:
        return True
    word_form = lexicon_fold(word)  # the lexicon's tables keep accents ("bürger"); `fold` strips them
    if word_form in common:
        return True
    return any(lang in NOUN_CAPITALISING and (noun_shaped(word, lang) or word_form in language_words(lang))
               for lang in languages)


def _segments(run: list[str], common: frozenset[str], languages: tuple[str, ...]) -> list[list[str]]:
    """A run cut at its common words: "Frankreichs Präsident Emmanuel Macron" -> [..., ["Emmanuel", "Macron"]]."""
    out: list[list[str]] = [[]]
    for word in run:
        if _splits_names(word, common, languages):
            out.append([])
        else:
            out[-1].append(word)
    return [seg for seg in (_clean(s) for s in out) if seg]


def names_in(text: str, languages: tuple[str, ...] | list[str] = (), common: frozenset[str] | None = None) -> list[str]:
    """People and organisation names in `text`, in order, without duplicates.

    languages: the languages the text may be in (the caption's, the page's); common: folded words known
    to be common words (lexicon.common_words of the page's texts; by default of `text` itself)."""
    if not text:
        return []
    langs = tuple(dict.fromkeys(languages))
    common = common_words(langs, text) if common is None else common
    table = gazetteer()
    calendar = _calendar()
    out: list[str] = []
    for whole in _sequences(text):
        for run in _segments(_clean(whole), common, langs):
            words = [w for w in run if not _is_initial(w)]
            if len(run) < 2 or len(words) < 1 or any(len(fold(w)) < 2 for w in words):
                continue
            folded = [fold(w) for w in words]
            if any(f in GENERIC or f in calendar for f in folded) or " ".join(folded) in table:
                continue
            if all(f in table for f in folded if f not in PARTICLES):  # "Paris Berlin": places listed
                continue
            out.append(" ".join(run))
    return list(dict.fromkeys(out))


def _tail(text: str, end: int, keep: int = 40) -> str:
    """The end of `text[:end]` that CREDIT_BEFORE can match: its blanks, an optional colon with its blanks, and
    `keep` characters before them (searched in the whole prefix, the pattern tried every position of it for
    every name of a long text)."""
    start = blanks_start(text, end)
    if start > 0 and text[start - 1] == ":":
        start = blanks_start(text, start - 1)
    return text[max(0, start - keep):end]


def _person_like(name: str) -> bool:
    """Every word written like a personal name: "Nancy", "McDermid", "O'Neil", "Jean-Luc", not "KFC"."""
    words = [w for w in name.split() if fold(w) not in PARTICLES and not _is_initial(w)]
    return all(w[:1].isupper() and any(c.islower() for c in w[1:]) for w in words)


def people_in(text: str, languages: tuple[str, ...] | list[str] = (), common: frozenset[str] | None = None) -> list[str]:
    """Names in `text` that look like people's, leaving out credits ("REUTERS/Brendan McDermid",
    "Photo: Jane Doe") and organisations written in capitals."""
    out = []
    for name in names_in(text, languages, common):
        at = text.find(name)
        if at >= 0 and (CREDIT_BEFORE.search(_tail(text, at)) or CREDIT_AFTER.match(text, at + len(name))):
            continue
        if _person_like(name):
            out.append(name)
    return out


def name_words(name: str) -> list[str]:
    """The distinctive words of a name (no particles, no initials), folded."""
    return [f for f in (fold(w) for w in name.split()) if len(f) >= MIN_WORD and f not in PARTICLES]


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if a[:2] != b[:2] or abs(len(a) - len(b)) > 3:
        return False
    return SequenceMatcher(None, a, b).ratio() >= SIMILAR


def same_person(a: str, b: str) -> bool:
    """Two names share a distinctive word (allowing other spellings)."""
    return any(_similar(x, y) for x in name_words(a) for y in name_words(b))


def mentioned_in(name: str, words: frozenset[str]) -> bool:
    """The name's surname (or any of its words) appears among an article's folded words."""
    return any(w in words or any(_similar(w, v) for v in words if v[:2] == w[:2]) for w in name_words(name))


def text_words(text: str) -> frozenset[str]:
    return frozenset(f for f in (fold(w) for w in _WORD.findall(text or "")) if len(f) >= MIN_WORD)


__all__ = ["fold", "mentioned_in", "name_words", "names_in", "people_in", "same_person", "text_words"]
