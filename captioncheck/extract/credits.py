"""Split a photo credit off caption text, in the conventions news sites use.

Handled (examples): "(REUTERS/Denis Balibouse)", "(AFP photo)", "(Source: NASA)", "[GETTY]",
"Photo: X", "Foto: X", "Credit: X", "Bild: X", "Photographer: X", "Mandatory Credit: X",
"| Foto: X", "©Tasnim/archives", "© AFP / NAME", "./Sputnik", "EFE | Confidencial",
"新华社记者 才扬 摄", "＝ロイター", "写真：X", "Фото: X". The credit keeps its label
("Photo: X"); surrounding brackets and separators are dropped.
"""

from __future__ import annotations

import re

from captioncheck.extract.dom import collapse

LABELS = (
    r"(?:image|photo|picture|foto)\s+(?:credits?|courtesy)|photo(?:graph(?:er)?|s)?(?:\s+(?:by|courtesy(?:\s+of)?))?|pictures?|pic|images?|credits?|mandatory\s+credit|"
    r"crédits?(?:\s+photo)?|créditos?|fotos?(?:grafía|grafia|grafo|grafie)?|fotógrafo|bild(?:er)?|"
    r"quelle|fuente|fonte|source|ilustración|ilustracion|illustration|grafik|infografía|"
    r"фото(?:графия)?|источник|снимок|صورة|عکس|写真|照片|图片|圖片|사진|zdroj|zdjęcie|kuva|φωτογραφία"
)
AGENCIES = (
    r"AFP|AP|Reuters|REUTERS|Getty(?:\s+Images)?|GETTY|EPA|dpa|DPA|ANSA|EFE|Xinhua|XINHUA|Sputnik|TASS|Tasnim|"
    r"IRNA|Fars|Mehr|ISNA|Anadolu|AA|Keystone|KEYSTONE|APA|ČTK|CTK|PAP|Shutterstock|shutterstock|iStock|"
    r"Imago|IMAGO|Alamy|Bloomberg|NurPhoto|SIPA|Sipa|Abaca|ABACA|PA(?:\s+Images)?|Press\s+Association|"
    r"Agência\s+Brasil|ABr|Kyodo|Yonhap|WENN|Splash|Rex|REX|NASA|UPI|ANP|Belga|BELGA|Ritzau|NTB|TT|Lusa|"
    r"MAXPPP|Maxppp|Hans\s+Lucas|Hollandse\s+Hoogte|ddp|DDP|SID|Zuma|ZUMA|Newscom|Wikimedia|Wikipedia|Archiv(?:e|es|o)?|archives?"
)
_LABEL_RX = re.compile(rf"(?:^|(?<=[\s(\[|/–—-]))(?:{LABELS})\s*(?:[:：|]|\s-\s|(?<=by)\s|(?<=of)\s)\s*\S", re.IGNORECASE)
_CAPS_LABEL_RX = re.compile(r"(?:^|(?<=[\s(\[|]))(?:FOTOS?|PHOTOS?|BILD|CRÉDITO|CREDIT|IMAGEN|FOTOGRAFÍA|ФОТО)\s+(?=[A-ZÀ-ÖØ-ÞÁÉÍÓÚÑА-Я©])")
_TRAIL_PAREN = re.compile(r"\s*[(\[]([^()\[\]]{2,120})[)\]]\s*[.。]?\s*$")
_COPYRIGHT = re.compile(r"(?:^|\s|[.。,;:])(©|\(c\)|copyright\b|℗)\s*\S", re.IGNORECASE)
_SLASH_AGENCY = re.compile(r"(?<=[.!?。)\]»\"”])\s*/\s*([^\s/][^/]{1,60})$")
_CJK_XINHUA = re.compile(r"[（(]?\s*([\u4e00-\u9fff]{1,12}(?:记者|記者|通讯员|特约)?\s*[\u4e00-\u9fff·\s]{1,20}\s*摄)\s*[）)]?\s*$")
_JA_EQUALS = re.compile(r"\s*[＝=]\s*([^\s＝=][^＝=]{0,40})$")
_PIPE_TAIL = re.compile(r"(?<=[.!?。»\"”)])\s+([^|.!?]{2,60}(?:\s\|\s[^|]{1,60})+)$")
_AGENCY_WORD = re.compile(rf"(?<!\w)(?:{AGENCIES})(?!\w)")
_NAMEISH = re.compile(r"^[A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.-]*(?:\s+(?:[A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.-]*|de|van|von|da|del|der|la|le|y|&|and))*$")


def _strip_seps(text: str) -> str:
    return text.strip(" \t|–—-:;,·•").strip()


def looks_like_credit(text: str) -> bool:
    """Is this short run of text a photo credit on its own?"""
    text = collapse(text).strip("()[] .")
    if not text or len(text) > 120:
        return False
    if _COPYRIGHT.search(" " + text) or re.match(rf"(?:{LABELS})\s*(?:[:：|]|by\b|of\b)", text, re.IGNORECASE):
        return True
    if "/" in text and len(text.split()) <= 8:
        return True
    if re.search(r"(?<!\w)(vía|via|courtesy|cortesía|cortesia|handout|archiv\w*)(?!\w)", text, re.IGNORECASE) and len(text.split()) <= 10:
        return True
    return bool(_AGENCY_WORD.search(text)) and len(text.split()) <= 8


def split_credit(text: str) -> tuple[str, str]:
    """(caption, credit) from one run of caption text; credit is "" when none is found."""
    text = collapse(text)
    if not text:
        return "", ""
    for finder in (_label_split, _copyright_split, _paren_split, _cjk_split, _slash_split, _pipe_split):
        found = finder(text)
        if found is not None:
            caption, credit = found
            credit = _strip_seps(credit)
            if credit:
                return _strip_caption(caption), credit
    return text, ""


def _strip_caption(caption: str) -> str:
    return caption.rstrip(" |–—-/:;,·•").strip()


def _label_split(text: str) -> tuple[str, str] | None:
    m = None
    caps = [c for c in _CAPS_LABEL_RX.finditer(text) if c.start() > 0]  # "FOTO Name" only after the caption
    for m in [*_LABEL_RX.finditer(text), *caps]:
        start = m.start()
        if start == 0 or _boundary_before(text, start):
            break
        m = None
    if m is None:
        return None
    start = m.start()
    if start > 0 and text[start - 1] in "([":
        start -= 1
        credit = text[start:].strip()
        if credit.startswith(("(", "[")) and credit.endswith((")", "]", ").", "].")):
            credit = credit.rstrip(".")[1:-1]
        return text[:start], credit
    return text[:start], text[start:]


def _boundary_before(text: str, start: int) -> bool:
    """A credit label starts a new segment: after a sentence end, a separator or a bracket."""
    before = text[:start].rstrip()
    return bool(before) and before[-1] in ".!?。|–—-/([)»\"”:;,"


def _copyright_split(text: str) -> tuple[str, str] | None:
    m = _COPYRIGHT.search(text)
    if m is None:
        return None
    start = m.start(1)
    tail = text[start:]
    if tail.endswith(")") and "(" in text[:start][-2:]:
        return text[: start - 1], tail[:-1]
    return text[:start], tail


def _paren_split(text: str) -> tuple[str, str] | None:
    m = _TRAIL_PAREN.search(text)
    if m is None or m.start() == 0 and len(text) - m.end() > 0:
        return None
    inner = m.group(1).strip()
    if looks_like_credit(inner) or (_NAMEISH.match(inner) and 2 <= len(inner.split()) <= 4 and m.start() > 0):
        return text[: m.start()], inner
    return None


def _cjk_split(text: str) -> tuple[str, str] | None:
    m = _CJK_XINHUA.search(text)
    if m is not None:
        return text[: m.start()], m.group(1)
    m = _JA_EQUALS.search(text)
    if m is not None and m.start() > 0:
        return text[: m.start()], m.group(1)
    return None


def _slash_split(text: str) -> tuple[str, str] | None:
    m = _SLASH_AGENCY.search(text)
    if m is None or len(m.group(1).split()) > 6:
        return None
    return text[: m.start()], m.group(1)


def _pipe_split(text: str) -> tuple[str, str] | None:
    m = _PIPE_TAIL.search(text)
    if m is None:
        return None
    return text[: m.start()], m.group(1)


__all__ = ["looks_like_credit", "split_credit"]
