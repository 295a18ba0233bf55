"""Exceptions of captioncheck, split by what the user must do next.

    CaptionCheckError            root: every error the library raises on purpose
    ├── InputError               bad page, file, URL or option: fix the input
    ├── DependencyError          missing weights, tesseract or network: install or download something
    ├── IndexStoreError          the photo index cannot be opened/read/written: repair or point elsewhere
    │   └── IndexUnreadable      (also an InputError) the index file given is damaged or not an index
    └── FetchRefused             a URL or response refused by the safe fetcher (SSRF, size, type)

Every message is one line and says what to do next.
"""

from __future__ import annotations


class CaptionCheckError(Exception):
    """Root of every error captioncheck raises on purpose."""

    exit_code = 1
    code = "error"


class InputError(CaptionCheckError):
    """The page, file, URL or option given is unusable."""

    exit_code = 2
    code = "bad_input"


class DependencyError(CaptionCheckError):
    """A model, tesseract, a package or the network is missing."""

    exit_code = 3
    code = "dependency_missing"


class IndexStoreError(CaptionCheckError):
    """The photo index cannot be opened, read or written."""

    exit_code = 1
    code = "index_error"


class IndexUnreadable(IndexStoreError, InputError):
    """The index file is damaged, not an index, or cannot be read at all: exit 2, never skipped silently."""

    exit_code = 2
    code = "index_error"


class FetchRefused(InputError):
    """The safe fetcher refused a URL or a response (private address, too large, wrong type)."""

    code = "fetch_refused"

    def __init__(self, message: str, code: str = "fetch_refused") -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[FetchRefused], tuple[str, str]]:  # keeps `code` across processes
        return (type(self), (str(self), self.code))


__all__ = ["CaptionCheckError", "DependencyError", "FetchRefused", "IndexStoreError", "IndexUnreadable", "InputError"]
