"""Photo agencies and stock libraries: recognise them in credits, embedded metadata and OCR text.

`find_agencies(text)` returns canonical names ("AFP", "Getty Images", ...). Short all-caps
marks (AP, EPA, AA) only match as upper-case words so "ap" inside ordinary words never counts.
"""

from __future__ import annotations

import re
from functools import lru_cache

# canonical name -> (case-insensitive patterns, case-sensitive patterns)
AGENCIES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "AFP": (("agence france[- ]presse", r"\bafp\b"), ()),
    "Reuters": ((r"\breuters\b", "ロイター", "路透"), ()),
    "AP": (("associated press",), (r"\bAP\b",)),
    "EPA": (("european pressphoto", r"\bepa[- ]efe\b"), (r"\bEPA\b",)),
    "EFE": ((r"\befe\b",), ()),
    "Getty Images": ((r"getty\s*images", r"\bgetty\b", "gettyimages"), ()),
    "Sputnik": ((r"\bsputnik\b", r"ria\s*novosti", "спутник", "риа новости"), ()),
    "TASS": ((r"\btass\b", "итар-тасс", "тасс"), ()),
    "Tasnim": ((r"\btasnim\b", "تسنیم"), ()),
    "IRNA": ((r"\birna\b", "ایرنا"), ()),
    "Fars": ((r"\bfars news\b", "خبرگزاری فارس"), (r"\bFARS\b",)),
    "Mehr": ((r"\bmehr news\b",), ()),
    "Xinhua": ((r"\bxinhua\b", "新华社", "新華社"), ()),
    "Anadolu": ((r"anadolu", r"\baa photo\b"), ()),
    "dpa": ((r"\bdpa\b", "deutsche presse-agentur"), ()),
    "ANSA": ((r"\bansa\b",), ()),
    "Kyodo": ((r"\bkyodo\b", "共同通信"), ()),
    "Yonhap": ((r"\byonhap\b", "연합뉴스"), ()),
    "Shutterstock": ((r"shutter\s*stock",), ()),
    "iStock": ((r"\bistock(?:photo)?\b",), ()),
    "Alamy": ((r"\balamy\b",), ()),
    "Adobe Stock": ((r"adobe\s*stock",), ()),
    "Dreamstime": ((r"dreamstime",), ()),
    "123RF": ((r"\b123rf\b",), ()),
    "Depositphotos": ((r"depositphotos",), ()),
    "SIPA": ((r"\bsipa\b",), ()),
    "ZUMA": ((r"\bzuma(?:\s*press|\s*wire)?\b",), ()),
    "NurPhoto": ((r"nurphoto",), ()),
    "Abaca": ((r"\babaca(?:press)?\b",), ()),
    "Bloomberg": ((r"\bbloomberg\b",), ()),
    "Press TV": ((r"\bpress\s*tv\b",), ()),
    "Wikimedia Commons": ((r"wikimedia", r"wikipedia"), ()),
    "NASA": ((r"\bnasa\b",), ()),
}

STOCK_LIBRARIES: frozenset[str] = frozenset(
    {"Shutterstock", "iStock", "Alamy", "Adobe Stock", "Dreamstime", "123RF", "Depositphotos", "Getty Images"}
)


@lru_cache(maxsize=1)
def _compiled() -> list[tuple[str, re.Pattern[str]]]:
    out: list[tuple[str, re.Pattern[str]]] = []
    for name, (insensitive, sensitive) in AGENCIES.items():
        for pat in insensitive:
            out.append((name, re.compile(pat, re.IGNORECASE)))
        for pat in sensitive:
            out.append((name, re.compile(pat)))
    return out


# canonical name -> its long mark as one word, letters only: a watermark cut by the picture's edge still names it
_CLIPPABLE: dict[str, str] = {
    "Reuters": "reuters", "Shutterstock": "shutterstock", "Getty Images": "gettyimages", "Bloomberg": "bloomberg",
    "Sputnik": "sputnik", "Anadolu": "anadolu", "Dreamstime": "dreamstime", "Depositphotos": "depositphotos",
    "NurPhoto": "nurphoto", "Wikimedia Commons": "wikimedia", "AP": "associatedpress",
}
_WORD = re.compile(r"[^\W\d_]+")
MAX_CLIPPED = 2  # letters a mark may lose at its start and end together


def _clipped_hits(text: str) -> list[tuple[int, str]]:
    """Marks cut at the picture's edges, as OCR reads a watermark: "EUTERS", "HUTTERSTOC", "ETTY IMAGES"
    (a word, or two joined, that is a long mark less at most MAX_CLIPPED letters at its ends)."""
    words = [(m.start(), m.group().lower()) for m in _WORD.finditer(text)]
    hits: list[tuple[int, str]] = []
    for k, (start, word) in enumerate(words):
        joined = word + words[k + 1][1] if k + 1 < len(words) else ""
        for name, mark in _CLIPPABLE.items():
            for piece in (word, joined):
                if len(mark) - MAX_CLIPPED <= len(piece) < len(mark) and len(piece) >= 5 and piece in mark:
                    hits.append((start, name))
    return hits


def find_agencies(text: str, *, clipped: bool = False) -> list[str]:
    """Canonical agency/stock names found in `text`, in first-occurrence order, no duplicates.

    `clipped`: also names cut at their ends (text read by OCR from a watermark the frame cuts off); a
    whole credit line never needs it, and "Reuter" is a surname there."""
    if not text:
        return []
    hits: list[tuple[int, str]] = _clipped_hits(text) if clipped else []
    for name, pattern in _compiled():
        m = pattern.search(text)
        if m:
            hits.append((m.start(), name))
    seen: list[str] = []
    for _, name in sorted(hits):
        if name not in seen:
            seen.append(name)
    return seen


__all__ = ["AGENCIES", "STOCK_LIBRARIES", "find_agencies"]
