"""One set's pages on sites the model never saw, with that set's other sites in training.

Usage: python bench/site_folds.py [--shared ../shared] [--cache DIR] [--set wcxb] [--folds 3]
                                  [--site-templates] [--reuse-models]

bench/lodo.py holds a whole dataset out, so a page type only one dataset has (wcxb's
documentation, listings, collections) is never in training when it is scored: that table
measures pages unlike any the model learned from. This bench measures the other case, the
one `train` exists for: a user who labels pages of some sites and extracts from others.
The set's pages are split into --folds folds that never put one site on two of them
(scikit-learn's GroupKFold on the pages' sites). Each fold model trains like a lodo.py fold
model, with the learned page cut, on every other lodo set plus the set's other folds, and is
scored on its fold. The table gives F1 per page type (or language) beside the peers'
cached results (bench/lodo.py computes them).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from lodo import (
    SETS,
    cache_key,
    cell,
    lead,
    load_set,
    log,
    peer_results,
    pool_key,
    with_gold,
)

from boilerplate.config import DEFAULT_CONFIG
from boilerplate.evaluate import OVERALL, PageResult, report, score_pageset
from boilerplate.train import HyperParams, concat, fit, subset, with_lexicon

HERE = Path(__file__).resolve().parent


def site_folds(groups: list[str], folds: int) -> list[np.ndarray]:
    """Page indices of each fold; no site is in two folds."""
    from sklearn.model_selection import GroupKFold

    index = np.arange(len(groups))
    return [held for _, held in GroupKFold(n_splits=folds).split(index, groups=groups)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--set", default="wcxb", choices=SETS)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--peers", default="trafilatura,readability")
    ap.add_argument("--site-templates", action="store_true",
                    help="read each fold as one batch (Config.site_templates)")
    ap.add_argument("--reuse-models", action="store_true",
                    help="score the fold models kept in --cache instead of fitting them again")
    args = ap.parse_args(argv)
    if args.folds < 2:
        ap.error("--folds must be at least 2")
    started = time.monotonic()
    args.cache.mkdir(parents=True, exist_ok=True)
    sets = {name: load_set(args.shared, name, args.cache, args.jobs) for name in SETS}
    peers = [p for p in args.peers.split(",") if p]
    peer_res = {p: {r.page_id: r for r in peer_results(args.shared, args.set, p, args.cache)}
                for p in peers}
    target = sets[args.set]
    if len(set(target.groups)) < args.folds:
        ap.error(f"--folds {args.folds}: {args.set} has only {len(set(target.groups))} sites")
    others = [with_gold(sets[n]) for n in SETS if n != args.set]
    params = HyperParams(refit=False, learned_cut=True, lexicon=True)
    config = replace(DEFAULT_CONFIG, site_templates=args.site_templates)
    ours: list[PageResult] = []
    for k, held in enumerate(site_folds(target.groups, args.folds)):
        t0 = time.monotonic()
        path = args.cache / (f"sitefold-{args.set}-{k}of{args.folds}-{cache_key()}-"
                             f"{pool_key(SETS)}-iter{params.max_iter}-lex-cut.pkl")
        if args.reuse_models and path.exists():
            model = pickle.loads(path.read_bytes())
        else:
            rest = np.setdiff1d(np.arange(target.n_pages), held)
            model, _ = fit(concat([*others, with_gold(subset(target, rest))]), params,
                           progress=log)
            path.write_bytes(pickle.dumps(model))
        test = with_lexicon(subset(target, held), model.lexicon)
        results = score_pageset(model, test, config=config)
        ours.extend(results)
        log(f"fold {k}: {len(held)} pages, {len(set(test.groups))} sites, threshold "
            f"{model.threshold}, F1 {report(results)['overall']['f1']:.4f} "
            f"({time.monotonic() - t0:.0f}s)")
    key = "lang" if args.set != "wcxb" else "page_type"

    def group(r: PageResult) -> str:
        return str(r.lang) if key == "lang" else str(r.meta.get(key, "?"))

    mine = report(ours, group)
    theirs = {p: report([peer_res[p][r.page_id] for r in ours], group) for p in peers}
    print(f"\n{args.set}, {args.folds} folds by site, by {key.replace('_', ' ')}:\n")
    print("| group | pages | boilerplate F1 | " + " | ".join(f"{p} F1" for p in peers)
          + " | Δ vs best peer |")
    print("|" + "---|" * (4 + len(peers)))
    for g, row in mine.items():
        members = [r for r in ours if g == OVERALL or group(r) == g]
        shown = lead(members, {p: list(peer_res[p].values()) for p in peers})[1]
        print(f"| {g} | {row['pages']} | {cell(row)} | "
              + " | ".join(cell(theirs[p].get(g)) for p in peers) + f" | {shown} |")
    print(f"\n{time.monotonic() - started:.0f}s in all; fold models trained on "
          f"{', '.join(n for n in SETS if n != args.set)} and {args.set}'s other folds, "
          "with the learned page cut"
          + (" and site templates" if args.site_templates else "") + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
