"""Shared fixtures. Paths to the bundled test data live here so tests never hard-code them."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTDATA = ROOT / "testdata"
SEED_PAGE = TESTDATA / "pages" / "presstv-fr-2019-12-11.html"


@pytest.fixture(autouse=True)
def _isolated_datadir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real index or caches from a test."""
    monkeypatch.setenv("CAPTIONCHECK_DATADIR", str(tmp_path_factory.mktemp("datadir")))


# -- a real throw-away PostgreSQL server for the session (the shared-index backend), started on first use
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
from tests.pg_server import PgServer, find_bindir  # noqa: E402

_DB_NUMBERS = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One real PostgreSQL cluster for the session (initdb + pg_ctl in a temp dir, 127.0.0.1 only)."""
    if find_bindir() is None:
        pytest.skip("PostgreSQL server binaries not installed (Debian package postgresql; scripts/setup.sh installs it)")
    server = PgServer.start()
    yield server
    from captioncheck.index.store_postgres import close_pools

    close_pools()
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database on the session's server; its pooled connections are closed afterwards."""
    yield pg_server.create_database(f"u{next(_DB_NUMBERS)}")
    from captioncheck.index.store_postgres import close_pools

    close_pools()


