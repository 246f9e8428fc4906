"""Pick the quality-gate pages and print (or write) the shipped model's F1 floors on them.

Usage: python bench/quality_gate.py [--write | --model DIR] [--shared ../shared]

A second table gates `--site-templates`: pages of the largest sites of the news sets in
TEMPLATE_SETS (up to TEMPLATE_SITE_PAGES per site, TEMPLATE_PAGES per set), each set's
sample read as one batch.

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
from dataclasses import replace
from pathlib import Path

from boilerplate.config import DEFAULT_CONFIG
from boilerplate.datasets import Dataset
from boilerplate.evaluate import score_pageset
from boilerplate.extract import Extractor
from boilerplate.metrics import summarize
from boilerplate.train import featurize_pages, has_labels, site_of

HERE = Path(__file__).resolve().parent
GATE = HERE.parent / "tests" / "data" / "quality_gate.json"
SETS = ["wcxb", "dragnet", "cleaneval", "l3s-gn1", "googletrends-2017", "daniel", "cwced-train",
        "trafilatura-eval"]
PAGES_PER_SET = 40
TEMPLATE_SETS = ["daniel", "dragnet", "l3s-gn1"]
"""News sets whose sites have many pages: the gate of `--site-templates` (Config.site_templates)."""
TEMPLATE_PAGES = 80
"""Pages per set in that gate: sites, largest first, until there are this many."""
TEMPLATE_SITE_PAGES = 20
"""At most this many pages of one site (by sha1 of the id), so the gate spans several sites."""
MARGIN = 0.01
"""Room for parser differences across lxml/libxml2 builds; the model itself is deterministic."""


def pick(shared: Path, names: list[str]) -> dict[str, list[str]]:
    chosen = {}
    for name in names:
        ids = [p.id for p in Dataset(shared / "datasets" / name) if has_labels(p)]
        ids.sort(key=lambda i: hashlib.sha1(i.encode()).hexdigest())
        chosen[name] = sorted(ids[:PAGES_PER_SET])
    return chosen


def pick_sites(shared: Path, names: list[str]) -> dict[str, list[str]]:
    """Sites of each set, the largest first (ties by sha1 of the site), up to
    TEMPLATE_SITE_PAGES pages each, so every page of the sample has siblings for the
    site-template pass."""
    chosen = {}
    for name in names:
        by_site: dict[str, list[str]] = {}
        for page in Dataset(shared / "datasets" / name):
            if has_labels(page):
                by_site.setdefault(site_of(page), []).append(page.id)
        order = sorted(by_site, key=lambda s: (-len(by_site[s]),
                                               hashlib.sha1(s.encode()).hexdigest()))
        ids: list[str] = []
        for site in order:
            if len(ids) >= TEMPLATE_PAGES:
                break
            members = sorted(by_site[site], key=lambda i: hashlib.sha1(i.encode()).hexdigest())
            ids.extend(members[:TEMPLATE_SITE_PAGES])
        chosen[name] = sorted(ids)
    return chosen


def template_scores(shared: Path, pages: dict[str, list[str]], extractor: Extractor
                    ) -> dict[str, float]:
    """F1 of the extractor on each set's template-gate pages read as one batch."""
    config = replace(DEFAULT_CONFIG, site_templates=True)
    scores = {}
    for name, ids in pages.items():
        wanted = set(ids)
        batch = featurize_pages((p for p in Dataset(shared / "datasets" / name)
                                 if p.id in wanted), name, config)
        results = score_pageset(extractor.model, batch, config=config)
        scores[name] = summarize([r.score for r in results], samples=0).f1
    return scores


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
    extractor = Extractor.load(args.model)
    pages = {**pick(args.shared, [n for n in SETS if n not in gate["pages"]]), **gate["pages"]}
    tables = [("", pages, gate["floors"], gate_scores(args.shared, pages, extractor))]
    kept = gate.get("templates", {"floors": {}, "pages": {}})
    site_pages = {**pick_sites(args.shared, [n for n in TEMPLATE_SETS if n not in kept["pages"]]),
                  **kept["pages"]}
    tables.append((" (site templates)", site_pages, kept["floors"],
                   template_scores(args.shared, site_pages, extractor)))
    written = []
    print("| set | pages | F1 | floor |\n|---|---|---|---|")
    for label, chosen, committed, scores in tables:
        floors = dict(committed)
        for name, f1 in scores.items():
            proposed = int((f1 - MARGIN) * 1000) / 1000
            if args.write and proposed > floors.get(name, 0.0):
                floors[name] = proposed
            floor = floors.get(name)
            below = " **below**" if floor is not None and f1 < floor else ""
            print(f"| {name}{label} | {len(chosen[name])} | {f1:.4f} | "
                  f"{floor if floor else '-'}{below} |")
        written.append({"floors": floors, "pages": chosen})
    if args.write:
        GATE.write_text(json.dumps({**written[0], "templates": written[1]}, indent=1) + "\n")
    elif set(pages) - set(gate["pages"]) or set(site_pages) - set(kept["pages"]):
        print("new sets were sampled; --write commits their pages and floors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
