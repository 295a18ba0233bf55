"""The tree builder's stack of open elements as `nesting.open_levels` follows it, with the rules it meets
less often than a tag that opens or closes the current element (those stay in `open_levels`'s loop): end tags
that close more than the current element or nothing, start tags that close others first (blocks close a <p>,
<li> its <li>, table parts their cell or row), the formatting elements that wait to be pushed again (the parser's
list of active formatting elements, its markers and "Noah's Ark" clause), forms, foreign content."""

from __future__ import annotations

from collections import defaultdict

from captioncheck.extract.tagtables import (
    _ANY,
    _BLOCK,
    _BR_END,
    _BREAKOUT,
    _BUTTON,
    _CELLS,
    _CLOSES_OWN,
    _END,
    _FOREIGN_ROOT,
    _FORM,
    _FORM_END,
    _FORMAT,
    _FORMAT_END,
    _H_END,
    _HEADING,
    _HEADINGS,
    _IGNORED,
    _IMPLIED_END,
    _IN_SCOPE,
    _INTEGRATION,
    _KEPT_MARKERS,
    _KIND,
    _LI_END,
    _LIST_ITEM,
    _MARKERS,
    _OPTION,
    _OTHER,
    _P_END,
    _RECONSTRUCTING_VOID,
    _SELECT,
    _TABLE,
    _TABLE_END,
    _TABLE_PART,
    _VOID_K,
    FORGET_LOOK,
    MAX_PENDING,
    NOAH,
    _key,
    _self_closing,
)


POPPED_FORM = 1 << 40  # the form pointer of a form inserted and popped at once (no stack index: its end tag closes nothing)


class OpenElements:
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
        self.allowed = budget  # formatting elements the parser may push again on this page (`nesting.copy_budget`)
        self.copies = 0  # formatting elements the parser pushes again (also those past the budget)
        self.copied: set[int] = set()  # the tokens of the start tags of those pushed again past `allowed`
        self.unseen: set[int] = set()  # start tags of formatting elements waiting beyond MAX_PENDING (not modelled)
        self.token = 0  # the token `start_tag` reads
        # start tags carrying attributes that the parser ignores (a table part outside any table, a second <body>):
        # lexbor keeps each ignored token's attributes, so 200 000 of them between text took 2.8 GB (`cap_nesting`
        # drops them)
        self.ignored: list[int] = []
        self.roots_seen: set[str] = set()  # the first <html>, <head>, <body> carry the page's attributes (lang...)

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
                if name in _KEPT_MARKERS and not (named and i == at):
                    # an <object> popped without its end tag leaves its marker in the parser's list: what waited
                    # before it never comes back, what was opened inside it waits on (and is pushed again)
                    self.stashed.pop(i, None)
                else:
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

    def count_adopted(self, at: int) -> None:
        """The adoption agency an `<a>` (`<nobr>`) runs when its like, open at `at`, holds a special element: the parser
        copies the formatting elements open above it (they are pushed again inside that element: `<a><div><b><a>`
        builds a second <b>). They count as copies (the depth is unchanged); past the budget their start tags are
        dropped like those of any other copy. One step per such element (`fmt` is in stack order)."""
        adopted = []
        for i in reversed(self.fmt):
            if i <= at:
                break
            adopted.append(self.fmt[i][1])
        self.copies += len(adopted)
        if self.copies > self.allowed:
            self.copied.update(adopted)

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
                if "=" in rest:  # a form before the last one's end tag is ignored (even where that one was closed);
                    self.ignored.append(self.token)  # lexbor keeps its attributes: 2.4 MB of them took 23 s
                return 0
            elif kind == _FORM and self.in_table_mode():
                self.form = POPPED_FORM  # in a table's own modes the form is inserted and popped at once (it holds
                return len(stack) - self.removed  # nothing, closes no <p>); the pointer holds it till </form>
            self.close_p()
            if kind == _HEADING and stack[-1] in _HEADINGS:
                self.truncate(len(stack) - 1)
            level = self.push(name)
            if kind == _FORM:
                self.form = len(stack) - 1
            return level  # (what waits is pushed again by the block's first text or inline tag, not by the block:
            # `<div><dd>x` pushes it inside the <dd>, where the next <dd> pops it to wait again)
        if kind == _VOID_K:
            if name == "frame" and "=" in rest:
                self.ignored.append(self.token)  # a <frame> outside a frameset is ignored
            if name == "hr":  # closes a <p>; in a <select>, an <option> or <li>... at the top too
                self.close_p()
                if self.top("select") > 0:
                    self.close_implied()
            elif name == "input":  # closes a <select> with no scope boundary (a cell, <object>...) above it, and what
                select = self.top("select")  # it holds (`<div><select></div><input>` repeated nests the <div>s)
                if select > 0 and select >= self.scope[-1]:
                    self.truncate(select)
            if self.pending and name in _RECONSTRUCTING_VOID:
                self.reconstruct()
            return 0
        if kind == _CLOSES_OWN:  # <a> in an open <a>, <nobr> in an open <nobr>: closes it
            if name == "nobr" and self.pending:  # a <nobr> pushes the waiting elements again first: the <nobr> it
                self.reconstruct()  # closes may be one of them (an older one further down stays open)
            at = self.top(name)
            if at > 0 and at >= self.scope[-1]:
                if self.special[-1] <= at:
                    self.truncate(at, named=True)
                else:
                    self.count_adopted(at)
                    self.take_out(at)
            if self.pending:
                self.reconstruct()
            return self.push(name, _key(name, rest), self.token)
        if kind == _TABLE_PART or kind == _TABLE:
            table = self.top("table")
            if self.top("template") > table:  # inside a <template>: its own modes, counted as pushed
                return self.push(name)
            select = self.top("select")
            if 0 < table < select:  # "in select in table": the <select> closes first (with what the table fostered
                self.truncate(select)  # above it), then the tag is read in the table
            if kind == _TABLE:
                if self.in_table_mode():  # <table> in a table's own modes closes it
                    self.truncate(table)
                return self.push(name)
            if table <= 0:
                if "=" in rest:
                    self.ignored.append(self.token)
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
            if name in self.roots_seen and "=" in rest:
                self.ignored.append(self.token)
            self.roots_seen.add(name)
            return 0
        if self.pending:
            self.reconstruct()
        if kind == _FOREIGN_ROOT:
            return 0 if _self_closing(rest) else self.push(name + (" " if name == "svg" else "\t"))
        return self.push(name)

    def in_table_mode(self) -> bool:
        """Is the parser in a table's own modes (a table open, no cell, caption or template open inside it)? What the
        table fostered above it (a <span>, a <div>...) changes no mode."""
        table = self.top("table")
        return table > 0 and max(self.top("td"), self.top("th"), self.top("caption"), self.top("template")) < table

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
