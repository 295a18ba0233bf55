"""What the elements of a caption say: which elements are captions or credits by their names (`kind`),
which are widgets around them (counters, toggles), whether a text holds anything a credit is told by
(`credit_hint`), and a run of caption elements read into its caption and its credit (`read_roots`).

Where a picture's caption is (its figure, the walk after it, the boxes around it) is `captions.CaptionFinder`.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from captioncheck.extract import within
from captioncheck.extract.credits import (
    AGENCIES,
    LABELS,
    VIA_WORDS,
    looks_like_credit,
    split_credit,
    with_contact_name,
)
from captioncheck.extract.dom import (
    Caseless,
    Doc,
    Node,
    ancestors,
    attr,
    collapse,
    leading_text,
    per_element,
    tokens,
    visible_text,
)

CAPTION_NAMES = Caseless(
    r"caption|legend|cutline|pictext|photo-?text|image-?text|img-?info|imagedescription|insertcaption|"
    r"(image|img|photo|picture|media|figure|foto|bild)[-_]?(description|desc)|__desc|-desc\b|bildunterschrift|bildtext|leyenda|didascalia|"
    r"img-metadata__title|media-meta|image-meta|wp-caption-text|subtitle|figure-text|photo-info|epigrafe|pie-?foto",
)
CREDIT_NAMES = Caseless(
    r"credit|copyright|attribution|photographer|fotograf|file-source|\bsource\b|photo-source|image-source|"
    r"quelle|autor-foto|foto-autor|\bfoto\b|agency|media-credit|author-photo|byline-photo|photo-author|\bauthor\b",
)
_CREDIT_ITEMPROPS = frozenset({"copyrightholder", "credittext", "author", "copyrightnotice", "creator"})  # lower case
_PERSON_ITEMPROPS = frozenset({"author", "creator"})  # the photographer inside a picture's item, else the article's byline
_MEDIA_ITEMS = re.compile(r"image|photo|mediaobject|videoobject", re.IGNORECASE)  # ImageObject, Photograph...
MAX_ITEM_CLIMB = 40  # ancestors looked at for the item an author belongs to (a NewsArticle is often <html>)
_CAPTION_ITEMPROPS = {"caption", "description"}
_JUNK = re.compile(r"(^|[\s_-])(counter|caption-?(toggle|control|button)|count|toolbar|share|sharing|tags?|themen|pagination|pager|btn|button|icon|"
                   r"expand|toggle|zoom|enlarge|fullscreen|close|prev|next|nav|cta|social|kicker-count|slide-?count|"
                   r"date|time|timestamp|published|photo-date|dateline)($|[\s_-])")
_LABEL_ONLY = re.compile(rf"^\s*(?:{LABELS})\s*[:：]?\s*$", re.IGNORECASE)
CREDIT_LINE = re.compile(rf"^\s*(?:©|\(c\)|[(\[]?\s*(?:(?:{LABELS}|fot)\s*[.:：]|(?:photo|foto)\s+by\b))", re.IGNORECASE)
_DANGLING_LABEL = re.compile(rf"(?:^|(?<=[\s.!?)]))(©|\(c\)|(?:{LABELS})\s*[:：])\s*$", re.IGNORECASE)
_NAME_LINE = re.compile(r"^[A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.-]*(?:\s+(?:[A-ZÀ-ÖØ-ÞČŠŽŁ][\w'’.-]*|de|van|von|da|del|der|la|le))*$")
MAX_CAPTION = 1200  # characters of caption text read (twice that from a run of elements)
MAX_PARTS = 60  # elements of a caption root taken apart (a larger one is read as plain text)
# what every credit `split_credit` finds in a caption's text carries: ©, a label's colon, a slash, a pipe,
# a closing bracket, an e-mail's @, a licence mark, the Chinese/Japanese credit marks
_CREDIT_HINT = re.compile(  # what `credit_hint` answers (its reference in the tests)
    r"[©@/|)\]）:：＝=摄]|\(c\)|\bCC\b|CC-|public|domena|dominio|domaine|gemeinfrei", re.IGNORECASE)
_HINT_CHARS = "©@/|)]）:：＝=摄"  # the pattern's characters, each looked for at C speed (the scan costs ~11 us a caption)
_HINT_WORDS = Caseless(r"\bcc\b|cc-|public|domena|dominio|domaine|gemeinfrei")  # its words
_AGENCY_HINT = re.compile(rf"(?<!\w)(?:{AGENCIES}|{VIA_WORDS})(?!\w)")


def credit_hint(text: str) -> bool:
    """Does the text hold something a credit is told by: a mark, a label's colon, a slash, a licence word, an agency?"""
    if any(char in text for char in _HINT_CHARS):
        return True
    return _HINT_WORDS.found_in(text) or _AGENCY_HINT.search(text) is not None


@dataclass
class CaptionHit:
    caption: str = ""
    credit: str = ""
    nodes: list[Node] = field(default_factory=list)
    how: str = ""


# a button or label that opens, hides or toggles the caption ("toggle-caption", "hide-caption") is not caption text
_CAPTION_CONTROL = re.compile(r"(toggle|hide|show|expand|collapse|close|open|more)[-_ ]?(the[-_ ])?(caption|legend|credit)", re.IGNORECASE)


# the link that unfolds a long caption and the one that folds it again ("Apple … more", "… less")
_EXPANDER = re.compile(r"[\s….]*(?:(?:read|show|see)\s+)?(?:more|less|mehr|weniger|plus|moins|más|menos|mais|ещё|больше)[\s….]*",
                       re.IGNORECASE)
_COUNTER = re.compile(r"\d+\s*(/|of|von|de|sur|из)\s*\d+|\d{1,3}")
# a slider's arrows, by their own words ("left", "right", "‹ prev", "next ›"): no caption is only a direction
_ARROW = re.compile(r"[\s‹›«»<>←→]*(?:left|right|prev|previous|next|back|forward|zurück|weiter|précédent|suivant|"
                    r"anterior|siguiente)?[\s‹›«»<>←→]*", re.IGNORECASE)


@per_element
def kind(node: Node) -> str:
    """'caption', 'credit' or '' from the element's tag, class/id and itemprop (once per element of a page)."""
    itemprop = set(attr(node, "itemprop").lower().split())
    names = tokens(node)
    label = attr(node, "aria-label")
    if label and len(label) <= 40:  # what the element is, said to screen readers: "Image caption", "Image credit"
        names = f"{names} {label.lower()}"
    if _CAPTION_CONTROL.search(names):
        return ""
    if itemprop & _CAPTION_ITEMPROPS:
        return "caption"
    if itemprop & _CREDIT_ITEMPROPS and (itemprop - _PERSON_ITEMPROPS or _in_media_item(node)):
        return "credit"
    if node.tag == "cite":  # a source's name, or (some galleries) the picture's caption, a sentence
        return "caption" if _sentence_not_credit(short_text(node, 200)) and not CREDIT_NAMES.found_in(names) else "credit"
    if node.tag == "a" and "license" in attr(node, "rel").lower().split():
        return "credit"  # HTML's rel=license: the picture's licence ("CC-BY-SA 2.0"), its credit line
    if node.tag == "figcaption":
        return "credit" if "credit" in names or "copyright" in names else "caption"
    if CREDIT_NAMES.found_in(names):
        return "credit"
    if CAPTION_NAMES.found_in(names):
        return "caption"
    return ""


def _in_media_item(node: Node) -> bool:
    """Is the item an `itemprop="author"` belongs to (its nearest ancestor with `itemscope`) a picture's
    (ImageObject, Photograph...)? The author of a NewsArticle is the article's byline ("By David A. Fahrenthold"
    after the lead photo), not the photo's credit; with no item within reach it counts as the picture's, as before."""
    parent = node.parent
    for _ in range(MAX_ITEM_CLIMB):
        if parent is None or parent.tag.startswith("-"):  # the document: no item
            return True
        if "itemscope" in parent.attributes:
            return bool(_MEDIA_ITEMS.search(attr(parent, "itemtype")))
        parent = parent.parent
    return True


def _sentence_not_credit(text: str) -> bool:
    """More than six words that do not read as a credit line: a caption, whatever element holds it ("Cars slide on
    Paseo del Norte in Albuquerque on November 24.")."""
    return _words(text) > 6 and not looks_like_credit(text)


def short_text(node: Node, limit: int = 120) -> str:
    """The element's visible text, read up to about `limit` characters (enough to tell it is short)."""
    return visible_text(node, limit=limit)


def is_junk(node: Node, doc: Doc | None = None) -> bool:
    if node.tag in ("button", "svg", "script", "style", "ul", "ol", "nav") and not kind(node):
        return True
    junk_name = bool(_JUNK.search(tokens(node))) and not kind(node)
    if doc is not None and doc.text_length(node) >= (40 if junk_name else 16):
        return False  # too long for a slide counter or a toolbar (known without reading the text)
    text = short_text(node) if doc is None or doc.shows_text(node) else ""
    if len(text) < 16 and _COUNTER.fullmatch(text):
        return True  # a slide counter ("3 / 12") or a photo-count badge ("3")
    if len(text) < 24 and (_CAPTION_CONTROL.fullmatch(text) or _EXPANDER.fullmatch(text)):
        return True  # a button's own words: "hide caption", "toggle caption", a long caption's "… more" / "less"
    if text and len(text) < 16 and _ARROW.fullmatch(text):
        return True  # a slider's arrow ("left", "next ›") between a slide's picture and its caption
    return junk_name and len(text) < 40


def read_roots(roots: list[Node], doc: Doc, credit_roots: frozenset[int] = frozenset(), how: str = "") -> CaptionHit:
    """Caption and credit text of a run of caption/credit elements (`credit_roots`: mem_ids of roots
    that no name marks but read as credit lines), found the way `how` says."""
    captions: list[str] = []
    credits: list[str] = []
    for root in roots:
        # a caption holds a few elements; a huge "caption" is read as plain text, not taken apart
        credit_nodes, junk = _inner_parts(root, doc) if doc.size(root) <= MAX_PARTS else ([], frozenset())
        if (kind(root) == "credit" or root.mem_id in credit_roots) and not credit_nodes:
            credits.append(visible_text(root, first_line=True, exclude=junk))
            continue
        exclude = frozenset(junk | {c.mem_id for c in credit_nodes})
        text = visible_text(root, exclude=exclude, limit=2 * MAX_CAPTION)
        if text:
            captions.append(text)
        credits += [t for t in (visible_text(c, first_line=True, exclude=junk) for c in credit_nodes) if t]
    caption = _framed(collapse(" ".join(dict.fromkeys(captions))))  # responsive duplicates say it once
    credit = collapse(" ".join(dict.fromkeys(credits)))
    if not credit:
        caption, credit = split_credit(caption)
        if not credit and looks_like_credit(caption) and _words(caption) <= 6:
            caption, credit = "", caption  # the "caption" is only a credit ("Bloomberg via Getty Images")
    elif caption and looks_like_credit(caption) and _words(caption) <= 6:
        credit, caption = (credit if caption == credit else collapse(f"{caption} {credit}")), ""
    if not credit and caption and _words(caption) <= MAX_LINKED_CREDIT_WORDS and _one_outside_link(roots, doc):
        caption, credit = "", caption  # "<figcaption><a href=https://stock.example/photos/1>herzblut</a>": its source
    credit = unbracketed(credit.strip().lstrip("/ "))
    dangling = _DANGLING_LABEL.search(caption) if credit and caption.rstrip()[-1:] in (":", "：", "©", ")") else None
    if dangling is not None:  # "The caption. ©" + "Agency / Name": the mark is the credit's
        caption, credit = caption[:dangling.start()].rstrip(), f"{dangling.group(1)} {credit}"
    caption, credit = with_contact_name(caption, credit)  # "… Carl Juste" + "cjuste@x.com": one credit
    return CaptionHit(caption=caption, credit=credit, nodes=roots, how=how)


MAX_LINKED_CREDIT_WORDS = 4


def _one_outside_link(roots: list[Node], doc: Doc) -> bool:
    """Is the only caption root's text all one link to a page of another site (an absolute http(s) URL)? A caption
    box holding nothing but a short linked name credits the picture's source (a photographer's page on a stock site)."""
    if len(roots) != 1 or doc.size(roots[0]) > MAX_PARTS:
        return False
    at = doc.index(roots[0])
    if at >= 0 and not doc.link_len[at] and roots[0].tag != "a":
        return False  # no text inside a link at all (the tables know it: no css() query per picture's caption)
    links = roots[0].css("a") if roots[0].tag != "a" else [roots[0]]
    if len(links) != 1 or not attr(links[0], "href").startswith(("http://", "https://")):
        return False
    return collapse(visible_text(links[0], limit=200)) == collapse(visible_text(roots[0], limit=200))


_FRAME = re.compile(r"^(?:[-–—•·*~]+\s+)+|(?:\s+[-–—•·*~]+)+$")


def _framed(text: str) -> str:
    """A caption without the dashes or bullets set around it as decoration ("- Tapie en 2008. REUTERS/B. T. -")."""
    return _FRAME.sub("", text) if text[:1] in "-–—•·*~" or text[-1:] in "-–—•·*~" else text


def _words(text: str) -> int:
    """Words of a line, its separators not counted ("Mandel Ngan / AFP / Getty Images": 5)."""
    return sum(1 for word in text.split() if any(c.isalnum() for c in word))


_BRACKETED = re.compile(r"[(\[]\s*([^()\[\]]+?)\s*[)\]]")


def unbracketed(credit: str) -> str:
    """A credit line set whole in brackets, without them: "(Foto: X/Agency)" -> "Foto: X/Agency"; a label with
    no name after it ("(Bild: )", the name left to a script) is no credit, nor is punctuation alone (a photographer's
    element left holding "." by the page's template)."""
    m = _BRACKETED.fullmatch(credit)
    credit = m.group(1) if m else credit
    return "" if _LABEL_ONLY.match(credit) or not any(c.isalnum() for c in credit) else credit


def _inner_parts(root: Node, doc: Doc) -> tuple[list[Node], frozenset[int]]:
    """Credit elements (deepest) and junk/label elements inside one caption root."""
    credit_nodes: list[Node] = []
    junk: set[int] = set()
    last_child = first_child = -1  # (mem_ids, read once per root when a child of it needs them; -1: not read yet)
    for node in within.elements(doc, root, include_self=False):
        label_only = bool(_LABEL_ONLY.match(collapse(node.text(deep=True) or ""))) and within.count(doc, node, 2) <= 1
        if is_junk(node) or (label_only and node.tag != "p"):
            junk.add(node.mem_id)
            continue
        k = kind(node)
        text = visible_text(node, limit=160)
        short_credit = bool(text) and looks_like_credit(text) and len(text) < 80
        # a caption of several blocks whose last short one is the credit ("<p>caption</p><p>AFP via Getty</p>")
        child = node.parent is not None and node.parent.mem_id == root.mem_id
        if child and last_child == -1:
            last_child, first_child = _last_child(root), _first_child(root)
        last_part = child and last_child == node.mem_id
        last_block = last_part and node.tag in _CREDIT_BLOCKS
        # the credit set before the caption as its first block ("<span>Photo: X</span> The caption…")
        last_block = last_block or (child and node.tag in _CREDIT_BLOCKS and first_child == node.mem_id
                                    and bool(CREDIT_LINE.match(text)))
        # a block that opens with a credit mark, wherever it stands: its first line is the credit
        # ("<p>Caption</p><p>© Jane Roe<br>Topics: <a>…</a></p><ul>…</ul>")
        own = leading_text(node) if node.tag in _CREDIT_BLOCKS else ""  # its own text opens with the mark, not a block inside it
        marked = False
        if own and (own.startswith("©") or CREDIT_LINE.match(own)):
            line = visible_text(node, first_line=True, limit=400)
            marked = (len(line) < 80 and bool(CREDIT_LINE.match(own)) and looks_like_credit(line)) or (
                len(line) <= MAX_MARKED and own.startswith("©") and len(line) < len(visible_text(root, limit=MAX_MARKED + 100)))
        if k == "credit" or marked or (short_credit and ((k == "caption" and kind(root) == "caption") or last_block)) or (
                last_part and _set_apart_name(node, root, text)):
            if not any(kind(d) == "credit" and not _LABEL_ONLY.match(collapse(d.text(deep=True) or ""))
                       for d in within.elements(doc, node, include_self=False)):  # the deepest credit, a "Credit:" label aside
                credit_nodes.append(node)
    credit_nodes = [c for c in credit_nodes if not any(o.mem_id != c.mem_id and _inside(c, o) for o in credit_nodes)]
    return credit_nodes, frozenset(junk)


MAX_MARKED = 500  # characters of a block opening with "©" read as the credit (an infographic's sources run long)
_CREDIT_BLOCKS = frozenset({"p", "div", "span", "small", "em", "i"})
_NAME_TAGS = frozenset({"span", "small", "em", "i", "strong", "b", "cite"})


def _set_apart_name(node: Node, root: Node, text: str) -> bool:
    """The caption's last part, set in an element of its own kind after the text, holding only a name of
    one to four words ("<span>The caption…</span><strong>Cedida</strong>"): the credit line."""
    if node.tag not in _NAME_TAGS or not 1 <= len(text.split()) <= 4 or not _NAME_LINE.match(text):
        return False
    parts = [c for c in itertools.islice(root.iter(include_text=True), 12)
             if c.tag != "-comment" and (c.tag != "-text" or (c.text_content or "").strip())]
    return len(parts) >= 2 and all(c.tag != "-text" for c in parts) and parts[0].tag != node.tag


def _last_child(root: Node) -> int | None:
    """mem_id of the last child element holding text, when the root has more than one such child."""
    with_text = [c for c in itertools.islice(root.iter(include_text=False), 12) if (c.text(deep=True) or "").strip()]
    return with_text[-1].mem_id if len(with_text) > 1 else None


def _first_child(root: Node) -> int | None:
    """mem_id of the root's first child element, when nothing but whitespace comes before it and text follows."""
    children = [c for c in itertools.islice(root.iter(include_text=True), 24)
                if c.tag != "-comment" and (c.tag != "-text" or (c.text_content or "").strip())]
    return children[0].mem_id if len(children) > 1 and children[0].tag != "-text" else None


def credit_part(node: Node) -> bool:
    """A short element whose whole text reads as a credit line ("Photo by X/Getty Images", "APA/Name", "EPA")."""
    text = visible_text(node, limit=160)
    if not 0 < len(text) <= 120 or not looks_like_credit(text):
        return False
    caption, credit = split_credit(text)
    return not caption or not credit  # not a caption with its credit ("The mayor. © X")


def _inside(node: Node, outer: Node) -> bool:
    return any(a.mem_id == outer.mem_id for a in ancestors(node))


def is_prose(el: Node, doc: Doc) -> bool:
    """Several paragraphs or a long text: article body, not a caption."""
    return doc.has_tags(el, "p", 2) or len(visible_text(el, limit=MAX_CAPTION)) > MAX_CAPTION // 2


__all__ = ["CAPTION_NAMES", "CREDIT_LINE", "CREDIT_NAMES", "MAX_CAPTION", "MAX_PARTS", "CaptionHit", "credit_hint", "unbracketed",
           "credit_part", "is_junk", "is_prose", "kind", "read_roots", "short_text"]
