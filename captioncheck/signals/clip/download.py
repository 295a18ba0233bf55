"""Fetch a model's weights, config and tokenizer once, so every later run is offline.

The only module that goes online. A TCP probe with a short time-out runs first, so a machine
without network gets one clear DependencyError within seconds instead of retries; the Hugging
Face client then downloads with its own per-request time-outs and a progress bar.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from captioncheck._exceptions import DependencyError, InputError
from captioncheck.signals.clip.locate import WEIGHT_NAMES, locate_builtin_weights, locate_hub
from captioncheck.signals.clip.spec import CONFIG_NAME, ModelSpec, parse_spec

PROBE_TIMEOUT_S = 5.0
SMALL_FILES = (CONFIG_NAME, "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "spiece.model")


@dataclass(frozen=True)
class CacheStatus:
    cached: bool
    where: str = ""


def endpoint() -> str:
    from huggingface_hub import constants

    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def probe(url: str, timeout: float = PROBE_TIMEOUT_S) -> str:
    """ "" when a TCP connection to the URL's host opens within `timeout` seconds, else why not."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    outcome: list[str] = []

    def connect() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append("")
        except OSError as exc:
            outcome.append(exc.strerror or type(exc).__name__)

    worker = threading.Thread(target=connect, daemon=True)  # getaddrinfo has no time-out of its own
    worker.start()
    worker.join(timeout + 0.5)
    return outcome[0] if outcome else "timed out"


def status(spec: ModelSpec) -> CacheStatus:
    """Whether a preset/hub model is usable offline, and from where."""
    if spec.kind == "hub":
        found = locate_hub(spec)
        return CacheStatus(found is not None, str(found.folder) if found else "")
    if spec.kind == "builtin" and spec.hub_repo:
        weights = locate_builtin_weights(spec, spec.hub_repo)
        return CacheStatus(weights is not None, str(weights.parent) if weights else "")
    return CacheStatus(False, "")


def hub_repo_for(spec: ModelSpec) -> str:
    if spec.hub_repo:
        return spec.hub_repo
    if spec.kind == "builtin":
        import open_clip

        cfg = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained)
        parts = str(cfg.get("hf_hub", "")).strip("/").split("/")
        if len(parts) >= 2:
            return "/".join(parts[:2])
    raise InputError(
        f"{spec.label!r} is not on the Hugging Face Hub: download its weights yourself and use --model ARCH@FILE"
    )


def choose_files(files: list[str]) -> list[str]:
    """Config, tokenizer files and one weights file (safetensors preferred)."""
    chosen = [f for f in files if f in SMALL_FILES or fnmatch.fnmatch(f, "tokenizer*.json")]
    weights = next((w for w in WEIGHT_NAMES if w in files), None)
    if weights is None:
        raise DependencyError("the repository holds no open_clip weights file: pick another model")
    return sorted(set(chosen + [weights]))


def download(name: str, dest: Path | None = None) -> Path:
    """Download a preset or hub model; return the folder holding it. DependencyError when offline."""
    spec = parse_spec(name)
    repo = hub_repo_for(spec)
    url = endpoint()
    why = probe(url)
    if why:
        host = urlsplit(url).hostname
        raise DependencyError(
            f"cannot reach {host} to download {spec.label!r} ({why}): connect to the internet and retry, "
            "or copy a downloaded model folder here and use --model local-dir:PATH"
        )
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import HfHubHTTPError

    target = (dest / (spec.preset or repo.replace("/", "--"))) if dest else None
    try:
        info = HfApi(endpoint=url).model_info(repo, files_metadata=True, timeout=30)
        siblings = {s.rfilename: s for s in info.siblings or []}
        files = choose_files(list(siblings))
        folder = Path(snapshot_download(repo, allow_patterns=files, local_dir=target, endpoint=url, etag_timeout=10))
    except (HfHubHTTPError, OSError) as exc:
        first = " ".join(str(exc).split())[:200]
        raise DependencyError(f"download of {spec.label!r} failed: {first}; retry later") from exc
    for name in files:
        lfs = getattr(siblings[name], "lfs", None)
        if lfs is not None and (folder / name).is_file():
            verify_sha256(folder / name, lfs.sha256)
    if spec.kind == "builtin" and not (folder / CONFIG_NAME).is_file():
        write_builtin_config(spec, folder)
    return folder


def verify_sha256(path: Path, expected: str) -> None:
    """Compare a downloaded file with the hub's published sha256; delete it and fail on mismatch."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected.lower():
        path.unlink(missing_ok=True)
        raise DependencyError(f"checksum mismatch for {path.name} (corrupt download, removed): run the download again")


def write_builtin_config(spec: ModelSpec, folder: Path) -> None:
    """Make a NAME/PRETRAINED download a complete local-dir folder (config + preprocessing)."""
    import open_clip

    model_cfg = open_clip.get_model_config(spec.arch)
    tag = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained)
    pre = {k: tag[k] for k in ("mean", "std", "interpolation", "resize_mode") if k in tag}
    (folder / CONFIG_NAME).write_text(json.dumps({"model_cfg": model_cfg, "preprocess_cfg": pre}, indent=2))


__all__ = [
    "CacheStatus",
    "choose_files",
    "download",
    "endpoint",
    "hub_repo_for",
    "probe",
    "status",
    "verify_sha256",
]
