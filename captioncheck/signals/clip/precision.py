"""Numeric precision of the CLIP image tower: `auto` (default), `fp32` or `bf16`.

`auto` runs the image tower in bfloat16 where the hardware does bf16 matrix products natively:
CPUs with AMX or AVX512-BF16 (Intel Sapphire Rapids and later, AMD Zen 4 and later), and CUDA GPUs
(bf16 where supported, else fp16). Elsewhere it stays fp32: without native bf16, oneDNN emulates it
and the tower gets slower, not faster. `fp32` forces full precision; `bf16` forces bfloat16 even
where it is emulated (for testing and comparison).

How it runs: the whole image tower is converted to the low-precision type once, at load (open_clip's
"pure" bf16/fp16), and images are fed in that type; embeddings come back as fp32 and are normalised
in fp32. Not torch.autocast: autocast re-casts every weight on every call (~86 M parameters for
ViT-B-16), which costs more than it saves on a batch of one or two images, and it turns off
PyTorch's fused attention in nn.MultiheadAttention (OpenAI-style towers such as ViT-B-32), whose
slow path copies the projection weights for every batch: measured 3x *slower* than fp32 on a
page of ViT-B-32. A converted tower is kept only if its embeddings of a few synthetic pictures
keep a cosine >= 0.999 with fp32 (loader.set_precision); otherwise fp32 stays and a warning is
logged. The text tower stays fp32: in bf16 it ran 1.4-1.6x faster, but its embeddings of real
captions kept only a cosine of 0.9976-0.9985 with fp32 (random weights), under the same 0.999 bar.

Choose with `--clip-precision`, `CAPTIONCHECK_CLIP_PRECISION` or `Settings.clip_precision`.
Embeddings are cached under a model id that names the precision (`...+bf16`), so fp32 and bf16
vectors never mix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from captioncheck._exceptions import InputError

PRECISIONS = ("auto", "fp32", "bf16")
_NATIVE_BF16_FLAGS = ("amx_bf16", "avx512_bf16")


def check_precision(value: str) -> str:
    """The canonical precision name, or an InputError naming the valid ones."""
    name = (value or "auto").strip().lower()
    if name not in PRECISIONS:
        raise InputError(f"unknown CLIP precision {value!r}: use one of {', '.join(PRECISIONS)}")
    return name


def cpu_has_native_bf16() -> bool:
    """True when the CPU multiplies bf16 matrices natively (AMX-BF16 or AVX512-BF16)."""
    import torch

    capabilities = getattr(getattr(torch, "cpu", None), "get_capabilities", None)
    if capabilities is not None:
        try:
            found = capabilities()
            return any(bool(found.get(flag, False)) for flag in _NATIVE_BF16_FLAGS)
        except (RuntimeError, AttributeError):
            pass
    return bool(_cpuinfo_flags() & set(_NATIVE_BF16_FLAGS))


def _cpuinfo_flags(path: Path = Path("/proc/cpuinfo")) -> set[str]:
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.partition(":")[2].split())
    return set()


def resolve_precision(requested: str, device: str) -> str:
    """What the image tower runs in on `device`: "fp32", "bf16" or "fp16"."""
    name = check_precision(requested)
    if name != "auto":
        return name
    if device.startswith("cuda"):
        import torch

        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    if device == "cpu" and cpu_has_native_bf16():
        return "bf16"
    return "fp32"


def torch_dtype(precision: str) -> Any:
    import torch

    return {"bf16": torch.bfloat16, "fp16": torch.float16}.get(precision, torch.float32)


__all__ = [
    "PRECISIONS",
    "check_precision",
    "cpu_has_native_bf16",
    "resolve_precision",
    "torch_dtype",
]
