"""Evaluation: score a model (and optionally peer extractors) on labeled datasets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .config import DEFAULT_CONFIG, Config
from .datasets import Dataset
from .labels import UNLABELED
from .metrics import BlockCounts, PageScore, block_counts, paired_difference, summarize
from .model import Model, kept_rows
from .peers import peer, run_safely
from .templates import demote, recurring_rows
from .train import PageSet, load_pageset, predicted_texts, with_lexicon

OVERALL = "overall"
REPORT_DIGITS = 4
"""Decimals of the figures in a gap report's tables."""


@dataclass(frozen=True)
class PageResult:
    """One page's outcome: which set, its id, language and extra fields, and its score."""

    dataset: str
    page_id: str
    lang: str | None
    meta: dict
    score: PageScore
    blocks: BlockCounts


def decide(model: Model, pages: PageSet, threshold: float | None = None,
           config: Config = DEFAULT_CONFIG,
           proba: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Every block's probability and content decision, as extraction makes them; `proba`
    reuses probabilities already predicted for these pages (a threshold sweep). With
    `config.site_templates` the pages are one batch: blocks recurring on other pages of their
    site (`PageSet.groups`) drop, as in `extract --site-templates`."""
    threshold = model.threshold if threshold is None else threshold
    pages = with_lexicon(pages, model.lexicon, config)
    if proba is None:
        proba = model.predict_rows(pages.X, pages.page_starts)
    elif len(proba) != len(pages.y):
        raise ValueError(f"{pages.name}: {len(proba)} probabilities given for "
                         f"{len(pages.y)} blocks; predict them on these pages")
    if config.site_templates:
        proba = demote(proba, recurring_rows(pages.groups, pages.block_texts, pages.titles,
                                             config, proba))
    thresholds = model.page_thresholds(proba, pages.X, pages.page_starts, config, threshold)
    keep = kept_rows(proba, model.block_tokens(pages.X), pages.page_starts, thresholds, config,
                     pages.trees, model.code_rows(pages.X), model.link_rows(pages.X),
                     model.repeat_rows(pages.X), model.heading_rows(pages.X),
                     model.comment_rows(pages.X))
    return proba, keep


def score_pageset(model: Model, pages: PageSet, threshold: float | None = None,
                  config: Config = DEFAULT_CONFIG,
                  proba: np.ndarray | None = None) -> list[PageResult]:
    """Run the model over featurized pages and score each one against its gold (`proba`:
    see `decide`)."""
    pages = with_lexicon(pages, model.lexicon, config)
    _, keep = decide(model, pages, threshold, config, proba)
    texts = predicted_texts(pages, keep)
    results = []
    for i, text in enumerate(texts):
        rows = pages.rows(i)
        results.append(PageResult(
            pages.name, pages.page_ids[i], pages.langs[i], pages.meta[i],
            pages.score(i, text),
            block_counts(pages.y[rows], keep[rows], pages.weights[rows]),
        ))
    return results


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
        if counts.tp + counts.fp + counts.fn == 0:  # peers make no block decisions
            out[name] = {**token, "block_precision": None, "block_recall": None,
                         "block_f1": None}
            continue
        bp, br, bf = counts.prf()
        out[name] = {**token, "block_precision": round(bp, 4), "block_recall": round(br, 4),
                     "block_f1": round(bf, 4)}
    return out


GROUP_KEYS: dict[str, Callable[[PageResult], str]] = {
    "dataset": lambda r: r.dataset,
    "lang": lambda r: f"{r.dataset}:{r.lang or '?'}",
    "page_type": lambda r: f"{r.dataset}:{r.meta.get('page_type', '?')}",
}


def gap_report(ours: Sequence[PageResult], theirs: Sequence[PageResult],
               key: Callable[[PageResult], str] = lambda r: r.dataset,
               digits: int | None = REPORT_DIGITS) -> dict[str, dict]:
    """Per group and overall, our token F1 less another extractor's on the pages both
    scored, with the paired bootstrap deviation (`metrics.paired_difference`): the two
    extractors' own deviations overstate how unsure the gap between them is. Rounded to
    `digits` like `report` (None: not rounded, for callers that round once themselves)."""
    by_page = {(r.dataset, r.page_id): r.score for r in theirs}
    groups: dict[str, list[tuple[PageScore, PageScore]]] = {}
    for result in ours:
        other = by_page.get((result.dataset, result.page_id))
        if other is not None:
            groups.setdefault(key(result), []).append((result.score, other))
    every = [pair for pairs in groups.values() for pair in pairs]
    out = {}
    for name, pairs in [*sorted(groups.items()), (OVERALL, every)]:
        delta, std = paired_difference([a for a, _ in pairs], [b for _, b in pairs])
        if digits is not None:
            delta, std = round(delta, digits), round(std, digits)
        out[name] = {"pages": len(pairs), "f1_gap": delta, "f1_gap_std": std}
    return out


class Evaluation(NamedTuple):
    """What `evaluate_datasets` found: {title: {group: metrics}}, the per-page error lists
    and their summary (`error_analysis`; empty unless asked for), and every page's result,
    to set beside other extractors' page by page (`compare_peers`)."""

    tables: dict[str, dict]
    page_errors: list[dict]
    summary: dict
    results: list[PageResult]


def evaluate_datasets(paths: Sequence[str], model_path: str | None = None, *,
                      config: Config = DEFAULT_CONFIG, jobs: int = 1, by: str = "dataset",
                      threshold: float | None = None, errors: bool = False,
                      progress: Callable[[str], None] | None = None) -> Evaluation:
    """Score a saved model on datasets; with `errors`, also find the blocks it got wrong."""
    model = Model.load(model_path)
    results: list[PageResult] = []
    pages_errors: list[dict] = []
    summary: dict[str, dict[str, dict]] = {k: {} for k in ERROR_GROUPS}
    for path in paths:
        pages, _ = load_pageset(path, config, jobs=jobs, progress=progress, require_gold=False)
        results.extend(score_pageset(model, pages, threshold, config))
        if errors:
            found, partial = error_analysis(model, pages, threshold, config)
            pages_errors.extend(found)
            for key, groups in partial.items():
                for value, cell in groups.items():
                    total = summary.setdefault(key, {}).setdefault(
                        value, {"false_content": 0.0, "missed_content": 0.0, "blocks": 0})
                    for field_name in total:
                        total[field_name] += cell[field_name]
    name = model_path or "default model"
    pages_errors.sort(key=lambda page: -page["tokens_lost"])
    return Evaluation({f"boilerplate ({name})": report(results, GROUP_KEYS[by])},
                      pages_errors, summary, results)


def compare_peers(paths: Sequence[str], peers: Sequence[str], *,
                  config: Config = DEFAULT_CONFIG, by: str = "dataset",
                  progress: Callable[[str], None] | None = None,
                  ours: Sequence[PageResult] = ()) -> dict[str, dict]:
    """Run peer extractors over the same pages and score them the same way; with `ours`
    (`Evaluation.results`), also each peer's `gap_report` ("boilerplate − PEER")."""
    runners = {name: peer(name) for name in peers}
    results: dict[str, list[PageResult]] = {name: [] for name in peers}
    for path in paths:
        for page in Dataset(path):
            for name, run in runners.items():
                text = run_safely(run, page.html, page.lang)
                results[name].append(PageResult(page.dataset, page.id, page.lang, page.meta,
                                                page.score(text),
                                                BlockCounts()))
        if progress:
            progress(f"peers done on {path}")
    tables = {name: report(res, GROUP_KEYS[by]) for name, res in results.items()}
    if ours:
        for name, res in results.items():
            tables[f"boilerplate − {name}"] = gap_report(ours, res, GROUP_KEYS[by])
    return tables


ERROR_KEY_FEATURES = ("n_tokens", "link_density", "text_density", "rel_index",
                      "in_main_container", "is_title", "repeats")
POSITION_BUCKETS = 5
ERROR_GROUPS = ("dataset", "lang", "page_type", "tag", "position")
MAX_ERRORS_PER_PAGE = 50


def _tag_of(names: Sequence[str], row: np.ndarray) -> str:
    for name, value in zip(names, row, strict=True):
        if name.startswith("tag_") and value == 1:
            return name[4:]
    return "?"


def error_analysis(model: Model, pages: PageSet, threshold: float | None = None,
                   config: Config = DEFAULT_CONFIG
                   ) -> tuple[list[dict], dict[str, dict[str, dict]]]:
    """The blocks the model got wrong on each page, ranked by the tokens they cost, and a
    summary of where wrong tokens cluster (by dataset, language, page type, tag, position)."""
    pages = with_lexicon(pages, model.lexicon, config)
    proba, keep = decide(model, pages, threshold, config)
    names = list(model.feature_names)
    key_cols = [names.index(n) for n in ERROR_KEY_FEATURES]
    rel_col = names.index("rel_index")
    texts = predicted_texts(pages, keep)
    summary: dict[str, dict[str, dict]] = {k: {} for k in ERROR_GROUPS}
    per_page = []
    for i in range(pages.n_pages):
        rows = pages.rows(i)
        y, p, w, X = pages.y[rows], proba[rows], pages.weights[rows], pages.X[rows]
        predicted = keep[rows]
        wrong = np.flatnonzero((predicted != (y > 0)) & (y != UNLABELED))
        errors = []
        for j in wrong[np.argsort(-w[wrong])]:
            kind = "false_content" if predicted[j] else "missed_content"
            tag = _tag_of(names, X[j])
            position = f"{min(int(X[j, rel_col] * POSITION_BUCKETS), POSITION_BUCKETS - 1)}"
            groups = {"dataset": pages.name, "lang": pages.langs[i] or "?",
                      "page_type": str(pages.meta[i].get("page_type", "?")), "tag": tag,
                      "position": f"{position}/{POSITION_BUCKETS}"}
            for key, value in groups.items():
                cell = summary[key].setdefault(value, {"false_content": 0.0,
                                                       "missed_content": 0.0, "blocks": 0})
                cell[kind] += float(w[j])
                cell["blocks"] += 1
            if len(errors) < MAX_ERRORS_PER_PAGE:
                errors.append({
                    "kind": kind, "block": int(j), "tokens": float(w[j]),
                    "probability": round(float(p[j]), 3), "tag": tag,
                    "text": pages.block_texts[i][j][:300],
                    "features": {n: round(float(X[j, c]), 3)
                                 for n, c in zip(ERROR_KEY_FEATURES, key_cols, strict=True)},
                })
        score = pages.score(i, texts[i])
        per_page.append({
            "dataset": pages.name, "id": pages.page_ids[i], "lang": pages.langs[i],
            "page_type": pages.meta[i].get("page_type"),
            "precision": round(score.precision, 4), "recall": round(score.recall, 4),
            "tokens_lost": float(w[wrong].sum()), "errors": errors,
        })
    per_page.sort(key=lambda page: -page["tokens_lost"])
    return per_page, summary
