"""CLIP throughput: our scorer vs a bare open_clip forward pass, same batch size, same run.

    python bench/clip_throughput.py                 # both presets' architectures, random weights
    python bench/clip_throughput.py --arch fast --images 16 --texts 32
    python bench/clip_throughput.py --page          # warm 10-image page, before/after, both presets

For each architecture (`fast` = ViT-B-32, `multilingual` = ViT-B-16-SigLIP-i18n-256) a child
process builds the model with random weights (pretrained=None: same speed as real weights), saves
it as a local-dir folder, and measures:

* model load time: our loader (`get_model("local-dir:...")`) vs `open_clip.create_model_and_transforms`
  on the same folder;
* images/s: our Encoder (cache disabled) vs bare `preprocess` + `model.encode_image`, on the same
  batches of 8, alternating batch by batch (fastest of --reps per batch); plus our Encoder on the
  whole list at once, where preprocessing of the next batch overlaps the model ("pipelined");
* texts/s: our Encoder.encode_texts vs bare tokenizer + `model.encode_text`, batch 8;
* images/s when every image is already in the SQLite embedding cache (reported separately);
* a whole-page `score_page` time (seed article, 8 images, 3 contexts);
* the page figure (`--page`): a 10-image page scored by a warm process (model
  loaded, one other page scored before), new images, captions and article, 3 places, embedding
  cache off so every image is encoded; the current code with the image tower in fp32 and in
  `auto` precision (bf16 where the CPU has AMX/AVX512-BF16), and optionally a baseline tree
  (`--baseline DIR`), each in its own child process on the same model folder, alternating, best of
  --reps. The `auto` process also scores pages of 1, 3, 7, 10 and 13 images, the first and the
  second page of each size (a new batch shape may cost more the first time). Goals: `fast` <= 1.5 s,
  `multilingual` <= 3 s on 2 cores, met by the `auto` figure;
* optional (--quant): int8 dynamic quantisation of the Linear layers: speed and cosine agreement
  of image embeddings with fp32 (kept only if >= 0.99).

Peak memory is the child's max RSS. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARCHS = {"fast": "ViT-B-32", "multilingual": "ViT-B-16-SigLIP-i18n-256"}
PAGE_GOAL_S = {"fast": 1.5, "multilingual": 3.0}
PAGE_IMAGES = 10
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _baseline import baseline_tree, child_json  # noqa: E402
SEED_TEXT = ROOT.parent / "shared" / "seed" / "presstv-fr-2019-12-11.txt"
BATCH = 8


def make_images(n: int) -> list:
    """Photo-sized JPEGs decoded by PIL (preprocessing cost is part of the measure)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        base = rng.integers(0, 255, (12, 16, 3), dtype=np.uint8)
        img = Image.fromarray(base).resize((640 + 8 * i, 480), Image.BILINEAR)
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=85)
        out.append(Image.open(io.BytesIO(buf.getvalue())))
    return out


def make_texts(n: int) -> list[str]:
    words = ["le", "chef", "du", "renseignement", "russe", "est", "arrivé", "à", "Téhéran", "pour", "des", "entretiens", "avec", "responsables", "iraniens"]
    return [" ".join(words[(i + j) % len(words)] for j in range(8 + i % 12)) + f" {i}" for i in range(n)]


def write_model_dir(arch: str, folder: Path) -> None:
    """Random-weight model saved the way open_clip's local-dir loader reads it (an offline stand-in
    tokenizer for the mT5 sentencepiece one: the towers' speed is the same)."""
    from captioncheck.signals.clip.offline import write_random_model

    texts = SEED_TEXT.read_text(encoding="utf-8").splitlines() if SEED_TEXT.is_file() else make_texts(200)
    write_random_model(folder, arch, texts=texts)


def best_of(reps: int, *fns):
    """Run the functions interleaved `reps` times; best wall time of each."""
    best = [float("inf")] * len(fns)
    for _ in range(reps):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def paired(reps: int, inputs: list, bare, ours) -> tuple[float, float]:
    """Bare and ours on the same batch of 8, alternating order, batch after batch, `reps` times.

    Both paths see the same load at the same moment (this machine is shared); each batch keeps
    its fastest time per path, and the totals are compared.
    """
    chunks = [inputs[i : i + BATCH] for i in range(0, len(inputs), BATCH)]
    best = [[float("inf")] * len(chunks) for _ in range(2)]
    for rep in range(reps):
        for c, chunk in enumerate(chunks):
            order = (0, 1) if (rep + c) % 2 == 0 else (1, 0)
            for which in order:
                start = time.perf_counter()
                (bare, ours)[which](chunk)
                best[which][c] = min(best[which][c], time.perf_counter() - start)
    return sum(best[0]), sum(best[1])


def bare_image_fn(model, preprocess):
    import torch

    def run(images):
        with torch.inference_mode():
            for start in range(0, len(images), BATCH):
                batch = torch.stack([preprocess(im) for im in images[start : start + BATCH]])
                model.encode_image(batch, normalize=True).numpy()

    return run


def bare_text_fn(model, tokenizer):
    import torch

    def run(texts):
        with torch.inference_mode():
            for start in range(0, len(texts), BATCH):
                model.encode_text(tokenizer(texts[start : start + BATCH]), normalize=True).numpy()

    return run


def run_arch(name: str, n_images: int, n_texts: int, reps: int, quant: bool) -> dict:
    import open_clip
    import torch

    sys.path.insert(0, str(ROOT))
    from captioncheck._types import ImageInContext, PageInfo
    from captioncheck.signals.clip.cache import EmbeddingCache
    from captioncheck.signals.clip.encoder import Encoder
    from captioncheck.signals.clip.loader import load_model
    from captioncheck.signals.clip.scorer import ClipScorer
    from captioncheck.signals.clip.spec import parse_spec

    torch.set_num_threads(os.cpu_count() or 2)
    arch = ARCHS[name]
    out: dict = {"arch": arch, "batch": BATCH, "images": n_images, "texts": n_texts, "threads": torch.get_num_threads()}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / arch
        write_model_dir(arch, folder)
        start = time.perf_counter()
        model, _, preprocess = open_clip.create_model_and_transforms(f"local-dir:{folder}")
        out["load_s_bare"] = round(time.perf_counter() - start, 2)
        tokenizer = open_clip.get_tokenizer(f"local-dir:{folder}")
        model.eval()
        del model
        start = time.perf_counter()
        loaded = load_model(parse_spec(f"local-dir:{folder}"))
        out["load_s_ours"] = round(time.perf_counter() - start, 2)
        model = loaded.model
        images, texts = make_images(n_images), make_texts(n_texts)
        for im in images:
            im.load()  # decoding is the caller's job in both paths
        bare_image_fn(model, loaded.preprocess)(images[:BATCH])  # warm-up
        ours_enc = Encoder(loaded, None, image_batch=BATCH, text_batch=BATCH)
        bare_t, ours_t = paired(
            reps, images, bare_image_fn(model, loaded.preprocess), lambda chunk: ours_enc.encode_images(chunk)
        )
        out["images_per_s_bare"] = round(n_images / bare_t, 2)
        out["images_per_s_ours"] = round(n_images / ours_t, 2)
        out["image_overhead"] = round(ours_t / bare_t - 1, 4)
        (whole_t,) = best_of(reps, lambda: ours_enc.encode_images(images))  # preprocessing overlaps the model
        out["images_per_s_ours_pipelined"] = round(n_images / whole_t, 2)

        def ours_texts(chunk):
            Encoder(loaded, None, image_batch=BATCH, text_batch=BATCH).encode_texts(chunk)  # fresh memo each run

        bare_tt, ours_tt = paired(reps, texts, bare_text_fn(model, tokenizer), ours_texts)
        out["texts_per_s_bare"] = round(n_texts / bare_tt, 2)
        out["texts_per_s_ours"] = round(n_texts / ours_tt, 2)
        out["text_overhead"] = round(ours_tt / bare_tt - 1, 4)

        cache = EmbeddingCache(Path(tmp) / "cache.sqlite")
        cached = Encoder(loaded, cache, image_batch=BATCH)
        cached.encode_images(images)  # fill
        (hit_t,) = best_of(reps, lambda: cached.encode_images(images))
        out["images_per_s_cached"] = round(n_images / hit_t, 1)

        page = PageInfo(
            title="Le chef du Service des renseignements extérieurs russe à Téhéran",
            text=SEED_TEXT.read_text(encoding="utf-8") if SEED_TEXT.is_file() else "\n\n".join(texts),
        )
        items = [
            (ImageInContext(url=f"u{i}", caption=texts[i % len(texts)], alt=texts[(i + 1) % len(texts)]), images[i])
            for i in range(min(8, n_images))
        ]
        scorer = ClipScorer(loaded, None, image_batch=BATCH)
        start = time.perf_counter()
        scorer.score_page(page, items, contexts=["Tehran", "Washington, DC", "Deir ez-Zor"])
        out["score_page_s_8_images"] = round(time.perf_counter() - start, 2)
        if quant:
            out.update(quant_check(loaded, images, reps))
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


PAGE_CHILD = r"""
import io, json, os, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np, torch
from PIL import Image
from captioncheck._types import ImageInContext, PageInfo
from captioncheck.signals.clip import loader
from captioncheck.signals.clip.scorer import ClipScorer
from captioncheck.signals.clip.spec import parse_spec
torch.set_num_threads(os.cpu_count() or 2)
folder, text_file, n, reps, precision = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
sizes = [int(x) for x in sys.argv[7].split(",") if x]
lines = [ln for ln in open(text_file, encoding="utf-8").read().splitlines() if ln.strip()]
rng = np.random.default_rng(1)

def photo(i):
    base = rng.integers(0, 255, (12, 16, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(base).resize((800 + 4 * i, 533), Image.BILINEAR).save(buf, format="JPEG", quality=85)
    img = Image.open(io.BytesIO(buf.getvalue())); img.load()
    return img

def page(k, count=n):
    # a different article each time: the body rotated and suffixed (passages all new), new captions
    body = lines[k % len(lines):] + lines[: k % len(lines)]
    body = [f"{ln} ({k})" for ln in body]
    info = PageInfo(title=f"{body[0][:80]} {k}", description=body[1][:200], text="\n\n".join(body), language="fr")
    items = [(ImageInContext(url=f"https://x/{k}/{i}.jpg", caption=f"{body[(2 + i) % len(body)][:150]} [{k}.{i}]",
                             alt=f"photo {k}.{i}: " + body[(3 + i) % len(body)][:60]), photo(i)) for i in range(count)]
    return info, items

start = time.perf_counter()
loaded = loader.load_model(parse_spec(f"local-dir:{folder}"))
if hasattr(loader, "set_precision"):  # a baseline tree from before the precision setting runs fp32
    loaded = loader.set_precision(loaded, precision)
load_s = time.perf_counter() - start
scorer = ClipScorer(loaded, None)
places = [["Tehran", "Washington, DC", "Deir ez-Zor"], ["Moscow", "Tehran", "Washington, DC"]]
scorer.score_page(*page(0), contexts=places[0])  # warm: model, memo of constant texts, allocator

def timed(info, items):
    start, cpu_start = time.perf_counter(), time.process_time()
    scorer.score_page(info, items, contexts=places[1])
    return time.perf_counter() - start, time.process_time() - cpu_start

best, cpu = float("inf"), float("inf")
for r in range(reps):
    wall, used = timed(*page(r + 1))
    best, cpu = min(best, wall), min(cpu, used)
by_size = {}
for j, count in enumerate(sizes):  # other image counts: first page of that size, then a second one
    first = timed(*page(100 + 2 * j, count))[0]
    second = timed(*page(101 + 2 * j, count))[0]
    by_size[str(count)] = [round(first, 3), round(second, 3)]
print(json.dumps({"page_s": round(best, 3), "cpu_s": round(cpu, 3), "images": n, "load_s": round(load_s, 2),
                  "precision": getattr(loaded, "precision", "fp32"), "by_size": by_size}))
"""
VARIANTS = ("fp32", "auto")  # precision of the current tree, side by side; "before": a baseline tree (fp32)
SIZES = (1, 3, 7, 10, 13)


def page_figure(name: str, baseline: Path | None, reps: int, rounds: int = 2, sizes: tuple[int, ...] = SIZES) -> dict:
    """Warm 10-image page: the current code in fp32 and in `auto` precision (and a baseline tree when
    given), each in its own process on the same model folder, alternating; best of reps x rounds.
    The `auto` processes also score pages of other sizes (first and second page of each size)."""
    out: dict = {"arch": ARCHS[name], "images": PAGE_IMAGES, "goal_s": PAGE_GOAL_S[name]}
    text = SEED_TEXT if SEED_TEXT.is_file() else None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / ARCHS[name]
        write_model_dir(ARCHS[name], folder)
        if text is None:
            text = Path(tmp) / "text.txt"
            text.write_text("\n".join(make_texts(60)), encoding="utf-8")
        runs: dict[str, list[dict]] = {}
        variants = [(v, ROOT, v) for v in VARIANTS] + ([("before", baseline, "fp32")] if baseline else [])
        for r in range(rounds):  # alternate: the machine is shared
            for key, tree, precision in variants:
                size_arg = ",".join(map(str, sizes)) if key == "auto" and r == 0 else ""
                found = child_json(
                    PAGE_CHILD, [str(tree), str(folder), str(text), str(PAGE_IMAGES), str(reps), precision, size_arg],
                    what=f"page figure ({name}, {key})", timeout=1200)
                runs.setdefault(key, []).append(found)
    for key, found in runs.items():
        out[f"page_s_{key}"] = min(f["page_s"] for f in found)
        out[f"page_cpu_s_{key}"] = min(f["cpu_s"] for f in found)  # CPU seconds spread over the cores
        out[f"load_s_{key}"] = min(f["load_s"] for f in found)
    out["auto_precision"] = runs["auto"][0]["precision"]
    out["by_size_auto"] = runs["auto"][0]["by_size"]  # images -> [first page of that size, second] s
    out["speedup_auto_vs_fp32"] = round(out["page_s_fp32"] / out["page_s_auto"], 2)
    out["goal_met_fp32"] = out["page_s_fp32"] <= PAGE_GOAL_S[name]
    out["goal_met"] = out["page_s_auto"] <= PAGE_GOAL_S[name]
    return out


def quant_check(loaded, images, reps: int) -> dict:
    """int8 dynamic quantisation of the image tower's Linear layers: speed and agreement with fp32."""
    import numpy as np
    import torch
    from torch.ao.quantization import quantize_dynamic

    from captioncheck.signals.clip.encoder import Encoder

    fp32 = Encoder(loaded, None, image_batch=BATCH).encode_images(images).vectors
    import copy

    q_model = copy.deepcopy(loaded.model)  # image tower only: open_clip's text tower reads Linear.weight.dtype
    q_model.visual = quantize_dynamic(q_model.visual, {torch.nn.Linear}, dtype=torch.qint8)
    q_loaded = type(loaded)(**{**loaded.__dict__, "model": q_model})
    q_enc = Encoder(q_loaded, None, image_batch=BATCH)
    (q_t,) = best_of(reps, lambda: q_enc.encode_images(images))
    q_vecs = q_enc.encode_images(images).vectors
    agreement = float(np.min(np.sum(fp32 * q_vecs, axis=1)))
    return {
        "int8_images_per_s": round(len(images) / q_t, 2),
        "int8_min_cosine_vs_fp32": round(agreement, 4),
        "int8_kept": agreement >= 0.99,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--arch", choices=sorted(ARCHS), action="append")
    parser.add_argument("--images", type=int, default=0, help="images per run (default 32 fast, 16 multilingual)")
    parser.add_argument("--texts", type=int, default=32)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--quant", action="store_true", help="also measure int8 dynamic quantisation")
    parser.add_argument("--page", action="store_true",
                        help="only the page figure: current code in fp32 and auto precision, side by side")
    parser.add_argument("--baseline", help="page figure: also a baseline code tree, e.g. an unpacked `git archive` "
                                           "(it runs fp32)")
    parser.add_argument("--rounds", type=int, default=2, help="page figure: child processes per variant, alternating")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    archs = args.arch or ["fast", "multilingual"]
    if args.page:
        base = baseline_tree(args.baseline) if args.baseline else None
        pages = {}
        loads = []
        for name in archs:
            pages[name] = page_figure(name, base, args.reps, args.rounds)
            p = pages[name]
            loads.append(os.getloadavg()[0])
            before = f", before {p['page_s_before']} s" if "page_s_before" in p else ""
            print(f"{name:12s} {p['arch']}: warm page of {PAGE_IMAGES} images: fp32 {p['page_s_fp32']} s "
                  f"(CPU {p['page_cpu_s_fp32']} s), auto={p['auto_precision']} {p['page_s_auto']} s "
                  f"(CPU {p['page_cpu_s_auto']} s), x{p['speedup_auto_vs_fp32']}{before}; pages of n images "
                  f"(first, second) s: {p['by_size_auto']}; load average {loads[-1]:.1f}; goal <= {p['goal_s']} s: "
                  f"{'met' if p['goal_met'] else 'MISSED'} (fp32: {'met' if p['goal_met_fp32'] else 'missed'})",
                  flush=True)
        print(json.dumps({"pages": pages, "load_average": loads, "target_met": all(p["goal_met"] for p in pages.values())}))
        return
    if args.child:
        n = args.images or (32 if archs[0] == "fast" else 16)
        print(json.dumps(run_arch(archs[0], n, args.texts, args.reps, args.quant)))
        return
    results = {}
    for name in archs:  # one child per architecture: separate peak-memory figures
        cmd = [
            sys.executable,
            __file__,
            "--child",
            "--arch",
            name,
            "--texts",
            str(args.texts),
            "--reps",
            str(args.reps),
        ]
        cmd += ["--images", str(args.images)] if args.images else []
        cmd += ["--quant"] if args.quant else []
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, check=False)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr[-2000:])
            raise SystemExit(f"benchmark for {name} failed")
        results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        r = results[name]
        print(
            f"{name:12s} {r['arch']}: images/s ours {r['images_per_s_ours']} vs bare {r['images_per_s_bare']} "
            f"(overhead {r['image_overhead']:+.1%}; pipelined {r['images_per_s_ours_pipelined']}), texts/s ours {r['texts_per_s_ours']} vs bare "
            f"{r['texts_per_s_bare']} ({r['text_overhead']:+.1%}), cached {r['images_per_s_cached']} img/s, "
            f"load {r['load_s_ours']}s (bare {r['load_s_bare']}s), page of 8 {r['score_page_s_8_images']}s, "
            f"peak RSS {r['peak_rss_mb']} MB",
            flush=True,
        )
    worst = max(max(r["image_overhead"], r["text_overhead"]) for r in results.values())
    print(
        json.dumps({"results": results, "worst_overhead": worst, "target_overhead": 0.10, "target_met": worst <= 0.10})
    )


if __name__ == "__main__":
    main()
