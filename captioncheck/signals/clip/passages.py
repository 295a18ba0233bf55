"""Split an article into passages short enough for CLIP's text tower, title and lead weighted.

Passages are the title, the lead (the page description, else the first paragraph) and the
paragraphs of the article text; long paragraphs are cut at sentence ends into windows of about
MAX_CHARS characters (CLIP reads 64-77 tokens). Weights: title 2.0, lead 1.5, body 1.0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from captioncheck._types import PageInfo

PassageKind = Literal["title", "lead", "body"]
WEIGHTS: dict[str, float] = {"title": 2.0, "lead": 1.5, "body": 1.0}
MAX_CHARS = 240
MIN_CHARS = 20
MAX_PASSAGES = 16  # title, lead and the first body windows (news puts the essentials first); each costs a text-tower pass
_SENTENCE_END = re.compile(r"(?<=[.!?…»\"])\s+(?=[A-ZÀ-ÖØ-Þ0-9«\"“(])")


@dataclass(frozen=True)
class Passage:
    text: str
    kind: PassageKind
    weight: float


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def windows(paragraph: str, max_chars: int = MAX_CHARS) -> list[str]:
    """Group sentences into windows of at most ~max_chars (a long sentence is cut on words)."""
    out: list[str] = []
    current = ""
    for sentence in split_sentences(paragraph):
        for piece in _cut_words(sentence, max_chars):
            if current and len(current) + 1 + len(piece) > max_chars:
                out.append(current)
                current = piece
            else:
                current = f"{current} {piece}".strip()
    if current:
        out.append(current)
    return out


def _cut_words(sentence: str, max_chars: int) -> list[str]:
    if len(sentence) <= max_chars:
        return [sentence]
    pieces: list[str] = []
    current = ""
    for word in sentence.split():
        if current and len(current) + 1 + len(word) > max_chars:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return pieces + ([current] if current else [])


def article_passages(page: PageInfo, max_passages: int = MAX_PASSAGES) -> list[Passage]:
    """Title, lead and body windows of a page, de-duplicated, in reading order."""
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n", page.text or "") if p.strip()]
    lead = " ".join((page.description or "").split()) or (paragraphs[0] if paragraphs else "")
    found: list[Passage] = []
    seen: set[str] = set()

    def add(text: str, kind: PassageKind) -> None:
        key = text.casefold()
        if len(text) >= MIN_CHARS or (kind == "title" and text):
            if key not in seen:
                seen.add(key)
                found.append(Passage(text=text, kind=kind, weight=WEIGHTS[kind]))

    title = " ".join((page.title or "").split())
    if title:
        add(title[:MAX_CHARS], "title")
    for piece in windows(lead)[:2]:
        add(piece, "lead")
    for paragraph in paragraphs:
        for piece in windows(paragraph):
            add(piece, "body")
    return found[:max_passages]


__all__ = ["MAX_CHARS", "MAX_PASSAGES", "WEIGHTS", "Passage", "article_passages", "split_sentences", "windows"]
