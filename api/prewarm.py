"""Imported by the check workers' fork server only (api/runner.py PRELOAD): fill the lazy tables.

The first check in a fresh process spends seconds loading tables on first use (the gazetteer,
trafilatura's stop lists, the language model). Doing it once here, in the fork server that every
worker process is forked from, means each new worker (at start-up, and after a worker is killed
for running past its time budget) starts warm and answers a small check in milliseconds.
Importing this module runs one check of a tiny page with every signal, the index and the
registry off; a failure here only costs the warm start, never the server.
"""

from __future__ import annotations

import logging

PAGE = ("<html lang='en'><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1>"
        "<p>Officials met in Washington on 8 March 2019 to discuss the budget.</p></article></body></html>")


def prewarm() -> None:
    try:
        from captioncheck.config import Settings
        from captioncheck.load import page_from_html
        from captioncheck.pipeline import check_page

        settings = Settings(use_clip=False, use_ocr=False, use_index=False, remember=False)
        check_page(page_from_html(PAGE, "https://warm-up.invalid/", {}), settings, url="https://warm-up.invalid/")
    except Exception:  # noqa: BLE001 - a warm start is an optimisation only
        logging.getLogger("captioncheck.api").warning("worker pre-warm failed", exc_info=True)


prewarm()
