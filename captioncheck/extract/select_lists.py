"""Bound the option lists of `<select>` elements before parsing: lexbor's cost is quadratic in them.

Every `<option>`, `<optgroup>` or `<hr>` the tree builder inserts into a `<select>` makes lexbor walk the
options already there (the selectedness rules), so one select of n options costs ~1.5e-8 s x n²/2:
8 000 options parse in 0.65 s and a 2 MB page of `<option>o</option>` (110 000 options in one select)
for many minutes, although the same tags outside a select parse in 0.09 s. Real pages hold lists of a few
hundred (countries, years, time zones).

A select keeps its first MAX_OPTIONS option-like start tags; the page as a whole keeps what costs at most
PAIR_BUDGET pairs (the i-th option of a select costs i), and every select at least FLOOR_OPTIONS. Past
that, those start tags are dropped: their text stays (it joins the option before, or the select), nothing
outside the select moves, and an image inside an option is kept (only the option's tag goes).
"""

from __future__ import annotations

import re

MAX_OPTIONS = 1024  # option-like start tags one select keeps (real lists: a few hundred)
PAIR_BUDGET = 1 << 21  # option pairs a page's selects may cost lexbor in all (~30 ms)
FLOOR_OPTIONS = 16  # options every select keeps, whatever the page's other selects cost
_COUNTED = frozenset({"option", "optgroup", "hr"})  # what lexbor walks the select's options for
# tags that end an open select as lexbor builds it (a <select> inside one ends it and opens nothing; a
# <textarea> or <keygen> stays inside): where in doubt the select is taken as still open (options dropped
# outside one lose only their tag)
_CLOSES = frozenset({"/select", "input"})
_READ = _COUNTED | _CLOSES | {"select"}
_OPTION_LIKE = re.compile(r"<(?:option|optgroup|hr)(?=[\t\n\f\r />])", re.IGNORECASE)
_SELECT = re.compile(r"<select(?=[\t\n\f\r />])", re.IGNORECASE)  # as the page's tokens name it (`flatten`)


def may_need_cap(html: str) -> bool:
    """Could the page's selects cost more than the bounds allow? (No page without a `<select>` tag can, nor one with
    at most MAX_OPTIONS option-like tags: its pairs are at most MAX_OPTIONS²/2, within PAIR_BUDGET; a page of
    `<p><hr>` repeated is read by `option_drops` for nothing.) C-speed searches."""
    return _SELECT.search(html) is not None and len(_OPTION_LIKE.findall(html)) > MAX_OPTIONS


def option_drops(parts: list[str | None]) -> list[int]:
    """Token indices of the option-like start tags to drop, for the page as `dom` splits it (`parts`:
    [text, raw, name, rest, ...], see `nesting.open_levels`). One Python step per token name."""
    drops: list[int] = []
    in_select = False
    count = pairs = 0
    names = parts[2::4]
    for t in [t for t, name in enumerate(names) if name in _READ]:  # (a C-speed filter: most tags are others)
        name = names[t]
        if name == "select":
            in_select, count = not in_select, 0
        elif name in _CLOSES:
            in_select, count = False, 0
        elif in_select and name in _COUNTED:
            count += 1
            if count > FLOOR_OPTIONS and (count > MAX_OPTIONS or pairs + count > PAIR_BUDGET):
                drops.append(t)
                count -= 1  # not inserted: the next one costs what this one would have
            else:
                pairs += count
    return drops


__all__ = ["FLOOR_OPTIONS", "MAX_OPTIONS", "PAIR_BUDGET", "may_need_cap", "option_drops"]
