"""jusText's stop words of every language as one shipped table, for trafilatura's jusText fallback.

When trafilatura's own extractor finds little text it tries jusText with the stop words of all
100 jusText languages; the first time in a process it reads the 100 stoplist files and lower-cases
their 188 000 lines (~0.15-0.2 s), so every `captioncheck extract` of such a page (a hostile page,
an image gallery, a short article) paid it. The same words, sorted, are written once by
`python scripts/build_tables.py` (`captioncheck/data/justext-stopwords.txt.gz`, first line the
jusText version) and read back (~15 ms) only when trafilatura asks for them. trafilatura turns
the list into a set before using it, so the order does not matter; with the file missing, stale
(another jusText version) or unreadable, trafilatura reads jusText's files itself, as before.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

PACKAGE_FILE = Path(__file__).resolve().parent.parent / "data" / "justext-stopwords.txt.gz"
log = logging.getLogger(__name__)


def _justext_version() -> str:
    import justext

    return str(getattr(justext, "__version__", ""))


def build_table() -> list[str]:
    """What trafilatura's `jt_stoplist_init` collects: every word of every jusText stoplist, sorted."""
    from justext import get_stoplist, get_stoplists

    return sorted({word for language in get_stoplists() for word in get_stoplist(language)})


def write_table(path: Path = PACKAGE_FILE) -> Path:
    """Rebuild the shipped table (scripts/build_tables.py); deterministic output (gzip mtime 0)."""
    text = "\n".join([f"justext {_justext_version()}", *build_table()])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    return path


def read_table(path: Path = PACKAGE_FILE) -> tuple[str, ...] | None:
    """The shipped words, or None when the file is missing, unreadable or built from another jusText."""
    try:
        header, _, words = gzip.decompress(path.read_bytes()).decode("utf-8").partition("\n")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        log.debug("jusText stop-word table unreadable: %s", exc)
        return None
    if header != f"justext {_justext_version()}" or not words:
        return None
    return tuple(words.split("\n"))


def use_shipped_table() -> None:
    """Let trafilatura take its jusText stop words from the shipped table when it first needs them
    (its own `jt_stoplist_init` is kept as the fallback). Does nothing once they are loaded, or
    with a trafilatura that has no such step."""
    try:
        from trafilatura import external
    except Exception:  # noqa: BLE001  trafilatura missing or broken: main_text says why
        return
    own = getattr(external, "jt_stoplist_init", None)
    if own is None or hasattr(own, "__wrapped__") or getattr(external, "JT_STOPLIST", 0) is not None:
        return

    def jt_stoplist_init() -> tuple[str, ...]:
        words = read_table()
        if words is None:
            return own()  # type: ignore[no-any-return]
        external.JT_STOPLIST = words
        return words

    jt_stoplist_init.__wrapped__ = own  # type: ignore[attr-defined]
    external.jt_stoplist_init = jt_stoplist_init


__all__ = ["build_table", "read_table", "use_shipped_table", "write_table"]
