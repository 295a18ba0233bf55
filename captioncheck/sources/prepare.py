"""Scan an archive once into its capture table (cached by the archive's SHA-256 in a work folder)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from captioncheck._exceptions import InputError
from captioncheck.sources import warc
from captioncheck.sources.captures import CaptureTable
from captioncheck.sources.refs import PageRef


@dataclass
class PreparedArchive:
    path: Path
    digest: str
    captures: Path
    records: int = 0
    pages: int = 0
    damage: list[tuple[str, int, str]] = field(default_factory=list)  # (member, offset, error)
    skipped_large: int = 0  # records listed but not read: a body over warc.MAX_RECORD_BYTES

    def refs(self) -> Iterator[PageRef]:
        """The archive's HTML pages in archive order, streamed from the capture table."""
        table = CaptureTable(self.captures)
        try:
            cur = table.conn.execute("SELECT member, offset, url, date FROM pages ORDER BY seq")
            while rows := cur.fetchmany(1000):
                for member, offset, url, date in rows:
                    yield PageRef("archive", str(self.path), member, int(offset), str(self.captures), self.digest, url, date)
        finally:
            table.close()


def prepare_archive(path: Path, workdir: Path, progress: Callable[[str, int], None] | None = None) -> PreparedArchive:
    """Scan `path` unless its capture table is already in `workdir` (a resumed run)."""
    try:
        workdir.mkdir(parents=True, exist_ok=True)
        digest = warc.file_digest(path)
    except OSError as exc:
        raise InputError(f"cannot read {path} or write to {workdir} ({exc.strerror or exc}); check the paths") from exc
    final = workdir / f"{digest}.captures.sqlite"
    if not final.exists():
        tmp = workdir / f"{digest}.{os.getpid()}.captures.tmp"
        tmp.unlink(missing_ok=True)
        table = CaptureTable(tmp, write=True)
        try:
            counts = warc.scan(path, table, (lambda n: progress(path.name, n)) if progress else None)
            table.finish({"archive": str(path), "digest": digest, "records": str(counts.records),
                          "skipped_large": str(counts.skipped_large)})
        finally:
            table.close()
        tmp.replace(final)
    table = CaptureTable(final)
    try:
        meta, counts, damage = table.meta(), table.counts(), table.damage()
    finally:
        table.close()
    return PreparedArchive(path=path, digest=digest, captures=final, records=int(meta.get("records", counts["records"])),
                           pages=counts["pages"], damage=damage, skipped_large=int(meta.get("skipped_large", 0)))


__all__ = ["PreparedArchive", "prepare_archive"]
