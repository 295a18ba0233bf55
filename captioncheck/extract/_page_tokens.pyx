# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""`flatten._PLAIN_TOKENS.split(text)` and `flatten._QUOTED_TOKENS.split(text)` in one C pass: the page's text and
tokens as `nesting.open_levels` reads them, the same list of the same strings.

The patterns' alternatives, in their order, at each "<" (WHATWG HTML 13.2.5 as `flatten` follows it):
a comment (`<!--` ended at once by `>` or `->`, else at the first `-->` or `--!>`), a bogus comment (`<!`, `<?`, `</`
not followed by a letter: to the first `>`), a raw-text element (`<script` and its kin followed by whitespace, `/` or
`>`, to the first `</script` followed by `>`, or by whitespace or `/` and a later `>`), each whole as one token; else
a tag: its name (`/` and a letter, or a letter, then up to whitespace, `/` or `>`; or SWALLOWS) and its rest, up to its
first `>` (`quoted`: up to the `>` after its quoted values). Where no alternative matches, the "<" is text. Checked
against the regexes once per process on a probe page (`flatten.compiled_split`) and on generated pages by the tests.
"""

from cpython.unicode cimport Py_UNICODE_ISSPACE, PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ

cdef tuple RAW_NAMES = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
cdef str SWALLOWS = "\x01"


cdef inline bint _delimiter(Py_UCS4 c):
    """What ends a tag's name: the tokenizer's whitespace, "/" or ">"."""
    return c == u"\t" or c == u"\n" or c == u"\x0c" or c == u"\r" or c == u" " or c == u"/" or c == u">"


cdef Py_ssize_t _comment_end(str text, Py_ssize_t at, Py_ssize_t n):
    """After `<!` at `at` - 2: where the token ends (-1: no comment or bogus comment here)."""
    cdef Py_ssize_t q, j
    if at + 1 < n and text[at] == u"-" and text[at + 1] == u"-":
        q = at + 2
        if q < n and text[q] == u">":
            return q + 1
        if q + 1 < n and text[q] == u"-" and text[q + 1] == u">":
            return q + 2
        j = text.find("--", q)
        while j >= 0:
            if j + 2 < n and text[j + 2] == u">":
                return j + 3
            if j + 3 < n and text[j + 2] == u"!" and text[j + 3] == u">":
                return j + 4
            j = text.find("--", j + 1)
    j = text.find(">", at)  # a bogus comment (also `<!--` with no end: read to its first ">")
    return j + 1 if j >= 0 else -1


cdef Py_ssize_t _raw_end(str text, Py_ssize_t at, Py_ssize_t n, str name):
    """After `<name` at `at` (followed by a delimiter): where the raw-text element ends (-1: it does not)."""
    cdef Py_ssize_t j, k, gt = text.find(">", at)
    if gt < 0:
        return -1
    cdef str close = "</" + name
    j = text.find(close, gt + 1)
    while j >= 0:
        k = j + len(close)
        if k < n:
            if text[k] == u">":
                return k + 1
            if _delimiter(text[k]):  # whitespace or "/": its rest up to a ">"
                gt = text.find(">", k + 1)
                return gt + 1 if gt >= 0 else -1
        j = text.find(close, j + 1)
    return -1


cdef inline Py_ssize_t _quoted_rest_end(int kind, void* data, Py_ssize_t j, Py_ssize_t n, Py_ssize_t* last_quote):
    """From `j`, where a tag's rest ends when a quoted value may hold ">": the index of its ">" (-1: none).
    `last_quote`: where the text's last '"' and last "'" are (a quote opened after them closes nowhere: known without
    a scan to the end, which many unclosed values would each have taken)."""
    cdef Py_ssize_t k, close
    cdef Py_UCS4 c, quote
    while j < n:
        c = PyUnicode_READ(kind, data, j)
        if c == u">":
            return j
        if c == u"=":
            k = j + 1
            while k < n and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, k)):
                k += 1
            if k < n:
                quote = PyUnicode_READ(kind, data, k)
                if (quote == u'"' and k < last_quote[0]) or (quote == u"'" and k < last_quote[1]):
                    close = k + 1
                    while PyUnicode_READ(kind, data, close) != quote:  # (one closes it: see `last_quote`)
                        close += 1
                    j = close + 1
                    continue
        j += 1  # any other character, a bare quote, or an "=" whose value is not closed
    return -1


def split_tokens(str text, bint quoted=False):
    """The list `re.split` gives with `flatten`'s token pattern (`quoted`: `_QUOTED_TOKENS`, else `_PLAIN_TOKENS`)."""
    cdef Py_ssize_t n = len(text), i = 0, last = 0, end, name_end, gt, k
    cdef Py_UCS4 c
    cdef list out = []
    cdef str name
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t last_quote[2]
    last_quote[0] = text.rfind(u'"') if quoted else -1
    last_quote[1] = text.rfind(u"'") if quoted else -1
    while True:
        while i < n and PyUnicode_READ(kind, data, i) != u"<":  # (a loop: most tags are a few characters apart)
            i += 1
        if i + 1 >= n:
            break
        c = PyUnicode_READ(kind, data, i + 1)
        end = -1
        if c == u"!":
            end = _comment_end(text, i + 2, n)
        elif c == u"?":
            gt = text.find(">", i + 2)
            end = gt + 1 if gt >= 0 else -1
        elif c == u"/" and not (i + 2 < n and u"a" <= text[i + 2] <= u"z"):
            gt = text.find(">", i + 2)
            end = gt + 1 if gt >= 0 else -1
        elif c == u"s" or c == u"t" or c == u"x" or c == u"i" or c == u"n":  # (the raw-text names' first letters)
            for name in RAW_NAMES:
                k = i + 1 + len(name)
                if k < n and text[i + 2] == name[1] and text.startswith(name, i + 1) and _delimiter(text[k]):
                    end = _raw_end(text, k, n, name)
                    break
        if end >= 0:  # a comment, bogus comment or raw-text element, whole
            out.append(text[last:i])
            out.append(text[i:end])
            out.append(None)
            out.append(None)
            i = last = end
            continue
        # a tag: "/"? and a letter, then its name up to a delimiter; or SWALLOWS alone
        k = i + 1
        if c == u"/" and i + 2 < n and u"a" <= text[i + 2] <= u"z":
            k = i + 3
        elif u"a" <= c <= u"z":
            k = i + 2
        elif c == u"\x01":
            k = i + 2
        else:
            i += 1
            continue
        name_end = k
        if c != u"\x01":
            while name_end < n and not _delimiter(PyUnicode_READ(kind, data, name_end)):
                name_end += 1
        if quoted:
            gt = _quoted_rest_end(kind, data, name_end, n, last_quote)
        else:
            gt = name_end
            while gt < n and PyUnicode_READ(kind, data, gt) != u">":
                gt += 1
            if gt == n:
                gt = -1
        if gt < 0:
            i += 1
            continue
        out.append(text[last:i])
        out.append(None)
        out.append(text[i + 1:name_end])
        out.append(text[name_end:gt])
        i = last = gt + 1
    out.append(text[last:])
    return out
