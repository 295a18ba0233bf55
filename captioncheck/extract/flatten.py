"""Flattening a page before it is parsed: nesting deeper than the tree builder can afford, and the formatting
elements a page would make the parser copy without end.

Lexbor's tree building is quadratic in the depth of its stack of open elements, so `cap_nesting` drops the
tags of the middle levels of a page nested deeper than MAX_DEPTH (as browsers flatten), with the depths the
HTML5 tree builder gives (`nesting.open_levels`, or, where its rules are read in Python, on a large well-nested page
the plain count, numpy passes); and the start tags of formatting elements the parser would push again past its budget
(`nesting.copy_budget`). The page is read as the HTML tokenizer reads it (`_scannable`, `_page_tokens`: comments,
raw-text elements, then tags; one `re.split` of the token pattern, or the same split in one C pass by `_page_tokens.pyx`
where it is built). See docs/extraction.md, "Hostile pages".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from captioncheck.extract import select_lists
from captioncheck.extract.compiled import checked
from captioncheck.extract.nesting import (
    CLOSED_UNASKED,
    FORMATTING,
    SWALLOWS,
    VOID,
    compiled_levels,
    copy_budget,
    open_levels,
    part_lengths,
)

if TYPE_CHECKING:
    import numpy as np

MAX_DEPTH = 512  # deeper start tags are dropped before parsing, as browsers flatten (Chromium: 512)
_RAW_TEXT = "script|style|textarea|title|xmp|iframe|noembed|noframes"


# SWALLOWS is put after the "<" of an unclosed raw-text start tag or comment opener (see `_scannable`)
# The page's tokens, scanned left to right as the HTML tokenizer does: comments, raw-text elements, then tags (a
# tag's brackets hold its attributes, so a "<!--" or "<script" written there starts nothing; see `_token_patterns`).
# A SWALLOWS mark met as text is where the rest of the page is text. (All these run on lower-cased text:
# case-insensitive alternations are several times slower.)
# Where a token ends is the tokenizer's rule (WHATWG HTML 13.2.5): a comment at its first "-->" or "--!>", or at
# once written "<!-->" or "<!--->"; a bogus comment (or a doctype) at its first ">"; a raw-text element at its first
# end tag of its name followed by whitespace, "/" or ">" (`</script foo>` ends it too); and a tag's name runs up to
# whitespace, "/" or ">" (`<script-x>`, `<script\v>` are other elements, no raw text; `<span\v>` is no <span>, which
# would end an <svg>; whitespace is the tokenizer's five characters, not Python's `\s`). Read further than the tokenizer
# reads them, they hid the tags after them from the depth counts (200 000 nested <div>s after one `<!-- x --!>` parsed
# for minutes).
_WHITESPACE = r"\t\n\f\r "  # the tokenizer's whitespace (a character class's inside)
_DELIMITER = rf"[{_WHITESPACE}/>]"  # what ends a tag's name
_END_REST = rf"(?:[{_WHITESPACE}/][^>]*)?>"  # the rest of an end tag after its name (attributes are read and dropped)
_TOKENS = (r"<(?:!(?:--(?:-?>|.*?--!?>)|[^>]*>)|\?[^>]*>|/(?![a-z])[^>]*>|"  # comments, bogus comments ("<!" not
           # followed by "--": "<![CDATA[" outside <svg> and <math>, "<!doctype"; "<?"; "</" not followed by a letter),
           # whose "<title>" or "<!--" opens nothing; then raw-text elements ("<" factored out: ~10 % faster)
           + "|".join(rf"{name}(?={_DELIMITER})[^>]*>.*?</{name}{_END_REST}" for name in _RAW_TEXT.split("|"))
           + ")")
# a tag's inside up to its ">" when a value quoted after "=" may hold ">" (a quote anywhere else is a plain
# character, and an unclosed one ends nothing: the tag ends at the next ">", as if the page went on after it)
_TAG_BODY = r"""(?:[^>="']++|=\s*+"[^"]*+"|=\s*+'[^']*+'|[="'])*+>"""
_QUOTED_GT = re.compile(r"""=\s*(?:"[^">]*>|'[^'>]*>)""")  # a quoted value holding ">": the tags need `_TAG_BODY`


def _token_pattern(tags: str) -> re.Pattern[str]:
    """The page split into its text and tokens, three groups per token: a comment or raw-text element whole
    (None for a tag), and a tag's name and the rest up to its ">" as `nesting.open_levels` reads them
    ("/name" for an end tag, SWALLOWS)."""
    return re.compile(f"({_TOKENS})" + rf"|<(/?[a-z][^{_WHITESPACE}/>]*|{SWALLOWS})({tags})>", re.DOTALL)


# a tag's name and the rest up to its first ">" (C-speed); where a quoted value holds ">", up to the ">" after its
# quoted values
_PLAIN_TOKENS = _token_pattern(r"[^>]*")
_QUOTED_TOKENS = _token_pattern(_TAG_BODY[:-1])
_RAW_OPEN = {name: re.compile(rf"<(?={name}{_DELIMITER}[^>]*>|{name}>)") for name in _RAW_TEXT.split("|")}
_RAW_OPENER = {name: re.compile(rf"<{name}(?={_DELIMITER})") for name in _RAW_TEXT.split("|")}
_RAW_END = {name: re.compile(rf"</{name}(?={_DELIMITER})") for name in _RAW_TEXT.split("|")}
_RAW_CLOSE = re.compile(rf"</({_RAW_TEXT}){_END_REST}")
_RAW_NAME = re.compile(rf"<({_RAW_TEXT})(?={_DELIMITER})")
_FOREIGN = re.compile(r"<(?:svg|math)")
# control characters other than the tokenizer's whitespace: part of a tag's name (`<span\v>` is an element of its own)
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _scannable(lower: str) -> str:
    """`lower` made safe for the tag regexes above, which match the same things in it.

    Each failed attempt of `<!--.*?-->`, `<script...>.*?</script>` or `<a[^>]*>` scans to the end
    of the text, so a page of thousands of unclosed <iframe>s or comments, or of `<a` without any
    `>`, made them quadratic (a 2 MB page: many minutes). Every match needs a ">": the text is cut
    after its last one. A raw-text start tag or comment opener with no end after it can never
    match its alternative: the character after its "<" becomes SWALLOWS ("<iframe" -> "<\\x01frame",
    "<!--" -> "<\\x01--"), so it fails at once. The first such opener met as text (not inside a
    comment, a closed raw-text element or another tag's brackets) is where a browser reads the rest
    of the page as that element's text or as a comment: the depth counts stop there, before the first
    `<svg>` or `<math>` only (see below). Control characters become "?" (in a tag's name, `open_levels` would read a
    last one as its mark of a foreign element). Lengths are kept, so positions still index the original page.

    The unclosed openers of one kind are those after its last end (each later one is unclosed too):
    each kind is found with one search and marked with one C-speed pass over the rest.
    """
    lower = lower[: lower.rfind(">") + 1].replace(SWALLOWS, " ")  # a page's own \x01 marks nothing
    if _CONTROL_CHARACTER.search(lower):  # (in a tag name: `open_levels` marks foreign elements by a last " " or tab)
        lower = _CONTROL_CHARACTER.sub("?", lower)
    first_foreign = _FOREIGN.search(lower)
    foreign = first_foreign.start() if first_foreign is not None else len(lower)
    if foreign < len(lower) and _HIDES_TEXT.search(lower, 0, foreign):
        probe = _marked(lower, len(lower))
        foreign = _first_foreign_tag(probe)
        if foreign == len(lower):  # every "<svg"/"<math" was text: the probe is the page's marks
            return probe
    return _marked(lower, foreign)


# what can make a later "<svg" or "<math" text (a comment, a bogus comment, a raw-text element): `_first_foreign_tag`
_HIDES_TEXT = re.compile(rf"<!|<\?|</(?![a-z])|<(?:{_RAW_TEXT})(?={_DELIMITER})")
_FOREIGN_TAG = re.compile(rf"({_TOKENS})|<(?:svg|math)(?={_DELIMITER})", re.DOTALL)


def _first_foreign_tag(marked: str) -> int:
    """Where the first <svg> or <math> start tag is (the page's length when none), skipping comments and raw text:
    one in a <title>'s text (`<title><math></title>`) starts no foreign content, and reading the <title>s after it as
    ordinary tags made the model 3x shallower than lexbor on `<dialog><title><math></title>` repeated (`marked`: the
    page with its unclosed openers marked, so that no alternative scans to the end of the page)."""
    for found in _FOREIGN_TAG.finditer(marked):
        if found.group(1) is None:
            return found.start()
    return len(marked)


def _marked(lower: str, foreign: int) -> str:
    """`_scannable`'s marks, foreign content from `foreign` on."""
    last_closes: dict[str, int] = {}
    for m in _RAW_CLOSE.finditer(lower):  # one pass (a backward search per name walked the page from its end)
        last_closes[m.group(1)] = m.start()
    opened = set(_RAW_NAME.findall(lower))  # one pass for every kind (a substring search each took 8)
    for name, opener in _RAW_OPEN.items():
        if name not in opened:
            continue
        last_close = last_closes.get(name, -1)
        # an opener is unclosed when its tag ends after the last end; no ">" lies between such an opener
        # and that end, so the first unclosed one is the first opener after the last ">" before the end
        first = opener.search(lower, lower.rfind(">", 0, last_close) + 1 if last_close >= 0 else 0, foreign)
        if first is not None:
            at = first.start()
            lower = lower[:at] + _RAW_OPENER[name].sub("<" + SWALLOWS + name[1:], lower[at:foreign]) + lower[foreign:]
    if foreign < len(lower):
        # from the first <svg> or <math> on, <style>, <title>, <script>... are no raw text (foreign content
        # reads their text as tags; an SVG <title> holds HTML): they count as ordinary tags ("<qtyle>", and their end
        # tags "</qtyle>": an SVG <title> closed by `</title a=b>` left open read the foreign <colgroup>s after it as
        # ignored table parts), which may over-count after the foreign element ends, never under-count
        tail = lower[foreign:]
        for name in set(_RAW_NAME.findall(tail)):
            tail = _RAW_OPENER[name].sub("<q" + name[1:], tail)
            tail = _RAW_END[name].sub("</q" + name[1:], tail)
        lower = lower[:foreign] + tail
    at = _first_unclosed_comment(lower)
    if at >= 0:  # (after a foreign element's start it ends no count: it is then only no comment, "<%--")
        lower = (lower[:at] + lower[at:max(at, foreign)].replace("<!--", "<" + SWALLOWS + "--")
                 + lower[max(at, foreign):].replace("<!--", "<%--"))
    return lower



def _first_unclosed_comment(lower: str) -> int:
    """Where the first comment opener with no end after it is (-1 when every one ends): an end is "-->" or "--!>"
    after the opener's own "<!--", or the opener written "<!-->" or "<!--->" (an empty comment)."""
    last_end = max(lower.rfind("-->"), lower.rfind("--!>"))  # where the page's last comment end starts
    at = lower.find("<!--", max(last_end - 3, 0))  # openers before it end by it (or earlier)
    while at >= 0 and (lower.startswith(("<!-->", "<!--->"), at) or last_end >= at + 4):
        at = lower.find("<!--", at + 4)  # this one ends (by itself, or by the last end after its "<!--")
    return at


def max_depth(html: str) -> int:
    """How deep the HTML5 tree builder nests the page's elements (`nesting.open_levels`), up to where an
    unclosed raw-text element or comment makes the rest of the page text."""
    return open_levels(page_tokens(html))[1]


def page_tokens(html: str) -> list[str | None]:
    """The page's text and tokens as `open_levels` reads them (see `_page_tokens`)."""
    return _page_tokens(_scannable(html.lower()))[0]


def _page_tokens(scannable: str) -> tuple[list[str | None], re.Pattern[str]]:
    """The page split into text and tokens as `open_levels` reads them (per token, the text before it, a comment
    or raw-text element, a tag's name and its rest), and the pattern whose `re.split` gives them.

    Tags end at the ">" after their quoted values, as the tokenizer reads them ("<div title='>' <!--" is one tag, no
    comment: the comment would hide the nesting after it; `<div title='>'>` holds no text "'>", which the parser
    would not see either: read as text, it made the model push waiting formatting elements where the parser does
    not, and count none of the copies the parser then makes). The compiled split reads every page so, at the speed
    of the first-">" scan. Without it, the regexes: the first-">" scan (C-speed), and the slower quoted one only
    where the first leaves QUOTED_SCAN_TAGS "<" or more inside its tokens (comments, raw text, attribute values)
    and a quoted value holds ">"."""
    split = compiled_split()
    if split is not None:
        return split(scannable, True), _QUOTED_TOKENS
    parts = _PLAIN_TOKENS.split(scannable)
    if scannable.count("<") - len(parts) // 4 >= QUOTED_SCAN_TAGS and _QUOTED_GT.search(scannable):
        return _QUOTED_TOKENS.split(scannable), _QUOTED_TOKENS
    return parts, _PLAIN_TOKENS


# a probe of every kind of token the patterns tell apart, ended every way the tokenizer ends it, and the marks `_scannable`
# leaves (SWALLOWS, "?" for control characters); a quoted value holding ">", an unclosed quote, "=" before no quote
_SPLIT_PROBE = ("x<p>a</p><!-- c --><!-- d --!><!--><!---><!---->e<!x><?php 1?></3 a><![cdata[<title>]]><script>'<div>'"
                "</script><script>a</script x><script-x>b</script-x><script\x0c>c</script/><style>d</style><textarea>"
                "<p></textarea ><title>t</title\n><xmp><b></xmp><iframe src=x></iframe><noembed>n</noembed>"
                "<noframes>f</noframes><div title='>' class=\"a>b\" data-x= \"y\">g</div><a href=\"x>h<b c='>"
                "<span\x0b>\u00e9<\x01frame>i<\x01-- j><svg><qitle>k</qitle></svg><br/><img src=a.jpg / ><a = b>"
                "<p =\u00a0'>'>< p>a<1b<<b>c<</x>d< /e><!--f")


@functools.cache
def compiled_split() -> Callable[[str, bool], list[str | None]] | None:
    """`_page_tokens.split_tokens` when it is built after this module and splits a probe page as both token patterns
    do, else None (checked once per process)."""
    module = checked("_page_tokens", ("_page_tokens.pyx", "flatten.py"), "token split", _splits_the_probe)
    return module.split_tokens if module is not None else None


def _splits_the_probe(module: ModuleType) -> bool:
    return all(module.split_tokens(text, False) == _PLAIN_TOKENS.split(text)
               and module.split_tokens(text, True) == _QUOTED_TOKENS.split(text)
               for text in (_SPLIT_PROBE, _SPLIT_PROBE + ">"))


# without the compiled split: "<" inside the first-">" scan's tokens from which a page is looked at for quoted values
# holding ">" (fewer can hide at most a few thousand levels from the count, which lexbor builds in a few hundredths
# of a second; the regex search for such a value costs ~30 ms on 2 MB of attributes, the slower scan as much again)
QUOTED_SCAN_TAGS = 8192
NUMPY_TAGS = 50_000  # from this many tags a page's tables are numpy arrays (`Doc.parse`): its loops pay for its import
CAP_ROUNDS = 3  # a capped page whose tree would still nest too deep is capped again, this many times at most


def cap_nesting(html: str, max_nesting: int = MAX_DEPTH) -> str:
    """Flatten nesting deeper than `max_nesting`: the tags of the middle levels are dropped (their
    text stays), the outer and the innermost `max_nesting // 2` levels are kept.

    HTML5 tree building is quadratic in nesting depth (every <div> checks the open-element stack),
    so a 2 MB page of 200 000 nested <div>s would parse for minutes; browsers flatten such pages
    too. Levels are those the tree builder would give (`nesting.open_levels`: an end tag that closes
    nothing nests, it does not close). A page that never nests that deep is returned unchanged.

    A page on which the parser would push formatting elements again ("reconstruct" them) more than its
    budget (`nesting.CLONE_FLOOR` plus `CLONE_BUDGET` per tag of the page) loses the start tags of those
    formatting elements (their text stays): `<div><b class=1>...<b class=300></div>` then `<p>x</p>` 2 000
    times would make 600 000 elements from 20 KB, and ~10^9 from 2 MB.

    A page of more than MAX_IGNORABLE start tags with attributes that the parser may ignore (table parts outside any
    table, repeats of `<html>`/`<head>`/`<body>`) loses those it does ignore (`open_levels` tells which): lexbor keeps
    every ignored token's attributes, and 200 000 `<td id=x>x` (2 MB) grew its memory to 2.8 GB in 7 s; for the
    same reason end tags written with attributes lose them (`_end_tags_bare`).

    The tokens come from one `findall` and one `re.split` of the same scan (C speed), their positions and
    the dropped ones are numpy passes, and the page is rebuilt from the runs between dropped tags. Dropping tags
    can leave elements of the kept inner levels open that a dropped end tag would have closed: the
    capped page is measured again and capped again while it still nests deeper than twice the cap.
    """
    if html.count("<") * 4 <= max_nesting:  # each tag adds at most a few levels (a <td> adds <tbody><tr>)
        return html
    html = _end_tags_bare(html)
    options = select_lists.may_need_cap(html)
    measured: _Measured | None = None
    for _ in range(CAP_ROUNDS):
        capped = _cap_once(html, max_nesting, options, measured)
        options = False
        if capped is None:
            return html
        html, measure = capped
        if not measure:  # only options dropped: no level moved
            break
        too_deep, measured = _still_too_deep(html, 2 * max_nesting)
        if not too_deep:
            break
    return html


# What `open_levels` said of a page: its tokens, the level per token, the deepest, the formatting start tags to drop and
# the ignored start tags (`_still_too_deep` measures a capped page; the next round cuts it from the same reading)
_Measured = tuple[list[str | None], list[int], int, list[int], list[int]]


def _still_too_deep(html: str, accepted: int) -> tuple[bool, _Measured | None]:
    """Does a capped page still nest deeper than `accepted`, or make the parser copy formatting elements past
    its budget? On a large page whose end tags each close the latest open start tag of their name, the plain
    count answers (the tree nests at most twice as deep, see `_well_formed_levels`) without `open_levels`'s
    Python step per tag: a formatting bomb's capped page is such a page (its unclosed `<b>`s dropped). With the
    answer, what `open_levels` read when it was asked and the next round would ask it the same (its tokens at the
    page's own positions, no plain count to use instead): the next round cuts from it (a page capped three times
    was read six times, 0.3-0.6 s a reading at 2 MB)."""
    lower = html.lower()
    parts = _page_tokens(_scannable(lower))[0]
    plain = _well_formed_levels(parts[2::4]) if _plain_count_pays(parts) else None
    if plain is not None and 2 * plain[1] <= accepted:
        return False, None
    drop: list[int] = []
    strays = _may_ignore_many(lower)
    ignored: list[int] = []
    levels, deepest = open_levels(parts, drop, ignored if strays else None)
    too_deep = deepest > accepted or bool(drop)
    reusable = too_deep and len(lower) == len(html) and (plain is None or strays)  # (else `_cap_once` counts plainly)
    return too_deep, ((parts, levels, deepest, drop, ignored) if reusable else None)


def _plain_count_pays(parts: list[str | None]) -> bool:
    """Is the plain count (`_well_formed_levels`, numpy passes: ~0.1 s for 400 000 tags) worth trying before the
    model? On a large page whose model is read in Python (~0.5 us a tag); the compiled model reads it in less
    (~0.05 us a tag) and exactly."""
    return len(parts) >= 4 * NUMPY_TAGS and compiled_levels() is None


def _well_formed_levels(names: list[str | None]) -> tuple[np.ndarray, int] | None:
    """When every end tag closes the latest start tag not yet closed, of the same name, and all are closed at
    the end (void tags aside): per token the level it opens or closes by that plain count (0 for the rest),
    and the deepest; else None. Numpy passes over a large page's tags (~0.1 s for 400 000).

    On such a page the tree builder nests no deeper than twice that count (the <tbody> and <tr> it adds;
    what else it does only closes elements sooner, and a formatting element it pushes again was one of
    those still open in the count): `cap_nesting` needs no `open_levels` (~0.5 us a tag in Python) there,
    which is most large pages (flat blocks, tables, lists of links, 200 000 nested <div>s).

    Such a page can still make the parser copy formatting elements without end: `<p>` + 200 `<b class=cN>` +
    `<div>x</div>` x 26 000 + 200 `</b>` + `</p>` is well nested, yet the first `<div>` closes the `<p>` and
    pops the `<b>`s, which the parser then pushes again inside every `<div>` (5.2 million elements from
    315 KB). A formatting element is pushed again only while it waits, from where an element it is inside is
    closed without its end tag (`nesting.CLOSED_UNASKED`) to its own end tag, at most once per token and text
    between: the spans of the formatting elements inside such an element bound the copies. Above
    `nesting.copy_budget`, None (`open_levels` counts them)."""
    import numpy as np

    if SWALLOWS in names:
        return None
    code: dict[str | None, int] = {None: 0}  # per name: + its base name's number for a start tag, - for an end tag
    bases: dict[str, int] = {}
    for name in set(names) - {None}:
        base = name.removeprefix("/")  # type: ignore[union-attr]
        number = bases.setdefault(base, len(bases) + 1)
        code[name] = 0 if base in VOID else number if name == base else -number
    signed = np.fromiter(map(code.__getitem__, names), dtype=np.int32, count=len(names))
    counted = np.flatnonzero(signed)
    signed = signed[counted]
    start = signed > 0
    step = np.where(start, 1, -1)
    depth = np.cumsum(step)
    if not depth.size:  # void tags only: nothing nests
        return np.zeros(len(names), dtype=np.int64), 0
    if depth[-1] != 0 or depth.min() < 0:
        return None
    level = np.where(start, depth, depth + 1)  # the level each start tag opens, each end tag closes
    # per level, its start and end tags alternate in page order (levels under 2^16 sort by radix: ~5x faster)
    order = np.argsort(level.astype(np.uint16) if depth.max() < 1 << 16 else level, kind="stable")
    name_id = np.abs(signed)
    if not np.array_equal(name_id[order[0::2]], name_id[order[1::2]]):
        return None
    if _copy_bound(bases, name_id, start, step, counted, order, names) > copy_budget(len(names)):
        return None
    levels = np.zeros(len(names), dtype=np.int64)
    levels[counted] = level
    return levels, int(depth.max())


def _copy_bound(bases: dict[str, int], name_id: np.ndarray, start: np.ndarray, step: np.ndarray, counted: np.ndarray,
                order: np.ndarray, names: list[str | None]) -> int:
    """For `_well_formed_levels`: twice the summed spans (in tokens) of the formatting elements that lie inside
    an element the parser may close without its end tag and hold a start tag that may close one: a start tag other than
    a void one, or an `<hr>` (it closes an open <p>). One that holds only text and other void tags (`<li><a href><img>
    </a></li>`, a list of linked thumbnails) is never popped before its end tag, so it never waits to be pushed again.
    No bound (2^62) when an <a> or <nobr> opens inside another of its name: its clones are the model's to count."""
    import numpy as np

    formatting = np.zeros(len(bases) + 1, dtype=bool)
    closable = np.zeros(len(bases) + 1, dtype=bool)
    for base, number in bases.items():
        formatting[number] = base in FORMATTING
        closable[number] = base in CLOSED_UNASKED
    if not formatting.any() or not closable.any():
        return 0
    for like in ("a", "nobr"):  # one inside another of its name: the parser's adoption agency clones formatting
        number = bases.get(like)  # elements (`nesting.OpenElements.count_adopted`), which spans do not bound
        if number is not None:
            own = name_id == number
            if own.any() and int(np.cumsum(step[own]).max()) > 1:
                return 1 << 62
    is_closable = closable[name_id]
    inside = np.cumsum(np.where(is_closable, step, 0)) - (is_closable & start)  # such elements open around it
    waits = start & formatting[name_id] & (inside > 0)
    starts, ends = order[0::2], order[1::2]  # each element's start and end tag (positions among `counted`)
    waits_at = waits[starts]
    starts, ends = starts[waits_at], ends[waits_at]
    # (between an element's start and end tags on a well-formed page, any other counted token belongs to an element
    # opened inside it: holding none means holding no start tag but void ones)
    holds = ends - starts > 1
    if "hr" in bases:
        rules = np.flatnonzero(np.fromiter((name == "hr" for name in names), dtype=bool, count=len(names)))
        holds |= np.searchsorted(rules, counted[starts]) < np.searchsorted(rules, counted[ends])
    return 2 * int((counted[ends[holds]] - counted[starts[holds]]).sum())


def _as_array(values: list[int] | np.ndarray) -> np.ndarray:
    import numpy as np  # (only for a page nested deeper than the cap: thousands of tags)

    return np.asarray(values, dtype=np.int64)


# start tags the parser ignores outside a table (or repeats of the page's <html>/<head>/<body>), with attributes
_IGNORABLE = re.compile(r"<(?:td|th|tr|tbody|thead|tfoot|caption|col|colgroup|html|head|body|frame|frameset|form)\s[^<>]*=")
# an end tag written with attributes (a parse error: the tokenizer reads them and the tree builder drops them)
_END_WITH_ATTRIBUTES = re.compile(rf"</([a-zA-Z][^{_WHITESPACE}/>]*)[{_WHITESPACE}/]" + _TAG_BODY)
MAX_IGNORABLE = 1_000  # such tags a page may hold before `open_levels` is asked which of them the parser ignores


def _may_ignore_many(lower: str) -> bool:
    """Does the page hold more than MAX_IGNORABLE start tags with attributes that the parser may ignore? (C-speed
    scan, stopped at the bound)."""
    if sum(map(lower.count, ("<t", "<c", "<h", "<b", "<f"))) <= MAX_IGNORABLE:  # each such tag starts so
        return False
    return _more_than(MAX_IGNORABLE, _IGNORABLE, lower)


def _end_tags_bare(html: str) -> str:
    """The page with its end tags' attributes dropped when more than MAX_IGNORABLE end tags carry any: lexbor keeps
    those of an end tag it ignores (`</div id=x>` with no <div> open), 100 000 of them between text took 800 MB;
    the tree is the same without them (end tags' attributes are never used)."""
    if html.count("</") <= MAX_IGNORABLE:
        return html
    return _END_WITH_ATTRIBUTES.sub(r"</\1>", html) if _more_than(MAX_IGNORABLE, _END_WITH_ATTRIBUTES, html) else html


def _more_than(bound: int, pattern: re.Pattern[str], text: str) -> bool:
    """Does `pattern` match more than `bound` times in `text`? (The scan stops at the first match past the bound.)"""
    return sum(1 for _ in zip(range(bound + 1), pattern.finditer(text))) > bound


def _cap_once(html: str, max_nesting: int, options: bool = False,
              measured: _Measured | None = None) -> tuple[str, bool] | None:
    """`html` with the tags of its middle levels dropped, or None when it nests no deeper than `max_nesting`
    (and, with `options`, holds no select longer than `select_lists` allows: their extra options are dropped);
    with it, whether levels were cut or formatting tags dropped (the page is to be measured again). `measured`:
    what `open_levels` already read of this page (`_still_too_deep`)."""
    levels: list[int] | np.ndarray
    if measured is not None and not options:
        parts, levels, deepest, drop, ignored = measured
        options_dropped = 0
    else:
        lower = html.lower()
        if len(lower) != len(html):  # a few characters lower-case to two: keep positions exact
            lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in html)
        parts = _page_tokens(_scannable(lower))[0]
        # option start tags past the bounds of their select, then formatting start tags the parser would copy
        # past its budget (`open_levels`)
        drop = select_lists.option_drops(parts) if options else []
        options_dropped = len(drop)
        strays = _may_ignore_many(lower)  # the ignored start tags are known from `open_levels` only
        ignored = []  # (dropping them moves no level: nothing to measure again)
        plain = _well_formed_levels(parts[2::4]) if _plain_count_pays(parts) and not strays else None
        shallow = plain is not None and 2 * plain[1] <= max_nesting  # the tree builder nests no deeper than the cap
        if shallow and not drop:
            return None
        # shallow (no level is cut) or deep by the plain count too: its levels will do
        if plain is not None and (shallow or plain[1] > max_nesting):
            levels, deepest = plain
        else:
            levels, deepest = open_levels(parts, drop, ignored if strays else None)
    if deepest <= max_nesting and not drop and not ignored:  # (never so for the plain count's levels: see above)
        return None
    level = _as_array(levels)
    del levels, measured
    import numpy as np  # a page nested this deep has thousands of tags: numpy's loops pay for its import

    # keep the outer levels (page layout) and the innermost ones (the picture and its caption)
    cut = np.flatnonzero((level > max_nesting // 2) & (level <= deepest - max_nesting // 2))
    measure = bool(cut.size) or len(drop) > options_dropped
    if drop or ignored:
        cut = np.union1d(cut, np.array(drop + ignored, dtype=np.int64))
    del level
    # each token's length: a comment or raw-text element's own, a tag's "<", name, rest and ">" (the groups a
    # token lacks are None, measured 0)
    size = part_lengths(parts)
    token_len = size[1::4] + np.where(size[2::4] > 0, size[2::4] + size[3::4] + 2, 0)
    ends = np.cumsum(np.stack((size[0:-1:4], token_len), axis=1).ravel())  # token k: ends[2k]..ends[2k + 1]
    del parts, size
    # the kept runs: from the end of one dropped tag to the start of the next (empty between adjacent ones)
    run_start = np.concatenate(([0], ends[2 * cut + 1]))
    run_end = np.concatenate((ends[2 * cut], [len(html)]))
    nonempty = run_end > run_start
    return "".join([html[a:b] for a, b in zip(run_start[nonempty].tolist(), run_end[nonempty].tolist())]), measure
