"""Batched, cached image and text encoding around a loaded open_clip model.

Images are preprocessed in a small thread pool while the model runs the previous batch; texts
are de-duplicated, looked up in a per-process memo keyed by text (one encoder per model, so the
constant contrast captions and prompt templates are encoded once per process) and in the embedding
cache, and only the missing ones go through the text tower, sorted by token length and batched.

Text towers that are causal and pool at the end-of-text token (OpenAI-style CLIP: the `fast`
preset) read only the tokens up to the longest end-of-text token of the batch: what follows it is
padding that cannot change the result, and captions are far shorter than the 77-token context.
Towers that attend both ways (SigLIP: the `multilingual` preset) always get the full padded
context. Vectors come back L2-normalised as float32 numpy rows.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
from PIL import Image

from captioncheck.signals.clip.cache import EmbeddingCache, text_key
from captioncheck.signals.clip.loader import LoadedModel
from captioncheck.signals.clip.precision import torch_dtype

MEMO_SIZE = 4096


@dataclass
class ImageBatchResult:
    vectors: np.ndarray  # (n, d); rows of failed images are zero
    errors: list[str]  # "" when the image was encoded


def pixel_key(image: Image.Image) -> str:
    """Content hash of decoded pixels (used when the caller has no original bytes)."""
    digest = hashlib.sha256(f"{image.mode}:{image.size}".encode())
    digest.update(image.tobytes())
    return digest.hexdigest()


class Encoder:
    def __init__(
        self,
        loaded: LoadedModel,
        cache: EmbeddingCache | None = None,
        image_batch: int = 8,
        text_batch: int = 32,
        workers: int | None = None,
    ) -> None:
        self.loaded = loaded
        self.cache = cache
        self.image_batch = image_batch
        self.text_batch = text_batch
        self._pool = ThreadPoolExecutor(
            max_workers=workers or min(4, os.cpu_count() or 2), thread_name_prefix="clip-prep"
        )
        self._memo: OrderedDict[str, np.ndarray] = OrderedDict()
        self._memo_lock = threading.Lock()

    # images ---------------------------------------------------------------------------------
    def encode_images(self, images: list[Image.Image], keys: list[str | None] | None = None) -> ImageBatchResult:
        """Encode images in batches; `keys` (sha256 of original bytes) are cache keys when given."""
        out = np.zeros((len(images), self.embed_dim), dtype=np.float32)
        errors = [""] * len(images)
        todo = list(range(len(images)))
        resolved: list[str | None] | None = None
        if self.cache is not None:
            resolved = self._resolve_keys(images, keys, errors)
            todo = self._fill_from_cache(resolved, out, errors)
        for idxs, tensors, errs in self._prepared_batches([images[i] for i in todo], todo):
            for i, err in errs.items():
                errors[i] = err
            if tensors:
                vecs = self._forward_images(tensors)
                out[idxs] = vecs
                if resolved is not None:
                    self._store(resolved, idxs, vecs)
        return ImageBatchResult(out, errors)

    @staticmethod
    def _resolve_keys(images: list[Image.Image], keys: list[str | None] | None, errors: list[str]) -> list[str | None]:
        resolved: list[str | None] = list(keys) if keys is not None else [None] * len(images)
        for i, key in enumerate(resolved):
            if key is None:
                try:
                    resolved[i] = pixel_key(images[i])
                except (OSError, ValueError, SyntaxError) as exc:
                    errors[i] = f"image could not be decoded: {' '.join(str(exc).split())[:160]}"
        return resolved

    def _fill_from_cache(self, keys: list[str | None], out: np.ndarray, errors: list[str]) -> list[int]:
        """Copy cached vectors into `out`; return the positions still to encode."""
        if self.cache is None:
            return [i for i, err in enumerate(errors) if not err]
        hits = self.cache.get_many(self.loaded.model_id, "image", [k for k in keys if k])
        todo = []
        for i, key in enumerate(keys):
            if key and key in hits and hits[key].shape[0] == out.shape[1]:
                out[i] = hits[key]
            elif not errors[i]:
                todo.append(i)
        return todo

    def _store(self, keys: list[str | None], idxs: list[int], vecs: np.ndarray) -> None:
        if self.cache is None:
            return
        items = {key: vecs[j] for j, i in enumerate(idxs) if (key := keys[i])}
        self.cache.put_many(self.loaded.model_id, "image", items)

    def _prepared_batches(
        self, images: list[Image.Image], positions: list[int]
    ) -> Iterator[tuple[list[int], list[Any], dict[int, str]]]:
        """Yield (positions, tensors, errors) per batch; the next batch is prepared meanwhile."""
        futures: list[Future[Any]] = [self._pool.submit(self._prepare, im) for im in images]
        for start in range(0, len(futures), self.image_batch):
            idxs: list[int] = []
            tensors: list[Any] = []
            errs: dict[int, str] = {}
            for pos, fut in zip(
                positions[start : start + self.image_batch], futures[start : start + self.image_batch], strict=True
            ):
                try:
                    tensors.append(fut.result())
                    idxs.append(pos)
                except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
                    errs[pos] = f"image could not be decoded: {' '.join(str(exc).split())[:160]}"
            yield idxs, tensors, errs

    def _prepare(self, image: Image.Image) -> Any:
        image.load()
        return self.loaded.preprocess(image)

    def _forward_images(self, tensors: list[Any]) -> np.ndarray:
        """The image tower in the model's precision (precision.py); normalised in fp32."""
        import torch
        import torch.nn.functional as F

        batch = torch.stack(tensors).to(self.loaded.device, torch_dtype(self.loaded.precision))
        with self.loaded.forward_lock, torch.inference_mode():
            feats = self.loaded.model.encode_image(batch)
            feats = F.normalize(feats.float(), dim=-1)
        return feats.cpu().numpy()

    # texts ----------------------------------------------------------------------------------
    def encode_texts(self, texts: list[str]) -> np.ndarray:
        """(len(texts), d) normalised vectors; duplicates are encoded once."""
        unique = list(dict.fromkeys(texts))
        found = self._memo_get(unique)
        missing = [t for t in unique if t not in found]
        if missing and self.cache is not None:
            keys = {text_key(t): t for t in missing}
            hits = self.cache.get_many(self.loaded.model_id, "text", list(keys))
            found.update({keys[k]: v for k, v in hits.items()})
            missing = [t for t in missing if t not in found]
        missing = self._by_length(missing)
        for start in range(0, len(missing), self.text_batch):
            chunk = missing[start : start + self.text_batch]
            vecs = self._forward_texts(chunk)
            found.update(zip(chunk, vecs, strict=True))
            if self.cache is not None:
                self.cache.put_many(
                    self.loaded.model_id, "text", {text_key(t): v for t, v in zip(chunk, vecs, strict=True)}
                )
        self._memo_put(found)
        if not texts:
            return np.zeros((0, self.embed_dim), dtype=np.float32)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def _forward_texts(self, texts: list[str]) -> np.ndarray:
        import torch

        tokens = self.loaded.tokenizer(texts).to(self.loaded.device)
        model = self.loaded.model
        with self.loaded.forward_lock, torch.inference_mode():
            if trimmable(model):
                feats = encode_text_trimmed(model, tokens)
            else:
                feats = model.encode_text(tokens, normalize=True)
        return feats.float().cpu().numpy()

    def _by_length(self, texts: list[str]) -> list[str]:
        """Texts in order of length, so that a batch holds texts of similar token counts."""
        return sorted(texts, key=len) if trimmable(self.loaded.model) else texts

    def _memo_get(self, texts: list[str]) -> dict[str, np.ndarray]:
        with self._memo_lock:
            return {t: self._memo[t] for t in texts if t in self._memo}

    def _memo_put(self, items: dict[str, np.ndarray]) -> None:
        with self._memo_lock:
            for text, vec in items.items():
                self._memo[text] = vec
                self._memo.move_to_end(text)
            while len(self._memo) > MEMO_SIZE:
                self._memo.popitem(last=False)

    @property
    def embed_dim(self) -> int:
        dim = getattr(self, "_dim", None)
        if dim is None:
            dim = int(self._forward_texts(["a photo"]).shape[1])
            self._dim = dim
        return dim

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def trimmable(model: Any) -> bool:
    """True for open_clip's CLIP text tower with a causal mask and end-of-text (argmax) pooling."""
    return (
        getattr(model, "text_pool_type", None) == "argmax"
        and getattr(model, "attn_mask", None) is not None
        and all(hasattr(model, name) for name in ("token_embedding", "positional_embedding", "transformer", "ln_final"))
    )


def encode_text_trimmed(model: Any, tokens: Any) -> Any:
    """open_clip's CLIP.encode_text(tokens, normalize=True) on the tokens up to the batch's last
    end-of-text token (the highest token id of each row): same result, less work."""
    import torch
    import torch.nn.functional as F  # noqa: N812

    eot = tokens.argmax(dim=-1)
    n = int(eot.max()) + 1
    text = tokens[:, :n]
    cast_dtype = model.transformer.get_cast_dtype()
    x = model.token_embedding(text).to(cast_dtype)
    x = x + model.positional_embedding[:n].to(cast_dtype)
    x = model.transformer(x, attn_mask=model.attn_mask[:n, :n])
    x = model.ln_final(x)
    x = x[torch.arange(x.shape[0], device=x.device), eot]
    if model.text_projection is not None:
        x = model.text_projection(x) if isinstance(model.text_projection, torch.nn.Linear) else x @ model.text_projection
    return F.normalize(x, dim=-1)


__all__ = ["Encoder", "ImageBatchResult", "encode_text_trimmed", "pixel_key", "trimmable"]
