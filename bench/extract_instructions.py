"""Instructions one extraction of each hostile page shape executes, counted by valgrind's callgrind, next to another
checkout's count in the same run: a measure of the code's work that the machine's speed does not move.

    python bench/extract_instructions.py [--shapes A,B] [--against CHECKOUT]

This VM's speed drifts by up to 1.4x between runs of the same code minutes apart (`extract_speed.py`'s times): a change
of a few per cent cannot be seen in seconds. Here each shape is extracted once, in a fresh process under callgrind
(PYTHONHASHSEED=0), after the same warm-up as `extract_speed.py`; only the extraction is counted (`callgrind_control`
turns counting on and off around it). The same code gives the same count to ~0.05-0.6 % (lexbor's addresses, hence
the element ids' hashes, change between runs). A run takes ~1 minute a shape
(callgrind runs ~50x slower), two at a time. `--against` another checkout (a `git worktree` of an earlier commit, its
helpers built in place: `python setup.py build_ext --inplace`) gives the ratio per shape. Instructions are not seconds
(a cache miss costs more than an add), but the per-picture rules' Python is what this counts well.

Needs valgrind (Debian: `apt-get install valgrind`). Prints one line per shape and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHAPES = "figures_3k,pictures_among_hidden_text,captioned_9k,pictures_20k,linked_thumbnails,long_srcsets"


def _child(checkout: str, shape: str) -> None:
    """Under callgrind: warm up, then count one extraction of `shape` only."""
    import logging

    sys.path.insert(0, checkout)
    sys.path.insert(1, str(Path(__file__).parent))
    logging.disable(logging.WARNING)
    import captioncheck
    import extract_speed
    from captioncheck.extract import extract_records
    from captioncheck.load import page_from_html

    if not captioncheck.__file__ or not Path(captioncheck.__file__).resolve().is_relative_to(Path(checkout).resolve()):
        raise SystemExit(f"read captioncheck from {captioncheck.__file__}, not {checkout}")
    extract_records(page_from_html(extract_speed.BASELINE, "https://bench.example/warm"))
    page = page_from_html(extract_speed._hostile()[shape], "https://bench.example/a")
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True)
    extract_records(page)
    subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True)


def count(checkout: Path, shape: str) -> int:
    """Instructions of one extraction of `shape` with `checkout`'s captioncheck."""
    with tempfile.TemporaryDirectory() as scratch:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={scratch}/cg.out",
             os.path.realpath(sys.executable), __file__, "--child", str(checkout), shape],
            capture_output=True, text=True, cwd=scratch, env={**os.environ, "PYTHONHASHSEED": "0"}, check=False)
    found = re.search(r"Collected\s*:\s*(\d+)", out.stderr)
    if out.returncode != 0 or found is None:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        raise SystemExit(f"callgrind run of {shape} ({checkout}) failed: {last}")
    return int(found.group(1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shapes", default=DEFAULT_SHAPES, help="comma-separated hostile shapes (extract_speed.py's)")
    ap.add_argument("--against", type=Path, help="another checkout: its count per shape, and the ratio")
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(*args.child)
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind not found: install it (Debian: apt-get install valgrind) and run this again")
    if args.against is not None and not (args.against / "captioncheck" / "extract" / "__init__.py").is_file():
        ap.error(f"--against {args.against}: no captioncheck checkout there (git worktree add DIR COMMIT)")
    sys.path.insert(0, str(Path(__file__).parent))
    import extract_speed

    shapes = [s for s in args.shapes.split(",") if s]
    unknown = sorted(set(shapes) - set(extract_speed._hostile()))
    if unknown:
        ap.error(f"unknown shapes {', '.join(unknown)}")
    checkouts = [ROOT] + ([args.against.resolve()] if args.against is not None else [])
    jobs = [(c, s) for s in shapes for c in checkouts]
    with ThreadPoolExecutor(max_workers=2) as pool:  # (two cores: each callgrind process is single-threaded)
        counts = dict(zip(jobs, pool.map(lambda job: count(*job), jobs)))
    result: dict[str, dict[str, object]] = {}
    for shape in shapes:
        row: dict[str, object] = {"instructions": counts[(ROOT, shape)]}
        shown = f"{counts[(ROOT, shape)] / 1e6:9.1f} M"
        if args.against is not None:
            theirs = counts[(checkouts[1], shape)]
            row["against_instructions"] = theirs
            row["ratio_to_against"] = round(counts[(ROOT, shape)] / theirs, 4)
            shown += f"  against {theirs / 1e6:9.1f} M: x{row['ratio_to_against']:.4f}"
        result[shape] = row
        print(f"{shape:28} {shown}", flush=True)
    print(json.dumps({"instructions": result}))


if __name__ == "__main__":
    main()
