"""Cross-dataset scores of a saved model (default: the shipped one) beside peers.

Usage: python bench/model_card.py [--model DIR] [--page-cut] [--no-region] [--no-gap]
                                  [--no-listing] [--no-fill] [--no-feed] [--sections]
                                  [--drop-comments]
                                  [--shared ../shared] [--cache bench/.cache]

Scores the model on every dataset, marking those it was trained on (from its metadata),
with trafilatura and readability-lxml on the same pages. Featurized sets and peer outputs
come from the cache that bench/lodo.py fills (computed here when missing). Prints the
Markdown table used in models/README.md. trafilatura-eval has snippet gold only, so its rows
score must-have against must-not snippets (`metrics.score_snippets`), not token shingles.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lodo import add_decision_flags, decision_config, load_set, peer_results

from boilerplate.evaluate import report, score_pageset
from boilerplate.model import Model

HERE = Path(__file__).resolve().parent
SETS = ["wcxb", "cwced-train", "dragnet", "cleaneval", "l3s-gn1", "googletrends-2017",
        "daniel", "cleanportaleval", "htmltotext-benchmark", "trafilatura-eval"]
SUBSETS = {
    "daniel": [("daniel (zh only)", "zh")],
    "trafilatura-eval": [("trafilatura-eval (de only)", "de")],
}
"""Language rows worth their own line: Chinese, and the German of the snippet-gold set."""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--peers", default="trafilatura,readability")
    add_decision_flags(ap)
    args = ap.parse_args(argv)
    config = decision_config(args)
    args.cache.mkdir(parents=True, exist_ok=True)
    model = Model.load(args.model)
    trained_on = {s["name"] for s in model.metadata.get("training_sets", [])}
    peers = [p for p in args.peers.split(",") if p]
    print("| dataset | in training | pages | boilerplate F1 | P | R | "
          + " | ".join(f"{p} F1" for p in peers) + " |")
    print("|" + "---|" * (6 + len(peers)))
    for name in SETS:
        pages = load_set(args.shared, name, args.cache, args.jobs)
        mine = score_pageset(model, pages, config=config)
        groups = [(name, lambda r: True)]
        groups += [(label, lambda r, lang=lang: r.lang == lang)
                   for label, lang in SUBSETS.get(name, [])]
        for label, keep in groups:
            m = report([r for r in mine if keep(r)])["overall"]
            theirs = [report([r for r in peer_results(args.shared, name, p, args.cache)
                              if keep(r)])["overall"] for p in peers]
            print(f"| {label} | {'yes' if name in trained_on else 'no'} | {m['pages']} | "
                  f"{m['f1']:.3f} ± {m['f1_std']:.3f} | {m['precision']:.3f} | "
                  f"{m['recall']:.3f} | "
                  + " | ".join(f"{t['f1']:.3f} ± {t['f1_std']:.3f}" for t in theirs) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
