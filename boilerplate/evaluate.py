"""Evaluation: score a model (and optionally peer extractors) on labeled datasets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .config import DEFAULT_CONFIG, Config
from .datasets import Dataset
from .metrics import BlockCounts, PageScore, block_counts, score_page, summarize
from .model import Model
from .peers import peer, run_safely
from .train import PageSet, load_pageset

OVERALL = "overall"


@dataclass(frozen=True)
class PageResult:
    """One page's outcome: which set, its id, language and extra fields, and its score."""

    dataset: str
    page_id: str
    lang: str | None
    meta: dict
    score: PageScore
    blocks: BlockCounts


def predicted_texts(pages: PageSet, proba: np.ndarray, threshold: float) -> list[str]:
    """Extracted text of each page: its blocks at or above the threshold, one per line."""
    texts = []
    for i in range(pages.n_pages):
        keep = proba[pages.rows(i)] >= threshold
        texts.append("\n".join(t for t, k in zip(pages.block_texts[i], keep, strict=True) if k))
    return texts


def score_pageset(model: Model, pages: PageSet, threshold: float | None = None
                  ) -> list[PageResult]:
    """Run the model over featurized pages and score each one against its gold."""
    threshold = model.threshold if threshold is None else threshold
    proba = model.predict_rows(pages.X, pages.page_starts)
    texts = predicted_texts(pages, proba, threshold)
    results = []
    for i, text in enumerate(texts):
        rows = pages.rows(i)
        results.append(PageResult(
            pages.name, pages.page_ids[i], pages.langs[i], pages.meta[i],
            score_page(pages.gold[i] or "", text),
            block_counts(pages.y[rows], proba[rows] >= threshold, pages.weights[rows]),
        ))
    return results


def score_texts(pages: PageSet, texts: Sequence[str]) -> list[PageResult]:
    """Score texts produced by any extractor (a peer library) on the same pages."""
    return [PageResult(pages.name, pages.page_ids[i], pages.langs[i], pages.meta[i],
                       score_page(pages.gold[i] or "", text), BlockCounts())
            for i, text in enumerate(texts)]


def report(results: Sequence[PageResult],
           key: Callable[[PageResult], str] = lambda r: r.dataset) -> dict[str, dict]:
    """Token P/R/F1 (with bootstrap std) and token-weighted block P/R/F1 per group and overall."""
    groups: dict[str, list[PageResult]] = {}
    for result in results:
        groups.setdefault(key(result), []).append(result)
    out = {}
    for name, members in [*sorted(groups.items()), (OVERALL, list(results))]:
        token = summarize([m.score for m in members]).as_dict()
        counts = sum((m.blocks for m in members), BlockCounts())
        bp, br, bf = counts.prf()
        out[name] = {**token, "block_precision": round(bp, 4), "block_recall": round(br, 4),
                     "block_f1": round(bf, 4)}
    return out


GROUP_KEYS: dict[str, Callable[[PageResult], str]] = {
    "dataset": lambda r: r.dataset,
    "lang": lambda r: f"{r.dataset}:{r.lang or '?'}",
    "page_type": lambda r: f"{r.dataset}:{r.meta.get('page_type', '?')}",
}


def evaluate_datasets(paths: Sequence[str], model_path: str | None = None, *,
                      config: Config = DEFAULT_CONFIG, jobs: int = 1, by: str = "dataset",
                      threshold: float | None = None,
                      progress: Callable[[str], None] | None = None) -> dict[str, dict]:
    """Score a saved model on datasets; returns {title: {group: metrics}}."""
    model = Model.load(model_path)
    results: list[PageResult] = []
    for path in paths:
        pages, _ = load_pageset(path, config, jobs=jobs, progress=progress, require_gold=False)
        results.extend(score_pageset(model, pages, threshold))
    name = model_path or "default model"
    return {f"boilerplate ({name})": report(results, GROUP_KEYS[by])}


def compare_peers(paths: Sequence[str], peers: Sequence[str], *,
                  config: Config = DEFAULT_CONFIG, by: str = "dataset",
                  progress: Callable[[str], None] | None = None) -> dict[str, dict]:
    """Run peer extractors over the same pages and score them the same way."""
    runners = {name: peer(name) for name in peers}
    results: dict[str, list[PageResult]] = {name: [] for name in peers}
    for path in paths:
        for page in Dataset(path):
            for name, run in runners.items():
                text = run_safely(run, page.html, page.lang)
                results[name].append(PageResult(page.dataset, page.id, page.lang, page.meta,
                                                score_page(page.text or "", text),
                                                BlockCounts()))
        if progress:
            progress(f"peers done on {path}")
    return {name: report(res, GROUP_KEYS[by]) for name, res in results.items()}
