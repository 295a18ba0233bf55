"""Load one open_clip model per process: lazily, thread-safely, from local files only.

The loader never downloads. It finds the files (see locate.py), then loads them with the Hugging
Face hub switched to offline mode, so a missing file fails fast with a DependencyError naming the
command to run instead of waiting on the network. `captioncheck models download` is the one place
that goes online.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from captioncheck._exceptions import DependencyError, InputError
from captioncheck.config import env_flag
from captioncheck.signals.clip.locate import Located, folder_weights, locate_builtin_weights, locate_hub
from captioncheck.signals.clip.precision import check_precision, resolve_precision, torch_dtype
from captioncheck.signals.clip.spec import CONFIG_NAME, ModelSpec, parse_spec

_LOCK = threading.Lock()
INT8_MIN_AGREEMENT = 0.99
LOW_PRECISION_MIN_AGREEMENT = 0.999
_LOADED: dict[tuple[str, str, int | None, bool, str], LoadedModel] = {}


@dataclass
class LoadedModel:
    """An open_clip model ready for inference, with what scoring needs to know about it."""

    model: Any
    preprocess: Callable[[Any], Any]
    tokenizer: Callable[..., Any]
    model_id: str  # stable id for caches: spec + weights file identity
    label: str  # what the user asked for ("multilingual", "hf-hub:...")
    device: str
    logit_scale: float  # exp() already applied
    logit_bias: float | None  # set for sigmoid (SigLIP) models
    context_length: int
    load_seconds: float = 0.0
    precision: str = "fp32"  # what the image tower runs in: fp32, bf16 or fp16 (precision.py)
    forward_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def head(self) -> str:
        return "sigmoid" if self.logit_bias is not None else "softmax"


def remedy(spec: ModelSpec) -> str:
    if spec.preset:
        return f"run `captioncheck models download {spec.preset}`"
    if spec.kind == "hub":
        return f"run `captioncheck models download {spec.label}` while online"
    return "check the path, or pick a preset with --model multilingual|fast"


def missing(spec: ModelSpec, what: str = "weights") -> DependencyError:
    return DependencyError(f"CLIP {what} for {spec.label!r} are not downloaded: {remedy(spec)}")


def resolve_device(device: str) -> str:
    import torch

    if device in ("", "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise DependencyError(f"device {device!r} asked for but CUDA is not available: use --device cpu")
    return device


def int8_requested() -> bool:
    """CAPTIONCHECK_CLIP_INT8=1: int8 dynamic quantisation of the image tower on CPU (opt-in)."""
    return env_flag("CAPTIONCHECK_CLIP_INT8", default=False)


def get_model(
    spec_text: str, device: str = "auto", threads: int | None = None, precision: str = "auto"
) -> LoadedModel:
    """The process-wide model for a spec; loads it on first use (thread-safe, once).

    `precision` ("auto", "fp32", "bf16"; see precision.py) applies to the image tower. int8
    (CAPTIONCHECK_CLIP_INT8=1) is the alternative where the tower stays fp32.
    """
    spec = parse_spec(spec_text)
    int8 = int8_requested()
    precision = check_precision(precision)
    key = (spec.canonical, device, threads, int8, precision)
    with _LOCK:
        loaded = _LOADED.get(key)
        if loaded is None:
            loaded = load_model(spec, device=device, threads=threads)
            loaded = set_precision(loaded, precision)
            if int8 and loaded.precision == "fp32":
                loaded = quantize_image_tower(loaded)
            _LOADED[key] = loaded
        return loaded


def set_precision(
    loaded: LoadedModel, requested: str, min_agreement: float = LOW_PRECISION_MIN_AGREEMENT
) -> LoadedModel:
    """Run the image tower in the precision `requested` resolves to on this device (in place).

    The tower is converted once (precision.py says why not autocast) and kept only if its
    embeddings of the probe pictures keep a cosine >= `min_agreement` with fp32; else fp32 stays
    and a warning is logged. The cache id names the precision, so fp32 and bf16 embeddings never mix.
    """
    precision = resolve_precision(requested, loaded.device)
    if precision == loaded.precision:
        return loaded
    if loaded.precision != "fp32":
        raise ValueError(f"the image tower already runs in {loaded.precision}: load the model again")
    import copy

    import torch

    dtype = torch_dtype(precision)
    probe = _probe_batch(loaded)[::3]  # the gradient and the blocks
    try:
        with torch.inference_mode():
            lowered = copy.deepcopy(loaded.model.visual).to(dtype)
            reference = torch.nn.functional.normalize(loaded.model.visual(probe).float(), dim=-1)
            candidate = torch.nn.functional.normalize(lowered(probe.to(dtype)).float(), dim=-1)
        agreement = float((reference * candidate).sum(dim=-1).min())
    except (RuntimeError, TypeError, ValueError) as exc:  # an op without a kernel for this type on this device
        logging.getLogger(__name__).warning("%s image tower does not run here (%s): keeping fp32", precision, exc)
        return loaded
    if agreement < min_agreement:
        logging.getLogger(__name__).warning(
            "%s image tower disagrees with fp32 (cosine %.5f < %.3f): keeping fp32", precision, agreement, min_agreement
        )
        return loaded
    loaded.model.visual = lowered
    loaded.precision = precision
    loaded.model_id += f"+{precision}"
    return loaded


def quantize_image_tower(loaded: LoadedModel, min_agreement: float = INT8_MIN_AGREEMENT) -> LoadedModel:
    """int8 dynamic quantisation of the image tower's Linear layers, kept only if it agrees.

    CPU only. The quantised tower is compared with fp32 on a few synthetic images; it replaces
    the fp32 tower only when every embedding keeps a cosine >= `min_agreement` with fp32 (on
    random weights ViT-B-32 keeps 0.9999, the SigLIP ViT-B-16 only ~0.95, see
    bench/clip_throughput.py --quant). The text tower stays fp32. Embeddings get their own cache id.
    """
    if loaded.device != "cpu":
        return loaded
    import copy

    import torch

    with warnings.catch_warnings():  # torch marks torch.ao.quantization deprecated; it still works
        warnings.simplefilter("ignore")
        from torch.ao.quantization import quantize_dynamic

        quantised = quantize_dynamic(copy.deepcopy(loaded.model.visual), {torch.nn.Linear}, dtype=torch.qint8)
    probe = _probe_batch(loaded)
    with torch.inference_mode():
        reference = torch.nn.functional.normalize(loaded.model.visual(probe), dim=-1)
        candidate = torch.nn.functional.normalize(quantised(probe), dim=-1)
    agreement = float((reference * candidate).sum(dim=-1).min())
    if agreement < min_agreement:
        logging.getLogger(__name__).warning(
            "int8 image tower disagrees with fp32 (cosine %.4f < %.2f): keeping fp32", agreement, min_agreement
        )
        return loaded
    loaded.model.visual = quantised
    loaded.model_id += "+int8"
    return loaded


def _probe_batch(loaded: LoadedModel) -> Any:
    """Four deterministic synthetic pictures (gradients and noise), preprocessed like real ones."""
    import numpy as np
    import torch
    from PIL import Image

    rng = np.random.default_rng(0)
    ramp = np.linspace(0, 255, 320, dtype=np.float32)
    pictures = [
        np.stack([np.tile(ramp, (240, 1))] * 3, axis=-1),
        rng.integers(0, 255, (240, 320, 3)),
        np.clip(rng.normal(128, 40, (240, 320, 3)), 0, 255),
        np.kron(rng.integers(0, 255, (6, 8, 3)), np.ones((40, 40, 1))),
    ]
    images = [Image.fromarray(p.astype(np.uint8)) for p in pictures]
    return torch.stack([loaded.preprocess(im) for im in images]).to(loaded.device)


def load_model(spec: ModelSpec, device: str = "auto", threads: int | None = None) -> LoadedModel:
    """Load a parsed spec now (no caching). Raises DependencyError/InputError, one line each."""
    if spec.kind in ("hub", "local-dir"):  # files missing: say so before paying for `import torch`
        locate(spec, None)
    torch, open_clip = _import_backend()
    if threads:
        torch.set_num_threads(int(threads))
    dev = resolve_device(device)
    start = time.perf_counter()
    with hub_offline():
        try:
            model, preprocess, tokenizer, weights = _build(spec, open_clip, dev)
        except (DependencyError, InputError):
            raise
        except Exception as exc:  # noqa: BLE001 - torch/safetensors/transformers raise many types on bad files
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise DependencyError(f"cannot load CLIP model {spec.label!r}: {first[:200]}; {remedy(spec)}") from exc
    model.eval()
    bias = getattr(model, "logit_bias", None)
    return LoadedModel(
        model=model,
        preprocess=preprocess,
        tokenizer=tokenizer,
        model_id=model_identity(spec, weights),
        label=spec.label,
        device=dev,
        logit_scale=float(model.logit_scale.detach().exp().item()),
        logit_bias=None if bias is None else float(bias.detach().reshape(-1)[0].item()),
        context_length=int(getattr(tokenizer, "context_length", 0) or 77),
        load_seconds=time.perf_counter() - start,
    )


def _import_backend() -> tuple[Any, Any]:
    try:
        import open_clip
        import torch
    except ImportError as exc:
        raise DependencyError(
            f"CLIP needs {exc.name or 'torch/open_clip'}: run `pip install 'captioncheck[clip]'`"
        ) from exc
    return torch, open_clip


def _build(spec: ModelSpec, open_clip: Any, dev: str) -> tuple[Any, Any, Any, Path]:
    located = locate(spec, open_clip)
    if located.folder is not None and (spec.kind != "file" or located.weights == folder_weights(located.folder)):
        name = f"local-dir:{located.folder}"
        model, _, preprocess = open_clip.create_model_and_transforms(name, device=dev)
        return model, preprocess, open_clip.get_tokenizer(name), _weights(located)
    if located.folder is not None:  # a chosen weights file inside a config folder
        name = f"local-dir:{located.folder}"
        model, _, preprocess = open_clip.create_model_and_transforms(name, device=dev, load_weights=False)
        open_clip.load_checkpoint(model, str(located.weights))
        return model, preprocess, open_clip.get_tokenizer(name), _weights(located)
    force = _tag_preprocess(open_clip, spec)
    model, _, preprocess = open_clip.create_model_and_transforms(
        spec.arch, pretrained=str(located.weights), device=dev, force_preprocess_cfg=force
    )
    return model, preprocess, open_clip.get_tokenizer(spec.arch), _weights(located)


def _weights(located: Located) -> Path:
    if located.weights is None:
        raise DependencyError("no CLIP weights file found")
    return located.weights


def locate(spec: ModelSpec, open_clip: Any) -> Located:
    """Local files for any spec kind, or a DependencyError/InputError saying what to do."""
    if spec.kind == "hub":
        found = locate_hub(spec)
        if found is None:
            raise missing(spec)
        return found
    if spec.kind == "local-dir":
        return _locate_dir(spec)
    if spec.kind == "file":
        return _locate_file(spec, open_clip)
    if spec.arch.replace("/", "-") not in open_clip.list_models():
        raise InputError(f"unknown open_clip architecture {spec.arch!r}: see `captioncheck models list`")
    cfg = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained)
    if not cfg:
        raise InputError(f"unknown pretrained tag {spec.pretrained!r} for {spec.arch}: see open_clip.list_pretrained()")
    parts = str(cfg.get("hf_hub", "")).strip("/").split("/")
    repo = spec.hub_repo or ("/".join(parts[:2]) if len(parts) >= 2 else "")
    weights = locate_builtin_weights(spec, repo)
    if weights is None:
        raise missing(spec)
    return Located(weights=weights)


def _locate_dir(spec: ModelSpec) -> Located:
    folder = spec.path
    if folder is None or not folder.is_dir():
        raise InputError(f"model folder {folder} does not exist: check --model local-dir:PATH")
    if not (folder / CONFIG_NAME).is_file():
        raise InputError(f"model folder {folder} has no {CONFIG_NAME}: save the model with open_clip's config")
    weights = folder_weights(folder) or next(iter(sorted(folder.glob("*.safetensors"))), None)
    if weights is None:
        raise DependencyError(f"model folder {folder} holds no weights file: copy open_clip_model.safetensors there")
    return Located(folder=folder, weights=weights)


def _locate_file(spec: ModelSpec, open_clip: Any) -> Located:
    path = spec.path
    if path is None or not path.is_file():
        raise InputError(f"weights file {path} does not exist: check --model")
    if spec.arch:
        if spec.arch not in open_clip.list_models():
            raise InputError(f"unknown open_clip architecture {spec.arch!r} in {spec.label!r}")
        return Located(weights=path)
    return Located(folder=path.parent, weights=path)


def _tag_preprocess(open_clip: Any, spec: ModelSpec) -> dict[str, Any]:
    cfg = open_clip.get_pretrained_cfg(spec.arch, spec.pretrained) if spec.pretrained else {}
    keys = ("mean", "std", "interpolation", "resize_mode")
    return {k: cfg[k] for k in keys if k in cfg}


def model_identity(spec: ModelSpec, weights: Path) -> str:
    """Spec + weights file identity (path, size, mtime): a changed file never reuses old embeddings."""
    try:
        stat = weights.stat()
        ident = f"{weights.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        ident = str(weights)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:12]
    return f"{spec.canonical}#{digest}"


@contextlib.contextmanager
def hub_offline() -> Iterator[None]:
    """Switch huggingface_hub (and transformers through it) to offline mode for the block."""
    try:
        from huggingface_hub import constants
    except ImportError:
        yield
        return
    before = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = True
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = before


def clear_loaded() -> None:
    """Forget loaded models (tests, or after `models download` in a long-lived server)."""
    with _LOCK:
        _LOADED.clear()


__all__ = [
    "LoadedModel",
    "clear_loaded",
    "get_model",
    "hub_offline",
    "int8_requested",
    "load_model",
    "locate",
    "quantize_image_tower",
    "resolve_device",
    "set_precision",
]
