"""Does a text begin as an HTML document does? Shared by the saved-page loader and the page fetcher.

A page that opens with a doctype, `<html>`, `<head>`, `<body>` or a head element (after a byte-order
mark, blanks and comments) is a page, whatever follows: browsers render NUL and other control
characters (as U+FFFD, or not at all), so a publisher could otherwise make its page unreadable to the
checks by putting a few thousand of them after its doctype. Random bytes, images and archives never
open this way; text that does not is judged by the callers' own tests (control characters, tags).
"""

from __future__ import annotations

import re

_DOCUMENT_START = re.compile(
    r"\ufeff?\s*(?:<!--.*?-->\s*|<\?xml[^>]*>\s*)*<(?:!doctype\s+html|html|head|body|meta|title|base|link)[\s/>]",
    re.IGNORECASE | re.DOTALL)
HEAD_CHARS = 4096  # how far into the text the opening is looked for


def starts_as_document(text: str) -> bool:
    return _DOCUMENT_START.match(text[:HEAD_CHARS]) is not None


__all__ = ["HEAD_CHARS", "starts_as_document"]
