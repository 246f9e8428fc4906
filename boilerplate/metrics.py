"""The scoring rules: token-shingle P/R/F1 (the Article Extraction Benchmark's) and block P/R/F1.

Kept apart from `evaluate` (which runs models over datasets) so the arithmetic can be
checked by hand in tests and reused by benches that score other extractors.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .text import occurrences, snippet_tokens, token_index, tokens

SHINGLE_SIZE = 4
BOOTSTRAP_SAMPLES = 200
BOOTSTRAP_SEED = 0


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter:
    """Multiset of token n-grams; a text shorter than `size` tokens is one shorter shingle."""
    toks = tokens(text or "")
    if not toks:
        return Counter()
    if len(toks) < size:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i:i + size]) for i in range(len(toks) - size + 1))


@dataclass(frozen=True)
class PageScore:
    """Shingle overlap of one page, normalised so tp + fp + fn = 1 (every page weighs the same)."""

    tp: float
    fp: float
    fn: float
    has_pred: bool
    has_gold: bool

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp > 0 else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn > 0 else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r > 0 else 0.0


def score_page(gold: str, predicted: str) -> PageScore:
    """Compare one page's extracted text with its gold text."""
    g, p = shingles(gold), shingles(predicted)
    tp = sum((g & p).values())
    fp = sum((p - g).values())
    fn = sum((g - p).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(tp, fp, fn, bool(p), bool(g))


def score_snippets(must_have: Sequence[str], must_not_have: Sequence[str], predicted: str
                   ) -> PageScore:
    """Compare extracted text with snippet gold, where no full gold text exists.

    A must-have snippet found in the output is a hit (tp), one missing a miss (fn), and a
    must-not snippet found a false hit (fp); normalised per page like `score_page`.
    """
    toks = tokens(predicted or "")
    index = token_index(toks)

    def found(snippet: str) -> bool:
        return bool(occurrences(toks, index, snippet_tokens(snippet)))

    wanted = [s for s in must_have if snippet_tokens(s)]
    unwanted = [s for s in must_not_have if snippet_tokens(s)]
    tp = sum(found(s) for s in wanted)
    fn = len(wanted) - tp
    fp = sum(found(s) for s in unwanted)
    total = tp + fp + fn
    if total:
        return PageScore(tp / total, fp / total, fn / total, bool(toks), bool(wanted))
    return PageScore(0.0, 0.0, 0.0, bool(toks), False)


def score_gold(gold: str | None, predicted: str, must_have: Sequence[str] = (),
               must_not_have: Sequence[str] = ()) -> PageScore:
    """Score against the full gold text, or against snippets where a page has only those."""
    if gold is None and (must_have or must_not_have):
        return score_snippets(must_have, must_not_have, predicted)
    return score_page(gold or "", predicted)


@dataclass(frozen=True)
class Summary:
    """Mean precision over pages with output, mean recall over pages with gold, F1 of the two."""

    pages: int
    precision: float
    recall: float
    f1: float
    f1_std: float
    """Bootstrap standard deviation of F1 over pages."""

    def as_dict(self) -> dict:
        return {"pages": self.pages, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "f1_std": round(self.f1_std, 4)}


def _f1_of(prec: np.ndarray, has_pred: np.ndarray, rec: np.ndarray, has_gold: np.ndarray
           ) -> tuple[float, float, float]:
    p = float(prec[has_pred].mean()) if has_pred.any() else 0.0
    r = float(rec[has_gold].mean()) if has_gold.any() else 0.0
    return p, r, (2 * p * r / (p + r) if p + r > 0 else 0.0)


def _columns(scores: Sequence[PageScore]) -> tuple[np.ndarray, ...]:
    """Precision, has-output, recall and has-gold of each page, as `_f1_of` takes them."""
    return (np.array([s.precision for s in scores]), np.array([s.has_pred for s in scores]),
            np.array([s.recall for s in scores]), np.array([s.has_gold for s in scores]))


def summarize(scores: Sequence[PageScore], samples: int = BOOTSTRAP_SAMPLES,
              seed: int = BOOTSTRAP_SEED) -> Summary:
    """Aggregate page scores the benchmark's way, with a seeded bootstrap for the spread."""
    n = len(scores)
    if n == 0:
        return Summary(0, 0.0, 0.0, 0.0, 0.0)
    prec, has_pred, rec, has_gold = _columns(scores)
    p, r, f1 = _f1_of(prec, has_pred, rec, has_gold)
    if samples <= 0:
        return Summary(n, p, r, f1, 0.0)
    rng = np.random.default_rng(seed)
    boot = []
    for _ in range(samples):
        idx = rng.integers(0, n, n)
        boot.append(_f1_of(prec[idx], has_pred[idx], rec[idx], has_gold[idx])[2])
    return Summary(n, p, r, f1, float(np.std(boot)))


def paired_difference(ours: Sequence[PageScore], theirs: Sequence[PageScore],
                      samples: int = BOOTSTRAP_SAMPLES, seed: int = BOOTSTRAP_SEED
                      ) -> tuple[float, float]:
    """F1 of `ours` less F1 of `theirs` on the same pages (aligned, one score each), and
    its bootstrap standard deviation with both resampled together: two extractors do well
    and badly on the same pages, so the spread of the gap is far narrower than their own
    spreads suggest, and it is the gap that says which is ahead."""
    if len(ours) != len(theirs):
        raise ValueError(f"paired scores need the same pages: {len(ours)} against "
                         f"{len(theirs)}")
    n = len(ours)
    if n == 0:
        return 0.0, 0.0
    arrays = [_columns(ours), _columns(theirs)]

    def gap(idx: np.ndarray | slice) -> float:
        (p1, h1, r1, g1), (p2, h2, r2, g2) = arrays
        return (_f1_of(p1[idx], h1[idx], r1[idx], g1[idx])[2]
                - _f1_of(p2[idx], h2[idx], r2[idx], g2[idx])[2])

    delta = gap(slice(None))
    if samples <= 0:
        return delta, 0.0
    rng = np.random.default_rng(seed)
    return delta, float(np.std([gap(rng.integers(0, n, n)) for _ in range(samples)]))


@dataclass(frozen=True)
class BlockCounts:
    """Token-weighted confusion counts of block decisions against block labels."""

    tp: float = 0.0
    fp: float = 0.0
    fn: float = 0.0

    def __add__(self, other: BlockCounts) -> BlockCounts:
        return BlockCounts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def block_counts(labels: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> BlockCounts:
    """Blocks weighted by their token count, so a long paragraph counts more than a button.

    Labels are 1 (content) or 0 (chrome); a negative label (no gold for the block) is skipped.
    """
    weights = np.where(labels < 0, 0.0, weights)
    labels, predicted = labels > 0, predicted.astype(bool)
    return BlockCounts(float(weights[labels & predicted].sum()),
                       float(weights[~labels & predicted].sum()),
                       float(weights[labels & ~predicted].sum()))
