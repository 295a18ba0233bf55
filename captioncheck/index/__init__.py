"""Local index of known photos with their original context, looked up by perceptual hash.

Public API: `open_index(path) -> PhotoIndex`, `PhotoIndex.search/add_photo/remember_seen/stats/close`,
`PhotoMeta`. Layers inside: hashes (what is stored) -> store + migrations (where) -> search (how
it is found fast) -> photoindex (the API) -> ingest (files, folders, sidecars, in parallel).
"""

from __future__ import annotations

from captioncheck.index.photoindex import (
    MATCH_THRESHOLD,
    PhotoIndex,
    PhotoMeta,
    open_index,
)

__all__ = ["MATCH_THRESHOLD", "PhotoIndex", "PhotoMeta", "open_index"]
