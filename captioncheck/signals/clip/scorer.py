"""CLIP consistency scores for the images of one page: image<->caption, alt, article, contexts.

`get_scorer(settings)` loads the model once per process (thread-safe) and returns a ClipScorer;
`ClipScorer.score_page(page, items, contexts)` returns one ClipScores per item, in order (status
"skipped" with a reason for tiny, decorative or undecodable images). Scores are evidence, not
verdicts: each comes with a raw cosine, a calibrated 0..1 number, a label and one line of text.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
from PIL import Image

from captioncheck._types import ImageInContext, PageInfo
from captioncheck.config import Settings, env_flag
from captioncheck.signals.clip import calibrate
from captioncheck.signals.clip.cache import EmbeddingCache
from captioncheck.signals.clip.encoder import Encoder
from captioncheck.signals.clip.loader import LoadedModel, get_model
from captioncheck.signals.clip.passages import Passage, article_passages
from captioncheck.signals.clip.prompts import clean_contexts, prompts_for
from captioncheck.signals.clip.schema import (
    ClipScores,
    ContextScore,
    PairScore,
    PassageScore,
)
from captioncheck.signals.clip.textpair import (
    PairScale,
    PairSimilarity,
    pair_similarity,
    probe_scale,
)

MIN_SIDE = 48  # images smaller than this on either side are decorative
SKIP_ROLES = frozenset({"icon", "logo", "tracking", "avatar", "placeholder", "decoration"})
TOP_PASSAGES = 3

_LOCK = threading.Lock()
_SCORERS: dict[tuple[str, str, int | None, str], ClipScorer] = {}


def cache_enabled() -> bool:
    return env_flag("CAPTIONCHECK_CLIP_CACHE", default=True)


def get_scorer(settings: Settings) -> ClipScorer:
    """The process-wide scorer for settings.model/device/threads/clip_precision; DependencyError if
    unusable, InputError for an unknown precision."""
    key = (settings.model, settings.device, settings.threads, settings.clip_precision)
    with _LOCK:
        scorer = _SCORERS.get(key)
        if scorer is None:
            loaded = get_model(
                settings.model, device=settings.device, threads=settings.threads, precision=settings.clip_precision
            )
            scorer = ClipScorer(loaded, EmbeddingCache() if cache_enabled() else None)
            _SCORERS[key] = scorer
        return scorer


def reset_scorers() -> None:
    with _LOCK:
        for scorer in _SCORERS.values():
            scorer.close()
        _SCORERS.clear()


@dataclass
class _PageTexts:
    """Every text of the page, encoded once: captions, alts, passages, contrast set, prompts."""

    passages: list[Passage]
    passage_vecs: np.ndarray
    contrast_vecs: np.ndarray
    contexts: list[str]
    context_vecs: np.ndarray  # (n_contexts, d): averaged prompt embeddings
    vec: dict[str, np.ndarray]


class ClipScorer:
    def __init__(self, loaded: LoadedModel, cache: EmbeddingCache | None = None, image_batch: int = 8) -> None:
        self.loaded = loaded
        self.encoder = Encoder(loaded, cache, image_batch=image_batch)
        self._pair_scale: PairScale | None = None
        self._pair_lock = threading.Lock()

    def caption_similarity(self, a: str, b: str) -> PairSimilarity:
        """Cosine of two captions' text embeddings (same model, same embedding cache as the image scores)
        with what it means for this model (textpair.probe_scale, taken once per scorer)."""
        with self._pair_lock:
            if self._pair_scale is None:
                self._pair_scale = probe_scale(self.encoder.encode_texts)
        return pair_similarity(self.encoder.encode_texts, self._pair_scale, a.strip(), b.strip())

    def score_page(
        self,
        page: PageInfo,
        items: list[tuple[ImageInContext, Image.Image]],
        contexts: list[str] | None = None,
        image_keys: list[str | None] | None = None,
    ) -> list[ClipScores]:
        """One ClipScores per item. `image_keys`: sha256 of each image's bytes, for the cache."""
        results: list[ClipScores | None] = [None] * len(items)
        todo: list[int] = []
        for i, (meta, image) in enumerate(items):
            reason = skip_reason(meta, image)
            if reason:
                results[i] = self._skipped(reason)
            else:
                todo.append(i)
        if not todo:
            return [r if r is not None else self._skipped("not scored") for r in results]
        keys = [image_keys[i] for i in todo] if image_keys else None
        encoded = self.encoder.encode_images([items[i][1] for i in todo], keys)
        texts = self._page_texts(page, [items[i][0] for i in todo], contexts)
        for row, i in enumerate(todo):
            if encoded.errors[row]:
                results[i] = self._skipped(encoded.errors[row])
            else:
                results[i] = self._score_one(items[i][0], encoded.vectors[row], texts)
        return [r if r is not None else self._skipped("not scored") for r in results]

    def _skipped(self, reason: str) -> ClipScores:
        return ClipScores(
            model=self.loaded.label,
            model_id=self.loaded.model_id,
            head=self.loaded.head,
            status="skipped",
            reason=reason,
        )

    def _page_texts(self, page: PageInfo, metas: list[ImageInContext], contexts: list[str] | None) -> _PageTexts:
        passages = article_passages(page)
        names = clean_contexts(contexts)
        prompts = [p for name in names for p in prompts_for(name)]
        own = [t for m in metas for t in (m.caption.strip(), _own_alt(m)) if t]
        everything = own + [p.text for p in passages] + list(calibrate.CONTRAST_TEXTS) + prompts
        vecs = self.encoder.encode_texts(everything)
        table = dict(zip(everything, vecs, strict=True))
        return _PageTexts(
            passages=passages,
            passage_vecs=_rows(table, [p.text for p in passages], vecs.shape[1]),
            contrast_vecs=_rows(table, list(calibrate.CONTRAST_TEXTS), vecs.shape[1]),
            contexts=names,
            context_vecs=_prompt_means(table, names, vecs.shape[1]),
            vec=table,
        )

    def _score_one(self, meta: ImageInContext, image_vec: np.ndarray, texts: _PageTexts) -> ClipScores:
        caption, alt = meta.caption.strip(), meta.alt.strip()
        scores = ClipScores(model=self.loaded.label, model_id=self.loaded.model_id, head=self.loaded.head)
        if caption:
            scores.image_caption = self._image_pair(image_vec, texts.vec[caption], texts, "caption matches image")
        if alt and alt.casefold() != caption.casefold():
            scores.image_alt = self._image_pair(image_vec, texts.vec[alt], texts, "alt text matches image")
        if texts.passages:
            self._article_scores(scores, image_vec, texts, caption)
        if texts.contexts:
            scores.contexts = self._context_ranking(image_vec, texts)
        scores.explanations = _explanations(scores)
        return scores

    def _image_pair(self, image_vec: np.ndarray, text_vec: np.ndarray, texts: _PageTexts, what: str) -> PairScore:
        raw = float(image_vec @ text_vec)
        calibrated, method = self._calibrate_image(raw, image_vec, texts)
        return _pair(raw, calibrated, method, what)

    def _calibrate_image(self, raw: float, image_vec: np.ndarray, texts: _PageTexts) -> tuple[float, str]:
        if self.loaded.logit_bias is not None:
            return float(calibrate.sigmoid_prob(raw, self.loaded.logit_scale, self.loaded.logit_bias)), "sigmoid"
        contrast = texts.contrast_vecs @ image_vec
        return calibrate.contrast_prob(raw, contrast, self.loaded.logit_scale), "contrast"

    def _article_scores(self, scores: ClipScores, image_vec: np.ndarray, texts: _PageTexts, caption: str) -> None:
        sims = texts.passage_vecs @ image_vec
        order = np.argsort(-sims)[:TOP_PASSAGES]
        weights = np.array([texts.passages[j].weight for j in order])
        aggregate = float((sims[order] * weights).sum() / weights.sum())
        calibrated, method = self._calibrate_image(aggregate, image_vec, texts)
        scores.image_article = _pair(aggregate, calibrated, method, "article matches image")
        scores.best_passages = [
            PassageScore(
                text=texts.passages[j].text,
                kind=texts.passages[j].kind,
                raw=round(float(sims[j]), 4),
                calibrated=round(self._calibrate_image(float(sims[j]), image_vec, texts)[0], 4),
            )
            for j in order
        ]
        if caption:
            scores.caption_article = self._caption_article(texts.vec[caption], texts)

    def _caption_article(self, caption_vec: np.ndarray, texts: _PageTexts) -> PairScore:
        sims = texts.passage_vecs @ caption_vec
        best = int(np.argmax(sims))
        raw = float(sims[best])
        contrast = texts.contrast_vecs @ caption_vec
        calibrated = calibrate.contrast_prob(raw, contrast, self.loaded.logit_scale)
        return _pair(raw, calibrated, "contrast", "caption agrees with article")

    def _context_ranking(self, image_vec: np.ndarray, texts: _PageTexts) -> list[ContextScore]:
        raws = texts.context_vecs @ image_vec
        if len(texts.contexts) == 1:
            probs = np.array([self._calibrate_image(float(raws[0]), image_vec, texts)[0]])
        else:
            probs = calibrate.softmax(raws, self.loaded.logit_scale)
        ranked = sorted(zip(texts.contexts, probs, raws, strict=True), key=lambda t: -t[1])
        return [ContextScore(text=name, prob=round(float(p), 4), raw=round(float(r), 4)) for name, p, r in ranked]

    def close(self) -> None:
        self.encoder.close()


def skip_reason(meta: ImageInContext, image: Image.Image) -> str:
    """Why an image is not worth scoring ("" when it is)."""
    if meta.role in SKIP_ROLES:
        return f"decorative image (role {meta.role}) not scored"
    width, height = image.size
    if min(width, height) < MIN_SIDE:
        return f"image too small to score ({width}x{height} px)"
    return ""


def _own_alt(meta: ImageInContext) -> str:
    """The alt text when it is scored (not a copy of the caption): only those are encoded."""
    alt = meta.alt.strip()
    return alt if alt and alt.casefold() != meta.caption.strip().casefold() else ""


def _rows(table: dict[str, np.ndarray], texts: list[str], dim: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([table[t] for t in texts])


def _prompt_means(table: dict[str, np.ndarray], names: list[str], dim: int) -> np.ndarray:
    rows = []
    for name in names:
        mean = np.mean([table[p] for p in prompts_for(name)], axis=0)
        rows.append(mean / max(float(np.linalg.norm(mean)), 1e-8))
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, dim), dtype=np.float32)


def _pair(raw: float, calibrated: float, method: str, what: str) -> PairScore:
    lab = calibrate.label(calibrated)
    return PairScore(
        raw=round(raw, 4),
        calibrated=round(calibrated, 4),
        label=lab,
        method="sigmoid" if method == "sigmoid" else "contrast",
        explanation=f"{what}: {calibrated:.2f} — {lab}",
    )


def _explanations(scores: ClipScores) -> list[str]:
    lines = [
        pair.explanation
        for pair in (scores.image_caption, scores.image_alt, scores.image_article, scores.caption_article)
        if pair is not None
    ]
    if scores.best_passages:
        best = scores.best_passages[0]
        lines.append(f"best article passage: “{_short(best.text)}” ({best.calibrated:.2f})")
    if len(scores.contexts) >= 2:
        top, second = scores.contexts[0], scores.contexts[1]
        lines.append(f"image prefers “{top.text}” ({top.prob:.2f}) over “{second.text}” ({second.prob:.2f})")
    return lines


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


__all__ = ["MIN_SIDE", "SKIP_ROLES", "ClipScorer", "ClipScores", "get_scorer", "reset_scorers", "skip_reason"]
