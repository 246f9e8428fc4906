"""Label quality per dataset: how well the derived block labels reproduce each set's gold.

Usage: python bench/labels.py [--shared ../shared] [--cache bench/.cache] [--jobs 2]

For every dataset: the share of gold tokens that fall in content-labelled blocks, the share
of content-block tokens found in gold, and the token F1 of extracting exactly the
content-labelled blocks (the ceiling a model trained on these labels can reach there).
Reuses the featurized sets cached by bench/lodo.py when present.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lodo import SETS, load_set

from boilerplate.evaluate import predicted_texts
from boilerplate.metrics import score_page, summarize

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sets", nargs="+", default=SETS)
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    print("| dataset | pages with gold | label source | gold tokens covered | "
          "content tokens in gold | ceiling F1 |")
    print("|---|---|---|---|---|---|")
    for name in args.sets:
        pages = load_set(args.shared, name, args.cache, args.jobs)
        texts = predicted_texts(pages, pages.y.astype(bool))
        scores = [score_page(g, t) for g, t in zip(pages.gold, texts, strict=True)
                  if g is not None]
        ceiling = summarize(scores)
        source = "annotated blocks" if name in ("cleaneval", "l3s-gn1",
                                                "googletrends-2017") else "gold text"
        stats = pages.label_stats
        print(f"| {name} | {len(scores)} | {source} | {stats['gold_token_coverage']} | "
              f"{stats['content_token_precision']} | {ceiling.f1:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
