"""Model selection by grouped cross-validation (groups = sites), on F1 and speed together.

Usage: python bench/model_selection.py [--shared ../shared] [--folds 3]

On the default model's training sets (wcxb + cwced-train, from bench/lodo.py's feature
cache), pages are split into folds that never put one site on both sides. Each candidate
is fitted on the other folds and scored on the held fold: token F1 at the threshold that
is best on the training folds' own pages (so no candidate is tuned on the fold it is scored
on), and prediction time per page. Candidates: the shipped HistGradientBoosting settings,
the same with 100 trees, a logistic regression on the same (standardised) features, and the
mean of the boosted and linear probabilities.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from lodo import load_set, with_gold

from boilerplate.train import HyperParams, _estimator, _rows, concat, page_f1, subset

HERE = Path(__file__).resolve().parent
TRAIN = ("wcxb", "cwced-train")
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.1, 0.91, 0.05))
TIMED_PAGES = 200


def linear():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=300, C=1.0))


def candidates() -> dict:
    return {
        "hgb 250 trees (shipped)": lambda: _estimator(HyperParams()),
        "hgb 100 trees": lambda: _estimator(HyperParams(max_iter=100)),
        "logistic regression": linear,
    }


def best_threshold(pages, proba) -> float:
    return max(THRESHOLDS, key=lambda t: page_f1(pages, proba, t))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    pages = concat([with_gold(load_set(args.shared, n, args.cache, args.jobs)) for n in TRAIN])
    sites = sorted(set(pages.groups))
    rng = np.random.default_rng(0)
    fold_of_site = dict(zip(sites, rng.permutation(len(sites)) % args.folds, strict=True))
    page_fold = np.array([fold_of_site[g] for g in pages.groups])
    results: dict[str, list[float]] = {}
    times: dict[str, list[float]] = {}
    for fold in range(args.folds):
        train = subset(pages, np.flatnonzero(page_fold != fold))
        held = subset(pages, np.flatnonzero(page_fold == fold))
        rows, weights = _rows(train, HyperParams())
        probas_train, probas_held = {}, {}
        for name, make in candidates().items():
            started = time.monotonic()
            model = make()
            fit_kwargs = ({"logisticregression__sample_weight": weights}
                          if name == "logistic regression" else {"sample_weight": weights})
            model.fit(train.X[rows], train.y[rows], **fit_kwargs)
            probas_train[name] = model.predict_proba(train.X)[:, 1]
            probas_held[name] = model.predict_proba(held.X)[:, 1]
            timed = [held.X[held.rows(i)] for i in range(min(TIMED_PAGES, held.n_pages))]
            t0 = time.perf_counter()
            for X in timed:
                if len(X):
                    model.predict_proba(X)
            times.setdefault(name, []).append(1000 * (time.perf_counter() - t0) / len(timed))
            print(f"fold {fold}: {name} fitted in {time.monotonic() - started:.0f} s",
                  file=sys.stderr, flush=True)
        mix = "mean of hgb 250 and logistic"
        probas_train[mix] = (probas_train["hgb 250 trees (shipped)"]
                             + probas_train["logistic regression"]) / 2
        probas_held[mix] = (probas_held["hgb 250 trees (shipped)"]
                            + probas_held["logistic regression"]) / 2
        times.setdefault(mix, []).append(times["hgb 250 trees (shipped)"][-1]
                                         + times["logistic regression"][-1])
        for name in probas_held:
            threshold = best_threshold(train, probas_train[name])
            results.setdefault(name, []).append(page_f1(held, probas_held[name], threshold))
    print(f"\n{len(sites)} sites, {pages.n_pages} pages, {args.folds} site-grouped folds\n")
    print("| model | F1 per fold | mean F1 | predict ms/page |\n|---|---|---|---|")
    for name, scores in results.items():
        cells = ", ".join(f"{s:.4f}" for s in scores)
        print(f"| {name} | {cells} | {np.mean(scores):.4f} | {np.mean(times[name]):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
