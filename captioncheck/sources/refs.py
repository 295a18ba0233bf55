"""`PageRef`: where one page is, small and picklable (what an engine ships to a worker)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageRef:
    """kind "archive" (a record of a WARC/WACZ), "file" (a saved page) or "url" (fetched)."""

    kind: str
    location: str
    member: str = ""  # WARC member of a WACZ
    offset: int = -1  # record offset in the (member) WARC
    captures: str = ""  # capture table of the archive
    archive: str = ""  # SHA-256 of the archive file
    url: str = ""  # the page's address when known before opening it
    date: str = ""  # capture time (WARC-Date) when known before opening it

    @property
    def key(self) -> str:
        """Stable identity of this page input (resume records, output rows)."""
        if self.kind == "archive":
            return f"{self.archive}:{self.member}@{self.offset}"
        return f"{self.kind}:{self.location}"


__all__ = ["PageRef"]
