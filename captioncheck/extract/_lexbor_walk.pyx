# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""One C pass over lexbor's tree: the tables `dom.Doc._number` needs, without a Python object per node.

`dom.Doc._number` numbers a large page's elements from selectolax's pre-order walk, asking each node for its tag id,
mem_id, parent and text through a Python call (~0.7 s for the 960 000 nodes of 2 MB of unclosed paragraphs). This
module follows the same walk (first child, next sibling, parent: selectolax's `traverse`) over lexbor's node structs
and returns, as arrays of bytes, per element its mem_id (the node's address, as selectolax gives it), tag id, parent
index, depth and last descendant, and per text node that holds more than ASCII whitespace its parent's index and
its length as `dom` measures text (whitespace collapsed, and stripped). Python's own whitespace (`str.isspace`) is
used on the text decoded as selectolax decodes it (UTF-8, undecodable bytes replaced).

Only the layout of two lexbor structs is read (`lxb_dom_node_t` and `lxb_dom_character_data_t` of lexbor 2, as
selectolax 1.0 builds it; see selectolax's `lexbor.pxd`), no lexbor function is called: nothing is linked and no
header is needed. `dom` checks this module's tables against its own Python walk on a probe page before it uses
it (a different layout then turns it off).
"""

from cpython.array cimport array, clone
from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport int64_t, uint64_t, uintptr_t
from libc.stdlib cimport free, malloc

cdef extern from *:
    """
    #include <stddef.h>
    #include <stdint.h>
    /* lexbor 2: lxb_dom_node_t (source/lexbor/dom/interfaces/node.h) and lxb_dom_character_data_t
       (character_data.h), the fields in their order */
    typedef struct cc_lxb_node {
        void *events;
        uintptr_t local_name;
        uintptr_t prefix;
        uintptr_t ns;
        void *owner_document;
        struct cc_lxb_node *next;
        struct cc_lxb_node *prev;
        struct cc_lxb_node *parent;
        struct cc_lxb_node *first_child;
        struct cc_lxb_node *last_child;
        void *user;
        int type;
    } cc_lxb_node;
    typedef struct {
        cc_lxb_node node;
        unsigned char *data;
        size_t length;
    } cc_lxb_chars;
    """
    ctypedef struct cc_lxb_node:
        uintptr_t local_name
        cc_lxb_node *next
        cc_lxb_node *parent
        cc_lxb_node *first_child
        int type
    ctypedef struct cc_lxb_chars:
        unsigned char *data
        size_t length

cdef enum:  # lexbor's node types (lxb_dom_node_type_t)
    ELEMENT = 1
    TEXT = 3
    CDATA_SECTION = 4  # (a text node: selectolax calls it "-text")

# ASCII characters Python calls whitespace (str.isspace, str.split, str.strip)
cdef bint ASCII_SPACE[128]
for _code in range(128):
    ASCII_SPACE[_code] = chr(_code).isspace()


cdef inline bint _html_blank(const unsigned char *data, size_t length) noexcept nogil:
    """Only HTML's ASCII whitespace (or nothing): a text node selectolax's `skip_empty` leaves out."""
    cdef size_t k
    cdef unsigned char c
    if data == NULL:
        return True
    for k in range(length):
        c = data[k]
        if c != 32 and c != 9 and c != 10 and c != 12 and c != 13:
            return False
    return True


cdef inline cc_lxb_node* _next(cc_lxb_node *node, cc_lxb_node *root) noexcept nogil:
    """The node after `node`'s subtree in pre-order (NULL past the root's), as selectolax's `traverse` moves."""
    while node != root and node.next == NULL:
        node = node.parent
    if node == root:
        return NULL
    return node.next


cdef int _measure(const unsigned char *data, size_t length, int64_t *collapsed, int64_t *stripped) except -1:
    """The length of the text with its whitespace runs collapsed to one space and its ends stripped (`" ".join(
    text.split())`), and stripped only (`text.strip()`), in characters."""
    cdef size_t k
    cdef bint ascii = True
    cdef int64_t words = 0, chars = 0, first = -1, last = -1, at = 0
    cdef bint space, in_word = False
    cdef str text
    cdef Py_UCS4 ch
    for k in range(length):
        if data[k] >= 128:
            ascii = False
            break
    if ascii:
        for k in range(length):
            space = ASCII_SPACE[data[k]]
            if not space:
                chars += 1
                if first < 0:
                    first = k
                last = k
                if not in_word:
                    words += 1
            in_word = not space
    else:
        text = PyUnicode_DecodeUTF8(<char *> data, length, "replace")
        for ch in text:
            space = ch.isspace()
            if not space:
                chars += 1
                if first < 0:
                    first = at
                last = at
                if not in_word:
                    words += 1
            in_word = not space
            at += 1
    collapsed[0] = chars + words - 1 if words else 0
    stripped[0] = last - first + 1 if first >= 0 else 0
    return 0


def walk(uintptr_t root_id):
    """Number the tree under the element whose mem_id is `root_id` (the page's <html>) in selectolax's pre-order.

    Returns a tuple of arrays ('Q' for mem_ids and tag ids, 'q' for the rest): mem_ids, tag_ids, parents, depths, lasts (per element,
    in document order), text_parents, text_sizes, text_stripped (per text node that is not only ASCII whitespace),
    and `kinds`, bytes per node of the walk without text nodes (`traverse(include_text=False)`), 1 for an element, 0
    for another node (a comment, a processing instruction)."""
    cdef cc_lxb_node *root = <cc_lxb_node *> root_id
    cdef cc_lxb_node *node
    cdef cc_lxb_chars *chars
    cdef Py_ssize_t elements = 0, texts = 0, others = 0
    if root == NULL:
        return None
    # first pass: how many of each (and no node of another kind)
    node = root
    while node != NULL:
        if node.type == ELEMENT:
            elements += 1
        elif node.type == TEXT or node.type == CDATA_SECTION:
            chars = <cc_lxb_chars *> node
            if not _html_blank(chars.data, chars.length):
                texts += 1
        else:  # a comment, a processing instruction (`<?php ... ?>`)
            others += 1
        node = node.first_child if node.first_child != NULL else _next(node, root)

    cdef array q_template = array("q"), u_template = array("Q")
    cdef array mem_ids = clone(u_template, elements, False), tag_ids = clone(u_template, elements, False)
    cdef array parents = clone(q_template, elements, False), depths = clone(q_template, elements, False)
    cdef array lasts = clone(q_template, elements, False)
    cdef array text_parents = clone(q_template, texts, False), text_sizes = clone(q_template, texts, False)
    cdef array text_stripped = clone(q_template, texts, False)
    cdef bytearray kinds = bytearray(elements + others)
    cdef uint64_t *mem = <uint64_t *> mem_ids.data.as_voidptr
    cdef uint64_t *tag = <uint64_t *> tag_ids.data.as_voidptr
    cdef int64_t *parent = <int64_t *> parents.data.as_voidptr
    cdef int64_t *depth = <int64_t *> depths.data.as_voidptr
    cdef int64_t *last = <int64_t *> lasts.data.as_voidptr
    cdef int64_t *text_parent = <int64_t *> text_parents.data.as_voidptr
    cdef int64_t *text_size = <int64_t *> text_sizes.data.as_voidptr
    cdef int64_t *text_strip = <int64_t *> text_stripped.data.as_voidptr
    cdef unsigned char *kind = kinds
    # the open elements: indices of the elements whose subtree the walk is in
    cdef int64_t *stack = <int64_t *> malloc((elements + 1) * sizeof(int64_t))
    cdef Py_ssize_t top = 0, element = 0, text = 0, other = 0
    if stack == NULL:
        raise MemoryError()
    try:
        node = root
        while node != NULL:
            if node.type == ELEMENT:
                mem[element] = <uint64_t> <uintptr_t> node
                tag[element] = <uint64_t> node.local_name
                parent[element] = stack[top - 1] if top else -1
                depth[element] = top
                last[element] = element
                kind[other] = 1
                other += 1
                element += 1
            elif node.type == TEXT or node.type == CDATA_SECTION:
                chars = <cc_lxb_chars *> node
                if not _html_blank(chars.data, chars.length):
                    text_parent[text] = stack[top - 1] if top else -1
                    _measure(chars.data, chars.length, &text_size[text], &text_strip[text])
                    text += 1
            else:
                other += 1
            if node.first_child != NULL:
                if node.type == ELEMENT:
                    stack[top] = element - 1
                    top += 1
                node = node.first_child
                continue
            # up past the subtrees this node ends (each element left has its last descendant now)
            while node != root and node.next == NULL:
                node = node.parent
                if top and node.type == ELEMENT:
                    top -= 1
                    last[stack[top]] = element - 1
            node = NULL if node == root else node.next
        while top:
            top -= 1
            last[stack[top]] = element - 1
    finally:
        free(stack)
    return mem_ids, tag_ids, parents, depths, lasts, text_parents, text_sizes, text_stripped, bytes(kinds)


# --- element node objects made when asked for ------------------------------------------------------------------
# selectolax's `LexborNode` (selectolax 1.0, lexbor.pxd) is a view of one lexbor node: after Python's object header and
# Cython's method table, the node's address, then the parser that owns it. `LazyNodes` makes such a view for an element
# when the rules first ask for it, as selectolax makes one (`LexborNode.new`: an empty object of the type, its node
# and parser set): a page of 540 000 elements has most of them never asked for (~0.3 us and ~70 bytes each).
# `layout_matches` reads (never writes) a node selectolax made to check the layout before any is made here.
from cpython.ref cimport PyObject, Py_INCREF, Py_XDECREF

cdef extern from *:
    """
    typedef struct {
        PyObject_HEAD
        void *vtab;
        void *node;
        PyObject *parser;
    } cc_node_view;
    """
    ctypedef struct cc_node_view:
        void *node
        PyObject *parser


def layout_matches(node, parser) -> bool:
    """Does this node object, made by selectolax for `parser`, hold its node's address and its parser where
    `LazyNodes` writes them? (Its type's instances must also be large enough.)"""
    if type(node).__basicsize__ < sizeof(cc_node_view) or type(node).__itemsize__ != 0:
        return False
    cdef cc_node_view *view = <cc_node_view *> <PyObject *> node
    return <uintptr_t> view.node == <uintptr_t> node.mem_id and view.parser == <PyObject *> parser


cdef class LazyNodes:
    """The elements of a walk (their mem_ids, in document order) as a read-only sequence of node objects of `kind`
    owned by `parser`, each made when first asked for and kept (the same object at every ask)."""

    cdef object kind, parser
    cdef list made
    cdef array ids
    cdef Py_ssize_t size

    def __cinit__(self, kind, parser, array mem_ids):
        self.kind, self.parser, self.ids = kind, parser, mem_ids
        self.size = len(mem_ids)
        self.made = [None] * self.size

    def __len__(self):
        return self.size

    cdef object _node(self, Py_ssize_t at):
        cdef object node = self.made[at]
        cdef cc_node_view *view
        cdef PyObject *before
        if node is None:
            node = self.kind.__new__(self.kind)
            view = <cc_node_view *> <PyObject *> node
            view.node = <void *> <uintptr_t> (<uint64_t *> self.ids.data.as_voidptr)[at]
            before = view.parser
            Py_INCREF(self.parser)
            view.parser = <PyObject *> self.parser
            Py_XDECREF(before)
            self.made[at] = node
        return node

    def __getitem__(self, index):
        cdef Py_ssize_t at, start, stop, step
        if isinstance(index, slice):
            start, stop, step = index.indices(self.size)
            return [self._node(at) for at in range(start, stop, step)]
        at = index
        if at < 0:
            at += self.size
        if not 0 <= at < self.size:
            raise IndexError("node index out of range")
        return self._node(at)

    def __iter__(self):
        cdef Py_ssize_t at
        for at in range(self.size):
            yield self._node(at)
