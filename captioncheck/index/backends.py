"""Which store an index spec names: a file path (SQLite, the default) or a `postgresql://` URL.

    open_store("index.sqlite")                          -> SQLiteStore
    open_store("postgresql://user:pw@db.example/photos") -> PostgresStore (needs captioncheck[postgres])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from captioncheck.index.store import PhotoStore, SQLiteStore
from captioncheck.index.store_postgres import PostgresStore, is_postgres, redact

IndexSpec = str | Path


def open_store(spec: IndexSpec, *, create: bool = True, readonly: bool = False) -> PhotoStore:
    if is_postgres(spec):
        return PostgresStore(str(spec), create=create, readonly=readonly)
    return SQLiteStore(spec, create=create, readonly=readonly)


def store_key(spec: IndexSpec, store: Any) -> str:
    """What names this index in the process (searchers are shared by it): the database and its random id."""
    where = redact(str(spec)) if is_postgres(spec) else str(Path(spec).resolve())
    return f"{where}#{store.index_id()}"


def display(spec: IndexSpec) -> str:
    """The spec as shown to the user (no password)."""
    return redact(str(spec)) if is_postgres(spec) else str(spec)


def exists(spec: IndexSpec) -> bool:
    """Whether there may be an index to read: a file that exists, or any PostgreSQL URL (checked on open)."""
    return is_postgres(spec) or Path(spec).is_file()


__all__ = ["IndexSpec", "display", "exists", "is_postgres", "open_store", "store_key"]
