"""JSON text found in a page (JSON-LD blocks, string literals in inline scripts), decoded safely.

A page can escape half of a surrogate pair (`"\\ud83d"`). `json` decodes it to a lone surrogate,
which no UTF-8 writer accepts, so the page's whole report would fail at output time. Such escapes
become U+FFFD (the replacement character) before decoding; escaped pairs are kept.
"""

from __future__ import annotations

import json
import re
from typing import Any

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
