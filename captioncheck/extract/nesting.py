"""How deep the HTML5 tree builder nests a page's elements, read from its tags alone.

Lexbor's tree building is quadratic in the depth of its stack of open elements (a `<div>` start tag
looks down the stack for an open `<p>`), so `flatten.cap_nesting` flattens pages nested deeper than a few
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

Two ways, with the same results: `python_open_levels` (these rules in Python, one step per tag, ~0.5-1 us) and its
compiled twin `_open_levels.pyx` (the same steps over integer name codes and C arrays, 10-19x faster on the 2 MB
hostile shapes), which `open_levels` uses when it was built and agrees with the Python rules on a probe page.

Where the model is unsure it errs towards counting deeper. The adoption agency run by an `<a>` or `<nobr>` whose
like holds a special element counts the formatting elements open above it as copies (`count_adopted`). Left out:
the clones of the adoption agency run by a formatting end tag (`<b><div></b>`: only the `<b>` leaves the stack), `<table>` closing a `<p>` in standards mode,
`<ruby>` parts. Tested against lexbor's own tree on generated pages (`tests/extract/test_nesting.py`):
equal on well-formed nesting, never below half of lexbor's depth on random and repeated mis-nestings.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from operator import length_hint
from types import ModuleType
from typing import TYPE_CHECKING

from captioncheck.extract.compiled import checked
from captioncheck.extract.openelements import OpenElements
from captioncheck.extract.tagtables import (  # noqa: F401  (the public ones are read as nesting.X)
    _BLOCK,
    _END,
    _FORMAT,
    _KIND,
    _MARKERS,
    _OTHER,
    _ROW_OF,
    _START,
    _TABLE_PART,
    _VOID_K,
    CLOSED_UNASKED,
    FORMATTING,
    MAX_PENDING,
    SWALLOWS,
    VOID,
    _key,
)

if TYPE_CHECKING:
    import numpy as np

# Formatting elements the parser may push again on a page (see `open_levels`): CLONE_FLOOR, plus CLONE_BUDGET per tag
# of the page. Real pages make few copies (the 101 corpus pages: at most 9; with the 157 held-out pages, at most 0.02
# per tag); a few elements left open over thousands of paragraphs make one copy each per paragraph (3 over 3 000:
# 9 000; one `<a>` over 20 000: 20 000, within 0.25 per tag of its 40 000 tags and the floor), and the legacy
# `<p><font size=2>` left open three per paragraph (Noah's Ark), about 1.5 per tag. The model follows each copy in
# Python (~0.5 us, and as much again to pop it), so the budget is what a bomb costs it: 0.25 per tag and a floor of
# 16 384 (three over 8 000 paragraphs); at 0.5 per tag the four 2 MB bombs' cap took 0.2-0.4 s more each (1.0-1.4 s
# against 0.7-1.2 s; 4 per tag and 4 096: ~2 million copies, ~2 s).
CLONE_BUDGET = 0.25
CLONE_FLOOR = 16_384



def copy_budget(tags: int) -> int:
    """Formatting elements the parser may push again on a page of `tags` tags."""
    return int(CLONE_BUDGET * tags) + CLONE_FLOOR


_ITEMS = frozenset({"li", "dd", "dt"})
_CELLS = frozenset({"td", "th"})
_DEFINITIONS = frozenset({"dd", "dt"})
_SECTIONS = frozenset({"tbody", "thead", "tfoot"})
SAME_AT_TOP = True  # `open_levels`'s shortcut for a start tag whose like is the current element (tests turn it off)


def python_open_levels(parts: list[str | None], excess: list[int] | None = None,
                       ignored: list[int] | None = None, budget: int | None = None) -> tuple[list[int], int]:
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
    makes the parser push formatting elements again more than that budget allows; `ignored`, those of the start
    tags with attributes the parser ignores (`OpenElements.ignored`).

    One Python step per tag (~0.5 us for a tag that opens or closes the current element); the rarer
    rules are `openelements.OpenElements`'s, the tag tables `tagtables`'.
    """
    names, rests, texts = parts[2::4], parts[3::4], parts[0::4]
    levels = [0] * len(names)
    state = OpenElements(copy_budget(len(names)) if budget is None else budget)
    stack, where, special, scope, stopper, fmt = state.stack, state.where, state.special, state.scope, state.stopper, state.fmt
    # (lists in `where` are kept when emptied)
    open_p, open_li, open_table, open_template = where["p"], where["li"], where["table"], where["template"]
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
        if tag == stack[-1] and SAME_AT_TOP and (
                tag == "p" or (tag in _ITEMS and (not open_p or open_p[-1] < scope[-1]))
                or (((tag in _CELLS and stack[-2] == "tr") or (tag == "tr" and stack[-2] in _SECTIONS)
                     or (tag in _SECTIONS and stack[-2] == "table")) and not pending and not state.stashed
                    and open_table and open_table[-1] > 0 and (not open_template or open_template[-1] < open_table[-1]))):
            # `<p>` in an open `<p>`, `<li>` in an open `<li>`, `<td>` in an open `<td>` straight in its row, `<tr>` in
            # an open `<tr>` straight in its section, `<tbody>` in an open `<tbody>` straight in its table (unclosed
            # paragraphs, items, cells, rows and sections, the legacy way): the element at the top is closed and its
            # like opened in its place; nothing else moves (no <p> to close, no formatting element waiting)
            levels[t] = len(stack) - 1 - removed
            continue
        if SAME_AT_TOP and tag in _DEFINITIONS and stack[-1] in _DEFINITIONS and (not open_p or open_p[-1] < scope[-1]):
            i = len(stack) - 1  # `<dd>` in an open `<dt>` (or the other way): the one at the top gives way to it
            where[stack[i]].pop()
            where[tag].append(i)
            stack[i] = tag
            levels[t] = i - removed
            continue
        if (SAME_AT_TOP and tag == "tr" and stack[-1] in _CELLS and stack[-2] == "tr" and stack[-3] in _SECTIONS
                and not pending and not state.stashed and open_table and 0 < open_table[-1] < len(stack) - 3
                and (not open_template or open_template[-1] < open_table[-1])):
            state.truncate(len(stack) - 1)  # `<tr>` in an open cell of a row: the cell and the row close, a row opens
            removed = state.removed  # in the row's place
            levels[t] = len(stack) - 1 - removed
            continue
        if tag == "hr" and stack[-1] == "p" and SAME_AT_TOP and not pending and not where.get("select"):
            i = len(stack) - 1  # `<hr>` after an open paragraph (`<p>x<hr><p>y`, unclosed paragraphs between rules):
            del stack[i]  # the paragraph closes as by its end tag, nothing is pushed
            open_p.pop()
            if special[-1] == i:
                del special[-1]
            continue
        kind = _START.get(tag, _OTHER)
        if (kind == _VOID_K and not pending and stack[-1][-1] > " " and tag != "hr" and tag != "frame"
                and (tag != "input" or not where.get("select"))):
            continue  # a void tag (<img>, <br>...) outside <svg>/<math> with nothing waiting pushes nothing (level 0)
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
    if ignored is not None:
        ignored.extend(state.ignored)
    return levels, deepest


def open_levels(parts: list[str | None], excess: list[int] | None = None,
                ignored: list[int] | None = None) -> tuple[list[int], int]:
    """`python_open_levels`'s answer, from its compiled twin (`_open_levels.pyx`, ~10x faster) when that was built
    and agrees with it on a probe page, else from the Python rules."""
    compiled = compiled_levels()
    if compiled is None:
        return python_open_levels(parts, excess, ignored)
    return compiled(parts, copy_budget(len(parts) // 4), excess, ignored)


# a probe of every rule's branch: blocks and paragraphs, lists, definitions, tables and their parts, forms, select,
# formatting elements left open (pushed again, Noah's Ark, markers, the adoption agency, forgotten), foreign content
# and its integration points and breakouts, ignored tokens, the legacy shortcuts and a budget to go past
_PROBE = ("<html><body class=a><body class=b><div><p>a<b class=1><i>b<p>c</b>d<table><tr><td>e<b>f</td><td><tr>"
          "<th>g</table><ul><li>h<li>i<ol><li>j</ul><dl><dt>k<dd>l<dt>m</dl><form><div><form class=x></form></div>"
          "<table><form><tr><td>n</table><select><option>o<option>p<select></select><input><hr><p>q<hr><p>r</p>"
          "<a href=1><div><b><a href=2>s</a></div><nobr><nobr>t</nobr><svg><g><path/><title><div>u</div></title>"
          "<foreignobject><p>v</foreignobject></g><p>w</svg><math><mi><b>x</b></mi><mo/></math><h1><h2>y</h1>"
          "<object><b><u>z</object><caption><td id=1><tr class=1></x></span><span><div></span></div>"
          "<table><tbody><tr><td>1<tr><td>2<td>3</tbody><tbody></table><frame src=1><template><td>4</template>"
          "<dialog><button><button>5</button><s><s><s><s>6<p>7</s></br><p><em>8<div>9</em></div>"
          + "<div><b class=c><i class=d>x</div>" * 40 + "<p>x" * 30 + "<xmp>")


@functools.cache
def compiled_levels() -> Callable[..., tuple[list[int], int]] | None:
    """The compiled rules when they are built and give what `python_open_levels` gives on a probe page (with the
    budget of copies small enough to be passed), else None (checked once per process)."""
    module = checked("_open_levels", RULES, "nesting rules", _agrees_on_the_probe)
    return module.open_levels if module is not None else None


def _agrees_on_the_probe(module: ModuleType) -> bool:
    from captioncheck.extract.flatten import page_tokens  # (flatten imports this module)

    parts = page_tokens(_PROBE)
    for budget in (copy_budget(len(parts) // 4), 40):
        mine: tuple[list[int], list[int]] = ([], [])
        theirs: tuple[list[int], list[int]] = ([], [])
        if module.open_levels(parts, budget, *mine) != python_open_levels(parts, *theirs, budget=budget) or mine != theirs:
            return False
    return True


def part_lengths(parts: list[str | None]) -> np.ndarray:
    """Per part of a split page its length (0 for a group the token lacks, None), as int64: counted in C by the
    compiled module when it is used."""
    import numpy as np

    if compiled_levels() is not None:
        from captioncheck.extract._open_levels import part_lengths as compiled  # type: ignore[import-not-found]

        return np.frombuffer(compiled(parts), dtype=np.int64)
    return np.fromiter(map(length_hint, parts), dtype=np.int64, count=len(parts))


RULES = ("_open_levels.pyx", "nesting.py", "openelements.py", "tagtables.py")  # what the compiled module is built from
