"""Leave-one-dataset-out: train on all other datasets, test on the one left out, beside peers.

Usage: python bench/lodo.py [--shared ../shared] [--cache DIR] [--jobs 2]
                            [--peers trafilatura,readability] [--sets wcxb daniel ...]
                            [--without SET,...] [--extra SET,...] [--page-cut] [--no-region]
                            [--no-gap] [--no-listing] [--no-fill] [--no-feed] [--sections]
                            [--drop-comments]
                            [--reuse-models]
                            [--learned-cut] [--no-learned-cut]
                            [--page-weight-power P] [--max-features F] [--no-lexicon]
                            [--sweep]

For each held-out set, a model is trained (with `boilerplate.train.fit`, threshold chosen on
held-out *training* sites, never on the test set) on every other set, then scored on the
held-out set with the token metric. Peers run on the same pages. Featurized sets and peer
scores are cached in --cache, keyed by package version, feature list and PAGESET_LAYOUT, so
reruns are quick (the key does not cover parsing code: clear the cache after changing how
pages are parsed or segmented). Each fold's model is kept there too; --reuse-models scores
those instead of fitting again (fitting is seeded, so it would give the same models), for
example to compare the fixed threshold with --page-cut.
--without leaves sets out of every fold's training (for example trafilatura-eval, to compare
with folds trained on full-text gold only); --extra adds sets to every fold's training that
are never held out (for example extractor-test-fixtures' silver pages); fold models are named
by their training sets. --learned-cut gives every fold model a learned page cut
(`train.fit_cut_model`); with --reuse-models it fits only that on a kept fold model, on the
same held-out sites `fit` would use, which equals a full refit because fitting is seeded.
--no-lexicon fits the folds without the lexicon columns (`train --no-lexicon`); fold models
with a lexicon are cached under their own names.
Prints a Markdown table (token F1 ± bootstrap std, precision, recall) and, for wcxb,
daniel and trafilatura-eval, the breakdown by page type and by language. --sweep also
scores every fold at each threshold of SWEEP: the threshold chosen on held-out training
sites moves by 0.05-0.15 between near-identical fits, so a change that moves the whole
curve is told apart from one that only moved the chosen point. trafilatura-eval has
snippet gold only: it trains on the blocks its snippets label, and its row scores snippets
(`metrics.score_snippets`), not token shingles.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import resource
import sys
import time
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np

from boilerplate import __version__
from boilerplate.config import (
    DEFAULT_CONFIG,
    FEED_LINK_DENSITY,
    FILL_FLOOR,
    GAP_FLOOR,
    LISTING_FLOOR,
    PAGE_CUT_FLOOR,
    REGION_FLOOR,
    REGION_SECTIONS,
    Config,
)
from boilerplate.datasets import Dataset
from boilerplate.errors import BoilerplateWarning
from boilerplate.evaluate import OVERALL, PageResult, gap_report, report, score_pageset
from boilerplate.features import feature_names
from boilerplate.labels import UNLABELED
from boilerplate.metrics import BlockCounts
from boilerplate.peers import peer, run_safely
from boilerplate.train import (
    HOLDOUT_SHARE,
    PARTIAL_GOLD_KINDS,
    SNIPPET_GOLD,
    HyperParams,
    PageSet,
    concat,
    fit,
    fit_cut_model,
    load_pageset,
    split_by_site,
    subset,
    with_lexicon,
)

HERE = Path(__file__).resolve().parent
SETS = ["wcxb", "dragnet", "cleaneval", "l3s-gn1", "googletrends-2017", "daniel", "cwced-train",
        "trafilatura-eval"]


def log(msg: str) -> None:
    print(f"[lodo {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


SWEEP = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
"""Thresholds --sweep scores each fold at."""

PAGESET_LAYOUT = "trees12"
"""Bumped when PageSet gains a field or pages parse differently, so cached sets are rebuilt
(models are not)."""


def cache_key() -> str:
    """Names cached sets and fold models: the package version and the feature columns."""
    names = ",".join(feature_names())
    return hashlib.sha256(f"{__version__}|{names}".encode()).hexdigest()[:12]


def add_decision_flags(ap: argparse.ArgumentParser) -> None:
    """--page-cut, --no-region, --no-gap, --no-listing, --no-fill, --no-feed, --sections and
    --drop-comments: the extractor's decision passes (per-page cut, section regions and
    comment pass opt-in; main region, gap, listing, fill and feed passes on by default)."""
    ap.add_argument("--page-cut", action="store_true",
                    help=f"let each page lower its cut down to {PAGE_CUT_FLOOR} (model.page_cut)")
    ap.add_argument("--no-region", action="store_true",
                    help="turn off the main-region pass (model.region_pass), on by default")
    ap.add_argument("--no-gap", action="store_true",
                    help="turn off the gap pass (model.gap_pass), on by default")
    ap.add_argument("--no-listing", action="store_true",
                    help="turn off the listing pass (model.listing_pass), on by default")
    ap.add_argument("--no-fill", action="store_true",
                    help="turn off the fill pass (model.fill_pass), on by default")
    ap.add_argument("--no-feed", action="store_true",
                    help="turn off the feed pass (model.feed_pass), on by default")
    ap.add_argument("--drop-comments", action="store_true",
                    help="drop comment containers beside a sure article (model.comment_pass), "
                         "off by default")
    ap.add_argument("--sections", action="store_true",
                    help="widen a manual's main region over its sections "
                         "(model.section_regions), off by default")
    ap.add_argument("--no-learned-cut", action="store_true",
                    help="keep the model's threshold on every page (Model.cut_model unused)")
    ap.add_argument("--site-templates", action="store_true",
                    help="drop blocks recurring on other pages of their site in the held-out "
                         "set (Config.site_templates)")


def decision_config(args: argparse.Namespace) -> Config:
    return replace(DEFAULT_CONFIG, page_cut_floor=PAGE_CUT_FLOOR if args.page_cut else None,
                   region_floor=None if args.no_region else REGION_FLOOR,
                   gap_floor=None if args.no_gap else GAP_FLOOR,
                   listing_floor=None if args.no_listing else LISTING_FLOOR,
                   fill_floor=None if args.no_fill else FILL_FLOOR,
                   feed_link_density=None if args.no_feed else FEED_LINK_DENSITY,
                   region_sections=REGION_SECTIONS if args.sections else None,
                   comment_trim=args.drop_comments,
                   cut_margin=None if args.no_learned_cut else DEFAULT_CONFIG.cut_margin,
                   site_templates=args.site_templates)


def decision_name(args: argparse.Namespace) -> str:
    passes = [f"per-page cut down to {PAGE_CUT_FLOOR}"] if args.page_cut else []
    passes += [] if args.no_region else [f"main region down to {REGION_FLOOR}"]
    passes += [] if args.no_gap else [f"gaps between kept blocks down to {GAP_FLOOR}"]
    passes += [] if args.no_listing else [f"a listing's records down to {LISTING_FLOOR}"]
    passes += [] if args.no_fill else [f"an unsure page's main region down to {FILL_FLOOR}"]
    passes += [] if args.no_feed else ["a sure article's feed dropped"]
    passes += ["a manual's sections as one region"] if args.sections else []
    passes += ["comments beside a sure article dropped"] if args.drop_comments else []
    passes += [] if args.no_learned_cut else ["learned page cut where the model has one"]
    passes += ["site templates"] if args.site_templates else []
    return " and ".join(passes) or "fixed threshold"


def pool_key(pool: list[str]) -> str:
    """Short name of a fold's training sets."""
    return hashlib.sha256(",".join(sorted(pool)).encode()).hexdigest()[:8]


def load_set(shared: Path, name: str, cache: Path, jobs: int) -> PageSet:
    path = cache / f"{name}-{cache_key()}-{PAGESET_LAYOUT}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    log(f"featurizing {name}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BoilerplateWarning)
        pages, _ = load_pageset(str(shared / "datasets" / name), jobs=jobs, progress=log,
                                require_gold=False)
    path.write_bytes(pickle.dumps(pages, protocol=pickle.HIGHEST_PROTOCOL))
    return pages


def peer_results(shared: Path, name: str, peer_name: str, cache: Path) -> list[PageResult]:
    path = cache / f"peer-{peer_name}-{name}.pkl"
    if path.exists():
        return pickle.loads(path.read_bytes())
    log(f"running {peer_name} on {name}")
    run = peer(peer_name)
    results = []
    for page in Dataset(shared / "datasets" / name):
        text = run_safely(run, page.html, page.lang)
        results.append(PageResult(name, page.id, page.lang, page.meta,
                                  page.score(text), BlockCounts()))
    path.write_bytes(pickle.dumps(results))
    return results


def with_gold(pages: PageSet) -> PageSet:
    """The pages that can teach labels: full-text gold, or snippets that labelled a block."""

    def teaches(i: int) -> bool:
        kind = pages.meta[i].get("gold_kind")
        if kind == SNIPPET_GOLD:
            return bool((pages.y[pages.rows(i)] != UNLABELED).any())
        return pages.gold[i] is not None and kind not in PARTIAL_GOLD_KINDS

    return subset(pages, np.array([i for i in range(pages.n_pages) if teaches(i)],
                                  dtype=np.int64))


def cell(row: dict | None) -> str:
    return f"{row['f1']:.3f} ± {row['f1_std']:.3f}" if row else "-"


def lead(mine: list[PageResult], theirs: dict[str, list[PageResult]]) -> tuple[float, str]:
    """Our F1 less the best peer's on the same pages, and the cell showing it with the paired
    bootstrap deviation (`evaluate.gap_report`), which says whether the lead is real."""
    if not theirs:
        return 0.0, "-"
    gaps = {name: gap_report(mine, results, digits=None)[OVERALL]
            for name, results in theirs.items()}
    best = gaps[min(gaps, key=lambda name: gaps[name]["f1_gap"])]  # the best peer: least lead
    return best["f1_gap"], f"{best['f1_gap']:+.3f} ± {best['f1_gap_std']:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--peers", default="trafilatura,readability")
    ap.add_argument("--sets", nargs="+", default=SETS)
    ap.add_argument("--without", default="",
                    help="comma-separated sets left out of every fold's training")
    ap.add_argument("--extra", default="",
                    help="comma-separated sets added to every fold's training, never held out")
    ap.add_argument("--max-iter", type=int, default=HyperParams().max_iter)
    ap.add_argument("--page-weight-power", type=float,
                    default=HyperParams().page_weight_power,
                    help="divide block weights by their page's weight to this power")
    ap.add_argument("--max-features", type=float, default=HyperParams().max_features,
                    help="share of the columns each split may choose from")
    ap.add_argument("--no-lexicon", action="store_true",
                    help="fit without the lexicon columns (train --no-lexicon)")
    ap.add_argument("--learned-cut", action="store_true",
                    help="give every fold model a learned page cut (train --learned-cut); "
                         "with --reuse-models, fit only the cut model of a kept fold model")
    ap.add_argument("--smoothing", action="store_true",
                    help="also try the neighbour-smoothing pass (off, like the default model)")
    add_decision_flags(ap)
    ap.add_argument("--sweep", action="store_true",
                    help="also print each fold's F1 at every threshold of SWEEP")
    ap.add_argument("--reuse-models", action="store_true",
                    help="score the fold models kept in --cache instead of fitting them again")
    args = ap.parse_args(argv)
    without = {n for n in args.without.split(",") if n}
    if without - set(SETS):
        ap.error(f"--without names no training set: {', '.join(sorted(without - set(SETS)))}")
    extra = [n for n in args.extra.split(",") if n]
    if not set(extra).isdisjoint(SETS):
        ap.error(f"--extra names a held-out set: {', '.join(sorted(set(extra) & set(SETS)))}")
    missing = [n for n in extra if not (args.shared / "datasets" / n).is_dir()]
    if missing:
        ap.error(f"--extra: no such dataset under {args.shared / 'datasets'}: "
                 f"{', '.join(missing)}")
    if not 0 < args.max_features <= 1:
        ap.error(f"--max-features must be in (0, 1], not {args.max_features}")
    config = decision_config(args)
    args.cache.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    sets = {name: load_set(args.shared, name, args.cache, args.jobs)
            for name in dict.fromkeys(SETS + list(args.sets) + extra)}
    peers = [p for p in args.peers.split(",") if p]
    peer_res = {(p, n): peer_results(args.shared, n, p, args.cache)
                for p in peers for n in args.sets}
    params = HyperParams(max_iter=args.max_iter, smoothing=args.smoothing, refit=False,
                         learned_cut=args.learned_cut, lexicon=not args.no_lexicon,
                         page_weight_power=args.page_weight_power,
                         max_features=args.max_features)
    ours: dict[str, list[PageResult]] = {}
    swept: dict[str, tuple[float, list[float]]] = {}
    for held in args.sets:
        pool = [n for n in SETS if n != held and n not in without] + extra
        # Named by its training sets and settings, so --reuse-models never scores another's fit.
        power = params.page_weight_power
        stem = (f"model-{held}-{cache_key()}-{pool_key(pool)}-iter{params.max_iter}"
                f"{'-smooth' if params.smoothing else ''}"
                f"{f'-pw{power:g}' if power else ''}"
                f"{f'-mf{params.max_features:g}' if params.max_features < 1 else ''}"
                f"{'-lex' if params.lexicon else ''}")
        kept = args.cache / f"{stem}{'-cut' if params.learned_cut else ''}.pkl"
        before_cut = args.cache / f"{stem}.pkl"
        t0 = time.monotonic()
        if args.reuse_models and (kept.exists() or before_cut.exists()):
            model = pickle.loads((kept if kept.exists() else before_cut).read_bytes())
            if params.learned_cut and getattr(model, "cut_model", None) is None:
                # A fold model from before the learned cut: fit only its cut model, on the
                # same held-out sites and first-pass model (fitting is seeded) as `fit`.
                log(f"{held}: fitting the learned page cut of a kept fold model")
                train = concat([with_gold(sets[n]) for n in pool])
                held_pages = with_lexicon(subset(train, split_by_site(train, HOLDOUT_SHARE)[1]),
                                          getattr(model, "lexicon", None))
                # replace() so the model derives its direct tree path for the cut model too
                model = replace(model, cut_model=fit_cut_model(
                    held_pages, model.predict_rows(held_pages.X, held_pages.page_starts),
                    model.threshold))
                kept.write_bytes(pickle.dumps(model))
        else:
            train = concat([with_gold(sets[n]) for n in pool])
            model, _ = fit(train, params, progress=log)
            kept.write_bytes(pickle.dumps(model))
        test = with_lexicon(sets[held], getattr(model, "lexicon", None))
        proba = model.predict_rows(test.X, test.page_starts)
        ours[held] = score_pageset(model, test, config=config, proba=proba)
        if args.sweep:
            swept[held] = (model.threshold, [
                report(score_pageset(model, test, t, config, proba))["overall"]["f1"]
                for t in SWEEP])
        log(f"{held}: model ready in {time.monotonic() - t0:.0f}s, threshold "
            f"{model.threshold}, F1 {report(ours[held])['overall']['f1']:.4f}")

    def zh(results: list[PageResult]) -> list[PageResult]:
        return [r for r in results if r.lang == "zh"]

    rows = [(n, ours[n], {p: peer_res[(p, n)] for p in peers}) for n in args.sets]
    if "daniel" in args.sets:
        rows.append(("daniel (zh only)", zh(ours["daniel"]),
                     {p: zh(peer_res[(p, "daniel")]) for p in peers}))
    header = ["held-out set", "pages", "boilerplate F1", "P", "R"] + [f"{p} F1" for p in peers]
    header.append("Δ vs best peer")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    deltas = []
    for name, mine, theirs in rows:
        m = report(mine)["overall"]
        peer_rows = {p: report(r)["overall"] for p, r in theirs.items()}
        delta, shown = lead(mine, theirs)
        deltas.append(delta)
        print(f"| {name} | {m['pages']} | {cell(m)} | {m['precision']:.3f} | {m['recall']:.3f} | "
              + " | ".join(cell(peer_rows[p]) for p in peers) + f" | {shown} |")
    print(f"\nmean Δ vs best peer: {np.mean(deltas):+.3f}")
    for name, key, label in (("wcxb", "page_type", "page type"), ("daniel", "lang", "language"),
                             ("trafilatura-eval", "lang", "language")):
        if name not in args.sets:
            continue
        print(f"\n{name} by {label}:\n")
        print("| group | pages | boilerplate F1 | " + " | ".join(f"{p} F1" for p in peers)
              + " | Δ vs best peer |")
        print("|" + "---|" * (4 + len(peers)))

        def group(r: PageResult, key=key) -> str:
            return str(r.meta.get(key, "?")) if key != "lang" else str(r.lang)

        mine = report(ours[name], group)
        theirs = {p: report(peer_res[(p, name)], group) for p in peers}
        for g, row in mine.items():
            members = [r for r in ours[name] if g == OVERALL or group(r) == g]
            shown = lead(members, {p: peer_res[(p, name)] for p in peers})[1]
            print(f"| {g} | {row['pages']} | {cell(row)} | "
                  + " | ".join(cell(theirs[p].get(g)) for p in peers) + f" | {shown} |")
    if swept:
        print("\nF1 at each threshold (own: the threshold the fold chose):\n")
        print("| held-out set | own | " + " | ".join(f"{t:g}" for t in SWEEP) + " | mean |")
        print("|" + "---|" * (len(SWEEP) + 3))
        for name, (own, f1s) in swept.items():
            print(f"| {name} | {own:g} | " + " | ".join(f"{f:.4f}" for f in f1s)
                  + f" | {np.mean(f1s):.4f} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n{time.monotonic() - started:.0f}s in all, peak memory {peak:.0f} MB; "
          f"max_iter={params.max_iter}; page weight power {params.page_weight_power:g}; "
          f"max_features={params.max_features:g}; threshold and smoothing chosen on held-out "
          "training sites; each fold's model is the one fitted on its training share (no refit); "
          + decision_name(args) + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
