"""Shared fixtures. Paths to the bundled test data live here so tests never hard-code them."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = ROOT / "testdata"
SEED_PAGE = TESTDATA / "pages" / "presstv-fr-2019-12-11.html"


@pytest.fixture(autouse=True)
def _isolated_datadir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real index or caches from a test."""
    monkeypatch.setenv("CAPTIONCHECK_DATADIR", str(tmp_path_factory.mktemp("datadir")))
