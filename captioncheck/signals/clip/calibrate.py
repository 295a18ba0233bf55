"""Turn raw cosine similarities into numbers a person can read and thresholds can use.

Two methods, chosen by the model's head (see docs/clip.md):

* **sigmoid** (SigLIP, e.g. the `multilingual` preset): the model was trained to output
  p(match) = sigmoid(t * cos + b) for each image-text pair independently, with its own learned
  scale t and bias b. We apply exactly that, so the probability is the model's own.
* **contrast** (softmax CLIP, e.g. `fast`): CLIP's scores only mean something relative to other
  texts. We put the text in a fixed contrast set of CONTRAST_TEXTS (generic and unrelated
  captions) and report the model's softmax probability, at its own temperature, that it picks
  the text over all of them. Chance level is 1 / (len(CONTRAST_TEXTS) + 1) ~ 0.06.

Text-to-text scores (caption <-> article) always use the contrast method: no head was trained
for text pairs. The raw cosine is kept next to every calibrated number.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

Label = Literal["low", "medium", "high"]

# provisional thresholds on calibrated scores (both methods), see docs/clip.md
LOW_BELOW = 0.15
HIGH_FROM = 0.5

CONTRAST_TEXTS: tuple[str, ...] = (
    "a photo",
    "an image",
    "a picture of something",
    "a photo of an object on a table",
    "a photo of food on a plate",
    "a photo of an animal",
    "a landscape photo of mountains and a lake",
    "a photo of a busy city street",
    "a photo of a football match in a stadium",
    "a screenshot of a web page with text",
    "a company logo",
    "a photo of a car on a road",
    "a photo of the sea and a beach",
    "a close-up photo of a flower",
    "a photo of a computer keyboard",
)


def sigmoid_prob(raw: float | np.ndarray, scale: float, bias: float) -> np.ndarray:
    """SigLIP's own match probability for cosine(s) `raw`."""
    logits = scale * np.asarray(raw, dtype=np.float64) + bias
    return np.asarray(1.0 / (1.0 + np.exp(-logits)))


def contrast_prob(raw: float, contrast: np.ndarray, scale: float) -> float:
    """Softmax probability of `raw` among `raw` + the contrast cosines, at temperature 1/scale."""
    logits = scale * np.concatenate(([raw], np.asarray(contrast, dtype=np.float64).ravel()))
    logits -= logits.max()
    weights = np.exp(logits)
    return float(weights[0] / weights.sum())


def percentile(raw: float, contrast: np.ndarray) -> float:
    """Share of contrast cosines strictly below `raw` (ties count half)."""
    values = np.asarray(contrast, dtype=np.float64).ravel()
    if values.size == 0:
        return 0.5
    return float(((values < raw).sum() + 0.5 * (values == raw).sum()) / values.size)


def softmax(raw: np.ndarray, scale: float) -> np.ndarray:
    logits = scale * np.asarray(raw, dtype=np.float64)
    logits -= logits.max()
    weights = np.exp(logits)
    return np.asarray(weights / weights.sum())


def label(calibrated: float, low_below: float = LOW_BELOW, high_from: float = HIGH_FROM) -> Label:
    if calibrated < low_below:
        return "low"
    if calibrated >= high_from:
        return "high"
    return "medium"


__all__ = [
    "CONTRAST_TEXTS",
    "HIGH_FROM",
    "LOW_BELOW",
    "Label",
    "contrast_prob",
    "label",
    "percentile",
    "sigmoid_prob",
    "softmax",
]
