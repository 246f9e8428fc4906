"""Does a signal help on unseen data? Train on the default model's sets, test on others.

Usage: python bench/ablation.py [--drop FEATURE,PREFIX*,...] [--smoothing] [--shared ../shared]
       [--train SET,...] [--test SET,...] [--max-iter N] [--learning-rate R]
       [--max-leaf-nodes N] [--min-samples-leaf N] [--l2 L2]

Trains like the default model (wcxb + cwced-train, threshold chosen on held-out training
sites, no refit) with the named feature columns zeroed (or with the smoothing pass tried),
and prints held-out-site F1 beside F1 on daniel (per language), dragnet and
googletrends-2017, which the model never sees (or the --train / --test sets given). Run it
with and without a change: keep the change only if the unseen sets improve. Reuses
bench/lodo.py's cache of featurized sets.

Each unseen set is also scored at every threshold of SWEEP, and their mean is printed: the
threshold chosen on the training sets' own sites moves by 0.1 between near-identical models
and swings unseen F1 by 0.02 or more, which would drown a feature's effect.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lodo import load_set, with_gold

from boilerplate.evaluate import report, score_pageset
from boilerplate.features import feature_names
from boilerplate.train import HyperParams, concat, fit

HERE = Path(__file__).resolve().parent
TRAIN = ("wcxb", "cwced-train")
UNSEEN = ("daniel", "dragnet", "googletrends-2017")
SWEEP = (0.15, 0.25, 0.35, 0.5)


def dropped_columns(names: tuple[str, ...], spec: str) -> list[int]:
    """Indices of the columns named in a comma list; "class_hash_*" names a prefix."""
    wanted = [w for w in spec.split(",") if w]
    return [i for i, n in enumerate(names)
            if any(n == w or (w.endswith("*") and n.startswith(w[:-1])) for w in wanted)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--drop", default="", help="comma-separated feature names to zero")
    ap.add_argument("--smoothing", action="store_true")
    ap.add_argument("--train", default=",".join(TRAIN),
                    help="comma-separated training sets (default: the default model's)")
    ap.add_argument("--test", default=",".join(UNSEEN),
                    help="comma-separated sets to score (never trained on)")
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--max-iter", type=int, default=HyperParams.max_iter)
    ap.add_argument("--learning-rate", type=float, default=HyperParams.learning_rate)
    ap.add_argument("--max-leaf-nodes", type=int, default=HyperParams.max_leaf_nodes)
    ap.add_argument("--min-samples-leaf", type=int, default=HyperParams.min_samples_leaf)
    ap.add_argument("--l2", type=float, default=HyperParams.l2_regularization)
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    names = feature_names()
    drop = dropped_columns(names, args.drop)
    unknown = [w for w in args.drop.split(",") if w and not dropped_columns(names, w)]
    if unknown:
        ap.error(f"--drop names no feature column: {', '.join(unknown)}")
    train_names = tuple(args.train.split(","))
    test_names = tuple(args.test.split(","))
    if set(train_names) & set(test_names):
        ap.error("a set is both trained on and scored")
    sets = {n: load_set(args.shared, n, args.cache, args.jobs)
            for n in train_names + test_names}
    for pages in sets.values():
        if drop:
            pages.X[:, drop] = 0.0
    train = concat([with_gold(sets[n]) for n in train_names])
    params = HyperParams(smoothing=args.smoothing, refit=False, max_iter=args.max_iter,
                         learning_rate=args.learning_rate, max_leaf_nodes=args.max_leaf_nodes,
                         min_samples_leaf=args.min_samples_leaf, l2_regularization=args.l2)
    model, rep = fit(train, params)
    print(f"train={args.train} drop={args.drop or '-'} smoothing={rep['smoothing']} "
          f"threshold={rep['threshold']} max_iter={args.max_iter} "
          f"learning_rate={args.learning_rate} max_leaf_nodes={args.max_leaf_nodes} "
          f"min_samples_leaf={args.min_samples_leaf} l2={args.l2}")
    sweep_head = " | ".join(f"F1 at {t}" for t in SWEEP)
    print(f"| set | F1 | {sweep_head} | mean over thresholds |")
    print("|---|---|" + "---|" * (len(SWEEP) + 1))
    print(f"| held-out training sites | {rep['heldout_f1']:.4f} |" + " |" * (len(SWEEP) + 1))
    for name in test_names:
        results = score_pageset(model, sets[name])
        swept = [report(score_pageset(model, sets[name], t))["overall"]["f1"] for t in SWEEP]
        print(f"| {name} | {report(results)['overall']['f1']:.4f} | "
              + " | ".join(f"{v:.4f}" for v in swept) + f" | {sum(swept) / len(swept):.4f} |")
        if name == "daniel":
            by_lang = report(results, lambda r: r.lang or "?")
            for lang, row in by_lang.items():
                if lang != "overall":
                    print(f"| daniel:{lang} | {row['f1']:.4f} |" + " |" * (len(SWEEP) + 1))
        if name == "wcxb":
            by_type = report(results, lambda r: str(r.meta.get("page_type", "?")))
            for kind, row in by_type.items():
                if kind != "overall":
                    print(f"| wcxb:{kind} | {row['f1']:.4f} |" + " |" * (len(SWEEP) + 1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
