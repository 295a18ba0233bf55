# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""`nesting.python_open_levels` compiled: the same rules of the tree builder's stack of open elements, step for step
(`openelements.OpenElements` method for method), over small integers instead of names.

Each tag name is read once per page through a dict (token -> code); the stack, the per-name "where is it open"
lists (a linked list through the stack: each entry points to the one of its name below it), the special / scope /
stopper / formatting index lists and the waiting formatting elements are C arrays. The rules' tables are
`tagtables`' own, read into one bit set per name when a name is first met. It gives exactly what the Python model
gives (`nesting.open_levels` checks it once per process on a probe page, and the tests compare both on generated
pages); it is ~10x faster (`python bench/open_levels.py`).
"""

from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memmove

from captioncheck.extract import tagtables as T

cdef enum:
    P_SPECIAL = 1
    P_SCOPE = 2
    P_STOPPER = 4
    P_FOREIGN = 8  # "name " (SVG) or "name\t" (MathML): the last character is at most " "
    P_MATHML = 16  # (foreign, with a tab)
    P_INTEGRATION = 32
    P_MARKER = 64
    P_KEPT_MARKER = 128
    P_IMPLIED_END = 256
    P_BREAKOUT = 512
    P_HEADING = 1024
    P_ITEM = 2048  # li, dd, dt
    P_CELL = 4096
    P_DEFINITION = 8192
    P_SECTION = 16384
    P_RECONSTRUCTING_VOID = 32768
    P_MARK = 65536  # "#" / "~": an entry taken out of the stack's middle
    START_SHIFT = 20
    END_SHIFT = 26
    KIND_MASK = 63

cdef int K_OTHER = T._OTHER, K_VOID = T._VOID_K, K_IGNORED = T._IGNORED, K_BLOCK = T._BLOCK
cdef int K_HEADING = T._HEADING, K_FORM = T._FORM, K_LIST_ITEM = T._LIST_ITEM, K_BUTTON = T._BUTTON
cdef int K_FORMAT = T._FORMAT, K_CLOSES_OWN = T._CLOSES_OWN, K_TABLE = T._TABLE, K_TABLE_PART = T._TABLE_PART
cdef int K_SELECT = T._SELECT, K_OPTION = T._OPTION, K_FOREIGN_ROOT = T._FOREIGN_ROOT
cdef int E_ANY = T._ANY, E_IN_SCOPE = T._IN_SCOPE, E_P = T._P_END, E_LI = T._LI_END, E_H = T._H_END
cdef int E_FORM = T._FORM_END, E_TABLE = T._TABLE_END, E_BR = T._BR_END, E_FORMAT = T._FORMAT_END
cdef int NOAH = T.NOAH, MAX_PENDING = T.MAX_PENDING, FORGET_LOOK = T.FORGET_LOOK
cdef long long POPPED_FORM = 1 << 40

_CELLS = frozenset({"td", "th"})
_ITEMS = frozenset({"li", "dd", "dt"})
_DEFINITIONS = frozenset({"dd", "dt"})
_SECTIONS = frozenset({"tbody", "thead", "tfoot"})


def _props(str name):
    """The bit set of a name (its start and end kinds above START_SHIFT / END_SHIFT)."""
    cdef long p = T._KIND.get(name, 0)
    last = name[len(name) - 1:]  # (no negative index here: wraparound is off)
    if last and last <= " ":
        p |= P_FOREIGN | (P_MATHML if last == "\t" else 0)
    if name in T._INTEGRATION:
        p |= P_INTEGRATION
    if name in T._MARKERS:
        p |= P_MARKER
    if name in T._KEPT_MARKERS:
        p |= P_KEPT_MARKER
    if name in T._IMPLIED_END:
        p |= P_IMPLIED_END
    if name in T._BREAKOUT:
        p |= P_BREAKOUT
    if name in T._HEADINGS:
        p |= P_HEADING
    if name in _ITEMS:
        p |= P_ITEM
    if name in _CELLS:
        p |= P_CELL
    if name in _DEFINITIONS:
        p |= P_DEFINITION
    if name in _SECTIONS:
        p |= P_SECTION
    if name in T._RECONSTRUCTING_VOID:
        p |= P_RECONSTRUCTING_VOID
    if name in ("#", "~"):
        p |= P_MARK
    p |= T._START.get(name, K_OTHER) << START_SHIFT
    p |= T._END.get(name, E_ANY) << END_SHIFT
    return p


# the names the rules ask for by name, coded first (their codes are constants); then every name of the tables
_FIXED = ["html", "#", "~", T.SWALLOWS, "p", "li", "dd", "dt", "ol", "ul", "table", "template", "select", "button",
          "form", "tr", "td", "th", "caption", "tbody", "thead", "tfoot", "option", "hr", "frame", "input", "nobr", "br",
          "svg", "h1", "h2", "h3", "h4", "h5", "h6"]
(C_HTML, C_HASH, C_TILDE, C_SWALLOWS, C_P, C_LI, C_DD, C_DT, C_OL, C_UL, C_TABLE, C_TEMPLATE, C_SELECT, C_BUTTON,
 C_FORM, C_TR, C_TD, C_TH, C_CAPTION, C_TBODY, C_THEAD, C_TFOOT, C_OPTION, C_HR, C_FRAME, C_INPUT, C_NOBR, C_BR,
 C_SVG, C_H1, C_H2, C_H3, C_H4, C_H5, C_H6) = range(len(_FIXED))
cdef int c_html = C_HTML, c_hash = C_HASH, c_tilde = C_TILDE, c_swallows = C_SWALLOWS, c_p = C_P, c_li = C_LI
cdef int c_dd = C_DD, c_dt = C_DT, c_ol = C_OL, c_ul = C_UL, c_table = C_TABLE, c_template = C_TEMPLATE
cdef int c_select = C_SELECT, c_button = C_BUTTON, c_form = C_FORM, c_tr = C_TR, c_td = C_TD, c_th = C_TH
cdef int c_caption = C_CAPTION, c_tbody = C_TBODY, c_thead = C_THEAD, c_tfoot = C_TFOOT, c_option = C_OPTION
cdef int c_hr = C_HR, c_frame = C_FRAME, c_input = C_INPUT, c_nobr = C_NOBR, c_br = C_BR, c_svg = C_SVG
cdef int c_h1 = C_H1, c_h6 = C_H6

_SEED_NAMES = list(_FIXED)
for _name in sorted(set(T._KIND) | set(T._START) | set(T._END) | T._INTEGRATION | T._MARKERS | T._IMPLIED_END
                    | T._BREAKOUT):
    if _name not in _SEED_NAMES:
        _SEED_NAMES.append(_name)
_SEED_CODES = {name: code for code, name in enumerate(_SEED_NAMES)}
_SEED_PROPS = [_props(name) for name in _SEED_NAMES]
# token -> code * 2 (+1 for an end tag)
_SEED_TOKENS = {**{name: code * 2 for code, name in enumerate(_SEED_NAMES)},
                **{"/" + name: code * 2 + 1 for code, name in enumerate(_SEED_NAMES) if name[len(name) - 1:] > " "}}


cdef class _Model:
    # names
    cdef dict codes, tokens, keys
    cdef list names
    cdef long* props
    cdef int* top_of  # per name code: the highest stack index where it is open, -1
    cdef int ncodes, codes_cap
    # formatting keys (name and attributes): per key, its name's code and how many of the waiting ones have it
    cdef int* key_name
    cdef int* alike
    cdef int nkeys, keys_cap
    # the stack: per entry its name code, the entry of its name below it, its formatting key (-1: none) and token
    cdef int* stack
    cdef int* below
    cdef int* fmt_key
    cdef Py_ssize_t* fmt_tok
    cdef Py_ssize_t sp, stack_cap
    # ascending index lists (special, scope boundaries, <li>-stoppers, formatting entries; the last may hold entries
    # taken out of the stack, skipped by their fmt_key)
    cdef int* special
    cdef int* scope
    cdef int* stopper
    cdef int* fmt_pos
    cdef Py_ssize_t nspecial, nscope, nstopper, nfmt
    # the formatting elements waiting to be pushed again, the latest first
    cdef int* pend_key
    cdef Py_ssize_t* pend_from
    cdef Py_ssize_t npend
    cdef dict stashed
    cdef long long form
    cdef public Py_ssize_t removed, budget, allowed, copies, token
    cdef set copied, unseen, roots_seen
    cdef list ignored

    def __cinit__(self, Py_ssize_t tags, Py_ssize_t budget):
        cdef Py_ssize_t i
        self.codes = dict(_SEED_CODES)
        self.tokens = dict(_SEED_TOKENS)
        self.names = list(_SEED_NAMES)
        self.keys = {}
        self.ncodes = len(_SEED_NAMES)
        self.codes_cap = self.ncodes + 64
        self.props = <long*>malloc(self.codes_cap * sizeof(long))
        self.top_of = <int*>malloc(self.codes_cap * sizeof(int))
        self.keys_cap = 64
        self.key_name = <int*>malloc(self.keys_cap * sizeof(int))
        self.alike = <int*>malloc(self.keys_cap * sizeof(int))
        self.stack_cap = min(tags, 4096) + 64  # (grown as the stack deepens: a flat page's stays small)
        self.stack = <int*>malloc(self.stack_cap * sizeof(int))
        self.below = <int*>malloc(self.stack_cap * sizeof(int))
        self.fmt_key = <int*>malloc(self.stack_cap * sizeof(int))
        self.fmt_tok = <Py_ssize_t*>malloc(self.stack_cap * sizeof(Py_ssize_t))
        self.special = <int*>malloc(self.stack_cap * sizeof(int))
        self.scope = <int*>malloc(self.stack_cap * sizeof(int))
        self.stopper = <int*>malloc(self.stack_cap * sizeof(int))
        self.fmt_pos = <int*>malloc(self.stack_cap * sizeof(int))
        self.pend_key = <int*>malloc((MAX_PENDING + 1) * sizeof(int))
        self.pend_from = <Py_ssize_t*>malloc((MAX_PENDING + 1) * sizeof(Py_ssize_t))
        if (not self.props or not self.top_of or not self.key_name or not self.alike or not self.stack or not self.below
                or not self.fmt_key or not self.fmt_tok or not self.special or not self.scope or not self.stopper
                or not self.fmt_pos or not self.pend_key or not self.pend_from):
            raise MemoryError()
        for i in range(self.ncodes):
            self.props[i] = _SEED_PROPS[i]
            self.top_of[i] = -1
        self.stack[0] = c_html  # <html> at 0 (<head>, <body> are not counted)
        self.below[0] = -1
        self.fmt_key[0] = -1
        self.top_of[c_html] = 0
        self.sp = 1
        self.special[0] = self.scope[0] = self.stopper[0] = 0
        self.nspecial = self.nscope = self.nstopper = 1
        self.nfmt = self.npend = self.nkeys = 0
        self.stashed = {}
        self.form = -1
        self.removed = 0
        self.budget = self.allowed = budget
        self.copies = 0
        self.token = 0
        self.copied, self.unseen, self.roots_seen = set(), set(), set()
        self.ignored = []

    def __dealloc__(self):
        free(self.props); free(self.top_of); free(self.key_name); free(self.alike); free(self.stack); free(self.below)
        free(self.fmt_key); free(self.fmt_tok); free(self.special); free(self.scope); free(self.stopper)
        free(self.fmt_pos); free(self.pend_key); free(self.pend_from)

    # --- names -------------------------------------------------------------------------------------------------
    cdef int code(self, str name) except -1:
        found = self.codes.get(name)
        if found is not None:
            return found
        cdef int c = self.ncodes
        if c == self.codes_cap:
            self.codes_cap *= 2
            self.props = <long*>self._grown(self.props, self.codes_cap * sizeof(long))
            self.top_of = <int*>self._grown(self.top_of, self.codes_cap * sizeof(int))
        self.props[c] = _props(name)
        self.top_of[c] = -1
        self.codes[name] = c
        self.names.append(name)
        self.ncodes += 1
        return c

    cdef int token_code(self, str tag) except -1:
        found = self.tokens.get(tag)
        if found is not None:
            return found
        cdef int v = self.code(tag[1:]) * 2 + 1 if tag[0] == "/" else self.code(tag) * 2
        self.tokens[tag] = v
        return v

    cdef int key_id(self, str name, str rest) except -1:
        key = T._key(name, rest)
        found = self.keys.get(key)
        if found is not None:
            return found
        cdef int k = self.nkeys
        if k == self.keys_cap:
            self.keys_cap *= 2
            self.key_name = <int*>self._grown(self.key_name, self.keys_cap * sizeof(int))
            self.alike = <int*>self._grown(self.alike, self.keys_cap * sizeof(int))
        self.key_name[k] = self.code(key.partition("\x02")[0])
        self.alike[k] = 0
        self.keys[key] = k
        self.nkeys += 1
        return k

    cdef void* _grown(self, void* block, size_t size) except NULL:
        cdef void* grown = realloc(block, size)
        if not grown:
            raise MemoryError()
        return grown

    cdef int _room(self) except -1:
        """Room for one more stack entry (and index-list entry)."""
        if self.sp < self.stack_cap:
            return 0
        self.stack_cap *= 2
        self.stack = <int*>self._grown(self.stack, self.stack_cap * sizeof(int))
        self.below = <int*>self._grown(self.below, self.stack_cap * sizeof(int))
        self.fmt_key = <int*>self._grown(self.fmt_key, self.stack_cap * sizeof(int))
        self.fmt_tok = <Py_ssize_t*>self._grown(self.fmt_tok, self.stack_cap * sizeof(Py_ssize_t))
        self.special = <int*>self._grown(self.special, self.stack_cap * sizeof(int))
        self.scope = <int*>self._grown(self.scope, self.stack_cap * sizeof(int))
        self.stopper = <int*>self._grown(self.stopper, self.stack_cap * sizeof(int))
        self.fmt_pos = <int*>self._grown(self.fmt_pos, self.stack_cap * sizeof(int))
        return 0

    # --- the stack -----------------------------------------------------------------------------------------------
    cdef inline bint foreign(self, int c):
        return (self.props[c] & P_FOREIGN) != 0

    cdef inline int special_top(self):
        return self.special[self.nspecial - 1]

    cdef inline int scope_top(self):
        return self.scope[self.nscope - 1]

    cdef int push_entry(self, int c, int key, Py_ssize_t token) except -1:
        """An entry on the stack (no marks): its index."""
        self._room()
        cdef Py_ssize_t i = self.sp
        self.stack[i] = c
        self.below[i] = self.top_of[c]
        self.top_of[c] = <int>i
        self.fmt_key[i] = key
        if key >= 0:
            self.fmt_tok[i] = token
            self.fmt_pos[self.nfmt] = <int>i
            self.nfmt += 1
        self.sp += 1
        return <int>i

    cdef Py_ssize_t push(self, int c, int key=-1, Py_ssize_t token=0) except? -1:
        cdef int i = self.push_entry(c, key, token)
        cdef long p = self.props[c]
        if p & P_SPECIAL:
            self.special[self.nspecial] = i
            self.nspecial += 1
        if p & P_SCOPE:
            self.scope[self.nscope] = i
            self.nscope += 1
        if p & P_STOPPER:
            self.stopper[self.nstopper] = i
            self.nstopper += 1
        if key < 0 and p & P_MARKER and self.npend:  # what waits is not pushed again inside it
            self.stashed[i] = ([self.pend_key[k] for k in range(self.npend)],
                               [self.pend_from[k] for k in range(self.npend)])
            self.forget_all()
        return i - self.removed

    cdef void pop_top(self):
        """The current element closes by its end tag (or an <hr>): `open_levels`'s own pop, without the marker rules."""
        cdef Py_ssize_t i = self.sp - 1
        cdef int c = self.stack[i]
        self.top_of[c] = self.below[i]
        self.sp = i
        if self.special[self.nspecial - 1] == i:
            self.nspecial -= 1
            if self.scope[self.nscope - 1] == i:
                self.nscope -= 1
            if self.stopper[self.nstopper - 1] == i:
                self.nstopper -= 1
        while self.nfmt and self.fmt_pos[self.nfmt - 1] >= i:
            self.nfmt -= 1

    cdef int truncate(self, Py_ssize_t at, bint named=False) except -1:
        """Pop the entries from index `at` up (`named`: the one at `at` by its own end tag); the formatting
        elements among the others wait to be pushed again, unless a marker element (a cell...) held them."""
        cdef Py_ssize_t i
        cdef int c, key
        cdef long p
        for i in range(self.sp - 1, at - 1, -1):
            c = self.stack[i]
            p = self.props[c]
            if not p & P_MARK:
                self.top_of[c] = self.below[i]
            key = self.fmt_key[i]
            if key >= 0:
                self.fmt_key[i] = -1
                if (i > at or not named) and self.alike[key] < NOAH:
                    if self.npend < MAX_PENDING:
                        self.pend_key[self.npend] = key
                        self.pend_from[self.npend] = self.fmt_tok[i]
                        self.npend += 1
                        self.alike[key] += 1
                    else:  # (waits in the parser's list: counted as pushed again at every reconstruction)
                        self.unseen.add(self.fmt_tok[i])
            elif p & P_MARKER and (self.npend or self.stashed):
                if p & P_KEPT_MARKER and not (named and i == at):
                    self.stashed.pop(i, None)
                else:
                    self.close_marker(i)
            elif c == c_hash:
                self.removed -= 1
        self.sp = at
        while self.special[self.nspecial - 1] >= at:
            self.nspecial -= 1
        while self.scope[self.nscope - 1] >= at:
            self.nscope -= 1
        while self.stopper[self.nstopper - 1] >= at:
            self.nstopper -= 1
        while self.nfmt and self.fmt_pos[self.nfmt - 1] >= at:
            self.nfmt -= 1
        return 0

    cdef int take_out(self, Py_ssize_t at, bint kept=False) except -1:
        """The entry at `at` leaves the stack, what is above it stays open (see `OpenElements.take_out`)."""
        cdef int c = self.stack[at]
        cdef Py_ssize_t j
        if self.top_of[c] == at:
            self.top_of[c] = self.below[at]
        else:  # (a form the pointer holds under a later one, in a <template>): unlinked from the one above it
            for j in range(at + 1, self.sp):
                if self.stack[j] == c and self.below[j] == at:
                    self.below[j] = self.below[at]
                    break
        self.fmt_key[at] = -1
        self.stack[at] = c_tilde if kept else c_hash
        if not kept:
            self.removed += 1
        return 0

    cdef int count_adopted(self, Py_ssize_t at) except -1:
        cdef Py_ssize_t k = self.nfmt - 1
        cdef int i
        adopted = []
        while k >= 0:
            i = self.fmt_pos[k]
            if i <= at:
                break
            if self.fmt_key[i] >= 0:
                adopted.append(self.fmt_tok[i])
            k -= 1
        self.copies += len(adopted)
        if self.copies > self.allowed:
            self.copied.update(adopted)
        return 0

    cdef int close_marker(self, Py_ssize_t i) except -1:
        self.forget_all()
        waited = self.stashed.pop(i, None)
        cdef Py_ssize_t k
        cdef int key
        if waited:
            keys, froms = waited
            for k in range(len(keys)):
                key = keys[k]
                self.pend_key[k] = key
                self.pend_from[k] = froms[k]
                self.alike[key] += 1
            self.npend = len(keys)
        return 0

    cdef void forget_all(self):
        cdef Py_ssize_t k
        for k in range(self.npend):
            self.alike[self.pend_key[k]] = 0
        self.npend = 0

    cdef int reconstruct(self) except -1:
        """Push again the formatting elements popped without their end tag (before an inline tag or text)."""
        cdef Py_ssize_t k
        cdef int key
        self.copies += self.npend + len(self.unseen)
        if self.copies > self.allowed:
            self.copied.update([self.pend_from[k] for k in range(self.npend)])
            self.copied.update(self.unseen)
            self.unseen.clear()
            self.forget_all()
            return 0
        if self.budget > 0:
            self.budget -= self.npend
            for k in range(self.npend - 1, -1, -1):
                key = self.pend_key[k]
                self.push_entry(self.key_name[key], key, self.pend_from[k])
        self.forget_all()
        return 0

    cdef void forget(self, int c):
        cdef Py_ssize_t k
        cdef int key
        for k in range(min(self.npend, FORGET_LOOK)):
            key = self.pend_key[k]
            if self.key_name[key] == c:
                memmove(&self.pend_key[k], &self.pend_key[k + 1], (self.npend - k - 1) * sizeof(int))
                memmove(&self.pend_from[k], &self.pend_from[k + 1], (self.npend - k - 1) * sizeof(Py_ssize_t))
                self.npend -= 1
                self.alike[key] -= 1
                return

    cdef int close_p(self) except -1:
        cdef int p = self.top_of[c_p]
        if p > 0 and p >= self.scope_top() and p > self.top_of[c_button]:
            self.truncate(p)
        return 0

    cdef bint in_table_mode(self):
        cdef int table = self.top_of[c_table]
        return table > 0 and max(self.top_of[c_td], self.top_of[c_th], self.top_of[c_caption],
                                 self.top_of[c_template]) < table

    cdef int close_implied(self) except -1:
        cdef Py_ssize_t at = self.sp
        while self.props[self.stack[at - 1]] & P_IMPLIED_END:
            at -= 1
        if at < self.sp:
            self.truncate(at)
        return 0

    cdef int break_out(self) except -1:
        cdef Py_ssize_t at = self.sp - 1
        while self.props[self.stack[at]] & P_FOREIGN and not self.props[self.stack[at]] & P_INTEGRATION:
            at -= 1
        self.truncate(at + 1)
        return 0

    # --- the rules -----------------------------------------------------------------------------------------------
    cdef Py_ssize_t end_tag(self, int c) except? -1:
        """An end tag that does not close the current element: its level, or the depth now if it is ignored."""
        cdef Py_ssize_t depth = self.sp - 1 - self.removed
        cdef Py_ssize_t at, level
        cdef int kind, h
        cdef long long form_at
        if self.foreign(self.stack[self.sp - 1]):  # inside <svg>/<math>: the nearest foreign element of its name
            if c == c_br or c == c_p:
                self.break_out()
            else:
                name = self.names[c]
                at = max(self.top_of[self.code(name + " ")], self.top_of[self.code(name + "\t")])
                if at > 0 and self.special_top() <= at:
                    self.truncate(at, True)
                    return at - self.removed
        kind = (self.props[c] >> END_SHIFT) & KIND_MASK
        at = self.top_of[c]
        if kind == E_ANY:
            if at <= 0 or self.special_top() > at:
                return depth
        elif kind == E_FORMAT:
            if at <= 0 or at < self.scope_top():
                if at <= 0 and self.npend:
                    self.forget(c)
                return depth
            if self.special_top() > at:  # the adoption agency: it leaves the stack, what is above it stays
                level = at - self.removed
                self.take_out(at)
                return level
        elif kind == E_IN_SCOPE:
            if at <= 0 or (at < self.scope_top() and c != c_template):
                return depth
        elif kind == E_P:
            if at <= 0 or at < self.scope_top() or at < self.top_of[c_button]:
                return depth
        elif kind == E_LI:
            if at <= 0 or at < max(self.scope_top(), self.top_of[c_ol], self.top_of[c_ul]):
                return depth
        elif kind == E_H:
            at = -1
            for h in range(c_h1, c_h6 + 1):
                at = max(at, self.top_of[h])
            if at <= 0 or at < self.scope_top():
                return depth
        elif kind == E_TABLE:
            if at <= 0 or at < max(self.top_of[c_table], self.top_of[c_template]):
                return depth
        elif kind == E_FORM:  # the form the pointer holds, if still open in scope
            form_at = self.form
            self.form = -1
            if form_at <= 0 or form_at >= self.sp or self.stack[form_at] != c_form or form_at < self.scope_top():
                return depth
            at = <Py_ssize_t>form_at
            level = at - self.removed
            if at == self.sp - 1:
                self.truncate(at, True)
            else:
                self.take_out(at, True)  # what is above it stays open
            return level
        else:  # </html>, </head>, </body>; </br> is a <br>
            if kind == E_BR and self.npend:
                self.reconstruct()
            return depth
        level = at - self.removed
        self.truncate(at, True)
        return level

    cdef Py_ssize_t start_tag(self, int c, str name, str rest, int kind) except? -1:
        """A start tag: the level of the element it opens, 0 when it opens none."""
        cdef int top = self.stack[self.sp - 1]
        cdef int at, table, select
        cdef Py_ssize_t level
        if self.props[top] & P_FOREIGN and not self.props[top] & P_INTEGRATION:  # inside <svg>/<math>
            if not self.props[c] & P_BREAKOUT:
                if T._self_closing(rest):
                    return 0
                return self.push(self.code(name + ("\t" if self.props[top] & P_MATHML else " ")))
            self.break_out()
        if kind == K_OTHER or kind == K_FORMAT:
            if self.npend:
                self.reconstruct()
            if kind == K_FORMAT:
                return self.push(c, self.key_id(name, rest), self.token)
            return self.push(c)
        if kind == K_BLOCK or kind == K_HEADING or kind == K_LIST_ITEM or kind == K_FORM:
            if kind == K_LIST_ITEM:  # closes an open one unless a special element (not div, p...) is above it
                at = self.top_of[c_li] if c == c_li else max(self.top_of[c_dd], self.top_of[c_dt])
                if at > 0 and self.stopper[self.nstopper - 1] <= at:
                    self.truncate(at)
            elif kind == K_FORM and self.form >= 0 and self.top_of[c_template] < 0:
                if "=" in rest:
                    self.ignored.append(self.token)
                return 0
            elif kind == K_FORM and self.in_table_mode():
                self.form = POPPED_FORM
                return self.sp - self.removed
            self.close_p()
            if kind == K_HEADING and self.props[self.stack[self.sp - 1]] & P_HEADING:
                self.truncate(self.sp - 1)
            level = self.push(c)
            if kind == K_FORM:
                self.form = self.sp - 1
            return level
        if kind == K_VOID:
            if c == c_frame and "=" in rest:
                self.ignored.append(self.token)
            if c == c_hr:
                self.close_p()
                if self.top_of[c_select] > 0:
                    self.close_implied()
            elif c == c_input:
                select = self.top_of[c_select]
                if select > 0 and select >= self.scope_top():
                    self.truncate(select)
            if self.npend and self.props[c] & P_RECONSTRUCTING_VOID:
                self.reconstruct()
            return 0
        if kind == K_CLOSES_OWN:  # <a> in an open <a>, <nobr> in an open <nobr>: closes it
            if c == c_nobr and self.npend:
                self.reconstruct()
            at = self.top_of[c]
            if at > 0 and at >= self.scope_top():
                if self.special_top() <= at:
                    self.truncate(at, True)
                else:
                    self.count_adopted(at)
                    self.take_out(at)
            if self.npend:
                self.reconstruct()
            return self.push(c, self.key_id(name, rest), self.token)
        if kind == K_TABLE_PART or kind == K_TABLE:
            table = self.top_of[c_table]
            if self.top_of[c_template] > table:
                return self.push(c)
            select = self.top_of[c_select]
            if 0 < table < select:
                self.truncate(select)
            if kind == K_TABLE:
                if self.in_table_mode():
                    self.truncate(table)
                return self.push(c)
            if table <= 0:
                if "=" in rest:
                    self.ignored.append(self.token)
                return 0
            return self.table_part(c, table)
        if kind == K_BUTTON or kind == K_SELECT:
            at = self.top_of[c]
            if at > 0 and at >= self.scope_top():
                self.truncate(at)
                if kind == K_SELECT:
                    return 0
        elif kind == K_OPTION:
            if self.top_of[c_select] >= self.scope_top() > 0:
                self.close_implied()
            elif self.stack[self.sp - 1] == c_option:
                self.truncate(self.sp - 1)
        elif kind == K_IGNORED:
            if name in self.roots_seen and "=" in rest:
                self.ignored.append(self.token)
            self.roots_seen.add(name)
            return 0
        if self.npend:
            self.reconstruct()
        if kind == K_FOREIGN_ROOT:
            if T._self_closing(rest):
                return 0
            return self.push(self.code(name + (" " if c == c_svg else "\t")))
        return self.push(c)

    cdef Py_ssize_t table_part(self, int c, int table) except? -1:
        cdef int row = self.top_of[c_tr]
        cdef int section = max(self.top_of[c_tbody], self.top_of[c_thead], self.top_of[c_tfoot])
        if self.props[c] & P_CELL:
            if row > table:
                self.truncate(row + 1)
            else:
                if section > table:
                    self.truncate(section + 1)
                else:
                    self.truncate(table + 1)
                    self.push(c_tbody)
                self.push(c_tr)
        elif c == c_tr:
            if section > table:
                self.truncate(section + 1)
            else:
                self.truncate(table + 1)
                self.push(c_tbody)
        else:
            self.truncate(table + 1)
        return self.push(c)


def open_levels(list parts, Py_ssize_t budget, list excess=None, list ignored=None, bint same_at_top=True):
    """`nesting.python_open_levels(parts, excess, ignored)` with its copy budget given: (levels, deepest)."""
    cdef list names = parts[2::4]
    cdef list rests = parts[3::4]
    cdef list texts = parts[0::4]
    cdef Py_ssize_t n = len(names), t, i, level, deepest = 0
    cdef _Model m = _Model(n, budget)
    cdef int* levels = <int*>malloc((n + 1) * sizeof(int))
    cdef int v, c, top, kind, f, below_top
    cdef long p, ptop, pbelow
    if not levels:
        raise MemoryError()
    try:
        for t in range(n):
            levels[t] = 0
        for t in range(n):
            if m.npend and texts[t]:  # text (even blank) pushes the waiting formatting elements again
                m.reconstruct()
                deepest = max(deepest, m.sp - 1 - m.removed)
            tag = names[t]
            if not tag:
                continue
            v = m.token_code(<str>tag)
            c = v >> 1
            top = m.stack[m.sp - 1]
            ptop = m.props[top]
            if v & 1:
                i = m.sp - 1
                if top == c and i and c != c_form:  # it closes the current element (</form>: see `end_tag`)
                    levels[t] = <int>(i - m.removed)
                    m.pop_top()
                    if m.props[c] & P_MARKER and (m.npend or m.stashed):
                        m.close_marker(i)
                    continue
                if (m.props[c] >> END_SHIFT) & KIND_MASK == E_ANY and not ptop & P_FOREIGN:
                    f = m.top_of[c]  # ignored with nothing of its name open, or with a special element above it
                    if f < 0 or m.special_top() > f:
                        levels[t] = <int>(i - m.removed)
                        continue
                levels[t] = <int>m.end_tag(c)
                continue
            if c == c_swallows:
                break
            p = m.props[c]
            below_top = m.stack[m.sp - 2] if m.sp >= 2 else -1
            pbelow = m.props[below_top] if below_top >= 0 else 0
            if c == top and same_at_top and (
                    c == c_p or (p & P_ITEM and m.top_of[c_p] < m.scope_top())
                    or (((p & P_CELL and below_top == c_tr) or (c == c_tr and pbelow & P_SECTION)
                         or (p & P_SECTION and below_top == c_table)) and not m.npend and not m.stashed
                        and m.top_of[c_table] > 0 and m.top_of[c_template] < m.top_of[c_table])):
                levels[t] = <int>(m.sp - 1 - m.removed)  # its like at the top closes, it opens in its place
                continue
            if same_at_top and p & P_DEFINITION and ptop & P_DEFINITION and m.top_of[c_p] < m.scope_top():
                i = m.sp - 1  # `<dd>` in an open `<dt>` (or the other way): the one at the top gives way to it
                m.top_of[top] = m.below[i]
                m.below[i] = m.top_of[c]
                m.top_of[c] = <int>i
                m.stack[i] = c
                levels[t] = <int>(i - m.removed)
                continue
            if (same_at_top and c == c_tr and ptop & P_CELL and below_top == c_tr and m.sp >= 3
                    and m.props[m.stack[m.sp - 3]] & P_SECTION and not m.npend and not m.stashed
                    and 0 < m.top_of[c_table] < m.sp - 3 and m.top_of[c_template] < m.top_of[c_table]):
                m.truncate(m.sp - 1)  # `<tr>` in an open cell of a row: the cell and the row close, a row opens
                levels[t] = <int>(m.sp - 1 - m.removed)
                continue
            if c == c_hr and top == c_p and same_at_top and not m.npend and m.top_of[c_select] < 0:
                m.pop_top()  # `<hr>` after an open paragraph: it closes as by its end tag, nothing is pushed
                continue
            kind = (p >> START_SHIFT) & KIND_MASK
            if (kind == K_VOID and not m.npend and not ptop & P_FOREIGN and c != c_hr and c != c_frame
                    and (c != c_input or m.top_of[c_select] < 0)):
                continue  # a void tag outside <svg>/<math> with nothing waiting pushes nothing (level 0)
            if not m.npend and not ptop & P_FOREIGN and (
                    kind == K_OTHER or kind == K_FORMAT
                    or ((kind == K_BLOCK or (c == c_li and m.stopper[m.nstopper - 1] > m.top_of[c_li]))
                        and m.top_of[c_p] < m.scope_top())
                    or (kind == K_TABLE_PART and ((p & P_CELL and top == c_tr) or (c == c_tr and ptop & P_SECTION)))):
                if kind == K_FORMAT:
                    level = m.push(c, m.key_id(<str>tag, <str>rests[t]), t)
                else:
                    level = m.push(c)
                levels[t] = <int>level
            else:
                m.token = t
                level = m.start_tag(c, <str>tag, <str>rests[t], kind)
                levels[t] = <int>level
                if level <= 0:
                    continue
                level = m.sp - 1 - m.removed
            if level > deepest:
                deepest = level
        if m.npend and texts[len(texts) - 1]:
            m.reconstruct()
            deepest = max(deepest, m.sp - 1 - m.removed)
        if excess is not None and m.copies > m.allowed:
            excess.extend(sorted(m.copied))
        if ignored is not None:
            ignored.extend(m.ignored)
        return [levels[t] for t in range(n)], deepest
    finally:
        free(levels)


def part_lengths(list parts):
    """The length of each part of a split page (0 for a group the token lacks, None), as native int64 numbers in a
    bytearray (`numpy.frombuffer` reads it as is): `flatten._cap_once` measures where each token starts and ends
    (`numpy.fromiter(map(len...))` took ~0.1 s over the 2 million parts of a 2 MB page)."""
    cdef Py_ssize_t n = len(parts), k
    out = bytearray(n * sizeof(long long))
    cdef long long* lengths = <long long*><char*>out
    for k in range(n):
        item = parts[k]
        lengths[k] = 0 if item is None else len(<str>item)
    return out
