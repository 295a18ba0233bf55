"""The HTML5 parser's tag tables as `nesting.open_levels` reads them (WHATWG HTML 13.2.6.4.7, "in body"):
which start and end tags push, pop or are ignored, the special elements, scope boundaries, markers, formatting
elements and the kind each tag is dispatched on."""

from __future__ import annotations

SWALLOWS = "\x01"  # a token from where the rest of the page is text (see `flatten._scannable`)

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol", "p", "search", "section",
    "summary", "ul", "pre", "listing", "xmp", "plaintext",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# elements without an end tag (the tree builder never pushes them)
VOID = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "image", "input",
                   "keygen", "link", "meta", "param", "source", "track", "wbr"})
# the void tags before which the parser pushes the waiting formatting elements again ("in body": area, br, embed, img,
# keygen, wbr, input; `<image>` is an <img>); not <hr>, <param>, <source>, <track>, nor those read by the "in head"
# rules (<link>, <meta>...): before those the elements keep waiting
_RECONSTRUCTING_VOID = frozenset({"area", "br", "embed", "img", "image", "keygen", "wbr", "input"})
FORMATTING = frozenset({"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"})
# elements the parser may close without their end tag (a block start tag closes an open <p>, an <li> the open <li>,
# a table part the open cell or row...), popping what is open above them: formatting elements among those wait to be
# pushed again (see `copy_bound`)
CLOSED_UNASKED = frozenset({
    "p", "li", "dd", "dt", "a", "nobr", "button", "select", "option", "optgroup", "table", "caption", "colgroup",
    "tbody", "thead", "tfoot", "tr", "td", "th", "rb", "rp", "rt", "rtc", "form", "h1", "h2", "h3", "h4", "h5", "h6",
})
_CELLS = frozenset({"td", "th"})
_SECTIONS = frozenset({"tbody", "thead", "tfoot"})
# elements the parser opens a marker for in the list of formatting elements: closing one forgets the
# formatting elements opened inside it
_MARKERS = frozenset({"applet", "marquee", "object", "td", "th", "caption", "template"})
_KEPT_MARKERS = frozenset({"object", "applet", "marquee"})  # markers only their own end tag clears (not a cell's)
# foreign elements are kept as "name " (SVG) and "name\t" (MathML): no HTML tag name holds a space or tab;
# the integration points, where tags are HTML again
# ("qitle ": an SVG <title> as `flatten._scannable` renames it after the first <svg> or <math>, so that the token pattern
# reads no raw text there; as "qitle" it was no integration point: `<svg><title><div>` repeated nested three times
# deeper in lexbor than in the model)
_INTEGRATION = frozenset({"mi\t", "mo\t", "mn\t", "ms\t", "mtext\t", "annotation-xml\t", "foreignobject ", "desc ", "title ",
                          "qitle "})
# (and <select> for lexbor: `<h1><select></h1>` leaves the <h1> open)
_SCOPE = frozenset({"applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "select"}) | _INTEGRATION
_SPECIAL = frozenset({
    "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote", "body", "br", "button",
    "caption", "center", "col", "colgroup", "dd", "details", "dir", "div", "dl", "dt", "embed", "fieldset",
    "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
    "header", "hgroup", "hr", "html", "iframe", "img", "input", "keygen", "li", "link", "listing", "main", "marquee",
    "menu", "meta", "nav", "noembed", "noframes", "noscript", "object", "ol", "p", "param", "plaintext", "pre",
    "script", "search", "section", "select", "source", "style", "summary", "table", "tbody", "td", "template",
    "textarea", "tfoot", "th", "thead", "title", "tr", "track", "ul", "wbr", "xmp",
}) | _INTEGRATION
# an HTML start tag that ends the foreign element it appears in (and <font> with color, face or size: counted as
# foreign here, which only counts deeper)
_BREAKOUT = frozenset({
    "b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed", "h1", "h2",
    "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta", "nobr", "ol", "p", "pre", "ruby",
    "s", "small", "span", "strong", "strike", "sub", "sup", "table", "tt", "u", "ul", "var",
})
# closed by the parser where it "generates implied end tags"
_IMPLIED_END = frozenset({"dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc"})
# end tags that pop up to their element when it is in scope (special elements above it or not)
_BLOCK_ENDS = (_BLOCKS - {"p", "xmp", "plaintext"}) | {"button", "select", "applet", "marquee", "object"}


# start-tag kinds
(_OTHER, _VOID_K, _IGNORED, _BLOCK, _HEADING, _FORM, _LIST_ITEM, _BUTTON, _FORMAT, _CLOSES_OWN, _TABLE, _TABLE_PART,
 _SELECT, _OPTION, _FOREIGN_ROOT) = range(15)
_START = {
    **dict.fromkeys(VOID, _VOID_K), **dict.fromkeys(("html", "head", "body", "frameset"), _IGNORED),
    **dict.fromkeys(_BLOCKS, _BLOCK), **dict.fromkeys(_HEADINGS, _HEADING), "form": _FORM,
    **dict.fromkeys(("li", "dd", "dt"), _LIST_ITEM), "button": _BUTTON,
    **dict.fromkeys(FORMATTING - {"a", "nobr"}, _FORMAT), "a": _CLOSES_OWN, "nobr": _CLOSES_OWN, "table": _TABLE,
    **dict.fromkeys(_CELLS | _SECTIONS | {"tr", "caption", "colgroup"}, _TABLE_PART),
    "select": _SELECT, "option": _OPTION, "optgroup": _OPTION, "svg": _FOREIGN_ROOT, "math": _FOREIGN_ROOT,
}
# end-tag kinds
_ANY, _IN_SCOPE, _P_END, _LI_END, _H_END, _FORM_END, _TABLE_END, _IGNORED_END, _BR_END, _FORMAT_END = range(10)
_END = {
    **dict.fromkeys(_BLOCK_ENDS | {"dd", "dt", "template"}, _IN_SCOPE), "p": _P_END, "li": _LI_END,
    **dict.fromkeys(_HEADINGS, _H_END), "form": _FORM_END,
    **dict.fromkeys(_CELLS | _SECTIONS | {"table", "tr", "caption", "colgroup"}, _TABLE_END),
    **dict.fromkeys(("html", "head", "body"), _IGNORED_END), "br": _BR_END, **dict.fromkeys(FORMATTING, _FORMAT_END),
}
# a table part pushed straight onto the one that holds it
_ROW_OF = {"td": ("tr",), "th": ("tr",), "tr": ("tbody", "thead", "tfoot")}
# per stack entry: special (bit 1), a scope boundary (2), special but not address/div/p (4: where an <li>
# stops looking for an open <li> to close)
_KIND = {name: (name in _SPECIAL) | (name in _SCOPE) << 1 | (name in _SPECIAL and name not in ("address", "div", "p")) << 2
         for name in _SPECIAL | _SCOPE}
NOAH = 3  # alike formatting elements the parser keeps in its list (its "Noah's Ark" clause)
MAX_PENDING = 512  # formatting elements pushed again at once (more: the page already nested that deep)
FORGET_LOOK = 16  # waiting formatting elements an end tag of their name looks through


def _self_closing(rest: str) -> bool:
    """`<x/>`, `<x a="b"/>`, `<x a />`: a foreign element that closes itself (`<x a=b/>` does not: the "/"
    is part of the unquoted value)."""
    return rest[-1:] == "/" and (len(rest) == 1 or rest[-2] in "\"' \t\n\f\r")


def _key(name: str, rest: str) -> str:
    """A formatting element as its "Noah's Ark" clause compares them: name and attributes (as written)."""
    rest = rest.strip(" \t\n\f\r/")
    return f"{name}\x02{rest}" if rest else name
