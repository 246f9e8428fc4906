"""Parse + blocks + features over whole datasets: zero exceptions and time vs a bare lxml parse.

Usage: python bench/bench_features.py [--shared ../shared] [--datasets wcxb daniel] [--limit N]
Prints one table row per dataset: pages, failures, median ms per page for bare
`lxml.html.fromstring` and for the pipeline, and the ratio of the medians (goal <= 2x).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

import lxml.html

from boilerplate.blocks import segment
from boilerplate.errors import BoilerplateError
from boilerplate.features import featurize
from boilerplate.parse import parse

HERE = Path(__file__).resolve().parent


def pages(path: Path, limit: int | None):
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit is not None and i >= limit:
                return
            record = json.loads(line)
            yield record["id"], record["html"].encode("utf-8")


def run(name: str, path: Path, limit: int | None) -> dict:
    bare, ours, stage = [], [], {"parse": [], "blocks": [], "features": []}
    failures, errors, n_blocks = [], 0, 0
    for page_id, data in pages(path, limit):
        t0 = time.perf_counter()
        lxml.html.fromstring(data)
        t1 = time.perf_counter()
        try:
            doc = parse(data, where=page_id)
            t2 = time.perf_counter()
            blocks = segment(doc)
            t3 = time.perf_counter()
            featurize(blocks, title=doc.title)
            t4 = time.perf_counter()
        except BoilerplateError as exc:  # a clear, expected refusal (e.g. binary input)
            errors += 1
            print(f"  {page_id}: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # noqa: BLE001 - the bench counts crashes, it must not stop
            failures.append(f"{page_id}: {type(exc).__name__}: {exc}")
            continue
        bare.append(t1 - t0)
        ours.append(t4 - t1)
        stage["parse"].append(t2 - t1)
        stage["blocks"].append(t3 - t2)
        stage["features"].append(t4 - t3)
        n_blocks += len(blocks)
    for failure in failures:
        print("  CRASH", failure, file=sys.stderr)
    med = statistics.median
    return {
        "dataset": name, "pages": len(ours) + len(failures) + errors, "crashes": len(failures),
        "refused": errors, "blocks/page": n_blocks / max(len(ours), 1),
        "lxml ms": med(bare) * 1e3, "ours ms": med(ours) * 1e3,
        "parse": med(stage["parse"]) * 1e3, "blocks": med(stage["blocks"]) * 1e3,
        "features": med(stage["features"]) * 1e3, "ratio": med(ours) / med(bare),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--datasets", nargs="+", default=["wcxb", "daniel"])
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args(argv)
    rows = []
    for name in args.datasets:
        path = args.shared / "datasets" / name / "pages.jsonl.gz"
        if not path.exists():
            print(f"missing {path}", file=sys.stderr)
            return 2
        rows.append(run(name, path, args.limit))
    cols = ["dataset", "pages", "crashes", "refused", "blocks/page", "lxml ms", "ours ms",
            "parse", "blocks", "features", "ratio"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        cells = [f"{row[c]:.2f}" if isinstance(row[c], float) else str(row[c]) for c in cols]
        print("| " + " | ".join(cells) + " |")
    print("\nms = median per page; parse/blocks/features = median of each stage; "
          "ratio = median(ours) / median(bare lxml.html.fromstring), same pages, same run.")
    return 1 if any(r["crashes"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
