"""Imported by the check workers' fork server only (api/app.py adds it to the preload list): load
the hashes of the indexes the checks will search, once, so that every worker process forked from
the fork server starts with them in memory (shared copy-on-write) and only loads the rows added
since (PhotoIndex.sync), instead of each worker, and each replacement of a killed worker,
reading every hash again. The indexes are named by the server in CAPTIONCHECK_PRELOAD_INDEX
(one spec per line); a failure here only costs the warm start.
"""

from __future__ import annotations

import logging
import os

ENV = "CAPTIONCHECK_PRELOAD_INDEX"


def preload() -> None:
    log = logging.getLogger("captioncheck.api")
    specs = [s for s in os.environ.get(ENV, "").split("\n") if s]
    if not specs:
        return
    from captioncheck.config import index_spec
    from captioncheck.index import open_index

    for raw in specs:
        try:
            with open_index(index_spec(raw) or raw, readonly=True) as index:
                index.sync(force=True)
        except Exception:  # noqa: BLE001 - the workers load it themselves then
            log.warning("index preload failed", exc_info=True)
    try:
        from captioncheck.index.store_postgres import close_pools

        close_pools()  # no pool threads in the process the workers are forked from
    except ImportError:
        pass


preload()
