"""OCR mark detection: precision/recall and time on real photos with and without marks, before/after.

    python bench/ocr_marks.py                       # current code vs the baseline tree, same run
    python bench/ocr_marks.py --baseline /tmp/cc-base --language fr

The test set is `testdata/ocr/` (built by testdata/build_ocr_set.py: 12 real photos, unmarked,
with a corner agency credit, a burnt-in caption band or a large faint stock watermark). Each
code tree (the baseline is a copy of an older commit, made with `git archive` when --baseline is
not given) runs in its own child process on the same images, one after the other, with the OCR
signal's own parallelism. Scored per image:

* watermark: an agency found that the image carries is a true positive, one it does not carry a
  false positive, a carried one not found a false negative;
* burnt-in caption: found (>= half of the caption's words recovered) on a captioned image is a
  true positive; any burnt-in caption reported on an image without one is a false positive.

Prints a table and ends with one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _baseline import baseline_tree, child_json

SET = ROOT / "testdata" / "ocr"


def words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.casefold()) if len(w) > 2}


def score(labels: dict, found: dict) -> dict:
    wm = {"tp": 0, "fp": 0, "fn": 0}
    cap = {"tp": 0, "fp": 0, "fn": 0}
    for file, truth in labels.items():
        got = found[file]
        marks, want = set(got["watermarks"]), set(truth["watermarks"])
        wm["tp"] += len(marks & want)
        wm["fp"] += len(marks - want)
        wm["fn"] += len(want - marks)
        if truth["caption"]:
            need = words(truth["caption"])
            ok = len(need & words(got["burnt_in_caption"] or got["text"])) >= len(need) / 2 and bool(got["burnt_in_caption"])
            cap["tp" if ok else "fn"] += 1
        elif got["burnt_in_caption"]:
            cap["fp"] += 1
    return {"watermark": _pr(wm), "caption": _pr(cap), "all": _pr({k: wm[k] + cap[k] for k in wm})}


def _pr(c: dict) -> dict:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 1.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 1.0
    return {**c, "precision": round(p, 3), "recall": round(r, 3)}


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from PIL import Image
from captioncheck._types import ImageInContext, PageInfo
from captioncheck.config import Settings
from captioncheck.signals import ImageItem, PageBatch
from captioncheck.signals.ocr import OcrSignal
files = json.loads(sys.argv[2]); lang = sys.argv[3]
items = []
for f in files:
    im = Image.open(f); im.load(); im = im.convert("RGB")
    items.append(ImageItem(image=ImageInContext(url=f), data=open(f, "rb").read(), pil=im))
batch = PageBatch(page=PageInfo(language=lang), items=items, settings=Settings(ocr_timeout_s=60))
def cpu():
    return sum(getattr(resource.getrusage(w), f) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime"))
cpu_start, start = cpu(), time.perf_counter()
evs = OcrSignal().collect(batch)
elapsed = time.perf_counter() - start
try:  # long-lived tesseract workers (where the tree has them): reaped, so that their CPU time counts
    from captioncheck.signals.tesseract_pool import close_shared_pool
    close_shared_pool()
except ImportError:
    pass
cpu_s = cpu() - cpu_start
out = {}
for f, ev in zip(files, evs):
    v = ev.value
    out[f.rsplit("/", 1)[-1]] = {"status": ev.status, "reason": ev.reason, "watermarks": v.watermarks if v else [],
                                 "burnt_in_caption": v.burnt_in_caption if v else "", "text": v.text if v else ""}
print(json.dumps({"elapsed_s": elapsed, "cpu_s": cpu_s, "found": out}))
"""


def run_tree(tree: Path, files: list[str], language: str) -> dict:
    return child_json(CHILD, [str(tree), json.dumps(files), language], what=f"OCR run in {tree}", timeout=3600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="folder holding the baseline code tree (default: git archive of the branch point)")
    parser.add_argument("--no-baseline", action="store_true", help="measure the current code only")
    parser.add_argument("--language", default="en", help="page language handed to the OCR signal")
    parser.add_argument("--limit", type=int, default=0, help="only the first N images (quick look)")
    args = parser.parse_args()
    labels = json.loads((SET / "labels.json").read_text(encoding="utf-8"))
    if args.limit:
        labels = dict(list(labels.items())[: args.limit])
    files = [str(SET / f) for f in labels]
    trees = {"after": ROOT} if args.no_baseline else {"before": baseline_tree(args.baseline), "after": ROOT}
    results = {}
    for name, tree in trees.items():
        run = run_tree(tree, files, args.language)
        results[name] = {"seconds": round(run["elapsed_s"], 2), "per_image_s": round(run["elapsed_s"] / len(files), 3),
                         "cpu_s": round(run["cpu_s"], 2), "cpu_per_image_s": round(run["cpu_s"] / len(files), 3),
                         **score(labels, run["found"])}
        misses = [f for f, t in labels.items() if set(t["watermarks"]) != set(run["found"][f]["watermarks"])
                  or bool(t["caption"]) != bool(run["found"][f]["burnt_in_caption"])]
        r = results[name]
        print(f"{name:6s} {len(files)} images in {r['seconds']:.1f} s ({r['per_image_s']:.2f} s/image; CPU {r['cpu_s']:.1f} s, "
              f"{r['cpu_per_image_s']:.2f} s/image, tesseract included); "
              f"watermark P {r['watermark']['precision']:.2f} R {r['watermark']['recall']:.2f}; "
              f"burnt-in caption P {r['caption']['precision']:.2f} R {r['caption']['recall']:.2f}; "
              f"misses: {', '.join(misses) or 'none'}", flush=True)
    summary = {"images": len(files), "language": args.language, **results}
    if "before" in results:
        summary["speedup"] = round(results["before"]["seconds"] / max(results["after"]["seconds"], 1e-9), 2)
        summary["cpu_speedup"] = round(results["before"]["cpu_s"] / max(results["after"]["cpu_s"], 1e-9), 2)
    summary["load_average"] = round(os.getloadavg()[0], 1)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
