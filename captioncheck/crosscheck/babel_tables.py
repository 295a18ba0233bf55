"""Tables built from Babel's CLDR data and shipped as JSON package data (`captioncheck/data/`).

Reading CLDR through Babel at run time imports babel.dates with the local time zone and parses
locale files (~0.1 s per process), so months, weekday names and language names are written once
by `python scripts/build_tables.py` and read back here; each caller falls back to Babel itself
when its file is missing or unreadable.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def read_table(path: Path) -> dict[str, Any] | None:
    """A shipped table's whole payload, or None when the file is missing or not a JSON object."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return payload if isinstance(payload, dict) else None


def write_table(path: Path, payload: dict[str, Any], compact: bool = False) -> Path:
    """Write `payload` with the Babel version it was built from; deterministic output (sorted keys,
    one entry a line, or one line when `compact`)."""
    from importlib.metadata import version

    layout: dict[str, Any] = {"separators": (",", ":")} if compact else {"indent": 0}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({**payload, "babel": version("babel")}, ensure_ascii=False, sort_keys=True, **layout)
    path.write_text(text + "\n", encoding="utf-8")
    return path


__all__ = ["DATA_DIR", "read_table", "write_table"]
