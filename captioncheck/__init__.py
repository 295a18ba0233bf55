"""captioncheck: catch photos used out of context on news pages.

Public API: the result types and exceptions below, plus `extract` (page -> images in context)
and `check_page` (page -> explained verdicts). The functions and the result types (pydantic
models) are imported lazily so that importing the package, and `captioncheck extract`, stay cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from captioncheck._exceptions import CaptionCheckError, DependencyError, FetchRefused, IndexStoreError, InputError
from captioncheck._records import SCHEMA_VERSION

if TYPE_CHECKING:
    from captioncheck._types import ExtractResult, ImageInContext, Match, PageInfo, Reason

__version__ = "0.1.0"
_TYPES = frozenset({"ExtractResult", "ImageInContext", "Match", "PageInfo", "Reason"})


def __getattr__(name: str) -> Any:  # lazy public types and functions (PEP 562)
    if name in _TYPES:
        from captioncheck import _types

        return getattr(_types, name)
    if name == "extract":
        from captioncheck.extract import extract

        return extract
    if name == "check_page":
        from captioncheck.pipeline import check_page

        return check_page
    raise AttributeError(name)


__all__ = [
    "CaptionCheckError",
    "DependencyError",
    "ExtractResult",
    "FetchRefused",
    "ImageInContext",
    "IndexStoreError",
    "InputError",
    "Match",
    "PageInfo",
    "Reason",
    "SCHEMA_VERSION",
    "__version__",
    "check_page",
    "extract",
]
