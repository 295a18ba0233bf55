#!/usr/bin/env python3
"""Reading a page's nesting: the compiled rules against the Python rules, on the same tokens in one run.

    python bench/open_levels.py [--repeat 3] [--shapes hr_bomb,formatting_bomb,...]

For each 2 MB shape of `bench/extract_speed.py` and for the 101 corpus pages together, the page is split into tokens
once (`flatten.page_tokens`) and its levels read by `nesting.python_open_levels` (the rules in Python, one step per
tag: the code before the compiled rules) and by the compiled `_open_levels`, alternately, the best of `--repeat` CPU
times each; the two answers (levels, deepest level, formatting tags to drop, ignored tags) are checked equal. Then
the whole cap (`flatten.cap_nesting`) with either. Prints a row per shape and a final JSON line with the ratios
(Python / compiled).
"""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_SHAPES = ("hr_bomb,formatting_bomb,table_form_bomb,well_nested_bomb,nested_lists,stray_end_tags,"
                  "mis_nested_spans,unclosed_paragraphs,nested_div_200k,flat_2mb,pictures_among_hidden_text")


def _cpu(run) -> float:
    gc.collect()
    started = time.process_time()
    run()
    return time.process_time() - started


def _both(label: str, pages: list[str], repeat: int) -> dict[str, float]:
    from captioncheck.extract import flatten, nesting

    compiled = nesting.compiled_levels()
    tokens = [flatten.page_tokens(html) for html in pages]

    def python_rules() -> list:
        return [nesting.python_open_levels(parts, [], []) for parts in tokens]

    def compiled_rules() -> list:
        return [compiled(parts, nesting.copy_budget(len(parts) // 4), [], []) for parts in tokens]

    for parts in tokens:  # the same answers either way
        mine: tuple[list[int], list[int]] = ([], [])
        theirs: tuple[list[int], list[int]] = ([], [])
        assert compiled(parts, nesting.copy_budget(len(parts) // 4), *mine) == nesting.python_open_levels(parts, *theirs)
        assert mine == theirs, label
    read_py = read_c = cap_py = cap_c = float("inf")
    for _ in range(repeat):  # alternately, so that the machine's drift falls on both
        read_py = min(read_py, _cpu(python_rules))
        read_c = min(read_c, _cpu(compiled_rules))
        nesting.compiled_levels = lambda: None  # type: ignore[assignment]  # the cap through the Python rules
        flatten.compiled_levels = nesting.compiled_levels
        try:
            cap_py = min(cap_py, _cpu(lambda: [flatten.cap_nesting(html) for html in pages]))
        finally:
            nesting.compiled_levels = flatten.compiled_levels = _cached  # type: ignore[assignment]
        cap_c = min(cap_c, _cpu(lambda: [flatten.cap_nesting(html) for html in pages]))
    row = {"read_python_s": round(read_py, 3), "read_compiled_s": round(read_c, 3),
           "read_ratio": round(read_py / max(read_c, 1e-6), 1), "cap_python_s": round(cap_py, 3),
           "cap_compiled_s": round(cap_c, 3), "cap_ratio": round(cap_py / max(cap_c, 1e-6), 2)}
    print(f"{label:28} read {read_py:6.3f} -> {read_c:6.3f} s ({row['read_ratio']:>5}x)   "
          f"cap {cap_py:6.3f} -> {cap_c:6.3f} s ({row['cap_ratio']}x)", flush=True)
    return row


def main() -> None:
    from _compiled import compare_on_shapes

    from captioncheck.extract import nesting

    global _cached
    _cached = nesting.compiled_levels
    if nesting.compiled_levels() is None:
        raise SystemExit("the compiled nesting rules are not built (pip install -e . with a C compiler): nothing to compare")
    compare_on_shapes(__doc__, DEFAULT_SHAPES, _both)


_cached = None

if __name__ == "__main__":
    main()
