"""How deep the HTML5 tree builder nests a page's elements, read from its tags alone.

Lexbor's tree building is quadratic in the depth of its stack of open elements (a `<div>` start tag
looks down the stack for an open `<p>`), so `dom.cap_nesting` flattens pages nested deeper than a few
hundred levels before they are parsed. Counting "+1 per start tag, -1 per end tag" is not how the
tree builder nests: `<div></x>` repeated nests 50 000 deep (an end tag with no open element of its
name closes nothing), `<span><div></span></div>` too (`</span>` is ignored while a `<div>` is open
above the span), `<ul><li>` twice as deep as counted (an `<li>` closes only an `<li>` with no other
list above it), and `<table><tr><td>` four levels per table (the parser adds `<tbody>`).

`open_levels` follows the "in body" rules of the WHATWG HTML parser (13.2.6.4.7) for what changes
the depth of that stack, one step per tag with a few list operations each (amortised O(1): every
element is pushed once and popped once; each name keeps the stack positions where it is open):

* start tags push, void tags do not; `<p>` and the other blocks close an open `<p>` in button scope,
  `<li>`/`<dd>`/`<dt>` close theirs when no other special element is open above it, `<select>`
  inside a `<select>` closes it, `<option>` closes an `<option>` at the top, `<a>`/`<nobr>` close an
  open one of their name, table parts close the open cell, row or section and add `<tbody>`/`<tr>`,
  a `<form>` is ignored until the last one's `</form>` (the parser's form pointer);
* an end tag of a block (`</div>`) pops up to its element when one is in scope (lexbor counts `<select>`
  among the scope boundaries); any other end tag pops up to the nearest open element of its name only
  when no special element lies above it; otherwise, or with nothing of its name open, it is ignored;
  `</form>`, and a formatting end tag with a special element inside its element (the adoption agency),
  take that one element out of the stack, what it held stays open;
* formatting elements (`<b>`, `<font>`, `<a>`...) that were popped without their own end tag are
  pushed again before the next text (blank text too) or inline tag (the parser "reconstructs" them;
  inside a block that starts first), at most three alike (its "Noah's Ark" clause, attributes compared
  as written), and not past a cell, caption or `<object>` opened after them (its "markers");
* inside `<svg>`/`<math>`, `<x/>` pushes nothing, end tags match foreign elements, and an HTML tag
  such as `<div>` or `<p>` (or `</p>`, `</br>`) pops back out of the foreign element first.

Where the model is unsure it errs towards counting deeper. Left out: the adoption agency's clones
(`<b><div></b>`: only the `<b>` leaves the stack), `<table>` closing a `<p>` in standards mode,
`<ruby>` parts. Tested against lexbor's own tree on generated pages (`tests/extract/test_nesting.py`):
equal on well-formed nesting, never below half of lexbor's depth on random and repeated mis-nestings.
"""

from __future__ import annotations

from collections import defaultdict

SWALLOWS = "\x01"  # a token from where the rest of the page is text (see `dom._scannable`)

_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol", "p", "search", "section",
    "summary", "ul", "pre", "listing", "xmp", "plaintext",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# elements without an end tag (the tree builder never pushes them)
VOID = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "image", "input",
                   "keygen", "link", "meta", "param", "source", "track", "wbr"})
FORMATTING = frozenset({"a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"})
_FORMATTING = FORMATTING
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
# foreign elements are kept as "name " (SVG) and "name\t" (MathML): no HTML tag name holds a space or tab;
# the integration points, where tags are HTML again
_INTEGRATION = frozenset({"mi\t", "mo\t", "mn\t", "ms\t", "mtext\t", "annotation-xml\t", "foreignobject ", "desc ", "title "})
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
    **dict.fromkeys(_FORMATTING - {"a", "nobr"}, _FORMAT), "a": _CLOSES_OWN, "nobr": _CLOSES_OWN, "table": _TABLE,
    **dict.fromkeys(_CELLS | _SECTIONS | {"tr", "caption", "colgroup"}, _TABLE_PART),
    "select": _SELECT, "option": _OPTION, "optgroup": _OPTION, "svg": _FOREIGN_ROOT, "math": _FOREIGN_ROOT,
}
# end-tag kinds
_ANY, _IN_SCOPE, _P_END, _LI_END, _H_END, _FORM_END, _TABLE_END, _IGNORED_END, _BR_END, _FORMAT_END = range(10)
_END = {
    **dict.fromkeys(_BLOCK_ENDS | {"dd", "dt", "template"}, _IN_SCOPE), "p": _P_END, "li": _LI_END,
    **dict.fromkeys(_HEADINGS, _H_END), "form": _FORM_END,
    **dict.fromkeys(_CELLS | _SECTIONS | {"table", "tr", "caption", "colgroup"}, _TABLE_END),
    **dict.fromkeys(("html", "head", "body"), _IGNORED_END), "br": _BR_END, **dict.fromkeys(_FORMATTING, _FORMAT_END),
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
# Formatting elements the parser may push again on a page (see `open_levels`): CLONE_FLOOR, plus CLONE_BUDGET per tag
# of the page. Real pages make few copies (the 101 corpus pages: at most 9); a few elements left open over thousands
# of paragraphs make one copy each per paragraph (3 over 3 000: 9 000; one `<a>` over 20 000: 20 000), and the
# legacy `<p><font size=2>` left open three per paragraph (Noah's Ark), about 1.5 per tag. The model follows each
# copy in Python (~0.5 us), so the budget is what a bomb costs it: 0.5 per tag (one open element per paragraph of
# any length page) and a floor of 16 384 (three over 8 000 paragraphs) cost ~0.1 s on a 2 MB page (4 per tag
# and 4 096: ~2 million copies, ~2 s).
CLONE_BUDGET = 0.5
CLONE_FLOOR = 16_384


def copy_budget(tags: int) -> int:
    """Formatting elements the parser may push again on a page of `tags` tags."""
    return int(CLONE_BUDGET * tags) + CLONE_FLOOR


def _self_closing(rest: str) -> bool:
    """`<x/>`, `<x a="b"/>`, `<x a />`: a foreign element that closes itself (`<x a=b/>` does not: the "/"
    is part of the unquoted value)."""
    return rest[-1:] == "/" and (len(rest) == 1 or rest[-2] in "\"' \t\n\f\r")


def _key(name: str, rest: str) -> str:
    """A formatting element as its "Noah's Ark" clause compares them: name and attributes (as written)."""
    rest = rest.strip(" \t\n\f\r/")
    return f"{name}\x02{rest}" if rest else name


def open_levels(parts: list[str | None], excess: list[int] | None = None) -> tuple[list[int], int]:
    """Per token of the page, the level of the element it opens or closes (1: a child of <body>), 0 for a
    token that changes no depth; and the deepest level the stack reaches.

    `parts` is the page as `dom` splits it: [text, raw, name, rest, text, raw, name, rest, ..., text], per
    token a comment or raw-text element (read as text here), or a tag's name ("/name" for end tags,
    SWALLOWS where the rest of the page is text) and the rest of the tag up to its ">". An ignored end
    tag gets the depth at which it comes (it closes nothing; a cap may drop it with its neighbours).
    Elements the parser adds by itself (<tbody>, formatting elements pushed again) count in the depths
    and have no token. A page that makes the parser copy formatting elements more than CLONE_BUDGET
    times per tag (its tree then grows quadratically in size, not only in depth) is counted without the
    copies beyond (once past it, those elements wait no more: the model goes on as on the page without them).

    `excess`, when given, receives the token indices of the formatting start tags to drop when the page
    makes the parser push formatting elements again more than that budget allows (`reconstruction_bomb`).

    One Python step per tag (~0.5 us for a tag that opens or closes the current element); the rarer
    rules are the helpers below.
    """
    names, rests, texts = parts[2::4], parts[3::4], parts[0::4]
    levels = [0] * len(names)
    state = _Stack(copy_budget(len(names)))
    stack, where, special, scope, stopper, fmt = state.stack, state.where, state.special, state.scope, state.stopper, state.fmt
    open_p, open_li = where["p"], where["li"]  # (lists in `where` are kept when emptied)
    pending = state.pending
    removed = 0  # state.removed, read again after each helper (only they change it)
    deepest = 0
    for t, tag in enumerate(names):
        if pending and texts[t]:  # text (even blank) pushes the waiting formatting elements again
            state.reconstruct()
            deepest = max(deepest, len(stack) - 1 - removed)
        if not tag:
            continue
        if tag[0] == "/":
            name = tag[1:]
            i = len(stack) - 1
            if stack[i] == name and i and name != "form":  # it closes the current element (</form>: see `end_tag`)
                levels[t] = i - removed
                del stack[i]
                where[name].pop()
                if special[-1] == i:
                    del special[-1]
                    if scope[-1] == i:
                        del scope[-1]
                    if stopper[-1] == i:
                        del stopper[-1]
                if i in fmt:
                    del fmt[i]
                elif name in _MARKERS and (pending or state.stashed):
                    state.close_marker(i)
                continue
            if name not in _END and stack[i][-1] > " ":  # ignored with nothing of its name open, or with a
                found = where.get(name)  # special element above it ("any other end tag")
                if not found or special[-1] > found[-1]:
                    levels[t] = i - removed
                    continue
            levels[t] = state.end_tag(name)
            removed = state.removed
            continue
        if tag == SWALLOWS:
            break
        kind = _START.get(tag, _OTHER)
        # the common cases, where the tag pushes its element and nothing else: an inline or formatting element, a block
        # with no <p> to close, an <li> with no <li> to close, a cell or row straight in its row or section
        if not pending and stack[-1][-1] > " " and (
                kind == _OTHER or kind == _FORMAT
                or ((kind == _BLOCK or (tag == "li" and (not open_li or stopper[-1] > open_li[-1])))
                    and (not open_p or open_p[-1] < scope[-1]))
                or (kind == _TABLE_PART and stack[-1] in _ROW_OF.get(tag, ()))):
            i = len(stack)
            stack.append(tag)
            where[tag].append(i)
            marks = _KIND.get(tag)
            if marks:
                if marks & 1:
                    special.append(i)
                if marks & 2:
                    scope.append(i)
                if marks & 4:
                    stopper.append(i)
            if kind == _FORMAT:
                fmt[i] = (_key(tag, rests[t]), t)
            level = levels[t] = i - removed
        else:
            state.token = t
            level = levels[t] = state.start_tag(tag, rests[t], kind)
            removed = state.removed
            if level <= 0:
                continue
            level = len(stack) - 1 - removed  # with what it added above it
        if level > deepest:  # noqa: PLR1730 (a comparison costs less than a call to max, once per tag)
            deepest = level
    if state.pending and texts[-1]:
        state.reconstruct()
        deepest = max(deepest, len(stack) - 1 - state.removed)
    if excess is not None and state.copies > state.allowed:
        excess.extend(sorted(state.copied))
    return levels, deepest


class _Stack:
    """The parser's stack of open elements as `open_levels` follows it: names, and per name where it is
    open; the special elements, scope boundaries and <li>-stoppers as ascending index lists; the
    formatting elements (index -> key) and those waiting to be pushed again."""

    def __init__(self, budget: int) -> None:
        self.stack = ["html"]  # names of the open elements; <html> at 0 (<head>, <body> are not counted)
        self.where: defaultdict[str, list[int]] = defaultdict(list)  # name -> indices where it is open, ascending
        self.where["html"].append(0)
        self.special, self.scope, self.stopper = [0], [0], [0]  # indices of such entries, ascending
        # index of a formatting element -> its key (name and attributes) and the token of its start tag
        self.fmt: dict[int, tuple[str, int]] = {}
        self.pending: list[str] = []  # keys of formatting elements popped without their end tag, the latest first
        self.pending_from: list[int] = []  # the tokens of their start tags, in the same order
        self.alike: dict[str, int] = {}  # key -> how many of `pending` have it
        # marker index -> what waited before it
        self.stashed: dict[int, tuple[list[str], dict[str, int], list[int]]] = {}
        self.form = -1  # the parser's form element pointer: the index of the form it holds (until a </form>)
        self.removed = 0  # entries taken out of the middle of the stack (left as "#")
        self.budget = budget  # formatting elements still to be pushed again
        self.allowed = budget  # formatting elements the parser may push again on this page (`reconstruction_bomb`)
        self.copies = 0  # formatting elements the parser pushes again (also those past the budget)
        self.copied: set[int] = set()  # the tokens of the start tags of those pushed again past `allowed`
        self.unseen: set[int] = set()  # start tags of formatting elements waiting beyond MAX_PENDING (not modelled)
        self.token = 0  # the token `start_tag` reads

    def mark(self, name: str, i: int) -> None:
        kind = _KIND[name]
        if kind & 1:
            self.special.append(i)
        if kind & 2:
            self.scope.append(i)
        if kind & 4:
            self.stopper.append(i)

    def push(self, name: str, key: str | None = None, token: int = 0) -> int:
        stack = self.stack
        i = len(stack)
        stack.append(name)
        self.where[name].append(i)
        if name in _KIND:
            self.mark(name, i)
        if key is not None:
            self.fmt[i] = (key, token)
        elif name in _MARKERS and self.pending:  # what waits is not pushed again inside it
            self.stashed[i] = (self.pending[:], dict(self.alike), self.pending_from[:])
            self.forget_all()
        return i - self.removed

    def top(self, name: str) -> int:
        found = self.where.get(name)
        return found[-1] if found else -1

    def truncate(self, at: int, named: bool = False) -> None:
        """Pop the entries from index `at` up (`named`: the one at `at` by its own end tag); the formatting
        elements among the others wait to be pushed again, unless a marker element (a cell...) held them."""
        stack, where, fmt, pending, alike = self.stack, self.where, self.fmt, self.pending, self.alike
        for i in range(len(stack) - 1, at - 1, -1):
            name = stack[i]
            where[name].pop()
            entry = fmt.pop(i, None) if fmt else None
            if entry is not None:
                key = entry[0]
                if (i > at or not named) and alike.get(key, 0) < NOAH:
                    if len(pending) < MAX_PENDING:
                        pending.append(key)
                        self.pending_from.append(entry[1])
                        alike[key] = alike.get(key, 0) + 1
                    else:  # (waits in the parser's list: counted as pushed again at every reconstruction)
                        self.unseen.add(entry[1])
            elif name in _MARKERS and (pending or self.stashed):
                self.close_marker(i)
            elif name == "#":
                self.removed -= 1
        del stack[at:]
        for marks in (self.special, self.scope, self.stopper):
            while marks[-1] >= at:
                del marks[-1]

    def take_out(self, at: int, kept: bool = False) -> None:
        """The entry at `at` leaves the stack, what is above it stays open: a formatting element moved by the
        adoption agency (left as "#", not counted: it no longer holds what is above it) or, `kept`, a form
        (left as "~", counted: the elements opened inside it stay its descendants)."""
        found = self.where[self.stack[at]]
        if found[-1] == at:
            found.pop()
        else:  # (a form the pointer holds under a later one, in a <template>)
            found.remove(at)
        self.fmt.pop(at, None)
        mark = "~" if kept else "#"
        self.stack[at] = mark
        self.where[mark].append(at)  # (popped with it; never read)
        if not kept:
            self.removed += 1

    def close_marker(self, i: int) -> None:
        """A cell, caption, <object>... closes: the formatting elements opened inside it are forgotten, those
        waiting from before it wait again."""
        self.forget_all()
        waited = self.stashed.pop(i, None)
        if waited:  # (the lists keep their identity: `open_levels` holds them)
            self.pending.extend(waited[0])
            self.alike.update(waited[1])
            self.pending_from.extend(waited[2])

    def forget_all(self) -> None:
        self.pending.clear()
        self.pending_from.clear()
        self.alike.clear()

    def reconstruct(self) -> None:
        """Push again the formatting elements popped without their end tag (before an inline tag or text)."""
        pending, came_from = self.pending, self.pending_from
        self.copies += len(pending) + len(self.unseen)
        if self.copies > self.allowed:  # past the budget: these start tags are to be dropped (the copies made
            self.copied.update(came_from)  # before stay within it), and the model goes on as on the page
            self.copied.update(self.unseen)  # without them: they wait no more (a bomb's 300 waiting elements were
            self.unseen.clear()  # counted again at each of its 260 000 paragraphs)
            self.forget_all()
            return
        if self.budget > 0:
            self.budget -= len(pending)
            stack, where, fmt = self.stack, self.where, self.fmt
            for k in range(len(pending) - 1, -1, -1):  # `push`, for a formatting element (no special, no marker)
                key = pending[k]
                i = len(stack)
                stack.append(key.partition("\x02")[0])
                where[stack[i]].append(i)
                fmt[i] = (key, came_from[k])
        self.forget_all()

    def forget(self, name: str) -> None:
        """An end tag of a formatting element that is not open: it is no longer pushed again."""
        for i, key in enumerate(self.pending[:FORGET_LOOK]):  # further back: left waiting (counts deeper)
            if key.partition("\x02")[0] == name:
                del self.pending[i]
                del self.pending_from[i]
                self.alike[key] -= 1
                return

    def close_p(self) -> None:
        p = self.top("p")
        if p > 0 and p >= self.scope[-1] and p > self.top("button"):
            self.truncate(p)

    def end_tag(self, name: str) -> int:  # one branch per rule of the parser
        """An end tag that does not close the current element: its level, or the depth now if it is ignored."""
        stack = self.stack
        depth = len(stack) - 1 - self.removed
        if stack[-1][-1] <= " ":  # inside <svg>/<math>: the nearest foreign element of its name
            if name in ("br", "p"):  # </br>, </p>: out of the foreign element first
                self.break_out()
            else:
                at = max(self.top(name + " "), self.top(name + "\t"))
                if at > 0 and self.special[-1] <= at:
                    self.truncate(at, named=True)
                    return at - self.removed
        kind = _END.get(name, _ANY)
        at = self.top(name)
        if kind == _ANY:
            if at <= 0 or self.special[-1] > at:  # nothing of its name open, or a special element above it
                return depth
        elif kind == _FORMAT_END:
            if at <= 0 or at < self.scope[-1]:
                if at <= 0 and self.pending:
                    self.forget(name)
                return depth
            if self.special[-1] > at:  # the adoption agency: it leaves the stack, what is above it stays
                level = at - self.removed
                self.take_out(at)
                return level
        elif kind == _IN_SCOPE:
            if at <= 0 or (at < self.scope[-1] and name != "template"):
                return depth
        elif kind == _P_END:
            if at <= 0 or at < self.scope[-1] or at < self.top("button"):
                return depth
        elif kind == _LI_END:
            if at <= 0 or at < max(self.scope[-1], self.top("ol"), self.top("ul")):
                return depth
        elif kind == _H_END:
            at = max(self.top(h) for h in _HEADINGS)
            if at <= 0 or at < self.scope[-1]:
                return depth
        elif kind == _TABLE_END:
            if at <= 0 or at < max(self.top("table"), self.top("template")):
                return depth
        elif kind == _FORM_END:  # the form the pointer holds, if still open in scope
            at, self.form = self.form, -1
            if at <= 0 or at >= len(stack) or stack[at] != "form" or at < self.scope[-1]:
                return depth
            level = at - self.removed
            if at == len(stack) - 1:
                self.truncate(at, named=True)
            else:
                self.take_out(at, kept=True)  # what is above it stays open
            return level
        else:  # </html>, </head>, </body>; </br> is a <br>
            if kind == _BR_END and self.pending:
                self.reconstruct()
            return depth
        level = at - self.removed
        self.truncate(at, named=True)
        return level

    def start_tag(self, name: str, rest: str, kind: int) -> int:  # one branch per rule of the parser
        """A start tag: the level of the element it opens, 0 when it opens none."""
        stack = self.stack
        top = stack[-1]
        if top[-1] <= " " and top not in _INTEGRATION:  # inside <svg>/<math>: in its namespace
            if name not in _BREAKOUT:
                return 0 if _self_closing(rest) else self.push(name + top[-1])
            self.break_out()
        if kind == _OTHER or kind == _FORMAT:
            if self.pending:
                self.reconstruct()
            return self.push(name, _key(name, rest), self.token) if kind == _FORMAT else self.push(name)
        if kind == _BLOCK or kind == _HEADING or kind == _LIST_ITEM or kind == _FORM:
            if kind == _LIST_ITEM:  # closes an open one unless a special element (not div, p...) is above it
                at = self.top("li") if name == "li" else max(self.top("dd"), self.top("dt"))
                if at > 0 and self.stopper[-1] <= at:
                    self.truncate(at)
            elif kind == _FORM and self.form >= 0 and self.top("template") < 0:
                return 0  # a form before the last one's end tag is ignored (even where that one was closed)
            self.close_p()
            if kind == _HEADING and stack[-1] in _HEADINGS:
                self.truncate(len(stack) - 1)
            level = self.push(name)
            if kind == _FORM:
                self.form = len(stack) - 1
            return level  # (what waits is pushed again by the block's first text or inline tag, not by the block:
            # `<div><dd>x` pushes it inside the <dd>, where the next <dd> pops it to wait again)
        if kind == _VOID_K:
            if name == "hr":  # closes a <p>; in a <select>, an <option> or <li>... at the top too
                self.close_p()
                if self.top("select") > 0:
                    self.close_implied()
            if self.pending:
                self.reconstruct()
            return 0
        if kind == _CLOSES_OWN:  # <a> in an open <a>, <nobr> in an open <nobr>: closes it
            at = self.top(name)
            if at > 0 and at >= self.scope[-1]:
                if self.special[-1] <= at:
                    self.truncate(at, named=True)
                else:
                    self.take_out(at)
            if self.pending:
                self.reconstruct()
            return self.push(name, _key(name, rest), self.token)
        if kind == _TABLE_PART or kind == _TABLE:
            table = self.top("table")
            if self.top("template") > table:  # inside a <template>: its own modes, counted as pushed
                return self.push(name)
            if kind == _TABLE:
                if table > 0 and self.scope[-1] == table:  # <table> straight inside a table closes it
                    self.truncate(table)
                return self.push(name)
            if table <= 0:
                return 0  # a table part outside any table is ignored
            return self.table_part(name, table)
        if kind == _BUTTON or kind == _SELECT:
            at = self.top(name)
            if at > 0 and at >= self.scope[-1]:
                self.truncate(at)
                if kind == _SELECT:  # a <select> in a <select> closes it
                    return 0
        elif kind == _OPTION:  # closes an <option> at the top; in a <select>, a <dt>, <li>, <p>... too
            if self.top("select") >= self.scope[-1] > 0:
                self.close_implied()
            elif stack[-1] == "option":
                self.truncate(len(stack) - 1)
        elif kind == _IGNORED:
            return 0
        if self.pending:
            self.reconstruct()
        if kind == _FOREIGN_ROOT:
            return 0 if _self_closing(rest) else self.push(name + (" " if name == "svg" else "\t"))
        return self.push(name)

    def close_implied(self) -> None:
        """Pop the elements the parser closes when it "generates implied end tags" (<p>, <li>, <option>...)."""
        stack = self.stack
        at = len(stack)
        while stack[at - 1] in _IMPLIED_END:
            at -= 1
        if at < len(stack):
            self.truncate(at)

    def break_out(self) -> None:
        """Pop the foreign elements above the nearest HTML element or integration point."""
        stack = self.stack
        at = len(stack) - 1
        while stack[at][-1] <= " " and stack[at] not in _INTEGRATION:
            at -= 1
        self.truncate(at + 1)

    def table_part(self, name: str, table: int) -> int:
        """<td>, <tr>, <tbody>, <caption>... in a table: back to the part that holds it, adding the <tbody>
        and <tr> the parser adds; its level."""
        row = self.top("tr")
        section = max(self.top("tbody"), self.top("thead"), self.top("tfoot"))
        if name in _CELLS:
            if row > table:
                self.truncate(row + 1)
            else:
                if section > table:
                    self.truncate(section + 1)
                else:
                    self.truncate(table + 1)
                    self.push("tbody")
                self.push("tr")
        elif name == "tr":
            if section > table:
                self.truncate(section + 1)
            else:
                self.truncate(table + 1)
                self.push("tbody")
        else:
            self.truncate(table + 1)
        return self.push(name)
