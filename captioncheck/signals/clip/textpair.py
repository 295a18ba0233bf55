"""Caption <-> caption similarity with CLIP's text tower, and when a model's number can be trusted.

No head was trained for text pairs, and a raw cosine means different things in different models
(a random-weight or badly matched model gives every pair of texts about the same cosine). So each
model first takes a small test, once per process: PROBE holds news captions, each with a
*same-story* rewording (other words, same event) and an *other-story* caption (another event, with
words in common). The model is **usable** for caption comparison only when it ranks the same-story
pairs above the other-story pairs (AUC >= PROBE_MIN_AUC over all pairs); then

* a pair agrees ("subject") from the median same-story cosine of the probe up,
* and differs at or below the median other-story cosine,

and in between it says nothing. A model that fails the test still reports the cosine, but it
counts for nothing (a random-weight test model fails it: tests/signals/clip/test_textpair.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

PROBE_MIN_AUC = 0.95
# (caption, same story in other words, another story sharing words with the caption)
PROBE: tuple[tuple[str, str, str], ...] = (
    ("Firefighters battle a blaze at a warehouse in Lyon on Tuesday night",
     "Fire crews fight flames engulfing a storage building in Lyon",
     "Shoppers queue at a warehouse sale in Lyon on Tuesday morning"),
    ("Flood water covers the streets of Dhaka after monsoon rains",
     "Residents wade through submerged roads in Bangladesh's capital following heavy downpours",
     "Street vendors sell umbrellas in Dhaka before the monsoon season"),
    ("The prime minister speaks to reporters outside parliament after the budget vote",
     "Head of government addresses journalists in front of the legislature once the spending plan passed",
     "Reporters wait outside a football stadium after the cup final vote"),
    ("Rescue workers search the rubble of a collapsed building after the earthquake in Turkey",
     "Emergency teams dig through debris of a fallen apartment block following the quake",
     "Workers build a new apartment building in Turkey before the elections"),
    ("Supporters wave flags at an election rally for the opposition candidate in Nairobi",
     "Crowds cheering with banners gather for the challenger's campaign event in Kenya's capital",
     "A candidate for the university rowing team trains on a lake near Nairobi"),
    ("A doctor examines a patient's lungs with a stethoscope in a clinic",
     "Physician listening to the chest of a sick person during a medical check-up",
     "A patient waits for a train at a station near the clinic"),
    ("A rocket lifts off from the launch pad at sunrise",
     "Spacecraft launch vehicle ascends into the dawn sky",
     "A chef lifts a pan off the stove at sunrise in a restaurant kitchen"),
    ("Soldiers patrol a street in the destroyed city after heavy shelling",
     "Troops walk through ruins of the town that was bombarded by artillery",
     "Street musicians perform for tourists in the old city on a sunny afternoon"),
)


@dataclass(frozen=True)
class PairScale:
    """What a model's caption<->caption cosines mean (from PROBE)."""

    usable: bool
    auc: float
    agree_from: float
    differ_below: float


@dataclass(frozen=True)
class PairSimilarity:
    cosine: float
    scale: PairScale


def probe_scale(encode: Callable[[list[str]], np.ndarray]) -> PairScale:
    """Take the probe with `encode` (texts -> normalised vectors, e.g. Encoder.encode_texts)."""
    texts = [t for triple in PROBE for t in triple]
    vecs = np.asarray(encode(texts), dtype=np.float64).reshape(len(PROBE), 3, -1)
    same = np.einsum("nd,nd->n", vecs[:, 0], vecs[:, 1])
    other = np.einsum("nd,nd->n", vecs[:, 0], vecs[:, 2])
    auc = float((same[:, None] > other[None, :]).mean() + 0.5 * (same[:, None] == other[None, :]).mean())
    return PairScale(usable=auc >= PROBE_MIN_AUC, auc=round(auc, 4), agree_from=round(float(np.median(same)), 4),
                     differ_below=round(float(np.median(other)), 4))


def pair_similarity(encode: Callable[[list[str]], np.ndarray], scale: PairScale, a: str, b: str) -> PairSimilarity:
    vecs = np.asarray(encode([a, b]), dtype=np.float64)
    return PairSimilarity(cosine=round(float(vecs[0] @ vecs[1]), 4), scale=scale)


__all__ = ["PROBE", "PROBE_MIN_AUC", "PairScale", "PairSimilarity", "pair_similarity", "probe_scale"]
