"""Index signal: look each image up by perceptual hash in the known-photo index and in the
first-seen registry, and (separately, after the check) remember the images seen on this page.

Two stores, one interface (`captioncheck.index.open_index`):
- the *lookup index*: `settings.index_path` (e.g. `--index testdata/index.sqlite`), opened
  read-only so a check never modifies a curated index;
- the *first-seen registry*: the default index under the data dir, which also holds the user's
  own curated photos. When no `--index` is given both are the same file.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from captioncheck._exceptions import CaptionCheckError, IndexUnreadable, InputError
from captioncheck._types import Match, Sighting
from captioncheck.config import Settings, default_index_path
from captioncheck.signals.base import Evidence, PageBatch

NAME = "index_match"
TOP_K = 5


def lookup_paths(settings: Settings) -> list[Path]:
    """The index files to search, existing ones only; an explicit missing --index is an error."""
    paths: list[Path] = []
    if settings.index_path is not None:
        explicit = Path(settings.index_path)
        if not explicit.is_file():
            raise InputError(f"index file not found: {explicit}; build one with `captioncheck index add` or drop --index")
        paths.append(explicit)
    registry = default_index_path()
    if registry.is_file() and registry.resolve() not in {p.resolve() for p in paths}:
        paths.append(registry)
    return paths


def _open(path: Path, readonly: bool) -> Any:
    """A connection per check is cheap: the hash searcher is shared per index file by open_index."""
    from captioncheck.index import open_index

    return open_index(path, create=not readonly, readonly=readonly)


def _dedupe(matches: list[Match]) -> list[Match]:
    best: dict[tuple[str, int], Match] = {}
    for m in matches:
        key = (m.origin + m.page_url + m.caption[:80], m.photo_id)
        if key not in best or m.score > best[key].score:
            best[key] = m
    return sorted(best.values(), key=lambda m: -m.score)[:TOP_K]


class IndexMatchSignal:
    name = NAME

    def collect(self, batch: PageBatch) -> list[Evidence]:
        if not batch.items:
            return []
        paths = lookup_paths(batch.settings)  # an explicit --index that is missing raises InputError
        if not paths:
            reason = "no photo index yet: add known photos with `captioncheck index add` or pass --index"
            return [Evidence.unavailable(NAME, reason) for _ in batch.items]
        indexes, problems = [], []
        for path in paths:
            try:
                indexes.append(_open(path, readonly=True))
            except InputError:  # a damaged index file: the check stops and says so (never dropped silently)
                raise
            except (CaptionCheckError, ImportError, OSError) as exc:
                if batch.settings.index_path is not None and path == Path(batch.settings.index_path):
                    raise IndexUnreadable(f"the photo index given cannot be used: {exc}") from exc
                problems.append(str(exc))  # the first-seen registry: its lookups are lost, the check goes on
        if not indexes:
            return [Evidence.unavailable(NAME, problems[0]) for _ in batch.items]
        for problem in problems:
            note = f"first-seen registry not searched: {problem}"
            if note not in batch.notices:
                batch.notices.append(note)
        try:
            return [self._one(indexes, item.pil, batch.page.url) for item in batch.items]
        finally:
            for idx in indexes:
                idx.close()

    @staticmethod
    def _one(indexes: list[Any], pil: Any, page_url: str) -> Evidence:
        found: list[Match] = []
        try:
            for idx in indexes:  # this very page, indexed or remembered earlier, is no evidence about it
                found.extend(idx.search(pil, k=TOP_K, exclude_page_url=page_url or None))
        except IndexUnreadable:  # a damaged index: the check stops and says which file
            raise
        except Exception as exc:  # a hashing failure on one image must not stop the page
            return Evidence.error(NAME, f"index lookup failed ({type(exc).__name__}): {exc}")
        return Evidence(signal=NAME, value=_dedupe(found))


def remember(batch: PageBatch, page_url: str, countries: Iterable[str] = ()) -> str:
    """Record every image of the batch in the first-seen registry, with the page's own context
    (publication date, language, the countries the article is about); returns a notice or ""."""
    if not batch.items or not batch.settings.remember:
        return ""
    seen_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    try:
        registry = default_index_path()
        registry.parent.mkdir(parents=True, exist_ok=True)
        idx = _open(registry, readonly=False)
    except (CaptionCheckError, ImportError, OSError) as exc:
        return f"images not remembered: {exc}"
    try:
        page = batch.page
        for item in batch.items:
            idx.remember_seen(item.data, Sighting(
                page_url=page_url, seen_at=seen_at, published=page.published, caption=item.image.caption,
                credit=item.image.credit, alt=item.image.alt, lang=page.language, countries=sorted(countries),
                source="check",
            ))
    except CaptionCheckError as exc:
        return f"images not remembered: {exc}"
    finally:
        idx.close()
    return ""


__all__ = ["NAME", "IndexMatchSignal", "lookup_paths", "remember"]
