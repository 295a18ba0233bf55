"""Build testdata/index.sqlite from testdata/originals/ and its meta.jsonl (reproducible).

    python testdata/build_index.py            # rewrites testdata/index.sqlite

Each line of originals/meta.jsonl names a file in originals/ and its original context
(caption, credit, creator, date, place, source_url, license). The same can be done with
`captioncheck index add --meta testdata/originals/meta.jsonl --index testdata/index.sqlite`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from captioncheck.index import PhotoMeta, open_index

HERE = Path(__file__).resolve().parent
ORIGINALS = HERE / "originals"
TARGET = HERE / "index.sqlite"


def build(target: Path = TARGET) -> int:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    lines = (ORIGINALS / "meta.jsonl").read_text(encoding="utf-8").splitlines()
    with open_index(target, create=True) as index:
        for line in filter(str.strip, lines):
            record = json.loads(line)
            data = (ORIGINALS / record["file"]).read_bytes()
            index.add_photo(data, PhotoMeta.from_dict(record))
        count = int(index.stats().get("photos", 0))
    return count


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET
    print(f"{build(out)} photos indexed in {out}")
