"""Accuracy against prediction cost: the default model cut to its first K trees.

Usage: python bench/tree_budget.py [--shared ../shared] [--sets daniel,dragnet,...]

Boosting adds trees one after another, so the first K trees of the shipped model are the
model that training would have stopped at after K rounds. For each K this prints token F1
on datasets the default model never saw (at the model's threshold) and prediction time per
page, to choose the tree budget on accuracy and speed together. Reuses bench/lodo.py's
cache of featurized sets.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from lodo import load_set

from boilerplate.evaluate import report, score_pageset
from boilerplate.model import Model

HERE = Path(__file__).resolve().parent
UNSEEN = ("daniel", "dragnet", "googletrends-2017", "cleaneval", "l3s-gn1")
BUDGETS = (50, 100, 150, 200, 250)
TIMED_PAGES = 300


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--sets", default=",".join(UNSEEN))
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    names = args.sets.split(",")
    sets = {n: load_set(args.shared, n, args.cache, args.jobs) for n in names}
    model = Model.load()
    all_trees = model.fast.trees
    timing_set = sets[names[0]]
    pages = [timing_set.X[timing_set.rows(i)] for i in range(min(TIMED_PAGES,
                                                                 len(timing_set.page_ids)))]
    print("| trees | " + " | ".join(names) + " | mean | predict ms/page |")
    print("|---|" + "---|" * (len(names) + 2))
    for budget in BUDGETS:
        model.fast.trees = all_trees[:budget]
        scores = [report(score_pageset(model, sets[n]))["overall"]["f1"] for n in names]
        start = time.perf_counter()
        for X in pages:
            if len(X):
                model.fast.predict_proba(X)
        ms = 1000 * (time.perf_counter() - start) / len(pages)
        cells = " | ".join(f"{s:.4f}" for s in scores)
        print(f"| {budget} | {cells} | {np.mean(scores):.4f} | {ms:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
