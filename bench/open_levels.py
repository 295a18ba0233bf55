#!/usr/bin/env python3
"""Reading a page's nesting: the compiled token split and rules against the regexes and the Python rules, in one run.

    python bench/open_levels.py [--repeat 3] [--shapes hr_bomb,formatting_bomb,...]

For each 2 MB shape of `bench/extract_speed.py` and for the 101 corpus pages together: the page's scanned text split
into tokens by the token pattern (`re.split`) and by the compiled `_page_tokens`; its levels read from those tokens by
`nesting.python_open_levels` (the rules in Python, one step per tag) and by the compiled `_open_levels`; then the whole
cap (`flatten.cap_nesting`) with neither compiled helper (the code before them) and with both. Alternately, the best
of `--repeat` CPU times each; the splits and the levels (deepest level, formatting tags to drop, ignored tags) are
checked equal. Prints a row per shape and a final JSON line with the ratios (Python / compiled).
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
    split = flatten.compiled_split()
    scanned = [flatten._scannable(html.lower()) for html in pages]
    assert all(split(text, False) == flatten._PLAIN_TOKENS.split(text) for text in scanned), label
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
    split_re = split_c = read_py = read_c = cap_py = cap_c = float("inf")
    for _ in range(repeat):  # alternately, so that the machine's drift falls on both
        split_re = min(split_re, _cpu(lambda: [flatten._PLAIN_TOKENS.split(text) for text in scanned]))
        split_c = min(split_c, _cpu(lambda: [split(text, False) for text in scanned]))
        read_py = min(read_py, _cpu(python_rules))
        read_c = min(read_c, _cpu(compiled_rules))
        # the cap through the regexes and the Python rules
        nesting.compiled_levels = flatten.compiled_levels = flatten.compiled_split = lambda: None  # type: ignore[assignment]
        try:
            cap_py = min(cap_py, _cpu(lambda: [flatten.cap_nesting(html) for html in pages]))
        finally:
            nesting.compiled_levels = flatten.compiled_levels = _cached  # type: ignore[assignment]
            flatten.compiled_split = _cached_split  # type: ignore[assignment]
        cap_c = min(cap_c, _cpu(lambda: [flatten.cap_nesting(html) for html in pages]))
    row = {"split_regex_s": round(split_re, 3), "split_compiled_s": round(split_c, 3),
           "split_ratio": round(split_re / max(split_c, 1e-6), 1), "read_python_s": round(read_py, 3), "read_compiled_s": round(read_c, 3),
           "read_ratio": round(read_py / max(read_c, 1e-6), 1), "cap_python_s": round(cap_py, 3),
           "cap_compiled_s": round(cap_c, 3), "cap_ratio": round(cap_py / max(cap_c, 1e-6), 2)}
    print(f"{label:28} split {split_re:6.3f} -> {split_c:6.3f} s ({row['split_ratio']:>4}x)   "
          f"read {read_py:6.3f} -> {read_c:6.3f} s ({row['read_ratio']:>5}x)   "
          f"cap {cap_py:6.3f} -> {cap_c:6.3f} s ({row['cap_ratio']}x)", flush=True)
    return row


def main() -> None:
    from _compiled import compare_on_shapes

    from captioncheck.extract import flatten, nesting

    global _cached, _cached_split
    _cached, _cached_split = nesting.compiled_levels, flatten.compiled_split
    if nesting.compiled_levels() is None or flatten.compiled_split() is None:
        raise SystemExit("the compiled split and nesting rules are not built (pip install -e . with a C compiler): "
                         "nothing to compare")
    compare_on_shapes(__doc__, DEFAULT_SHAPES, _both)


_cached = _cached_split = None

if __name__ == "__main__":
    main()
