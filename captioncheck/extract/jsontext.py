"""JSON text found in a page (JSON-LD blocks, string literals in inline scripts), decoded safely.

A page can escape half of a surrogate pair (`"\\ud83d"`). `json` decodes it to a lone surrogate,
which no UTF-8 writer accepts, so the page's whole report would fail at output time. Such escapes
become U+FFFD (the replacement character) before decoding; escaped pairs are kept.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from captioncheck.extract.dom import collapse

_LONE_SURROGATE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"  # a high half not followed by a low one
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"  # a low half not after a high one
)


def without_lone_surrogates(raw: str) -> str:
    """`raw` (JSON source text) with escapes of lone surrogate halves replaced by `\\ufffd`."""
    if "\\u" not in raw:
        return raw
    return _LONE_SURROGATE.sub(r"\\ufffd", raw)


def loads(raw: str, strict: bool = False) -> Any:
    """json.loads of page text (by default control characters are allowed in strings); never yields
    a lone surrogate."""
    return json.loads(without_lone_surrogates(raw), strict=strict)


_BREAKING_TAG = re.compile(r"<(?:br|/?p|/?div|/?li|/?h[1-6])\b[^<>]*>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def plain(value: str) -> str:
    """A text as a page wrote it into JSON (a JSON-LD caption, a script's gallery state), as a reader would
    see it shown: tags dropped (a line break or a block's edge is a space), entities decoded, blanks
    collapsed (`"mis&nbsp;en <em>garde</em>"` -> `"mis en garde"`)."""
    if "<" in value:
        value = _TAG.sub("", _BREAKING_TAG.sub(" ", value))
    if "&" in value:
        value = html.unescape(value)
    return collapse(value)
