"""CLIP scores and verdicts in fp32 vs the `auto` precision (bf16 where the CPU has it), on the test pages.

    python bench/clip_precision.py                  # both presets' architectures, testdata/pages/*.html
    python bench/clip_precision.py --arch fast

For each architecture a random-weight model (pretrained=None: no trained weights exist offline) is
saved as a local-dir folder; every saved page under testdata/pages is checked with CLIP on (OCR and
index off) once with `clip_precision="fp32"` and once with `"auto"`, in the same process. Printed:
the largest change of each CLIP score (raw cosine and calibrated), how many labels (low/medium/high)
and per-image verdicts changed, and the smallest cosine between the fp32 and bf16 image
embeddings. Scores of random weights are meaningless, but how far bf16 moves them is what the
verdict thresholds would see. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ARCHS = {"fast": "ViT-B-32", "multilingual": "ViT-B-16-SigLIP-i18n-256"}
PAGES = sorted((ROOT / "testdata" / "pages").glob("*.html"))
PAIRS = ("image_caption", "image_alt", "image_article", "caption_article")


def check_all(model: str, precision: str, datadir: Path) -> dict:
    from captioncheck.config import Settings
    from captioncheck.pipeline import check_page

    settings = Settings(model=model, device="cpu", clip_precision=precision, use_ocr=False, use_index=False,
                        remember=False)
    out = {}
    for page in PAGES:
        report = check_page(page, settings)
        for n, image in enumerate(report.images):
            out[f"{page.name}#{n}"] = image
    return out


def compare(fp32: dict, auto: dict) -> dict:
    deltas = {f"{p}_{k}": 0.0 for p in PAIRS for k in ("raw", "calibrated")}
    labels = verdicts = scored = context_order = 0
    for key, a in fp32.items():
        b = auto[key]
        verdicts += a.verdict != b.verdict
        if a.scores is None or b.scores is None or a.scores.status != "ok":
            continue
        scored += 1
        for pair in PAIRS:
            x, y = getattr(a.scores, pair), getattr(b.scores, pair)
            if x is None or y is None:
                continue
            deltas[f"{pair}_raw"] = max(deltas[f"{pair}_raw"], abs(x.raw - y.raw))
            deltas[f"{pair}_calibrated"] = max(deltas[f"{pair}_calibrated"], abs(x.calibrated - y.calibrated))
            labels += x.label != y.label
        context_order += [c.text for c in a.scores.contexts] != [c.text for c in b.scores.contexts]
    return {"images": len(fp32), "images_scored": scored, "max_abs_delta": {k: round(v, 5) for k, v in deltas.items()},
            "labels_changed": labels, "verdicts_changed": verdicts, "context_order_changed": context_order}


def embedding_agreement(model: str) -> float:
    """Smallest cosine between fp32 and auto image embeddings of the pages' images."""
    import numpy as np
    from PIL import Image

    from captioncheck.signals.clip.loader import get_model
    from captioncheck.signals.clip.scorer import ClipScorer

    images = []
    for page in PAGES:
        folder = page.with_name(page.stem + "_files")
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            try:
                with Image.open(path) as im:
                    if min(im.size) >= 48:
                        images.append(im.convert("RGB"))
            except OSError:
                continue
    vecs = [ClipScorer(get_model(model, device="cpu", precision=p)).encoder.encode_images(images).vectors
            for p in ("fp32", "auto")]
    return round(float(np.min(np.sum(vecs[0] * vecs[1], axis=1))), 6) if images else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=sorted(ARCHS), action="append")
    args = parser.parse_args()
    import torch

    from captioncheck.signals.clip.offline import write_random_model
    from captioncheck.signals.clip.precision import resolve_precision

    torch.set_num_threads(os.cpu_count() or 2)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CAPTIONCHECK_DATADIR"] = tmp
        os.environ["CAPTIONCHECK_CLIP_CACHE"] = "0"
        for name in args.arch or ["fast", "multilingual"]:
            folder = write_random_model(Path(tmp) / ARCHS[name], ARCHS[name])
            model = f"local-dir:{folder}"
            found = compare(check_all(model, "fp32", Path(tmp)), check_all(model, "auto", Path(tmp)))
            found["auto_precision"] = resolve_precision("auto", "cpu")
            found["min_image_cosine"] = embedding_agreement(model)
            results[name] = found
            print(f"{name:12s} {ARCHS[name]}: fp32 vs auto={found['auto_precision']} on {len(PAGES)} pages, "
                  f"{found['images_scored']} images scored: max |delta| {found['max_abs_delta']}; labels changed "
                  f"{found['labels_changed']}, verdicts changed {found['verdicts_changed']}, context order changed "
                  f"{found['context_order_changed']}; min image cosine {found['min_image_cosine']}", flush=True)
    unchanged = all(r["labels_changed"] == 0 and r["verdicts_changed"] == 0 for r in results.values())
    print(json.dumps({"results": results, "load_average": os.getloadavg()[0], "labels_and_verdicts_unchanged": unchanged}))


if __name__ == "__main__":
    main()
