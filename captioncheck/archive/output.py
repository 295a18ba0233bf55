"""Audit output: rows appended to a JSON Lines journal as pages finish, resumable.

`FILE.jsonl` is the journal itself; for `FILE.parquet` rows go to `FILE.parquet.partial.jsonl`
and are converted (pyarrow, in batches) when the run ends. Pages done are kept in
`FILE.progress.sqlite`: a page's rows are written and flushed before its key, so after a crash
rows of a page not marked done are dropped and that page is checked again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from captioncheck._exceptions import DependencyError, InputError

PARQUET_BATCH = 5000
NESTED = ("best_match", "earliest_sighting")


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise DependencyError("--out FILE.parquet needs pyarrow; install it with: pip install -e '.[scale]' "
                              "(or write FILE.jsonl)") from exc
    return pa, pq


class AuditOutput:
    def __init__(self, out: Path) -> None:
        suffix = out.suffix.lower()
        if suffix not in (".jsonl", ".parquet"):
            raise InputError(f"--out {out}: write .jsonl (JSON Lines) or .parquet")
        self.out = out
        self.parquet = suffix == ".parquet"
        if self.parquet:
            _pyarrow()
        self.journal = out.with_name(out.name + ".partial.jsonl") if self.parquet else out
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(out.with_name(out.name + ".progress.sqlite"), isolation_level=None)
            self.db.execute("CREATE TABLE IF NOT EXISTS done (key TEXT PRIMARY KEY) WITHOUT ROWID")
        except (OSError, sqlite3.Error) as exc:
            raise InputError(f"cannot write next to {out} ({exc}); choose another --out path") from exc
        if self.parquet and out.exists() and not self.journal.exists():
            self._parquet_to_journal()
        self._drop_unfinished()
        self.fh = self.journal.open("a", encoding="utf-8")

    def is_done(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM done WHERE key = ?", (key,)).fetchone() is not None

    def write(self, key: str, rows: list[dict[str, Any]]) -> None:
        self.fh.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        self.fh.flush()
        self.db.execute("INSERT OR IGNORE INTO done VALUES (?)", (key,))

    def rows(self) -> Iterator[dict[str, Any]]:
        if not self.fh.closed:
            self.fh.flush()
        with self.journal.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    yield json.loads(line)

    def close(self) -> None:
        self.fh.close()
        if self.parquet:
            self._journal_to_parquet()
            self.journal.unlink()
        self.db.close()

    def _drop_unfinished(self) -> None:
        """Rows of pages whose key was never marked done (a crash mid-page) are removed."""
        if not self.journal.exists():
            return
        tmp = self.journal.with_name(self.journal.name + ".tmp")
        dropped = 0
        with self.journal.open(encoding="utf-8") as src, tmp.open("w", encoding="utf-8") as dst:
            for line in src:
                try:
                    key = json.loads(line).get("page_key", "")
                except json.JSONDecodeError:  # a line cut by the crash
                    dropped += 1
                    continue
                if self.is_done(key):
                    dst.write(line if line.endswith("\n") else line + "\n")
                else:
                    dropped += 1
        if dropped:
            tmp.replace(self.journal)
        else:
            tmp.unlink()

    def _journal_to_parquet(self) -> None:
        pa, pq = _pyarrow()
        tmp = self.out.with_name(self.out.name + ".tmp")
        writer = None
        batch: list[dict[str, Any]] = []
        try:
            for row in self.rows():
                batch.append({k: json.dumps(v, ensure_ascii=False) if k in NESTED else v for k, v in row.items()})
                if len(batch) >= PARQUET_BATCH:
                    writer = _write_batch(pa, pq, writer, tmp, batch)
                    batch = []
            writer = _write_batch(pa, pq, writer, tmp, batch)
        finally:
            if writer is not None:
                writer.close()
        tmp.replace(self.out)

    def _parquet_to_journal(self) -> None:
        _, pq = _pyarrow()
        with self.journal.open("w", encoding="utf-8") as fh:
            for batch in pq.ParquetFile(self.out).iter_batches(PARQUET_BATCH):
                for row in batch.to_pylist():
                    row = {k: json.loads(v) if k in NESTED and v else (None if k in NESTED else v) for k, v in row.items()}
                    fh.write(json.dumps(row, ensure_ascii=False) + "\n")


SCHEMA_FIELDS = (("page_key", "string"), ("page_url", "string"), ("site", "string"), ("seen_at", "string"),
                 ("published", "string"), ("image_url", "string"), ("position", "int64"), ("caption", "string"),
                 ("credit", "string"), ("verdict", "string"), ("points", "int64"), ("reasons", "list"),
                 ("best_match", "string"), ("earliest_sighting", "string"), ("error", "string"),
                 ("image_thumb", "string"), ("original_thumb", "string"))


def _schema(pa: Any) -> Any:
    types = {"string": pa.string(), "int64": pa.int64(), "list": pa.list_(pa.string())}
    return pa.schema([(name, types[kind]) for name, kind in SCHEMA_FIELDS])


def _write_batch(pa: Any, pq: Any, writer: Any, path: Path, batch: list[dict[str, Any]]) -> Any:
    schema = _schema(pa)
    if writer is None:
        writer = pq.ParquetWriter(path, schema)
    if batch:
        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
    return writer


__all__ = ["AuditOutput"]
