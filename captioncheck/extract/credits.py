"""Split a photo credit off caption text, in the conventions news sites use.

Handled (examples): "(REUTERS/Denis Balibouse)", "(AFP photo)", "(Source: NASA)", "[GETTY]",
"Photo: X", "Foto: X", "Credit: X", "Bild: X", "Photographer: X", "Mandatory Credit: X",
"| Foto: X", "©Tasnim/archives", "© AFP / NAME", "./Sputnik", "EFE | Confidencial",
"新华社记者 才扬 摄", "＝ロイター", "写真：X", "Фото: X", "… 2019. REUTERS/Name", "… CC-BY-SA 2.0".
The credit keeps its label
("Photo: X"); surrounding brackets and separators are dropped.
"""

from __future__ import annotations

import itertools
import re

from captioncheck.extract.dom import collapse

LABELS = (
    r"(?:image|photo|picture|foto)\s+(?:credits?|courtesy|sources?)|photo(?:graph(?:er)?|s)?(?:\s+(?:by|courtesy(?:\s+of)?))?|pictures?|pic|images?|credits?|mandatory\s+credit|"
    r"crédits?(?:\s+photo)?|créditos?|fotos?(?:grafía|grafia|grafo|grafie)?|fotógrafo|bild(?:er)?|"
    r"quelle|fuente|fonte|source|ilustración|ilustracion|illustration|grafik|infografía|"
    r"фото(?:графия)?|источник|снимок|صورة|عکس|写真|照片|图片|圖片|사진|zdroj|zdjęcie|kuva|φωτογραφία"
)
AGENCIES = (
    r"AFP|AP|Associated\s+Press|Agence\s+France[-\s]Presse|Reuters|REUTERS|Getty(?:\s+Images)?|GETTY|EPA|dpa|DPA|ANSA|EFE|Xinhua|XINHUA|Sputnik|TASS|Tasnim|"
    r"IRNA|Fars|Mehr|ISNA|Anadolu|AA|Keystone|KEYSTONE|APA|ČTK|CTK|PAP|Shutterstock|shutterstock|iStock|"
    r"Imago|IMAGO|Alamy|Bloomberg|NurPhoto|SIPA|Sipa|Abaca|ABACA|PA(?:\s+Images)?|Press\s+Association|"
    r"Agência\s+Brasil|ABr|Kyodo|Yonhap|WENN|Splash|Rex|REX|NASA|UPI|ANP|Belga|BELGA|Ritzau|NTB|TT|Lusa|"
    r"MAXPPP|Maxppp|Hans\s+Lucas|Hollandse\s+Hoogte|ddp|DDP|SID|Zuma|ZUMA|Newscom|Wikimedia|Wikipedia|Archiv(?:e|es|o)?|archives?|"
    r"(?:The\s+)?Canadian\s+Press|AAP|Europa\s+Press|PTI|Press\s+Trust\s+of\s+India|Jiji(?:\s+Press)?|RIA\s+Novosti|"
    r"Interfax|Notimex|T[ée]lam|Ukrinform|Bernama|Antara|Yomiuri|Asahi\s+Shimbun|"
    # picture agencies of entertainment news
    r"AKM-GSI|BACKGRID|Backgrid|WireImage|FilmMagic|GC\s+Images|Mega\s+Agency|INSTARimages|Invision"
)
_LABEL_RX = re.compile(rf"(?:^|(?<=[\s(\[|/–—-]))(?:{LABELS})\s*(?:[:：|]|\s-\s|(?<=by)\s|(?<=of)\s)\s*\S", re.IGNORECASE)
_LABEL_ASCII = re.compile(_LABEL_RX.pattern)  # on lower-cased ASCII text: the same matches, ~2x faster than IGNORECASE
_CAPS_LABELS = ("FOTO", "PHOTO", "BILD", "CRÉDITO", "CREDIT", "IMAGEN", "ФОТО")  # every _CAPS_LABEL_RX match holds one
_CAPS_LABEL_RX = re.compile(r"(?:^|(?<=[\s(\[|]))(?:FOTOS?|PHOTOS?|BILD|CRÉDITO|CREDIT|IMAGEN|FOTOGRAFÍA|ФОТО)\s+(?=[A-ZÀ-ÖØ-ÞÁÉÍÓÚÑА-Я©])")
_TRAIL_PAREN = re.compile(r"\s*[(\[]([^()\[\]]{2,120})[)\]]\s*[.。]?\s*$")
_COPYRIGHT = re.compile(r"(?:^|\s|[.。,;:])(©|\(c\)|copyright\b|℗)\s*\S", re.IGNORECASE)
_SLASH_AGENCY = re.compile(r"(?<=[.!?。)\]»\"”])\s*/\s*([^\s/][^/]{1,60})$")
_CJK_XINHUA = re.compile(r"[（(]?\s*([\u4e00-\u9fff]{1,12}(?:记者|記者|通讯员|特约)?\s*[\u4e00-\u9fff·\s]{1,20}\s*摄)\s*[）)]?\s*$")
_JA_EQUALS = re.compile(r"\s*[＝=]\s*([^\s＝=][^＝=]{0,40})$")
_PIPE_TAIL = re.compile(r"(?<=[.!?。»\"”)])\s+([^|.!?]{2,60}(?:\s\|\s[^|]{1,60})+)$")
_AGENCY_WORD = re.compile(rf"(?<!\w)(?:{AGENCIES})(?!\w)")
VIA_WORDS = "vía|via|courtesy|cortesía|cortesia|handout"  # a credit handed on: "Bloomberg via Getty Images"
# a Creative Commons licence or public-domain mark names the picture's terms of use: "CC-BY-SA 2.0", "CC BY 4.0", "CC0"
_LICENCE = re.compile(r"(?<!\w)(?:CC[- ]?(?:BY(?:[- ](?:SA|NC|ND))*|0|ZERO)(?:[- ]\d\.\d)?|public\s+domain|domena\s+publiczna|dominio\s+p[uú]blico|domaine\s+public|gemeinfrei)(?!\w)",
                      re.IGNORECASE)
_LABEL_FIRST = re.compile(rf"(?:{LABELS})\s*(?:[:：|]|by\b|of\b)", re.IGNORECASE)
_VIA_WORD = re.compile(rf"(?<!\w)({VIA_WORDS}|archiv\w*)(?!\w)", re.IGNORECASE)
# a photographer's or studio's name signed as such: "Jane Doe Photography", "Studio X Fotografie"
_STUDIO_TAIL = re.compile(r"(?<!\w)(?:photography|photographie|fotografie|fotografía|fotografia)$", re.IGNORECASE)
_LICENCE_WORDS = ("cc", "public", "domena", "dominio", "domaine", "gemeinfrei")  # every _LICENCE match holds one
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=\S)")
_ALL_CAPS = re.compile(r"^[A-ZÀ-ÖØ-ÞČŠŽŁ]{2,}$")
_CONTACT = re.compile(r"^(?:[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w{2,})$")
_DATE_ONLY = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_FOR_OUTLET = re.compile(r"^([A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.-]*(?:\s+[A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.-]*){1,3})\s+for\s+"
                         r"((?:[Tt]he\s+)?[A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.&-]*(?:\s+[A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.&-]*)*)$")
_NAMEISH = re.compile(r"^[A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.-]*(?:\s+(?:[A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.-]*|de|van|von|da|del|der|la|le|y|&|and))*$")


def _strip_seps(text: str) -> str:
    return text.strip(" \t|–—-:;,·•").strip()


def looks_like_credit(text: str) -> bool:
    """Is this short run of text a photo credit on its own?"""
    text = collapse(text).strip("()[] .")
    if not text or len(text) > 120:
        return False
    if (_may_hold_copyright(text) and _COPYRIGHT.search(" " + text)) or _LABEL_FIRST.match(text):
        return True
    words = len(text.split())  # (each pattern below is asked only where its word limit holds)
    if "/" in text and words <= 8:
        return True
    if words <= 10 and ((_may_hold_licence(text) and _LICENCE.search(text)) or _VIA_WORD.search(text)):
        return True
    if words <= 6 and _STUDIO_TAIL.search(text):  # "Al 'Hughes' Dukes Photography"
        return True
    return words <= 8 and bool(_AGENCY_WORD.search(text))


def _may_hold_copyright(text: str) -> bool:
    """False only where `_COPYRIGHT` cannot match: ASCII text (no "©" or "℗"; IGNORECASE means lower-casing)
    without "(c" or "copyright" (the scan costs ~8 us a caption)."""
    lower = text.lower()
    return not text.isascii() or "(c" in lower or "copyright" in lower


def _may_hold_licence(text: str) -> bool:
    """False only where `_LICENCE` cannot match: ASCII text without any of its words."""
    lower = text.lower()
    return not text.isascii() or any(word in lower for word in _LICENCE_WORDS)


def split_credit(text: str) -> tuple[str, str]:
    """(caption, credit) from one run of caption text; credit is "" when none is found."""
    text = collapse(text)
    if not text:
        return "", ""
    for finder in (_label_split, _copyright_split, _paren_split, _cjk_split, _slash_split, _pipe_split,
                   _agency_tail_split, _licence_split, _contact_tail_split, _for_outlet_split):
        found = finder(text)
        if found is not None:
            caption, credit = found
            credit = _strip_seps(_without_dates(credit))
            if credit:
                return _strip_caption(caption), credit
    return text, ""


def _without_dates(credit: str) -> str:
    """A credit's `|`-separated parts less those that are only a date ("27-06-2012 | Efe" → "Efe")."""
    if "|" not in credit:
        return credit
    parts = [part for part in credit.split("|") if not _DATE_ONLY.match(part.strip())]
    return "|".join(parts) if parts else credit


def with_contact_name(caption: str, credit: str) -> tuple[str, str]:
    """A credit that is only an e-mail address or a handle belongs to the name that ends the caption:
    ("… a business. Carl Juste", "cjuste@example.com") → ("… a business.", "Carl Juste cjuste@example.com")."""
    if not caption or not _CONTACT.match(credit):
        return caption, credit
    for m in _SENTENCE_END.finditer(caption):
        name = caption[m.end():].strip()
        if 2 <= len(name.split()) <= 4 and _NAMEISH.match(name):
            return caption[:m.start()].strip(), f"{name} {credit}"
    name = caption.strip()
    if 2 <= len(name.split()) <= 4 and _NAMEISH.match(name) and not _SENTENCE_END.search(name):
        return "", f"{name} {credit}"  # the caption is only the name
    return caption, credit


def _strip_caption(caption: str) -> str:
    return caption.rstrip(" |–—-/:;,·•").strip()


def _label_split(text: str) -> tuple[str, str] | None:
    m = None
    caps = (c for c in _CAPS_LABEL_RX.finditer(text) if c.start() > 0) if any(
        word in text for word in _CAPS_LABELS) else ()  # "FOTO Name" only after the caption
    labels = _LABEL_ASCII.finditer(text.lower()) if text.isascii() else _LABEL_RX.finditer(text)
    for m in itertools.chain(labels, caps):  # (lazily: the first label at a segment's start ends the search)
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
    """A credit label starts a new segment: after a sentence end, a separator or a bracket. (Read back from `start`
    over the whitespace only: `text[:start].rstrip()` copied the text before every label found, quadratic in a long
    text of many labels: 2.5 s for the 500 labels of one 1.2 MB caption candidate.)"""
    at = start
    while at > 0 and text[at - 1].isspace():
        at -= 1
    return at > 0 and text[at - 1] in ".!?。|–—-/([)»\"”:;,"


def _copyright_split(text: str) -> tuple[str, str] | None:
    if not _may_hold_copyright(text):
        return None
    m = _COPYRIGHT.search(text)
    if m is None:
        return None
    start = m.start(1)
    tail = text[start:]
    if tail.endswith(")") and "(" in text[:start][-2:]:
        return text[: start - 1], tail[:-1]
    return text[:start], tail


def _paren_split(text: str) -> tuple[str, str] | None:
    if ")" not in text and "]" not in text:
        return None
    m = _TRAIL_PAREN.search(text)
    if m is None or m.start() == 0 and len(text) - m.end() > 0:
        return None
    inner = m.group(1).strip()
    if looks_like_credit(inner) or (_NAMEISH.match(inner) and 2 <= len(inner.split()) <= 4 and m.start() > 0):
        return text[: m.start()], inner
    return None


def _cjk_split(text: str) -> tuple[str, str] | None:
    if "摄" not in text and "=" not in text and "＝" not in text:  # what each pattern needs (scanning costs ~20 us)
        return None
    m = _CJK_XINHUA.search(text)
    if m is not None:
        return text[: m.start()], m.group(1)
    m = _JA_EQUALS.search(text)
    if m is not None and m.start() > 0:
        return text[: m.start()], m.group(1)
    return None


def _slash_split(text: str) -> tuple[str, str] | None:
    if "/" not in text:
        return None
    m = _SLASH_AGENCY.search(text)
    if m is None or len(m.group(1).split()) > 6 or _SENTENCE_END.search(m.group(1)):  # "U.S./Mexico border. More."
        return None
    return text[: m.start()], m.group(1)


def _agency_tail_split(text: str) -> tuple[str, str] | None:
    """The wire convention of a credit set after the caption's last sentence without brackets or label:
    "… November 18, 2019. REUTERS/Brendan McDermid", "… in Kyiv. AP Photo/Efrem Lukatsky",
    "… on Monday. Jim Young/Reuters". Every `/` part is a name and one is an agency or in capitals."""
    for m in _SENTENCE_END.finditer(text):
        tail = text[m.end():].rstrip(" .")
        if len(text[:m.start()].split()) < 2:
            continue  # "Fot. Name / Agency": a label, not a caption, before it
        if "/" not in tail or len(tail.split()) > 8 or len(tail) > 80:
            continue
        parts = [part.strip() for part in tail.split("/")]
        if all(_name_part(part) for part in parts) and any(
                _AGENCY_WORD.search(part) or _ALL_CAPS.match(part.split()[0]) or re.search(r"(?i)\b(?:photo|foto|pool)\b", part)
                for part in parts):
            return text[:m.start()], tail
    return None


_LABEL_START = re.compile(rf"^\s*(?:©|\(c\)|(?:{LABELS})\s*(?:[:：]|(?<=by)\s|(?<=of)\s))\s*", re.IGNORECASE)


def labelled_credit(text: str) -> str:
    """The text when all of it is a labelled credit naming people or agencies ("Photo: ČTK/Vít Šimánek",
    "© Jane Roe"), else "": an alt or title written as a credit line, not "Photo: a man in the rain"."""
    text = collapse(text)
    m = _LABEL_START.match(text)
    if m is None or len(text) > 120:
        return ""
    rest = text[m.end():].strip(" .")
    parts = [part.strip() for part in re.split(r"\s*[/,|]\s*", rest)]
    return text if len(rest.split()) <= 8 and all(_name_part(part) for part in parts) else ""


def _name_part(part: str) -> bool:
    """A name ("Brendan McDermid", "J. Smith", "AP Photo"): no word ends a sentence inside it."""
    return bool(part) and bool(_NAMEISH.match(part)) and all(not w.endswith(".") or len(w) <= 3 for w in part.split())


def _contact_tail_split(text: str) -> tuple[str, str] | None:
    """A photographer's name and e-mail ending the caption: "… on Saturday. Jim Park jpark@example.net"."""
    words = text.rsplit(None, 5)
    if len(words) < 3 or not _CONTACT.match(words[-1]) or "@" not in words[-1]:
        return None
    caption, credit = with_contact_name(text[:text.rfind(words[-1])].rstrip(), words[-1])
    return (caption, credit) if credit != words[-1] else None


def _for_outlet_split(text: str) -> tuple[str, str] | None:
    """A staff or assigned photographer's line, alone or after the caption's last sentence: "Jessica Roe for
    The New York Times", "… on Monday. Max Doe for The Washington Post" (a name of 2-4 words, "for", a name)."""
    if "for" not in text:
        return None
    starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]
    for start in reversed(starts[-2:]):  # its last sentence, or the whole text
        m = _FOR_OUTLET.match(text[start:].rstrip(" ."))
        if m is None or not 2 <= len(m.group(1).split()) <= 4 or len(m.group(2).split()) > 5:
            continue
        outlet = m.group(2)
        if outlet[:4].lower() == "the " or " " in outlet or _AGENCY_WORD.search(outlet) or re.fullmatch(r"[A-Z]{2,6}", outlet):
            return text[:start], text[start:].rstrip(" .")  # not "Joe Roe for President"
    return None


def _licence_split(text: str) -> tuple[str, str] | None:
    """A licence mark ending the caption, with the author's name after it if any: "… (Stand Juni 2016) CC-BY-SA 2.0"."""
    if not _may_hold_licence(text):
        return None
    m = None
    for m in _LICENCE.finditer(text):
        pass
    if m is None or m.start() == 0 or len(text) - m.start() > 80 or not _boundary_before(text, m.start()):
        return None  # "… is now in the public domain" is a sentence, not its credit
    rest = text[m.end():].strip(" .,")
    if rest and not _NAMEISH.match(rest):
        return None
    return text[:m.start()], text[m.start():]


def _pipe_split(text: str) -> tuple[str, str] | None:
    if "|" not in text:
        return None
    m = _PIPE_TAIL.search(text)
    if m is None:  # "The caption. | AP Photo": the last part, after the caption, reads as a credit on its own
        head, _, tail = text.rpartition("|")
        return (head, tail.strip()) if head.strip() and looks_like_credit(tail) else None
    return text[: m.start()], m.group(1)


__all__ = ["VIA_WORDS", "labelled_credit", "looks_like_credit", "split_credit", "with_contact_name"]
