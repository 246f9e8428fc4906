"""The annotate loop, scripted: label N pages of the site the default model does worst on,
retrain with them, and compare F1 on that site's other pages before and after.

Usage: python bench/annotate_loop.py [--shared ../shared] [--label 10] [--min-pages 20]

Candidate sites are hosts with at least --min-pages pages in daniel and cleanportaleval
(daniel ids carry the host when the URL is missing). The default model is scored on each;
the worst site's first N pages (by id) are labelled through `annotate`'s own session and
save code, with every block set as the gold text says (what a careful person would click),
and saved as labels/pages.jsonl.gz. A model is then trained the way the default model is
(wcxb + cwced-train, from bench/lodo.py's feature cache) plus those labels, and both models
are scored on the site's remaining pages.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import warnings
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from lodo import load_set, with_gold

from boilerplate.annotate import open_session
from boilerplate.blocks import segment
from boilerplate.datasets import Dataset
from boilerplate.errors import BoilerplateWarning
from boilerplate.extract import Extractor
from boilerplate.labels import labels_from_text
from boilerplate.metrics import score_page, summarize
from boilerplate.parse import parse
from boilerplate.sources import Page
from boilerplate.train import HyperParams, concat, featurize_pages, fit

HERE = Path(__file__).resolve().parent
SOURCES = ("daniel", "cleanportaleval")
DEFAULT_SETS = ("wcxb", "cwced-train")
DANIEL_HOST_RE = re.compile(r"^daniel-\d+_([^_]+)_")


def host_of(page) -> str:
    host = urlsplit(page.url or "").hostname or ""
    if not host:
        match = DANIEL_HOST_RE.match(page.id)
        host = match.group(1) if match else ""
    return host.removeprefix("www.")


def f1(extractor: Extractor, pages) -> float:
    return summarize([score_page(p.text or "", extractor.extract(p.html, where=p.id))
                      for p in pages], samples=0).f1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--label", type=int, default=10)
    ap.add_argument("--min-pages", type=int, default=20)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore", BoilerplateWarning)
    started = time.monotonic()
    sites = defaultdict(list)
    for name in SOURCES:
        for page in Dataset(args.shared / "datasets" / name):
            if page.text and host_of(page):
                sites[(name, host_of(page))].append(page)
    sites = {k: sorted(v, key=lambda p: p.id) for k, v in sites.items()
             if len(v) >= args.min_pages}
    default = Extractor.load()
    scores = {k: f1(default, v) for k, v in sites.items()}
    print("| dataset | site | pages | default model F1 |\n|---|---|---|---|")
    for (name, host), score in sorted(scores.items(), key=lambda kv: kv[1]):
        print(f"| {name} | {host} | {len(sites[(name, host)])} | {score:.4f} |")
    worst = min(scores, key=scores.get)
    pages = sites[worst]
    labeled, held = pages[:args.label], pages[args.label:]

    with tempfile.TemporaryDirectory() as tmp:
        session = open_session([Page(p.id, p.html, p.url) for p in labeled], tmp, default)
        gold = {p.id: p.text for p in labeled}
        for annotated in session.pages:  # the clicks: each block as the gold text says
            blocks = segment(parse(annotated.html))
            annotated.labels = [bool(x) for x in labels_from_text(blocks,
                                                                  gold[annotated.id]).labels]
            annotated.reviewed = True
        session.save()
        mine = featurize_pages(Dataset(tmp), "labels")
    base = [with_gold(load_set(args.shared, n, args.cache, args.jobs)) for n in DEFAULT_SETS]
    model, report = fit(concat([*base, mine]), HyperParams())
    after = Extractor(model)
    before_f1, after_f1 = f1(default, held), f1(after, held)
    print(f"\nworst site: {worst[1]} ({worst[0]}); labelled {len(labeled)} pages through "
          f"annotate's saved-labels format, scored on its other {len(held)} pages")
    print("\n| model | F1 on the site's other pages |\n|---|---|")
    print(f"| default (wcxb + cwced-train) | {before_f1:.4f} |")
    print(f"| retrained with the {len(labeled)} labelled pages | {after_f1:.4f} |")
    print(f"\nthreshold {report['threshold']}; {time.monotonic() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
