#!/usr/bin/env python3
"""Numbering a parsed page's nodes: the compiled walker against the Python walk, on the same trees in one run.

    python bench/tree_walk.py [--repeat 3] [--shapes nested_div_200k,unclosed_paragraphs,...]

For each 2 MB shape of `bench/extract_speed.py` (capped as `extract` caps it) and for the 101 corpus pages together,
the page is parsed once and numbered by `treewalk.python_walk` (selectolax's objects, one Python call per node and
question: the code before the compiled walker) and by `treewalk.walk` through the compiled `_lexbor_walk`, alternately,
the best of `--repeat` CPU times each; the two results are checked equal. Then the page parsed and numbered as
`Doc.parse` does after its cap (`Doc._numbered`: parse, hidden elements, the walk, the per-element tables) with either
walker. Prints a row per shape and a final JSON line with the
ratios (Python / compiled).
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_SHAPES = ("unclosed_paragraphs,unclosed_cells,tiny_paragraphs,line_breaks,hr_bomb,formatting_bomb,"
                  "nested_div_200k,flat_2mb,many_links,figures_3k")


def _best(run, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()  # (collection is paused while timed, as `extract` pauses it on a large page)
        started = time.process_time()
        run()
        best = min(best, time.process_time() - started)
    return best


def _both(label: str, pages: list[str], repeat: int) -> dict[str, float]:
    from selectolax.lexbor import LexborHTMLParser

    from captioncheck.extract import treewalk
    from captioncheck.extract.dom import Doc

    compiled = treewalk.compiled_walker()
    trees = [LexborHTMLParser(html) for html in pages]
    roots = [tree.root for tree in trees]
    for root in roots:  # the same tables either way
        assert treewalk._same(treewalk._compiled(root, compiled), treewalk.python_walk(root)), label
    walk_py = walk_c = parse_py = parse_c = float("inf")
    for _ in range(repeat):  # alternately, so that the machine's drift falls on both
        walk_py = min(walk_py, _best(lambda: [treewalk.python_walk(root) for root in roots], 1))
        walk_c = min(walk_c, _best(lambda: [treewalk._compiled(root, compiled) for root in roots], 1))
        treewalk.compiled_walker = lambda: None  # type: ignore[assignment]  # numbered through the Python walk
        try:
            parse_py = min(parse_py, _best(lambda: [Doc._numbered(html, True) for html in pages], 1))
        finally:
            treewalk.compiled_walker = _cached  # type: ignore[assignment]
        parse_c = min(parse_c, _best(lambda: [Doc._numbered(html, True) for html in pages], 1))
    row = {"walk_python_s": round(walk_py, 3), "walk_compiled_s": round(walk_c, 3),
           "walk_ratio": round(walk_py / max(walk_c, 1e-6), 1), "parse_python_s": round(parse_py, 3),
           "parse_compiled_s": round(parse_c, 3), "parse_ratio": round(parse_py / max(parse_c, 1e-6), 2)}
    print(f"{label:22} walk {walk_py:6.3f} -> {walk_c:6.3f} s ({row['walk_ratio']:>5}x)   "
          f"parse + number {parse_py:6.3f} -> {parse_c:6.3f} s ({row['parse_ratio']}x)", flush=True)
    return row


def main() -> None:
    from _compiled import compare_on_shapes

    from captioncheck.extract import treewalk
    from captioncheck.extract.flatten import cap_nesting

    global _cached
    _cached = treewalk.compiled_walker
    if treewalk.compiled_walker() is None:
        raise SystemExit("the compiled walker is not built (pip install -e . with a C compiler): nothing to compare")
    compare_on_shapes(__doc__, DEFAULT_SHAPES, _both, cap_nesting)


_cached = None

if __name__ == "__main__":
    main()
