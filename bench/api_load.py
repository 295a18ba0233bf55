"""Load benchmark of the HTTP API: N concurrent clients POST the seed page to /v1/check for a fixed time.

    python bench/api_load.py [--clients 4] [--duration 30] [--workers 2] [--arch ViT-B-32] [--ocr]

Two phases against a real `captioncheck serve` subprocess on a free loopback port, each with a
fresh server: CLIP off, then CLIP on with a model built offline (open_clip `pretrained=None`:
random weights of the real architecture, saved as a `local-dir:` folder; same compute as trained
weights). The payload is what the extension sends (page HTML + base64 image bytes). Reported per
phase: requests/s, p50/p95 latency, errors, and the server's RSS sampled every 0.25 s after a
warm-up request (start, peak, end, and the ratio of the last third's mean to the first third's:
~1.0 means memory stays flat under sustained load). The CLIP phase is compared with the CLIP-off
phase of the same run (ratios). The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "testdata" / "pages" / "presstv-fr-2019-12-11.html"
SEED_FILES = SEED.parent / "presstv-fr-2019-12-11_files"
PAGE_URL = "http://127.0.0.1:9/presstv-fr-2019-12-11.html"  # nothing is fetched: every image comes with the payload


def payload() -> bytes:
    images = [{"url": f"http://127.0.0.1:9/presstv-fr-2019-12-11_files/{f.name}",
               "data": base64.b64encode(f.read_bytes()).decode()}
              for f in sorted(SEED_FILES.iterdir()) if f.suffix in {".jpg", ".png", ".gif"}]
    return json.dumps({"url": PAGE_URL, "html": SEED.read_text(encoding="utf-8"), "images": images}).encode()


def build_model(arch: str, cache: Path) -> Path:
    """A `local-dir:` folder with `arch`'s real config and random weights (built once, then reused)."""
    folder = cache / f"{arch}-random"
    if (folder / "open_clip_pytorch_model.bin").is_file():
        return folder
    import logging

    from captioncheck.signals.clip.offline import write_random_model

    logging.getLogger().setLevel(logging.ERROR)  # open_clip warns that the weights are random: that is the point
    return write_random_model(folder, arch, weights_name="open_clip_pytorch_model.bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_server(args: argparse.Namespace, clip_model: Path | None, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    index = workdir / "index.sqlite"
    shutil.copy(ROOT / "testdata" / "index.sqlite", index)
    port = free_port()
    env = {**os.environ, "CAPTIONCHECK_DATADIR": str(workdir), "CAPTIONCHECK_FETCH_PUBLIC": "0",
           "CAPTIONCHECK_CLIP_CACHE": "0"}  # no embedding cache: every request pays the model
    cmd = [sys.executable, "-m", "captioncheck", "serve", "--port", str(port), "--workers", str(args.workers),
           "--queue", str(args.clients * 2), "--index", str(index), "--no-remember", "--log-level", "warning"]
    cmd += ["--model", f"local-dir:{clip_model}"] if clip_model else ["--no-clip"]
    cmd += [] if args.ocr else ["--no-ocr"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=open(workdir / "server.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {(workdir / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/v1/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 180 s")


def run_clients(base: str, body: bytes, clients: int, duration: float) -> tuple[list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    end = time.monotonic() + duration

    def client() -> None:
        with httpx.Client(timeout=120) as http:
            while time.monotonic() < end:
                start = time.perf_counter()
                try:
                    status = http.post(f"{base}/v1/check", content=body, headers={"Content-Type": "application/json"}).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                    if status == 200:
                        latencies.append(time.perf_counter() - start)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses


def phase(name: str, args: argparse.Namespace, clip_model: Path | None, body: bytes) -> dict[str, object]:
    workdir = Path(tempfile.mkdtemp(prefix=f"api-load-{name}-"))
    proc, base = start_server(args, clip_model, workdir)
    try:
        warm = httpx.post(f"{base}/v1/check", content=body, headers={"Content-Type": "application/json"}, timeout=300)
        if warm.status_code != 200:
            raise SystemExit(f"warm-up request failed: {warm.status_code} {warm.text[:300]}")
        samples: list[float] = []
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                samples.append(rss_mb(proc.pid))
                stop.wait(0.25)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.monotonic()
        latencies, statuses = run_clients(base, body, args.clients, args.duration)
        elapsed = time.monotonic() - started
        stop.set()
        sampler.join()
    finally:
        proc.terminate()
        proc.wait(15)
        shutil.rmtree(workdir, ignore_errors=True)
    third = max(1, len(samples) // 3)
    ok = len(latencies)
    result: dict[str, object] = {
        "requests": ok, "rps": round(ok / elapsed, 2),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(statistics.quantiles(latencies, n=20)[18] * 1000, 1) if len(latencies) >= 20 else
        (round(max(latencies) * 1000, 1) if latencies else None),
        "errors": sum(n for status, n in statuses.items() if status != 200), "statuses": statuses,
        "rss_start_mb": round(samples[0], 1), "rss_peak_mb": round(max(samples), 1), "rss_end_mb": round(samples[-1], 1),
        "rss_growth": round(statistics.mean(samples[-third:]) / statistics.mean(samples[:third]), 3),
    }
    print(f"{name:>8}: {result['rps']} req/s, p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
          f"errors {result['errors']}, RSS {result['rss_start_mb']} -> peak {result['rss_peak_mb']} -> "
          f"end {result['rss_end_mb']} MiB (last/first third {result['rss_growth']})", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load per phase")
    parser.add_argument("--workers", type=int, default=2, help="server worker threads")
    parser.add_argument("--arch", default="ViT-B-32", help="open_clip architecture of the random-weights model")
    parser.add_argument("--ocr", action="store_true", help="also run OCR (tesseract) in the server")
    parser.add_argument("--skip-clip", action="store_true")
    args = parser.parse_args()
    body = payload()
    print(f"seed page payload {len(body) / 1024:.0f} KiB; {args.clients} clients x {args.duration:g} s per phase; "
          f"{args.workers} server workers; OCR {'on' if args.ocr else 'off'}", flush=True)
    results = {"clip_off": phase("clip_off", args, None, body)}
    if not args.skip_clip:
        model = build_model(args.arch, Path(tempfile.gettempdir()) / "captioncheck-bench-models")
        results["clip_on"] = phase("clip_on", args, model, body)
        off, on = results["clip_off"], results["clip_on"]
        results["ratios"] = {"rps_clip_on_vs_off": round(float(on["rps"]) / max(float(off["rps"]), 1e-9), 3),  # type: ignore[arg-type]
                             "rss_peak_clip_on_vs_off": round(float(on["rss_peak_mb"]) / float(off["rss_peak_mb"]), 3)}  # type: ignore[arg-type]
    print(json.dumps({"bench": "api_load", "clients": args.clients, "duration_s": args.duration, "workers": args.workers,
                      "arch": args.arch, "ocr": args.ocr, **results}))


if __name__ == "__main__":
    main()
