"""Pick the quality-gate pages and print (or write) the shipped model's F1 floors on them.

Usage: python bench/quality_gate.py [--write | --model DIR] [--shared ../shared]

The gate is a fixed sample of ../shared/datasets pages (the PAGES_PER_SET with full gold,
or snippet gold, whose sha1(id) sorts first in each set), named by id in
tests/data/quality_gate.json, with one F1 floor per set. tests/test_quality_gate.py fails
when the shipped model scores below a floor. --write recomputes the scores and raises
floors (never lowers them): the new floor is the measured F1 minus MARGIN, kept only if it
is higher than the committed one. A set in SETS without committed pages gets its sample
picked and its first floor written. --model scores a candidate model against the committed
floors, to see whether it could ship, without writing anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from boilerplate.datasets import Dataset
from boilerplate.extract import Extractor
from boilerplate.metrics import summarize
from boilerplate.train import has_labels

HERE = Path(__file__).resolve().parent
GATE = HERE.parent / "tests" / "data" / "quality_gate.json"
SETS = ["wcxb", "dragnet", "cleaneval", "l3s-gn1", "googletrends-2017", "daniel", "cwced-train",
        "trafilatura-eval"]
PAGES_PER_SET = 40
MARGIN = 0.01
"""Room for parser differences across lxml/libxml2 builds; the model itself is deterministic."""


def pick(shared: Path, names: list[str]) -> dict[str, list[str]]:
    chosen = {}
    for name in names:
        ids = [p.id for p in Dataset(shared / "datasets" / name) if has_labels(p)]
        ids.sort(key=lambda i: hashlib.sha1(i.encode()).hexdigest())
        chosen[name] = sorted(ids[:PAGES_PER_SET])
    return chosen


def gate_scores(shared: Path, pages: dict[str, list[str]], extractor: Extractor
                ) -> dict[str, float]:
    """F1 of the extractor on the gate pages of each set."""
    scores = {}
    for name, ids in pages.items():
        wanted = set(ids)
        results = [p.score(extractor.extract(p.html, where=p.id))
                   for p in Dataset(shared / "datasets" / name) if p.id in wanted]
        scores[name] = summarize(results, samples=0).f1
    return scores


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--model", default=None, help="a candidate model directory (not shipped)")
    args = ap.parse_args(argv)
    if args.write and args.model:
        ap.error("floors are the shipped model's: --write cannot take --model")
    gate = json.loads(GATE.read_text()) if GATE.exists() else {"floors": {}, "pages": {}}
    pages = {**pick(args.shared, [n for n in SETS if n not in gate["pages"]]), **gate["pages"]}
    scores = gate_scores(args.shared, pages, Extractor.load(args.model))
    floors = dict(gate["floors"])
    print("| set | pages | F1 | floor |\n|---|---|---|---|")
    for name, f1 in scores.items():
        proposed = int((f1 - MARGIN) * 1000) / 1000
        if args.write and proposed > floors.get(name, 0.0):
            floors[name] = proposed
        floor = floors.get(name)
        below = " **below**" if floor is not None and f1 < floor else ""
        print(f"| {name} | {len(pages[name])} | {f1:.4f} | {floor if floor else '-'}{below} |")
    if args.write:
        GATE.write_text(json.dumps({"floors": floors, "pages": pages}, indent=1) + "\n")
    elif set(pages) - set(gate["pages"]):
        print("new sets were sampled; --write commits their pages and floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
