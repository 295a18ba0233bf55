"""What the benches of a compiled helper against its Python twin share (`bench/tree_walk.py`,
`bench/open_levels.py`): the command line, the 2 MB shapes of `bench/extract_speed.py` and the corpus pages
together, one row each, and the final JSON line."""

from __future__ import annotations

import argparse
import gc
import json
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def compare_on_shapes(description: str, default_shapes: str, both: Callable[[str, list[str], int], dict[str, float]],
                      prepare: Callable[[str], str] = lambda html: html) -> None:
    """Parse the command line, then `both(label, pages, repeat)` per shape and for the corpus pages together (each page
    through `prepare` first); print the rows as one JSON line."""
    ap = argparse.ArgumentParser(description=description.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--shapes", default=default_shapes)
    ap.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = ap.parse_args()
    import extract_speed

    gc.disable()  # (extract pauses collection on large pages too)
    rows: dict[str, dict[str, float]] = {}
    shapes = extract_speed._hostile()
    for name in args.shapes.split(","):
        rows[name] = both(name, [prepare(shapes[name])], args.repeat)
    corpus = sorted(args.corpus.glob("**/*.html"))
    if corpus:
        rows[f"corpus ({len(corpus)} pages)"] = both(f"corpus ({len(corpus)})", [
            prepare(path.read_text(encoding="utf-8", errors="replace")) for path in corpus], args.repeat)
    print(json.dumps(rows))
